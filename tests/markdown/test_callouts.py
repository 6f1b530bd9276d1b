"""Obsidian callouts: types, aliases, titles, folding, nesting and the token stream."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from markdown_it import MarkdownIt
from markdown_it.utils import read_fixture_file

from studynotes.markdown.callouts import CALLOUT_TYPES, callouts_plugin
from studynotes.markdown.code import code_plugin
from studynotes.markdown.comments import comments_plugin
from studynotes.markdown.indented_lists import indented_lists_plugin
from studynotes.markdown.math import math_plugin

CASES = read_fixture_file(Path(__file__).parent / "fixtures" / "callouts.md")

# Obsidian's documented types: canonical name first, then its aliases.
OBSIDIAN_TYPES = {
    "note": [],
    "abstract": ["summary", "tldr"],
    "info": [],
    "todo": [],
    "tip": ["hint", "important"],
    "success": ["check", "done"],
    "question": ["help", "faq"],
    "warning": ["caution", "attention"],
    "failure": ["fail", "missing"],
    "danger": ["error"],
    "bug": [],
    "example": [],
    "quote": ["cite"],
}
TYPE_PAIRS = [
    (name, canonical)
    for canonical, aliases in OBSIDIAN_TYPES.items()
    for name in [canonical, *aliases]
]


@pytest.fixture
def md(make_md: Callable[[Callable[[MarkdownIt], None]], MarkdownIt]) -> MarkdownIt:
    return make_md(callouts_plugin)


@pytest.mark.parametrize(("line", "title", "source", "expected"), CASES, ids=[c[1] for c in CASES])
def test_callout_fixture_renders_as_expected(
    md: MarkdownIt, line: int, title: str, source: str, expected: str
) -> None:
    assert md.render(source) == expected


def test_callout_types_map_every_obsidian_alias_to_its_canonical_type() -> None:
    assert dict(TYPE_PAIRS) == CALLOUT_TYPES


@pytest.mark.parametrize(("name", "canonical"), TYPE_PAIRS)
def test_every_callout_type_and_alias_is_styled_as_its_canonical_type(
    md: MarkdownIt, name: str, canonical: str
) -> None:
    html = md.render(f"> [!{name}]\n> Body.\n")

    assert f'data-callout="{canonical}" data-callout-type="{name}"' in html
    assert f'<span class="callout-title-inner">{name.capitalize()}</span>' in html


@pytest.mark.parametrize("written", ["TIP", "Tip", "tIp"])
def test_callout_type_is_case_insensitive(md: MarkdownIt, written: str) -> None:
    html = md.render(f"> [!{written}]\n> Body.\n")

    assert 'data-callout="tip" data-callout-type="tip"' in html
    assert '<span class="callout-title-inner">Tip</span>' in html


def test_unknown_callout_type_renders_as_note(md: MarkdownIt) -> None:
    html = md.render("> [!notes] Apps\n")

    assert html.startswith('<div class="callout" data-callout="note" data-callout-type="notes">')


def test_callout_tokens_replace_the_blockquote_tokens(md: MarkdownIt) -> None:
    tokens = md.parse("> [!tip]- Title\n> Body.\n")

    assert [t.type for t in tokens] == [
        "callout_open",
        "callout_title_open",
        "inline",
        "callout_title_close",
        "callout_content_open",
        "paragraph_open",
        "inline",
        "paragraph_close",
        "callout_content_close",
        "callout_close",
    ]
    assert [t.level for t in tokens] == [0, 1, 2, 1, 1, 2, 3, 2, 1, 0]


def test_callout_tokens_keep_source_line_maps(md: MarkdownIt) -> None:
    tokens = md.parse("Intro\n\n> [!note] Title\n> line one\n> line two\n\nAfter\n")
    by_type = {t.type: t for t in tokens if t.map is not None}

    assert by_type["callout_open"].map == [2, 5]
    assert by_type["callout_title_open"].map == [2, 3]
    assert by_type["callout_content_open"].map == [3, 5]
    body = next(t for t in tokens if t.type == "inline" and t.content.startswith("line one"))
    assert body.map == [3, 5]


def test_callout_meta_records_type_fold_and_title(md: MarkdownIt) -> None:
    opener = md.parse("> [!FAQ|wide]+ Why **this**?\n")[0]

    assert opener.meta == {
        "type": "faq",
        "canonical": "question",
        "fold": "+",
        "title": "Why **this**?",
        "metadata": "wide",
    }


def test_callout_title_is_parsed_by_the_inline_rules(md: MarkdownIt) -> None:
    title = md.parse("> [!tip] A **bold** title\n")[2]

    assert title.type == "inline"
    assert [child.type for child in title.children or []] == [
        "text",
        "strong_open",
        "text",
        "strong_close",
        "text",
    ]


def test_callout_attributes_only_carry_safe_characters(md: MarkdownIt) -> None:
    opener = md.parse('> [!a"b<c>D_e-9]\n')[0]

    assert opener.attrGet("data-callout-type") == "abcde-9"


def test_callout_body_works_with_the_other_obsidian_plugins() -> None:
    md = (
        MarkdownIt("commonmark", {"breaks": True, "html": True})
        .use(comments_plugin)
        .use(indented_lists_plugin)
        .use(callouts_plugin)
        .use(math_plugin)
        .use(code_plugin)
    )
    source = (
        "> [!example] Area $x^2$ %%draft%%\n"
        "> **Cases**\n"
        "> \t- small\n"
        "> ```mermaid\n"
        "> A-->B\n"
        "> ```\n"
    )
    html = md.render(source)

    assert '<span class="callout-title-inner">Area <span class="math math-inline"><math' in html
    assert "draft" not in html
    assert "<p><strong>Cases</strong></p>\n<ul>\n<li>small</li>\n</ul>" in html
    assert '<pre class="mermaid">A--&gt;B\n</pre>\n</div>\n</div>' in html
