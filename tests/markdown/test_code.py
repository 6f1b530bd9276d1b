"""Fenced code: Pygments highlighting, mermaid kept as source, and the theme stylesheet."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from markdown_it import MarkdownIt
from markdown_it.utils import read_fixture_file

from studynotes.markdown.code import code_plugin, highlight_code, pygments_css

CASES = read_fixture_file(Path(__file__).parent / "fixtures" / "code.md")


@pytest.fixture
def md(make_md: Callable[[Callable[[MarkdownIt], None]], MarkdownIt]) -> MarkdownIt:
    return make_md(code_plugin)


@pytest.mark.parametrize(("line", "title", "source", "expected"), CASES, ids=[c[1] for c in CASES])
def test_code_fixture_renders_as_expected(
    md: MarkdownIt, line: int, title: str, source: str, expected: str
) -> None:
    assert md.render(source) == expected


def test_python_fence_is_highlighted_with_pygments_classes(md: MarkdownIt) -> None:
    html = md.render('```python\ndef f(x):\n    return x < "a"\n```\n')

    assert html.startswith('<pre class="highlight"><code class="language-python">')
    assert html.endswith("</code></pre>\n")
    assert '<span class="k">def</span>' in html
    assert '<span class="nf">f</span>' in html
    assert '<span class="o">&lt;</span>' in html


def test_language_alias_is_highlighted(md: MarkdownIt) -> None:
    assert '<span class="kn">import</span>' in md.render("```py\nimport os\n```\n")


def test_highlight_code_works_as_the_markdown_it_highlight_option() -> None:
    md = MarkdownIt("commonmark", {"highlight": highlight_code})

    assert md.render("```python\npass\n```\n") == (
        '<pre class="highlight"><code class="language-python">'
        '<span class="k">pass</span>\n</code></pre>\n'
    )


@pytest.mark.parametrize("lang", ["", "nosuchlang", "a b", "\x00", "python3 {.x}", "..."])
def test_highlight_code_never_raises(lang: str) -> None:
    html = highlight_code("<x> & y\n", lang, "")

    assert html.startswith('<pre class="highlight"><code')
    assert "<x>" not in html


def test_code_plugin_keeps_an_existing_highlighter() -> None:
    def shout(code: str, lang: str, attrs: str) -> str:
        return code.upper()

    md = MarkdownIt("commonmark", {"highlight": shout}).use(code_plugin)

    assert md.render("```python\npass\n```\n") == (
        '<pre><code class="language-python">PASS\n</code></pre>\n'
    )


def test_pygments_css_scopes_light_and_dark_rules_under_highlight() -> None:
    css = pygments_css("default")
    rules = [line.strip() for line in css.splitlines() if "{" in line and not line.startswith("@")]

    assert rules
    assert all(".highlight" in rule for rule in rules)
    assert ".highlight .k {" in css
    assert "@media (prefers-color-scheme: dark)" in css
    assert ':root[data-theme="dark"] .highlight .k {' in css


def test_pygments_css_without_dark_style_has_only_light_rules() -> None:
    css = pygments_css("default", dark_style=None)

    assert ".highlight .k {" in css
    assert "dark" not in css
