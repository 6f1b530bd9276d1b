from __future__ import annotations

import re

from hypothesis import example, given
from hypothesis import strategies as st

from studynotes.glossary.marks import MarkTerm, TermMatcher, used_terms

TERMS = [
    MarkTerm("bleu", ["BLEU", "Bilingual Evaluation Understudy"], "Metrics.md", 3),
    MarkTerm("em", ["Exact Match", "EM"], "Metrics.md", 5),
    MarkTerm("prompt", ["Prompt"], "Prompting.md", 1),
    MarkTerm("prompt-engineering", ["Prompt Engineering"], "Prompting.md", 2),
    MarkTerm("attention", ["注意力机制"], "CJK.md", 1),
]
MATCHER = TermMatcher.build(TERMS)


def marked(html: str, *, note: str = "Other.md", mode: str = "all") -> list[tuple[str, str]]:
    out = MATCHER.mark(html, note_path=note, mode=mode)  # type: ignore[arg-type]
    return re.findall(r'<span class="term" data-term="([^"]+)" tabindex="0">([^<]+)</span>', out)


def test_longest_match_wins() -> None:
    assert marked("<p>Prompt engineering beats a prompt.</p>") == [
        ("prompt-engineering", "Prompt engineering"),
        ("prompt", "prompt"),
    ]


def test_acronyms_match_only_in_capitals() -> None:
    assert marked("<p>BLEU and bleu; EM scores but them and em</p>") == [
        ("bleu", "BLEU"),
        ("em", "EM"),
    ]


def test_whole_words_and_simple_plurals() -> None:
    assert marked("<p>prompts, promptly, reprompt, Prompt.</p>") == [
        ("prompt", "prompts"),
        ("prompt", "Prompt"),
    ]


def test_never_inside_code_math_links_headings_or_titles() -> None:
    html = (
        '<h2 id="x">Prompt</h2><p><code>prompt</code> <a href="/n">prompt</a> '
        '<span class="math math-inline"><math><mi>prompt</mi></math></span></p>'
        '<div class="callout"><div class="callout-title">Prompt tips</div>'
        '<div class="callout-content"><p>a prompt</p></div></div>'
    )
    assert marked(html) == [("prompt", "prompt")]


def test_not_inside_the_terms_own_definition() -> None:
    html = (
        '<p data-sn-lines="3-3"><strong>BLEU</strong>: BLEU compares n-grams.</p>'
        '<p data-sn-lines="7-7">Later, BLEU again.</p>'
    )
    assert marked(html, note="Metrics.md") == [("bleu", "BLEU")]
    out = MATCHER.mark(html, note_path="Metrics.md", mode="all")
    assert "data-sn-lines" not in out
    assert out.index('data-term="bleu"') > out.index("Later")


def test_first_per_section_marks_each_term_once_per_heading() -> None:
    html = "<p>prompt prompt</p><h2>Next</h2><p>prompt</p>"
    assert len(marked(html, mode="first-per-section")) == 2
    assert len(marked(html, mode="first")) == 1
    assert len(marked(html, mode="all")) == 3


def test_cjk_terms_match_without_spaces() -> None:
    assert marked("<p>自注意力机制很重要</p>") == [("attention", "注意力机制")]


def test_text_is_unchanged_apart_from_the_wrapping() -> None:
    html = "<p>A &amp; B use BLEU &lt;tags&gt;.</p>"
    out = MATCHER.mark(html, note_path="x.md")
    assert re.sub(r"<span[^>]*>|</span>", "", out) == html


def test_used_terms_lists_each_slug_once() -> None:
    out = MATCHER.mark("<p>BLEU, EM, BLEU</p>", note_path="x.md", mode="all")
    assert used_terms(out) == ["bleu", "em"]


def test_empty_glossary_marks_nothing() -> None:
    html = '<p data-sn-lines="1-1">prompt</p>'
    assert TermMatcher.build([]).mark(html, note_path="x.md") == "<p>prompt</p>"


def test_text_whose_length_changes_when_lower_cased_still_marks_the_right_span() -> None:
    # "İ" lower-cases to two characters; spans must still cut the original text.
    assert marked("<p>İstanbul: a Prompt here, BLEU there.</p>") == [
        ("prompt", "Prompt"),
        ("bleu", "BLEU"),
    ]


def test_occurs_in_tells_whether_a_snippet_mentions_a_term() -> None:
    assert MATCHER.occurs_in("we tuned the prompts")
    assert MATCHER.occurs_in("scored by BLEU")
    assert not MATCHER.occurs_in("scored by bleu")  # an acronym only in its capitals
    assert not MATCHER.occurs_in("promptly")
    assert not TermMatcher.build([]).occurs_in("anything")


_NAMES = st.lists(
    st.sampled_from(["cat", "cats", "dog", "hot dog", "LLM", "a-b", "ßeta", "İx", "cat dog"]),
    min_size=1,
    max_size=3,
    unique=True,
)


@given(
    names=_NAMES,
    text=st.lists(
        st.sampled_from(["cat", "Cat", "cats", "dog", "hot", " ", "-", "LLM", "llm", "s", "x",
                         "<b>", "İ", "ß", "é", "_", "a-b", "dogs", "es"]),
        max_size=30,
    ).map("".join),
)  # fmt: skip
@example(names=["cat dog", "dog"], text="a cat dog")  # a name inside a longer one
def test_a_terms_places_are_those_its_whole_pattern_finds(names: list[str], text: str) -> None:
    """One term's places are found by looking for its names first: they must be the places
    the pattern itself finds, in the same order."""
    matcher = TermMatcher.build([MarkTerm("t", names)])
    folded = text.lower()
    if len(folded) == len(text):
        pattern = matcher.lower.finditer(folded)
    else:
        pattern = matcher.folding.finditer(text)
    expected = [
        (m.start(), m.end()) for m in pattern if matcher.accepts(text[m.start(1) : m.end(1)])
    ]
    assert list(matcher.places(text)) == expected
