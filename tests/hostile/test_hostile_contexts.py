"""Property: a link's context and a term's definition are always safe inline HTML, short,
balanced, and never show link syntax, whatever the paragraph around them holds."""

from __future__ import annotations

from collections.abc import Callable
from html.parser import HTMLParser

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from studynotes.excerpts import visible_text
from studynotes.ingest.parse import parse_note
from studynotes.paths import VaultPath
from studynotes.sanitize import CONTEXT_WIDTH, sanitize_inline

FindUnsafe = Callable[..., list[str]]

# No "[", "]", "|" or "`": those would end a link early and leave the rest as plain text,
# which Obsidian shows as written too. Everything else may be hostile.
HOSTILE = [
    "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", '<b onclick="x()">', "<i>",
    "</b>", "</div>", "<div>", '<a href="javascript:alert(1)">', "<svg/onload=alert(1)>",
    '<span id="dup" style="x">', "<!--", "-->", "&amp;", "&", "<", ">", '"', "**", "*", "_",
    "==", "~~", "$", "\\", "<math><mi>", "</math>",
]  # fmt: skip
word = st.text(alphabet="abcxyz <>&\"'=/*_:", min_size=1, max_size=8)
shown = st.text(alphabet="abc <>&\"'=/*_:#^", min_size=1, max_size=10).filter(str.strip)
target = st.sampled_from(["Target", "Other Note", "Target#Sec", "Target#^blk", "pic.png"])

piece = st.one_of(
    word,
    st.sampled_from(HOSTILE),
    st.builds(lambda t: f"[[{t}]]", target),
    st.builds(lambda t, d: f"[[{t}|{d}]]", target, shown),
    st.builds(lambda t: f"![[{t}]]", target),
    st.builds(lambda t: f"![[{t}|300]]", target),
    st.builds(lambda c: f"`{c}`", st.text(alphabet="abc <>&\"'*$", min_size=1, max_size=8)),
    st.builds(lambda t: f"**{t}**", word),
    st.builds(lambda t: f"*{t}*", word),
    st.builds(lambda t: f"${t}$", st.sampled_from(["x^2", "\\frac{a}{b}", "a_i", "{"])),
    st.builds(lambda t, u: f"[{t}]({u})", word, st.sampled_from(["Target.md", "javascript:x"])),
    st.sampled_from([" ", " ", "\n", "#tag ", "%%c%%"]),
)
paragraph = st.lists(piece, min_size=1, max_size=40).map(" ".join)

_INLINE = {
    "a", "abbr", "b", "bdi", "bdo", "br", "cite", "code", "del", "dfn", "em", "i", "ins",
    "kbd", "mark", "q", "s", "samp", "small", "span", "strike", "strong", "sub", "sup", "u",
    "var", "wbr",
}  # fmt: skip
_VOID = {"br", "wbr", "mspace", "none", "mprescripts"}


class _Shape(HTMLParser):
    """Which elements and attributes a fragment has, and whether it is balanced."""

    def __init__(self) -> None:
        super().__init__()
        self.problems: list[str] = []
        self.open: list[str] = []
        self.in_math = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.in_math += tag == "math"
        if tag not in _INLINE and not self.in_math:
            self.problems.append(f"block or unknown element <{tag}>")
        for name, value in attrs:
            if self.in_math:
                continue
            allowed = {"class", "title", "lang"} | (
                {"href", "data-sn-link"} if tag == "a" else set()
            )
            if name not in allowed:
                self.problems.append(f"attribute {name} on <{tag}>")
            if name == "href" and not (value or "").startswith(("http:", "https:", "mailto:")):
                self.problems.append(f"href {value!r}")
        if tag not in _VOID:
            self.open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.open or self.open.pop() != tag:
            self.problems.append(f"</{tag}> closes nothing")
        self.in_math -= tag == "math"


def _problems(fragment: str) -> list[str]:
    shape = _Shape()
    shape.feed(fragment)
    shape.close()
    return shape.problems + [f"left open <{t}>" for t in shape.open]


def _check(fragment: str, find_unsafe: FindUnsafe) -> None:
    assert find_unsafe(fragment) == [], fragment
    assert _problems(fragment) == [], fragment
    assert sanitize_inline(fragment) == fragment
    assert "[[" not in fragment and "[[" not in visible_text(fragment)
    assert " id=" not in fragment and "data-term" not in fragment


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(paragraph)
def test_link_contexts_are_safe_short_balanced_and_free_of_link_syntax(
    find_unsafe: FindUnsafe, text: str
) -> None:
    note = parse_note(VaultPath("Note.md"), f"Start [[Target]] {text} end [[Other Note]].\n")
    # The second link may sit in raw HTML ("\n <script>..." opens an HTML block): not a link.
    assert note.links and note.links[0].target == "Target"
    for link in note.links:
        _check(link.context, find_unsafe)
        # the width, the two marks of a cut, and one formula that holds the link's place
        assert len(visible_text(link.context)) <= CONTEXT_WIDTH + 2 + 40, link.context


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(paragraph)
def test_definitions_are_safe_balanced_and_free_of_link_syntax(
    find_unsafe: FindUnsafe, text: str
) -> None:
    note = parse_note(VaultPath("Words.md"), f"**Safe Term**: a thing {text}\n")
    for term in note.terms:
        _check(term.definition_html, find_unsafe)
