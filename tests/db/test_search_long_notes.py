"""Search as you type stays fast with long notes in the vault: 1, 2 and 4 MB of text.

The time a query takes must not grow with the size of the notes it matches: a 4 MB note
used to cost a second per keystroke, all of it in building the snippet.
"""

from __future__ import annotations

import html
import random
import re
import statistics
import time
from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Connection, Engine

from studynotes.config import Settings
from studynotes.db.search import search
from studynotes.db.search.snippets import MAX_SNIPPET_CHARS
from studynotes.db.session import open_database
from studynotes.ingest.pipeline import index_vault

MB = 1_000_000
# Words chosen so that every keystroke of "attention model" matches many of them.
_WORDS = [
    "attention", "model", "models", "modelling", "an", "and", "any", "about", "above",
    "abstract", "ab", "abacus", "attend", "attends", "attentive", "a", "the", "of", "to", "in",
    "is", "layer", "token", "tokens", "weight", "weights", "gradient", "loss", "batch",
    "sequence", "head", "heads", "query", "key", "value", "softmax", "scale", "norm",
    "residual", "encoder", "decoder",
]  # fmt: skip

KEYSTROKES = ["a", "ab", "an", "att", "atte", "attention", "attention m", "attention model"]
TAG_QUERY = "#long"
MISSPELT = "atention modle"


def _long_text(size: int, seed: int) -> str:
    """About ``size`` bytes of prose with headings, links, inline code and CJK in it."""
    rng = random.Random(seed)
    out: list[str] = []
    total = part = 0
    while total < size:
        part += 1
        sentences = [
            " ".join(rng.choice(_WORDS) for _ in range(rng.randint(6, 16))).capitalize() + "."
            for _ in range(rng.randint(3, 6))
        ]
        if part % 7 == 0:
            sentences.append("See [[Short 1]] and [[Short 2#Heading|the heading]].")
        if part % 11 == 0:
            sentences.append("Code: `[[not a link]]`, `![[nor an embed]]` and `<b>bold</b>`.")
        if part % 13 == 0:
            sentences.append("注意力机制让模型在每一步都能查看整个序列。")
        heading = f"## Part {part}\n\n" if part % 5 == 1 else ""
        chunk = heading + " ".join(sentences) + "\n\n"
        out.append(chunk)
        total += len(chunk.encode())
    return "".join(out)


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Engine:
    root = tmp_path_factory.mktemp("long")
    vault = root / "vault"
    vault.mkdir()
    for mb in (1, 2, 4):
        head = f"---\ntags: [long]\n---\n# Long {mb} MB\n\n"
        (vault / f"Long {mb} MB.md").write_text(head + _long_text(mb * MB, mb), encoding="utf-8")
    for i in range(1, 21):
        body = f"# Short {i}\n\n## Heading\n\nAn attention model, note {i}, about tokens.\n"
        (vault / f"Short {i}.md").write_text(body, encoding="utf-8")
    glossary = "# Glossary\n\n**Attention model**: a model that weighs its inputs.\n"
    (vault / "Glossary.md").write_text(glossary, encoding="utf-8")
    engine = open_database(f"sqlite:///{root / 'i.sqlite3'}")
    index_vault(Settings(vault=vault, workers=1), engine)
    return engine


@pytest.fixture(scope="module")
def conn(engine: Engine) -> Iterator[Connection]:
    with engine.connect() as connection:
        yield connection


def _visible(snippet_html: str) -> str:
    return html.unescape(re.sub(r"</?(?:mark|code)>", "", snippet_html))


def test_every_keystroke_answers_quickly_with_long_notes(conn: Connection) -> None:
    seconds: dict[str, float] = {}
    for q in [*KEYSTROKES, TAG_QUERY, MISSPELT]:
        started = time.perf_counter()
        results = search(conn, q)
        seconds[q] = time.perf_counter() - started
        # A last word of one letter is taken as a whole word, and no note has "m".
        assert bool(results.notes) == (q != "attention m"), q
    slow = {q: round(s * 1000) for q, s in seconds.items() if s > 0.3}
    assert slow == {}, f"queries over 300 ms: {slow}"
    assert statistics.median(seconds.values()) < 0.05, seconds


def test_a_misspelt_query_finds_the_notes_of_the_term_it_meant(conn: Connection) -> None:
    results = search(conn, MISSPELT)
    assert results.notes_for == "Attention model"
    assert "Glossary" in [n.title for n in results.notes]


def test_long_notes_are_found_with_a_snippet_around_the_match(conn: Connection) -> None:
    found = {n.title: n for n in search(conn, "attention").notes}
    assert {"Long 1 MB", "Long 2 MB", "Long 4 MB"} <= set(found)
    for mb in (1, 2, 4):
        snippet = found[f"Long {mb} MB"].snippet_html
        assert "<mark>attention</mark>" in snippet.lower()
        assert len(_visible(snippet)) <= MAX_SNIPPET_CHARS + 1


def test_cjk_and_tag_results_quote_long_notes_briefly(conn: Connection) -> None:
    for q in ("注意力", TAG_QUERY):
        notes = search(conn, q).notes
        assert {"Long 1 MB", "Long 2 MB", "Long 4 MB"} <= {n.title for n in notes}
        assert all(len(_visible(n.snippet_html)) <= MAX_SNIPPET_CHARS + 1 for n in notes)


def test_snippets_show_links_as_text_not_obsidian_syntax(conn: Connection) -> None:
    for q in ("link", "embed", "heading"):
        for note in search(conn, q).notes:
            assert "[[" not in note.snippet_html and "]]" not in note.snippet_html
    (hit, *_) = [n for n in search(conn, "embed").notes if n.title.startswith("Long")]
    assert "not a link" in hit.snippet_html and "&lt;b&gt;bold&lt;/b&gt;" in hit.snippet_html


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(q=st.text(max_size=30) | st.sampled_from(KEYSTROKES))
def test_any_query_over_long_notes_returns_short_escaped_snippets(conn: Connection, q: str) -> None:
    for note in search(conn, q).notes:
        assert "<" not in re.sub(r"</?(?:mark|code)>", "", note.snippet_html)
        assert len(_visible(note.snippet_html)) <= MAX_SNIPPET_CHARS + 1
