"""``$...$`` / ``$$...$$`` math typeset to MathML on the server."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import pytest
from markdown_it import MarkdownIt
from markdown_it.utils import read_fixture_file

from studynotes.markdown import make_parser
from studynotes.markdown.math import math_plugin, render_latex
from studynotes.sanitize import sanitize

FIXTURES = Path(__file__).parent / "fixtures"
CASES = read_fixture_file(FIXTURES / "math.md")
NOTE_CASES = read_fixture_file(FIXTURES / "math_in_notes.md")


@pytest.fixture
def md(make_md: Callable[[Callable[[MarkdownIt], None]], MarkdownIt]) -> MarkdownIt:
    return make_md(math_plugin)


@pytest.mark.parametrize(("line", "title", "source", "expected"), CASES, ids=[c[1] for c in CASES])
def test_math_fixture_renders_as_expected(
    md: MarkdownIt, line: int, title: str, source: str, expected: str
) -> None:
    assert md.render(source) == expected


@pytest.mark.parametrize(
    ("line", "title", "source", "expected"), NOTE_CASES, ids=[c[1] for c in NOTE_CASES]
)
def test_display_math_in_callouts_and_lists_renders_as_obsidian_shows_it(
    line: int, title: str, source: str, expected: str
) -> None:
    assert make_parser().render(source) == expected


# Each `$$` line starts a scan for its closing line; the scan stops at the next `$$`, so a
# note of many openers, closers or both is parsed in linear time.
DOLLAR_SHAPES = {
    "openers with text": "$$a\n",
    "bare dollar lines": "$$\n",
    "a text line then math with a dash line": "a\n$$\n- b\n",
    "an opener in each list item": "- a\n  $$\n",
    "openers in a quote": "> $$\n> - a\n",
    "closers that open again": "$$b $$\n",
    "math opened in a paragraph over dash lines": "t $$\n- a\n",
    "math opened in paragraphs over blank lines": "t $$\n\nu\n\n",
}


@pytest.mark.parametrize("unit", DOLLAR_SHAPES.values(), ids=DOLLAR_SHAPES.keys())
def test_many_dollar_lines_parse_in_linear_time(unit: str) -> None:
    md = make_parser()

    def seconds(text: str) -> float:  # the best of three: other processes share the cores
        best = float("inf")
        for _ in range(3):
            start = time.perf_counter()
            md.parse(text)
            best = min(best, time.perf_counter() - start)
        return best

    small, large = seconds(unit * 1_000), seconds(unit * 4_000)
    assert large < 8 * small + 0.1, (small, large)


def test_a_paragraph_that_opens_display_math_at_a_line_end_keeps_it() -> None:
    """``such that $$`` / formula / ``$$Then, ... $$`` / formula / ``$$exists``: each line
    that starts with ``$$`` closes the math opened above and may open more, as in Obsidian."""
    source = (
        ">[!thm]\nLet $f$ be such that $$\n\\int |f| < \\infty\n$$Then, the integral $$\n"
        "I = \\int f\n$$exists.\n"
    )
    html = make_parser().render(source)
    assert "$$" not in html
    assert html.count('class="math math-display"') == 2
    assert "Then, the integral" in html and "exists." in html
    assert "<mi>T</mi><mi>h</mi>" not in html  # the words are text, not a formula


def test_a_line_inside_display_math_opened_mid_paragraph_is_never_a_list() -> None:
    source = "Therefore $$k=\\begin{cases} a \\\\\n- b & c\\end{cases}$$These cases show it.\n"
    html = make_parser().render(source)
    assert "<ul>" not in html and "$$" not in html
    assert html.count('class="math math-display"') == 1 and "These cases show it." in html


@pytest.mark.parametrize(
    "latex", ["{", r"\sqrt", r"\left(", "a^", "a_", r"\begin{matrix}", r"\frac", "}{"]
)
def test_broken_formula_renders_its_source_and_never_raises(latex: str) -> None:
    html = render_latex(latex, "inline")

    assert html.startswith('<code class="math-error" title="Cannot render formula (')
    assert html.endswith(">" + latex.replace("&", "&amp;").replace("<", "&lt;") + "</code>")


def test_formula_error_title_is_escaped() -> None:
    html = render_latex(r'\begin{matrix} "<x>"', "block")

    assert 'title="Cannot render formula (' in html
    assert "<x>" not in html


def test_repeated_formula_is_converted_once() -> None:
    latex = r"\sum_{i=1}^{n} i^{37}"
    render_latex(latex, "block")
    hits = render_latex.cache_info().hits

    render_latex(latex, "block")

    assert render_latex.cache_info().hits == hits + 1


def test_display_flag_reaches_mathml() -> None:
    assert 'display="block"' in render_latex("x", "block")
    assert 'display="inline"' in render_latex("x", "inline")


def test_align_rows_carry_no_equation_numbers_as_in_obsidian() -> None:
    """Obsidian's MathJax numbers no equations; ``align`` rows showed (1), (2)."""
    html = render_latex(r"\begin{align} a &= b \\ c &= d \end{align}", "block")
    assert "<mtable" in html and "math-error" not in html
    assert "(1)" not in html and "mlabeledtr" not in html


def test_coloured_math_keeps_its_colour_through_sanitising() -> None:
    """``\\textcolor{orange}{...}`` in a derivation: the browser paints MathML's mathcolor."""
    html = sanitize(make_parser().render("$\\textcolor{orange}{x} + y$\n"))
    assert 'mathcolor="orange"' in html
    hostile = sanitize('<math><mi mathcolor="red" onclick="alert(1)">a</mi></math>')
    assert 'mathcolor="red"' in hostile and "onclick" not in hostile
