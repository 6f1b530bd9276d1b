"""Whatever a note's author writes in a query fence, the reader gets results or a clear
error: parsing and running never raise anything else."""

from __future__ import annotations

import contextlib

from hypothesis import given, settings
from hypothesis import strategies as st

from studynotes.dataview.errors import QueryError
from studynotes.dataview.evaluate import run_query
from studynotes.dataview.pages import Table
from studynotes.dataview.parser import parse_query
from studynotes.dataview.render import query_html

_WORDS = st.sampled_from(
    [
        "LIST", "TABLE", "TASK", "FROM", "WHERE", "SORT", "GROUP", "BY", "FLATTEN", "LIMIT",
        "AS", "WITHOUT", "ID", "ASC", "DESC", "AND", "OR", "-", "!", "#math", '"Courses"',
        "[[Matrices]]", "outgoing(", "(", ")", "[", "]", ",", ".", "=", "!=", "<", ">=", "+",
        "*", "/", "%", "1", "2.5", "status", "file", "name", "rows", "key", "this",
        "contains(", "length(", "date(", "dur(", "default(", "choice(", "round(", "join(",
        "regexmatch(", "link(", '"x"', "null", "true", "file.tasks", "difficulty",
    ]
)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=80))
def test_any_text_parses_or_fails_with_a_query_error(text: str) -> None:
    try:
        parse_query(text)
    except QueryError as exc:
        assert exc.message


@settings(max_examples=300, deadline=None)
@given(st.lists(_WORDS, max_size=14).map(" ".join))
def test_any_query_of_real_words_runs_or_shows_an_error(table: Table, text: str) -> None:
    with contextlib.suppress(QueryError):
        run_query(parse_query(text), table, "Topics/Matrices.md")
    html = query_html(text, table, "Topics/Matrices.md")
    assert html.startswith("<")
