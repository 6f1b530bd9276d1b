"""Property: whatever markdown a note holds, the final HTML passes the sanitiser's allowlist."""

from __future__ import annotations

from collections.abc import Callable

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from studynotes.glossary.marks import MarkTerm, TermMatcher
from studynotes.ingest.glossary import vault_terms
from studynotes.ingest.parse import parse_note
from studynotes.ingest.render import Vault, finalize, render_note
from studynotes.ingest.resolve import resolve_all
from studynotes.paths import VaultPath, path_slug

FindUnsafe = Callable[..., list[str]]

URLS = [
    "javascript:alert(1)", "JaVaScRiPt:alert(1)", " javascript:alert(1)", "java\tscript:x",
    "java&#x09;script:x", "&#106;avascript:x", "javascript&colon;x", "data:text/html,<script>x",
    "data:text/html;base64,PHNjcmlwdD4=", "DATA:text/html,x", "vbscript:x", "data:image/svg+xml,x",
    "//evil.example/x", "Target.md", "pic.png", "doc.pdf", "#Sec", "http://ok.example/",
]  # fmt: skip
NASTY = [
    '"', "'", "<", ">", "&", "=", "/", " ", "`", '" onmouseover="alert(1)', "' onclick='x",
    "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "</a><script>", "-->",
    "<!--", "javascript:alert(1)", "<svg/onload=alert(1)>", "x\"><iframe src=x>", "]]", "|",
]  # fmt: skip
TAGS = [
    "a", "img", "div", "svg", "iframe", "script", "details", "math", "video", "input", "form",
    "object", "embed", "style", "base", "meta", "p", "span", "source", "link",
]  # fmt: skip
ATTRS = [
    "onclick", "onerror", "onload", "ontoggle", "href", "src", "style", "formaction",
    "xlink:href", "srcdoc", "action", "poster", "data", "background",
]  # fmt: skip

nasty_text = st.lists(
    st.one_of(st.sampled_from(NASTY), st.text(alphabet="ab<>\"'=&;:/ ", max_size=6)),
    min_size=1,
    max_size=4,
).map("".join)
url = st.one_of(st.sampled_from(URLS), st.text(alphabet="jvascript:&#x0;9/ ", max_size=12))


@st.composite
def raw_html(draw: st.DrawFn) -> str:
    tag = draw(st.sampled_from(TAGS))
    attrs = draw(
        st.lists(st.tuples(st.sampled_from(ATTRS), st.one_of(url, nasty_text)), max_size=3)
    )
    quote = draw(st.sampled_from(['"', "'", ""]))
    shown = " ".join(f"{name}={quote}{value}{quote}" for name, value in attrs)
    return f"<{tag} {shown}>{draw(nasty_text)}</{tag}>"


@st.composite
def callout(draw: st.DrawFn) -> str:
    kind = draw(st.text(alphabet="ab\"'<>=&/-", min_size=1, max_size=8))
    fold = draw(st.sampled_from(["", "+", "-"]))
    return f"\n\n> [!{kind}]{fold} {draw(nasty_text)}\n> {draw(nasty_text)}\n\n"


@st.composite
def frontmatter(draw: st.DrawFn) -> str:
    def quoted(text: str) -> str:
        return "'" + text.replace("'", "''").replace("\n", " ") + "'"

    title, tag, alias, banner = (draw(nasty_text) for _ in range(4))
    return (
        f"---\ntitle: {quoted(title)}\ntags: [{quoted(tag)}]\naliases: [{quoted(alias)}]\n"
        f"banner: {quoted(banner)}\nglossary: true\n---\n"
    )


piece = st.one_of(
    raw_html(),
    callout(),
    st.builds(lambda t, u: f"[{t}]({u})", nasty_text, url),
    st.builds(lambda t, u: f"![{t}]({u})", nasty_text, url),
    st.builds(lambda u: f"<{u}>", url),
    st.builds(lambda t: f"[[Target|{t}]]", nasty_text),
    st.builds(
        lambda t, d: f"[[{t}|{d}]]", st.sampled_from([*URLS, "Target#Sec", "Note"]), nasty_text
    ),
    st.builds(lambda t: f"![[pic.png|{t}]]", nasty_text),
    st.builds(
        lambda t: f"![[{t}]]", st.sampled_from(["Target", "Target#Sec", "Target#^blk", "doc.pdf"])
    ),
    st.builds(lambda t: f"[[Target#{t}]]", nasty_text),
    st.builds(lambda t: f"#{t}", nasty_text),
    st.builds(lambda t, d: f"**{t}**: {d}\n", nasty_text, nasty_text),
    st.builds(lambda t: f"\n# {t}\n", nasty_text),
    st.builds(lambda t: f"${t}$", nasty_text),
    st.builds(lambda t: f"\n```{t}\nx\n```\n", nasty_text),
    st.builds(lambda t: f"[^1]\n\n[^1]: {t}\n", nasty_text),
    st.sampled_from(["\n", "\n\n", " ", "- ", "> ", "%%", "==", "^blk", "Target"]),
)
hostile_markdown = st.tuples(
    st.one_of(st.just(""), frontmatter()), st.lists(piece, min_size=1, max_size=12)
).map(lambda parts: parts[0] + "".join(parts[1]))


def _render_vault(text: str) -> tuple[str, list[str]]:
    """The note's final HTML, as the pipeline makes it, and its glossary definitions."""
    note_path, target = VaultPath("Note.md"), VaultPath("Target.md")
    notes = {
        note_path: parse_note(note_path, text),
        target: parse_note(target, "# Target\n\n## Sec\n\npara ^blk\n"),
    }
    resolved = resolve_all(notes, [VaultPath("pic.png"), VaultPath("doc.pdf")])
    terms = vault_terms(notes, folders=["Glossary"], tags=["glossary"])
    matcher = TermMatcher.build(
        MarkTerm(t.slug, [t.name, *t.aliases], t.note_path, t.line) for t in terms if not t.empty
    )
    vault = Vault(notes, {p: path_slug(p) for p in notes}, resolved, matcher=matcher)
    html = render_note(vault, note_path)
    definitions = [finalize(vault, VaultPath(t.note_path), t.definition_html) for t in terms]
    return html, definitions


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(hostile_markdown)
def test_rendered_html_is_always_sanitised(find_unsafe: FindUnsafe, text: str) -> None:
    html, definitions = _render_vault(text)
    for fragment in [html, *definitions]:
        lowered = fragment.lower()
        assert "<script" not in lowered and "<iframe" not in lowered
        assert find_unsafe(fragment) == [], (text, fragment)


def test_the_strategy_reaches_attributes(find_unsafe: FindUnsafe) -> None:
    """The hostile text does land in attributes (escaped), so the property test means something."""
    html, _ = _render_vault('[[No" onmouseover="alert(1)|t]] ![[pic.png|" onerror="x]]')
    assert 'alt="&quot; onerror=&quot;x"' in html
    assert 'data-target="No&quot; onmouseover=&quot;alert(1)"' in html
    assert find_unsafe(html) == []
