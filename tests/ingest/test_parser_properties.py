"""No input, however odd, makes parsing or rendering raise."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from studynotes.ingest.parse import parse_note
from studynotes.ingest.render import Vault, render_note
from studynotes.ingest.resolve import resolve_all
from studynotes.paths import VaultPath

PIECES = [
    "[[", "]]", "![[", "|", "#", "^", "$", "$$", "==", "%%", "~~", "**", "*", "`", "```",
    "> ", "> [!", "]", "-", "\t- ", "1. ", "\n", "\n\n", "---\n", ": ", "^[", "[^1]", "<",
    ">", "&", "\\", "(", ")", "Note", "#tag", "笔记", " ", "http://x.y/#z", "<script>",
]  # fmt: skip

markdownish = st.lists(st.one_of(st.sampled_from(PIECES), st.text(max_size=8)), max_size=60).map(
    "".join
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(markdownish)
def test_any_text_parses_and_renders(text: str) -> None:
    path = VaultPath("Note.md")
    note = parse_note(path, text)
    html = render_note(Vault({path: note}, {path: "note"}, resolve_all({path: note}, [])), path)
    assert "<script" not in html
    assert "data-sn-link" not in html and "data-sn-embed" not in html
