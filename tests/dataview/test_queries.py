"""What each kind of query shows over a small vault: sources, filters, order, groups."""

from __future__ import annotations

import pytest

from studynotes.dataview.errors import QueryError
from studynotes.dataview.evaluate import Result, run_query
from studynotes.dataview.pages import Table
from studynotes.dataview.parser import parse_query
from studynotes.dataview.render import query_html
from studynotes.dataview.values import Link, plain


def run(table: Table, query: str, this: str = "Inbox/2024-05-01.md") -> Result:
    return run_query(parse_query(query), table, this)


def names(result: Result) -> list[str]:
    return [plain(ident) for ident, _ in result.rows]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        # FROM: a tag takes its sub-tags; a folder its whole subtree; combined freely.
        ("LIST FROM #math", ["Eigenvalues", "Linear Algebra", "Matrices", "Statistics"]),
        ("LIST FROM #math/stats", ["Statistics"]),
        ('LIST FROM "Courses"', ["Linear Algebra", "Statistics"]),
        ('LIST FROM "Courses/Statistics"', ["Statistics"]),
        ('LIST FROM #course AND -"Archive"', ["Linear Algebra", "Statistics"]),
        (
            'LIST FROM #course OR "Inbox"',
            ["2024-05-01", "Old Course", "Linear Algebra", "Statistics"],
        ),
        ("LIST FROM -#math AND -#course", ["2024-05-01"]),
        (
            'LIST FROM (#math OR #course) AND -"Topics"',
            ["Old Course", "Linear Algebra", "Statistics"],
        ),
        # A link: the notes linking to it; outgoing(): the notes it links to.
        ("LIST FROM [[Matrices]]", ["Linear Algebra", "Statistics"]),
        ("LIST FROM outgoing([[Linear Algebra]])", ["Eigenvalues", "Matrices"]),
        ("LIST FROM [[LinAlg]]", ["Eigenvalues"]),  # by alias
        ("LIST FROM [[Nowhere]]", []),
        # WHERE reads properties and inline fields alike, whatever their case.
        ('LIST WHERE status = "done"', ["Statistics", "Matrices"]),
        ("LIST WHERE difficulty >= 4", ["Linear Algebra", "Eigenvalues"]),
        ("LIST WHERE grade AND grade < 2", ["Statistics"]),
        # Null orders before every value, so a missing field is "less than" a number.
        ("LIST WHERE difficulty < 2", ["2024-05-01", "Old Course", "Matrices"]),
        ("LIST WHERE exam", ["Linear Algebra"]),
        ("LIST WHERE !status", ["2024-05-01"]),
        ('LIST WHERE contains(file.tags, "#math") AND difficulty < 3', ["Statistics", "Matrices"]),
        ('LIST WHERE regexmatch("\\\\d{4}-.*", file.name)', ["2024-05-01"]),
        ("LIST WHERE file.day", ["2024-05-01"]),
        ("LIST WHERE length(file.tasks) > 1", ["Linear Algebra"]),
        ("LIST WHERE contains(file.outlinks, [[Matrices]])", ["Linear Algebra", "Statistics"]),
        # SORT and LIMIT.
        (
            "LIST WHERE difficulty SORT difficulty DESC",
            ["Eigenvalues", "Linear Algebra", "Statistics", "Matrices"],
        ),
        (
            "LIST WHERE difficulty SORT status ASC, difficulty DESC LIMIT 3",
            ["Linear Algebra", "Statistics", "Matrices"],
        ),
        ("LIST SORT file.name DESC LIMIT 2", ["Statistics", "Old Course"]),
    ],
)
def test_list_shows_the_notes_the_query_selects(
    table: Table, query: str, expected: list[str]
) -> None:
    result = run(table, query)
    if "SORT" in query:
        assert names(result) == expected
    else:
        assert sorted(names(result)) == sorted(expected)


def test_table_columns_take_their_as_names_and_show_field_values(table: Table) -> None:
    result = run(table, 'TABLE status AS "State", difficulty FROM "Courses" SORT file.name')
    assert result.headers == ["File", "State", "difficulty"]
    assert [values for _, values in result.rows] == [["active", 4], ["done", 2]]


def test_table_without_id_has_no_file_column(table: Table) -> None:
    result = run(table, 'TABLE WITHOUT ID file.name, upper(status) FROM "Courses"')
    assert result.headers == ["file.name", "upper(status)"]
    html = query_html('TABLE WITHOUT ID file.name FROM "Courses"', table, "x.md")
    assert "<th" in html and ">File" not in html


def test_implicit_file_fields(table: Table) -> None:
    result = run(
        table,
        "TABLE file.folder, file.path, file.size, file.etags, file.tags, file.aliases, "
        "file.inlinks, file.ext FROM [[Linear Algebra]] OR #course/none",
    )
    (ident, values), *_ = result.rows
    assert ident == Link("Topics/Eigenvalues.md", "Eigenvalues")
    folder, path, size, etags, tags, aliases, inlinks, ext = values
    assert (folder, path, ext) == ("Topics", "Topics/Eigenvalues.md", "md")
    assert size > 0 and etags == ["#math"] and tags == ["#math"] and aliases == []
    assert inlinks == [Link("Courses/Linear Algebra.md", "Linear Algebra")]
    lin = run(
        table,
        "TABLE file.tags, file.aliases, file.mtime, file.ctime, file.mday, file.cday "
        'FROM "Courses"',
    )
    tags, aliases, mtime, ctime, mday, cday = lin.rows[0][1]
    assert tags == ["#course", "#math"] and aliases == ["LinAlg"]
    assert mtime.year == 2023 and ctime == mtime
    assert mday == cday == mtime.replace(hour=0, minute=0, second=0) and mday <= mtime
    on_or_after = run(table, "LIST WHERE file.mday <= file.mtime AND file.cday <= file.ctime")
    assert len(on_or_after.rows) == len(run(table, "LIST").rows) > 0


