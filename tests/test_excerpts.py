from __future__ import annotations

from hypothesis import example, given
from hypothesis import strategies as st

from studynotes import excerpts as reading
from studynotes.excerpts import excerpt, excerpts, visible_text
from studynotes.htmltext import TOKEN


def test_excerpt_stays_in_the_block_that_holds_the_place() -> None:
    html = "<p>Before.</p><ul><li>One <code>x&lt;y</code> here<ul><li>sub</li></ul></li></ul>"
    assert excerpt(html, html.index("here")) == "One <code>x&lt;y</code> here sub"


def test_excerpt_cuts_between_words_and_closes_what_it_cut_into() -> None:
    html = "<p>" + "word " * 60 + "<strong>bold " + "x " * 40 + "MID " + "y " * 40 + "</strong></p>"
    cut = excerpt(html, html.index("MID"), width=60)
    assert cut.startswith("…<strong>") and cut.endswith("</strong>…")
    assert "MID" in cut and " x" in cut and "wor…" not in cut


def test_excerpt_keeps_a_formula_whole_or_leaves_it_out() -> None:
    formula = "<math><mi>a</mi><mo>+</mo><mi>b</mi></math>"
    html = f"<p>{'z ' * 50}{formula} near {'z ' * 50}</p>"
    assert formula in excerpt(html, html.index("near"), width=40)
    far = excerpt(html, html.rindex("z"), width=20)
    assert "<math" not in far and "</mi>" not in far


def test_excerpt_of_broken_html_leaves_out_scripts_and_closes_tags() -> None:
    html = "<p>a <script>alert(1)</script><b>b <i>c</b> d <img src=x onerror=alert(1)> e"
    assert excerpt(html, html.index("d")) == "a <b>b <i>c</i></b> d e"


def test_excerpt_shows_glossary_marks_and_vault_links_as_words() -> None:
    html = (
        '<p>A <span class="term" data-term="t" tabindex="0">term</span> and '
        '<a class="internal-link" href="/notes/x" data-slug="x">x</a> and '
        '<img class="embed-image" src="/files/p.png" alt="p.png"></p>'
    )
    assert excerpt(html, 4) == (
        'A term and <span class="ref-link">x</span> and <span class="ref-embed">p.png</span>'
    )


def test_excerpt_of_a_long_note_reads_only_near_the_place() -> None:
    html = "<p>" + "x " * 20_000 + "</p><p>hello <b>world</b> there</p><p>" + "y " * 20_000
    assert excerpt(html, html.index("world")) == "hello <b>world</b> there"


def test_excerpts_of_one_paragraph_each_hold_their_place() -> None:
    html = "<p>" + " ".join(f"w{i}" for i in range(300)) + "</p>"
    words = ["w0", "w150", "w299"]
    places = [
        html.index(f"{word}<") if word == "w299" else html.index(f"{word} ") for word in words
    ]
    for word, cut in zip(words, excerpts(html, places, width=40), strict=True):
        assert f" {word} " in f" {cut.strip('…')} "


def test_visible_text_collapses_space_and_separates_blocks() -> None:
    assert visible_text("<p>a\n  <em>b</em></p><p>c&amp;d</p>") == "a b c&d"


def test_an_excerpt_of_a_paragraph_that_began_before_the_stretch_read_says_it_goes_on() -> None:
    """Links carry long addresses, so the stretch read before a place may hold only a few
    words of a long paragraph: the excerpt must still mark that the paragraph goes on."""
    link = '<a class="internal-link" href="/notes/{0}" data-slug="{0}">w{1}</a> '
    words = "".join(link.format("x" * 90, i) for i in range(60))
    html = f"<p>{words}HERE tail</p><p>Next.</p>"
    cut = excerpt(html, html.index("HERE"))
    assert cut.startswith("…") and "HERE" in cut and "w0<" not in cut
    assert excerpt("<p>short HERE</p>", 9) == "short HERE"  # a whole paragraph: no mark


# Markup an excerpt must get right whatever surrounds it: blocks nested and unclosed, stray
# end tags, inline elements (some around a block), formulas, elements left out, pictures.
_BIT = st.sampled_from(
    [
        "<p>",
        "</p>",
        "<div>",
        "</div>",
        "<li>",
        "</li>",
        "<ul>",
        "</ul>",
        "<div/>",
        "<em>",
        "</em>",
        "<b>",
        "</b>",
        '<a class="internal-link" href="/n/x">',
        "</a>",
        '<span class="term">',
        "</span>",
        "<br>",
        "<hr>",
        "<mark>",
        "</mark>",
        "<math><mi>x</mi><mo>&lt;</mo></math>",
        "<math><mrow><mi>y",
        "<svg><p>hidden</p></svg>",
        '<sup class="footnote-ref">1</sup>',
        '<img alt="pic.png" src="p">',
        "<img src=q>",
        "<script>x<p>y</script>",
        "<!-- <p> -->",
        "word ",
        "two words ",
        " spaced  out ",
        "&amp; more",
        "long " * 12,
        "x" * 40,
    ]
)
_MESSY = st.lists(_BIT, min_size=1, max_size=40).map("".join)


@given(_MESSY, st.integers(0, 10_000), st.sampled_from([12, 40, 240]))
@example("<p>ab</p>", 1, 240)  # a place at the first character of a block
@example("<p>one <em></em></p>two", 2, 240)  # past the block's last text: the next text's
def test_an_excerpt_read_from_its_block_alone_is_the_one_read_from_the_stretch(
    html: str, pick: int, width: int
) -> None:
    """An excerpt reads only the block that holds its place, when it can: it must be the
    excerpt that reading the whole stretch near the place gives, for any markup."""
    starts = [m.start() for m in TOKEN.finditer(html)]  # in text, or at a tag
    at = starts[pick % len(starts)]
    start, end = reading._stretch(html, at, width)
    whole = reading._one_excerpt(html, start, at, end, width, whole=True)
    assert excerpt(html, at, width) == whole
