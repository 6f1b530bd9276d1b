"""Tab-indented lists under a paragraph line render as lists, as in Obsidian."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from markdown_it import MarkdownIt
from markdown_it.utils import read_fixture_file

from studynotes.markdown.indented_lists import indented_lists_plugin

CASES = read_fixture_file(Path(__file__).parent / "fixtures" / "indented_lists.md")


@pytest.fixture
def md(make_md: Callable[[Callable[[MarkdownIt], None]], MarkdownIt]) -> MarkdownIt:
    return make_md(indented_lists_plugin)


@pytest.mark.parametrize(("line", "title", "source", "expected"), CASES, ids=[c[1] for c in CASES])
def test_indented_list_fixture_renders_as_expected(
    md: MarkdownIt, line: int, title: str, source: str, expected: str
) -> None:
    assert md.render(source) == expected


def test_plain_commonmark_would_fold_the_list_into_the_paragraph(md: MarkdownIt) -> None:
    source = "**Examples**\n\t- FLAN\n"
    plain = MarkdownIt("commonmark", {"breaks": True})

    assert "<ul>" not in plain.render(source)
    assert "<ul>" in md.render(source)


def test_indented_list_tokens_keep_source_line_maps(md: MarkdownIt) -> None:
    tokens = md.parse("Intro\nmore\n\t- a\n\t- b\n")

    assert tokens[0].type == "paragraph_open"
    assert tokens[0].map == [0, 2]
    assert tokens[3].type == "bullet_list_open"
    assert tokens[3].map == [2, 4]