def test_inline_field_values_are_typed(table: Table) -> None:
    ((_, (exam, effort, grade)),) = run(
        table,
        'TABLE exam, dur(effort), grade WHERE file.folder = "Courses" AND (exam OR grade)'
        " SORT file.name LIMIT 1",
    ).rows
    assert plain(exam) == "June 10, 2024" and effort is None and grade is None
    ((_, (effort, grade)),) = run(table, "TABLE dur(effort), round(grade) WHERE grade").rows
    assert plain(effort) == "3 hours" and grade == 1


def test_functions(table: Table) -> None:
    query = (
        'TABLE WITHOUT ID default(grade, 0), choice(difficulty > 3, "hard", "easy"), '
        'lower("ABC"), join(["a", "b"], " & "), length("four"), link("Matrices", "M"), '
        'date("2024-01-02") + dur("1 day"), regexmatch("a.c", "abc"), round(2.567, 2) '
        'FROM "Courses/Linear Algebra"'
    )
    ((_, values),) = run(table, query).rows
    assert values[:5] == [0, "hard", "abc", "a & b", 4]
    assert values[5] == Link("Topics/Matrices.md", "Matrices", "M")
    assert plain(values[6]) == "January 3, 2024"
    assert values[7:] == [True, 2.57]


def test_group_by_gives_a_key_and_the_rows(table: Table) -> None:
    result = run(
        table, "TABLE length(rows) AS n, rows.file.name WHERE status GROUP BY status SORT key"
    )
    assert result.grouped and result.headers == ["Group", "n", "rows.file.name"]
    assert [(k, v[0]) for k, v in result.rows] == [
        ("active", 1),
        ("done", 2),
        ("dropped", 1),
        ("learning", 1),
    ]
    assert sorted(result.rows[1][1][1]) == ["Matrices", "Statistics"]


def test_flatten_gives_a_row_per_item(table: Table) -> None:
    result = run(table, 'TABLE tag FROM "Courses" FLATTEN file.etags AS tag SORT tag')
    assert [v[0] for _, v in result.rows] == ["#course", "#course", "#math", "#math/stats"]


def test_task_lists_tasks_under_their_notes(table: Table) -> None:
    result = run(table, "TASK WHERE !completed")
    owners = {plain(owner): [t["text"] for t in tasks] for owner, tasks in result.tasks}
    assert owners == {"Linear Algebra": ["revise chapter 3"], "Statistics": ["read the errata"]}
    html = query_html('TASK FROM "Inbox"', table, "x.md")
    assert 'checked="checked"' in html and "shopping" in html


def test_this_is_the_page_holding_the_query(table: Table) -> None:
    result = run(table, "LIST WHERE file.name = this.file.name", this="Topics/Matrices.md")
    assert names(result) == ["Matrices"]


def test_results_render_links_to_note_pages(table: Table) -> None:
    html = query_html("TABLE status FROM #math/stats", table, "x.md")
    assert '<a class="internal-link" href="/notes/courses/statistics"' in html
    assert "<td>done</td>" in html


def test_values_are_escaped_in_results(table: Table) -> None:
    html = query_html('LIST "<script>alert(1)</script>" LIMIT 1', table, "x.md")
    assert "<script>" not in html and "&lt;script&gt;" in html


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("LIST WHERE", "expected a value"),
        ("SELECT * FROM notes", "starts with LIST, TABLE or TASK"),
        ("LIST FROM #a WHERE x FROM #b", "FROM comes once"),
        ("LIST WHERE nosuch(1)", "no function named 'nosuch'"),
        ("LIST WHERE length(1, 2)", "takes 1 arguments"),
        ('LIST WHERE regexmatch("(", file.name)', "not a valid pattern"),
        ('LIST WHERE file.size - "a"', "cannot compute number - text"),
        ("TABLE x AS", "expected a column name"),
        ("LIST LIMIT many", "whole number"),
    ],
)
def test_a_query_that_cannot_run_shows_why_in_place(table: Table, query: str, message: str) -> None:
    html = query_html(query, table, "x.md")
    assert "dataview-error" in html and message in html.replace("&#x27;", "'")
    assert query.split()[0] in html  # the query itself is shown under the message


def test_errors_say_where(table: Table) -> None:
    with pytest.raises(QueryError, match=r"line 2, column 7"):
        parse_query("LIST\nWHERE )")


def test_date_today_is_a_date(table: Table) -> None:
    query = 'TABLE WITHOUT ID date(today), date(today) = date("today") LIMIT 1'
    ((_, (today, same)),) = run(table, query).rows
    assert today.hour == 0 and same is True
