"""Obsidian ``%%comments%%``: hidden inline and as blocks, literal inside code."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from markdown_it import MarkdownIt
from markdown_it.token import Token
from markdown_it.utils import read_fixture_file

from studynotes.markdown.comments import comments_plugin

CASES = read_fixture_file(Path(__file__).parent / "fixtures" / "comments.md")


@pytest.fixture
def md(make_md: Callable[[Callable[[MarkdownIt], None]], MarkdownIt]) -> MarkdownIt:
    return make_md(comments_plugin)


def _walk(tokens: list[Token]) -> Iterator[Token]:
    for token in tokens:
        yield token
        yield from _walk(token.children or [])


@pytest.mark.parametrize(("line", "title", "source", "expected"), CASES, ids=[c[1] for c in CASES])
def test_comment_fixture_renders_as_expected(
    md: MarkdownIt, line: int, title: str, source: str, expected: str
) -> None:
    assert md.render(source) == expected


def test_comments_leave_no_tokens_or_text_behind(md: MarkdownIt) -> None:
    source = "A %%secret one%% b\n%% secret two %%\n\n%%\nsecret three\n%%\n\n# H %%secret four%%\n"
    tokens = list(_walk(md.parse(source)))

    assert not [t for t in tokens if t.type == "comment"]
    assert not [t for t in tokens if "secret" in t.content]


def test_unterminated_block_comment_hides_to_the_end_of_the_note(md: MarkdownIt) -> None:
    assert md.render("Shown\n\n%% start\n\n# Gone\n\n- gone\n") == "<p>Shown</p>\n"


def test_unterminated_inline_comment_is_literal_text(md: MarkdownIt) -> None:
    assert md.render("a %% b\n") == "<p>a %% b</p>\n"
