from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from studynotes.htmltext import element_html, pieces, section_html, sections_html, tags

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


_HEADING = st.builds(
    lambda level, name: f'<h{level} id="{name}">{name}</h{level}>',
    st.integers(1, 6),
    st.sampled_from(["a", "b", "c", "d-e", "f&amp;g"]),
)
_PIECE = st.one_of(
    _HEADING,
    st.sampled_from(["<p>t</p>", "<br>", "text", '<p id="^b">x</p>', "<hr/>", "</div>"]),
)
_DOCUMENT = st.recursive(
    st.lists(_PIECE, max_size=8).map("".join),
    lambda inner: st.builds(
        lambda a, b, c: f'{a}<div class="callout">{b}</div>{c}', inner, inner, inner
    ),
    max_leaves=6,
)


@given(_DOCUMENT)
def test_all_sections_read_at_once_are_each_section_read_alone(html: str) -> None:
    """A preview cuts many sections of one note from one reading: each must be the section
    that reading it alone gives."""
    every = sections_html(html)
    for name in ["a", "b", "c", "d-e", "f&amp;g", "zzz"]:
        assert every.get(name) == section_html(html, name), name


def test_element_is_cut_out_whole() -> None:
    assert element_html(HTML, "^blk") == '<p id="^blk">b1 <em>x</em></p>'
    assert element_html(HTML, "nope") is None


_MESSY = st.lists(
    st.sampled_from(
        [
            "<p>", "</p>", "<P>", "<br>", "<br/>", "<img src=x>", "<div/>", "<H2 id=\"a\">",
            "</h2>", "text", "a < b", "<!-- <p> -->", "<<b>", "< i>", "</ em>", "<!doctype>",
            "<b", ">", "</", "<x-y>", "</x-y>", "&lt;",
        ]
    ),
    max_size=14,
).map("".join)  # fmt: skip


@given(_MESSY)
def test_tags_are_the_tag_pieces_whatever_the_text_holds(html: str) -> None:
    """``tags`` skips the text when it may: what it finds is what ``pieces`` reads."""
    expected = [
        (p.start, p.text, p.tag, p.closing, p.depth)
        for p in pieces(html)
        if p.tag is not None and p.tag != "!"
    ]
    found = [(m.start(), m.group(0), tag, closing, depth) for m, tag, closing, depth in tags(html)]
    assert found == expected
