"""Queries over the stored index (``SqlTable``: FROM and the leading steps as SQL) give what
the reference evaluator gives over the same notes in memory, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, select
from tests.conftest import NewDatabase
from tests.dataview.conftest import NOTES

from studynotes.config import Settings
from studynotes.dataview import sql
from studynotes.dataview.evaluate import Result, run_query
from studynotes.dataview.pages import FileRef, Table, build_table
from studynotes.dataview.parser import parse_query
from studynotes.dataview.render import query_html
from studynotes.dataview.sqltable import SqlTable, load_directory
from studynotes.db.models import Link, Note
from studynotes.db.session import open_database
from studynotes.ingest.parse import ParsedNote
from studynotes.ingest.pipeline import index_vault
from studynotes.paths import VaultPath

MORE = {
    "Topics/Vectors.md": (
        '---\ntags: [math/linear]\nstatus: Done\ndifficulty: 3.5\nparent: "[[Matrices]]"\n'
        "related: [a, b]\nreviewed: 2024-06-02\n---\nSee [[Matrices]] and [[Matrices]] again "
        "and [[Linear Algebra]].\n\n- [ ] draw arrows [due:: 2024-07-01]\n"
    ),
    "Topics/Empty.md": "---\nstatus: ''\ndifficulty: true\nrelated: []\n---\nnothing\n",
    "Topics/Ünïcode.md": "status:: Ärger\ndifficulty:: -2\nreviewed:: 2023-12-31\n",
    # Comma-separated literals are lists; a key written twice (or as a property and inline)
    # holds every value; plain text with commas stays one text.
    "Topics/Proofs.md": (
        "---\nsource: book\nmy key: 7\nreviewed: 2024-03-01\nparent: '[[Vectors]]'\n---\n"
        "related:: [[Matrices]], [[Vectors]]\ntopics:: #algebra, #geometry\n"
        "scores:: 1, 2, 3\nwords:: one, two, three\nsource:: [[Matrices]]\n"
        'Also [related:: [[Eigenvalues]]] and [pair:: "x, y", "z"].\n'
    ),
    "Topics/Lemma.md": "related:: [[Proofs]]\nscores:: 4\nwords:: two\n",
}

QUERIES = [
    "LIST FROM #math",
    "LIST FROM #math/stats",
    "LIST FROM #MATH/Linear",
    'LIST FROM "Courses"',
    'LIST FROM "Courses/Statistics"',
    'LIST FROM #course AND -"Archive"',
    'LIST FROM #course OR "Inbox"',
    "LIST FROM -#math AND -#course",
    'LIST FROM (#math OR #course) AND -"Topics"',
    "LIST FROM [[Matrices]]",
    "LIST FROM outgoing([[Linear Algebra]])",
    "LIST FROM outgoing([[Vectors]])",
    "LIST FROM [[LinAlg]]",
    "LIST FROM [[Nowhere]]",
    'LIST WHERE status = "done"',
    'LIST WHERE status != "done"',
    'LIST WHERE status = "Done"',
    'LIST WHERE parent = "matrices"',
    'LIST WHERE parent = "Topics/Matrices.md"',
    "LIST WHERE difficulty >= 4",
    "LIST WHERE difficulty > 3",
    "LIST WHERE difficulty <= 1",
    "LIST WHERE grade AND grade < 2",
    "LIST WHERE difficulty < 2",
    "LIST WHERE difficulty = true",
    "LIST WHERE difficulty = null",
    "LIST WHERE difficulty != null",
    'LIST WHERE status < "e"',
    'LIST WHERE status >= "learning"',
    "LIST WHERE related",
    "LIST WHERE !related",
    "LIST WHERE related > 3",
    'LIST WHERE contains(status, "o")',
    'LIST WHERE contains(related, "a")',
    'LIST WHERE contains(parent, "Matrices")',
    "LIST WHERE exam",
    "LIST WHERE !status",
    "LIST WHERE status OR difficulty",
    'LIST WHERE contains(file.tags, "#math") AND difficulty < 3',
    'LIST WHERE regexmatch("\\\\d{4}-.*", file.name)',
    "LIST WHERE file.day",
    'LIST WHERE file.folder = "Topics" AND file.size > 10',
    'LIST WHERE contains(file.name, "a")',
    'LIST WHERE contains(file.path, "Topics/")',
    'LIST WHERE reviewed > date("2024-01-01")',
    'LIST WHERE reviewed < date("2024-01-01") + dur("1 day")',
    'LIST WHERE reviewed > dur("1 day")',
    "LIST WHERE length(file.tasks) > 1",
    "LIST WHERE contains(file.outlinks, [[Matrices]])",
    "LIST WHERE difficulty SORT difficulty DESC",
    "LIST WHERE difficulty SORT status ASC, difficulty DESC LIMIT 3",
    "LIST SORT file.name DESC LIMIT 2",
    "LIST SORT status",
    "LIST SORT related",
    "LIST SORT reviewed DESC, file.path",
    "LIST SORT difficulty LIMIT 4 SORT file.name DESC",
    "LIST WHERE difficulty SORT file.folder WHERE status LIMIT 2",
    'TABLE status AS "State", difficulty FROM "Courses" SORT file.name',
    'TABLE WITHOUT ID file.name, upper(status) FROM "Courses"',
    "TABLE file.folder, file.path, file.size, file.etags, file.tags, file.aliases, "
    "file.inlinks, file.outlinks, file.ext, file.day FROM [[Linear Algebra]] OR #course/none",
    'TABLE file.tags, file.aliases, file.ctime FROM "Courses"',
    'TABLE file.cday, file.mday FROM "Courses" SORT file.mday DESC, file.name',
    "LIST WHERE file.cday <= file.ctime AND file.mday <= file.mtime SORT file.name",
    "TABLE file FROM #math/stats",
    "TABLE parent.status, parent.file.name WHERE parent",
    "TABLE length(rows) AS n, rows.file.name WHERE status GROUP BY status SORT key",
    "TABLE length(rows) AS Notes GROUP BY status",
    'TABLE tag FROM "Courses" FLATTEN file.etags AS tag SORT tag',
    "TASK WHERE !completed",
    'TASK FROM "Inbox"',
    "TASK WHERE completed LIMIT 1",
    "TASK WHERE !completed AND status SORT text LIMIT 2",
    "TASK GROUP BY file.folder",
    "LIST WHERE file.name = this.file.name",
    "LIST length(file.outlinks) SORT length(file.outlinks) DESC LIMIT 3",
    "LIST length(file.inlinks) SORT length(file.inlinks) DESC, file.name LIMIT 4",
    "LIST WHERE length(file.inlinks) >= 2 AND length(file.outlinks) < 3",
    "TABLE length(file.outlinks) WHERE !length(file.inlinks) SORT length(file.outlinks)",
    'LIST WHERE file.size - "a"',
    "LIST WHERE nosuch(1)",
    'LIST WHERE status = "done" AND nosuch(1)',
    "TABLE rating WHERE rating SORT rating DESC, file.name LIMIT 15",
    "LIST WHERE contains(related, [[Matrices]])",
    "LIST WHERE contains(related, [[Eigenvalues]])",
    'LIST WHERE contains(related, "Proofs")',
    'LIST WHERE contains(topics, "#geometry")',
    'LIST WHERE contains(words, "two")',
    "LIST WHERE contains(scores, 2)",
    "TABLE length(related), length(scores), length(words), pair WHERE related OR scores",
    "TABLE r FLATTEN related AS r WHERE r SORT file.name",
    "TABLE s FLATTEN scores AS s WHERE s > 1 SORT s DESC",
    "LIST WHERE scores SORT scores DESC",
    "LIST WHERE related SORT related",
    "TABLE source WHERE source",
    'TABLE file.frontmatter.source, file.frontmatter["my key"] WHERE file.frontmatter.source',
    'LIST WHERE file.frontmatter.reviewed = "2024-06-02"',
    'LIST WHERE file.frontmatter.parent = "[[Vectors]]"',
    "LIST WHERE length(file.frontmatter) > 2 SORT file.name",
    'LIST WHERE status = "done" AND file.frontmatter.status',
    "TABLE file.frontmatter FROM #math/linear OR [[Vectors]]",
]


def _reference(engine: Engine) -> Table:
    """The in-memory table of the indexed notes, from their stored parses and links."""
    with engine.connect() as conn:
        notes = conn.execute(
            select(
                Note.id,
                Note.path,
                Note.slug,
                Note.parsed,
                Note.mtime_ns,
                Note.size,
                Note.frontmatter,
            )
        ).all()
        by_id = {row.id: row.path for row in notes}
        targets: dict[int, list[str | None]] = {}
        for source, target in conn.execute(
            select(Link.source_id, Link.target_id).order_by(Link.source_id, Link.position)
        ):
            targets.setdefault(source, []).append(by_id.get(target) if target else None)
    rows = [
        (VaultPath(r.path), ParsedNote.from_parts(r.parsed, frontmatter=r.frontmatter),
         targets.get(r.id, []),
         r.mtime_ns, r.size)
        for r in sorted(notes, key=lambda r: r.path)
    ]  # fmt: skip
    return build_table(rows, {r.path: r.slug for r in notes})


@pytest.fixture(scope="module")
def indexed(
    tmp_path_factory: pytest.TempPathFactory, session_database: NewDatabase
) -> Iterator[tuple[Engine, Table]]:
    vault = tmp_path_factory.mktemp("vault")
    for path, text in {**NOTES, **MORE}.items():
        (vault / path).parent.mkdir(parents=True, exist_ok=True)
        (vault / path).write_text(text, encoding="utf-8")
    engine = open_database(session_database("dataview_sql"))
    index_vault(Settings(vault=vault), engine)
    yield engine, _reference(engine)
    engine.dispose()


@pytest.mark.parametrize("query", QUERIES)
def test_sql_table_gives_what_the_reference_gives(
    indexed: tuple[Engine, Table], query: str
) -> None:
    engine, reference = indexed
    this = "Topics/Matrices.md"
    with engine.connect() as conn:
        table = SqlTable(conn, load_directory(conn))
        assert query_html(query, table, this) == query_html(query, reference, this)
        try:
            expected = run_query(parse_query(query), reference, this)
        except Exception as exc:  # the same error, raised the same way
            with pytest.raises(type(exc)):
                run_query(parse_query(query), SqlTable(conn, load_directory(conn)), this)
            return
        assert _plain(run_query(parse_query(query), table, this)) == _plain(expected)


# Words for queries over the fields written as lists (and beside them, single values).
_LIST_WORDS = st.sampled_from(
    [
        "related", "scores", "words", "topics", "source", "pair", "status", "difficulty",
        "file.name", "file.etags", "length(related)", "length(scores)", "[[Matrices]]",
        "[[Eigenvalues]]", '"two"', '"#algebra"', '"Matrices"', "2", "null",
        "file.frontmatter.source", 'file.frontmatter["my key"]', "file.frontmatter",
    ]
)  # fmt: skip
_STEPS = st.sampled_from(
    [
        "WHERE contains({a}, {b})", "WHERE {a} = {b}", "WHERE {a} != {b}", "WHERE {a} > {b}",
        "WHERE !{a}", "WHERE {a}", "SORT {a}", "SORT {a} DESC", "FLATTEN {a} AS x",
        "FLATTEN {a}", "GROUP BY {a}", "LIMIT 3",
    ]
)  # fmt: skip


@st.composite
def _list_queries(draw: st.DrawFn) -> str:
    head = draw(st.sampled_from(["LIST", "TABLE related, scores", "TABLE length(words)"]))
    steps = draw(st.lists(st.tuples(_STEPS, _LIST_WORDS, _LIST_WORDS), max_size=3))
    return " ".join([head, *(step.format(a=a, b=b) for step, a, b in steps)])


@settings(max_examples=60, deadline=None)
@given(query=_list_queries())
def test_queries_over_fields_holding_lists_give_the_same_rows_over_sql(
    indexed: tuple[Engine, Table], query: str
) -> None:
    engine, reference = indexed
    this = "Topics/Proofs.md"
    with engine.connect() as conn:
        table = SqlTable(conn, load_directory(conn))
        assert query_html(query, table, this) == query_html(query, reference, this)


def _plain(result: Result) -> Any:
    """A result with each ``file`` value as its fields (a page's loading state aside)."""

    def value(v: Any) -> Any:
        if isinstance(v, FileRef):
            return v.page.file()
        return [value(x) for x in v] if isinstance(v, list) else v

    rows = [(ident, [value(v) for v in values]) for ident, values in result.rows]
    return (result.kind, result.headers, rows, result.grouped, result.tasks)


def test_bench_queries_run_as_sql(indexed: tuple[Engine, Table]) -> None:
    """The dashboard's kinds of query leave Python nothing but the columns."""
    engine, _ = indexed
    pushed = [
        'TABLE status, difficulty FROM #review WHERE status != "done" SORT difficulty DESC '
        "LIMIT 20",
        'LIST FROM #exam AND -"Notes" LIMIT 20',
        "TABLE difficulty, last-reviewed WHERE difficulty >= 4 SORT last-reviewed DESC LIMIT 25",
        'LIST WHERE contains(file.name, "Attention") LIMIT 10',
        "TABLE WITHOUT ID file.link AS Note, probe AS Probe WHERE probe",
        "TASK WHERE !completed LIMIT 10",
        'TABLE date(last-reviewed) AS R WHERE last-reviewed > date("2024-06-01") LIMIT 20',
        "LIST length(file.outlinks) SORT length(file.outlinks) DESC LIMIT 10",
    ]
    with engine.connect() as conn:
        table = SqlTable(conn, load_directory(conn))
        for query in pushed:
            start = table.begin(parse_query(query))
            assert start.steps == [], query
    assert sql.NoPush  # the fallback exists, for everything else


def test_a_vault_without_fields_still_answers(tmp_path: Path, new_database: NewDatabase) -> None:
    (tmp_path / "a.md").write_text("plain\n", encoding="utf-8")
    engine = open_database(new_database("plain"))
    try:
        index_vault(Settings(vault=tmp_path), engine)
        with engine.connect() as conn:
            html = query_html("LIST WHERE x SORT y", SqlTable(conn, load_directory(conn)), "a.md")
        assert "No results" in html
    finally:
        engine.dispose()
