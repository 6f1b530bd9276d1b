from __future__ import annotations

from studynotes.htmltext import element_html, section_html

HTML = (
    '<h1 id="a">A</h1><p>a1</p><h2 id="b">B</h2><p id="^blk">b1 <em>x</em></p>'
    '<div class="callout"><h3 id="inner">I</h3></div><h2 id="c">C</h2><p>c1</p>'
    '<h1 id="d">D</h1><p>d1</p>'
)


def test_section_runs_to_the_next_heading_of_its_level() -> None:
    assert section_html(HTML, "b") == (
        '<h2 id="b">B</h2><p id="^blk">b1 <em>x</em></p>'
        '<div class="callout"><h3 id="inner">I</h3></div>'
    )
    assert section_html(HTML, "a").endswith("<p>c1</p>")
    assert section_html(HTML, "d") == '<h1 id="d">D</h1><p>d1</p>'


def test_unknown_section_is_none() -> None:
    assert section_html(HTML, "zzz") is None


def test_element_is_cut_out_whole() -> None:
    assert element_html(HTML, "^blk") == '<p id="^blk">b1 <em>x</em></p>'
    assert element_html(HTML, "nope") is None
