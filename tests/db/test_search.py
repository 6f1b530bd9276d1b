"""Search as a user meets it: terms by name, notes by relevance, any query answered."""

from __future__ import annotations

import html
import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Connection, Engine, text

from studynotes.config import Settings
from studynotes.db.models import Base
from studynotes.db.search import (
    MAX_QUERY_CHARS,
    SearchResults,
    include_in_schema,
    mentions,
    search,
    sync_search_index,
)
from studynotes.db.search.snippets import MAX_SNIPPET_CHARS
from studynotes.db.session import alembic_config, open_database
from studynotes.ingest.pipeline import index_vault

VAULT: dict[str, str] = {
    "ml/Transformers.md": """---
aliases: [Transformer architecture]
tags: [architecture, prompting/attention]
---
# Transformers

The model relies on self-attention, 自注意力机制 in Chinese texts.

## Decoding

A zeppelin of tokens leaves the decoder one at a time.
""",
    "Quantization.md": """Storing model weights in fewer bits. Low-precision arithmetic
trades a little accuracy for memory and speed; eight-bit and four-bit formats are common,
calibrated on sample data, with outliers kept at higher precision where they matter most.
""",
    "Compression.md": """# Compression

Quantization, quantization, quantization, quantization.
""",
    "Prompting.md": """---
tags: [prompting]
---
# Prompting

Writing instructions for a model.
""",
    "Glossary.md": """# Glossary

**Temperature**: a sampling knob that scales logits before the softmax.

Recall-Oriented Understudy for Gisting Evaluation (**ROUGE**): overlap between a summary
and its references.

**ROUGE-L**: ROUGE computed on the longest common subsequence.

**Beam**:

**Beam search**: keeps the best few partial sequences at every decoding step.
""",
    "Escaping.md": """# Escaping

Code such as `<b>bold</b>` and a < b && c > d, compared by the kaboom operator.

Written as code: `[[Glossary#Beam|beam]]` and `![[whirligig.png]]` and `[[Prompting]]`.
""",
}


def _write_vault(root: Path) -> Path:
    for rel, body in VAULT.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(body, encoding="utf-8")
    return root


def _index(vault: Path, engine: Engine) -> None:
    index_vault(Settings(vault=vault, workers=1), engine)


def _find(engine: Engine, q: str) -> SearchResults:
    with engine.connect() as conn:
        return search(conn, q)


def _titles(results: SearchResults) -> list[str]:
    return [n.title for n in results.notes]


def _touch_later(path: Path) -> None:
    st_ = path.stat()
    os.utime(path, ns=(st_.st_atime_ns, st_.st_mtime_ns + 10_000_000))


@pytest.fixture(scope="module")
def engine(
    tmp_path_factory: pytest.TempPathFactory, session_database: Callable[[str], str]
) -> Engine:
    """One indexed vault shared by the tests that only read, on each engine."""
    root = tmp_path_factory.mktemp("search")
    engine = open_database(session_database("search"))
    _index(_write_vault(root / "vault"), engine)
    return engine


@pytest.fixture(scope="module")
def conn(engine: Engine) -> Iterator[Connection]:
    with engine.connect() as connection:
        yield connection


def _fresh(url: str, folder: Path) -> tuple[Path, Engine]:
    engine = open_database(url)
    vault = _write_vault(folder / "vault")
    _index(vault, engine)
    return vault, engine


@pytest.fixture
def fresh(tmp_path: Path, new_database: Callable[[str], str]) -> tuple[Path, Engine]:
    """A vault of its own, for tests that change it, on each engine."""
    return _fresh(new_database("fresh"), tmp_path)


@pytest.fixture
def fresh_sqlite(tmp_path: Path) -> tuple[Path, Engine]:
    """The same on SQLite alone, for tests of its FTS5 tables and their migrations."""
    return _fresh(f"sqlite:///{tmp_path / 'i.sqlite3'}", tmp_path)


# --- glossary terms -------------------------------------------------------------------------


def test_term_exact_match_comes_before_prefix_match(conn: Connection) -> None:
    terms = search(conn, "rouge").terms
    assert [(t.term, t.match) for t in terms[:2]] == [("ROUGE", "exact"), ("ROUGE-L", "prefix")]


def test_term_hit_carries_definition_aliases_and_its_note(conn: Connection) -> None:
    (rouge, *_) = search(conn, "ROUGE").terms
    assert rouge.aliases == ["Recall-Oriented Understudy for Gisting Evaluation"]
    assert rouge.definition.startswith("overlap between a summary")
    assert rouge.note_slug == "glossary"


def test_term_is_found_by_its_long_name(conn: Connection) -> None:
    terms = search(conn, "recall-oriented understudy for gisting evaluation").terms
    assert [(t.term, t.match) for t in terms] == [("ROUGE", "exact")]


@pytest.mark.parametrize(("typo", "term"), [("ruoge", "ROUGE"), ("tempreature", "Temperature")])
def test_misspelled_term_is_found_fuzzily(conn: Connection, typo: str, term: str) -> None:
    terms = search(conn, typo).terms
    assert (terms[0].term, terms[0].match) == (term, "fuzzy")


def test_a_misspelled_query_shows_the_notes_of_the_term_it_was_taken_for(
    conn: Connection,
) -> None:
    typo = search(conn, "ruoge")
    assert typo.notes_for == "ROUGE"
    assert typo.notes and typo.notes == search(conn, "ROUGE").notes
    assert search(conn, "rouge").notes_for is None  # spelt right: its own notes
    assert search(conn, "qwxzv").notes == [] and search(conn, "qwxzv").notes_for is None
    # No term is near "transfromers", but a note title is.
    title = search(conn, "transfromers")
    assert title.terms == [] and title.notes_for == "Transformers"
    assert "Transformers" in [n.title for n in title.notes]


def test_short_queries_find_terms_by_prefix_but_never_fuzzily(conn: Connection) -> None:
    assert [t.term for t in search(conn, "te").terms] == ["Temperature"]
    assert search(conn, "ru").terms == []  # "ROUGE" would be a fuzzy match


def test_terms_without_definition_rank_after_defined_ones(conn: Connection) -> None:
    assert [t.term for t in search(conn, "bea").terms] == ["Beam search", "Beam"]


# --- notes ----------------------------------------------------------------------------------


def test_word_in_title_beats_the_same_word_repeated_in_a_body(conn: Connection) -> None:
    assert _titles(search(conn, "quantiz"))[:2] == ["Quantization", "Compression"]


def test_note_is_found_by_its_alias_and_headings(conn: Connection) -> None:
    assert _titles(search(conn, "transformer architecture"))[0] == "Transformers"
    assert _titles(search(conn, "decoding"))[0] == "Transformers"


def test_note_found_by_its_title_still_has_its_text_marked(conn: Connection) -> None:
    for limit in (1, 20):  # the named notes alone fill one result
        hit = search(conn, "transformers", limit=limit).notes[0]
        assert hit.snippet_html.startswith("<mark>Transformers</mark> The model relies")


def test_prefix_matches_as_you_type(conn: Connection) -> None:
    assert _titles(search(conn, "transf")) == ["Transformers"]
    assert _titles(search(conn, "self-att")) == ["Transformers"]
    assert _titles(search(conn, "self-a")) == ["Transformers"]


def test_fragment_inside_a_word_is_found(conn: Connection) -> None:
    assert "Compression" in _titles(search(conn, "ression"))


def test_fragment_inside_a_body_word_marks_the_whole_word(conn: Connection) -> None:
    (hit,) = search(conn, "eppeli").notes
    assert hit.title == "Transformers"
    assert "<mark>zeppelin</mark>" in hit.snippet_html


def test_fragment_must_be_in_the_same_note_as_the_other_words(conn: Connection) -> None:
    for q in ("tokens eppeli", "eppeli tok"):
        (hit,) = search(conn, q).notes
        assert hit.title == "Transformers"
        assert "<mark>zeppelin</mark> of <mark>tokens</mark>" in hit.snippet_html
    assert search(conn, "weights eppeli").notes == []


@pytest.mark.parametrize("q", ["注意力", "注意力机制", "注意", "机"])
def test_cjk_text_is_found_without_spaces(conn: Connection, q: str) -> None:
    notes = search(conn, q).notes
    assert [n.title for n in notes] == ["Transformers"]
    assert f"<mark>{q}</mark>" in notes[0].snippet_html


def test_cjk_snippet_shows_the_text_around_it(conn: Connection) -> None:
    (hit,) = search(conn, "注意力").notes
    assert "self-attention, 自<mark>注意力</mark>机制 in Chinese texts." in hit.snippet_html


def test_cjk_and_latin_words_together_must_all_match(conn: Connection) -> None:
    assert _titles(search(conn, "model 注意力")) == ["Transformers"]
    assert _titles(search(conn, "mod 机")) == ["Transformers"]
    assert search(conn, "quantization 注意力").notes == []
    assert search(conn, "quantization 机").notes == []


def test_tag_search_includes_nested_tags_direct_ones_first(conn: Connection) -> None:
    notes = search(conn, "#prompting").notes
    assert [n.title for n in notes] == ["Prompting", "Transformers"]
    assert notes[1].tags == ["architecture", "prompting/attention"]
    assert _titles(search(conn, "#Prompting/Attention")) == ["Transformers"]
    assert search(conn, "#nowhere").notes == []


def test_tag_and_words_together_narrow_the_results(conn: Connection) -> None:
    assert set(_titles(search(conn, "model"))) == {"Prompting", "Transformers", "Quantization"}
    assert set(_titles(search(conn, "#prompting model"))) == {"Prompting", "Transformers"}
    assert _titles(search(conn, "#architecture model")) == ["Transformers"]


def test_snippet_escapes_note_text_and_marks_matches(conn: Connection) -> None:
    (hit,) = search(conn, "kaboom").notes
    assert "<mark>kaboom</mark>" in hit.snippet_html
    assert "<code>&lt;b&gt;bold&lt;/b&gt;</code>" in hit.snippet_html  # code stays code
    assert "a &lt; b &amp;&amp; c &gt; d" in hit.snippet_html
    assert "<b>" not in hit.snippet_html


def test_snippet_shows_link_syntax_as_obsidian_shows_links(conn: Connection) -> None:
    (hit,) = search(conn, "whirligig").notes
    assert (
        "code: <code>beam</code> and <code><mark>whirligig</mark>.png</code> and "
        "<code>Prompting</code>." in hit.snippet_html
    )
    assert "[[" not in hit.snippet_html and "]]" not in hit.snippet_html


def test_a_long_note_is_quoted_from_its_current_text(fresh: tuple[Path, Engine]) -> None:
    vault, engine = fresh
    note = vault / "Long.md"
    filler = "Plain words about nothing much at all.\n" * 1000  # indexed in pieces
    note.write_text(f"# Long\n\n{filler}\nThe ornithopter lands.\n", encoding="utf-8")
    _index(vault, engine)
    (hit,) = _find(engine, "ornithopter").notes
    assert (
        hit.snippet_html.startswith("\u2026")
        and "<mark>ornithopter</mark> lands" in hit.snippet_html
    )
    note.write_text(note.read_text().replace("ornithopter", "gyrocopter"), encoding="utf-8")
    _touch_later(note)
    _index(vault, engine)
    assert _find(engine, "ornithopter").notes == []
    (hit,) = _find(engine, "gyrocopter").notes
    assert "<mark>gyrocopter</mark> lands" in hit.snippet_html
    note.unlink()
    _index(vault, engine)
    with engine.connect() as conn:
        if conn.dialect.name == "sqlite":  # PostgreSQL keeps no pieces
            assert conn.execute(text("SELECT count(*) FROM search_pieces")).scalar_one() == 0


def test_limit_caps_terms_and_notes(conn: Connection) -> None:
    assert [t.term for t in search(conn, "rouge", limit=1).terms] == ["ROUGE"]
    assert len(search(conn, "model", limit=1).notes) == 1
    assert search(conn, "rouge", limit=0) == SearchResults("rouge", [], [])


def test_scores_never_increase_down_the_list(conn: Connection) -> None:
    scores = [n.score for n in search(conn, "quantization").notes]
    assert len(scores) == 2 and scores == sorted(scores, reverse=True)


# --- changes to the vault -------------------------------------------------------------------


def test_reindexing_an_edited_note_updates_its_search_entry(fresh: tuple[Path, Engine]) -> None:
    vault, engine = fresh
    note = vault / "ml" / "Transformers.md"
    note.write_text(note.read_text().replace("zeppelin", "dirigible"), encoding="utf-8")
    _touch_later(note)
    _index(vault, engine)
    assert _find(engine, "zeppelin").notes == []
    assert _titles(_find(engine, "dirigible")) == ["Transformers"]
    assert _titles(_find(engine, "#architecture")) == ["Transformers"]


def test_reindexed_glossary_changes_show_in_term_results(fresh: tuple[Path, Engine]) -> None:
    vault, engine = fresh
    assert [t.term for t in _find(engine, "temperature").terms] == ["Temperature"]
    glossary = vault / "Glossary.md"
    glossary.write_text(
        glossary.read_text().replace("**Temperature**", "**Heat**"), encoding="utf-8"
    )
    _touch_later(glossary)
    _index(vault, engine)
    assert _find(engine, "temperature").terms == []
    assert [t.term for t in _find(engine, "heat").terms] == ["Heat"]


def test_deleted_note_disappears_from_results(fresh: tuple[Path, Engine]) -> None:
    vault, engine = fresh
    (vault / "Quantization.md").unlink()
    _index(vault, engine)
    assert _titles(_find(engine, "quantization")) == ["Compression"]
    assert [t.term for t in _find(engine, "rouge").terms] == ["ROUGE", "ROUGE-L"]


def test_reindexed_cjk_text_replaces_the_old(fresh: tuple[Path, Engine]) -> None:
    vault, engine = fresh
    note = vault / "ml" / "Transformers.md"
    note.write_text(note.read_text().replace("自注意力机制", "多头机制"), encoding="utf-8")
    _touch_later(note)
    _index(vault, engine)
    assert _find(engine, "注意力").notes == []
    assert _titles(_find(engine, "多头")) == ["Transformers"]
    assert _titles(_find(engine, "多头机制")) == ["Transformers"]
    note.unlink()
    _index(vault, engine)
    assert _find(engine, "多头机制").notes == []


def test_new_note_is_searchable_after_reindexing(fresh: tuple[Path, Engine]) -> None:
    vault, engine = fresh
    (vault / "Sparsity.md").write_text("# Sparsity\n\nPruning zeroes weights.\n")
    _index(vault, engine)
    assert _titles(_find(engine, "prun")) == ["Sparsity"]


def test_empty_search_index_is_rebuilt_on_the_next_indexing(fresh: tuple[Path, Engine]) -> None:
    vault, engine = fresh
    with engine.begin() as conn:  # as if the index predated the search tables
        if conn.dialect.name == "sqlite":
            conn.execute(text("INSERT INTO search_fts(search_fts) VALUES ('delete-all')"))
            conn.execute(text("DELETE FROM search_cjk"))
        conn.execute(text("DELETE FROM search_docs"))
    assert _find(engine, "transf").notes == []
    (vault / "Sparsity.md").write_text("# Sparsity\n\nPruning zeroes weights.\n")
    _index(vault, engine)
    assert _titles(_find(engine, "transf")) == ["Transformers"]


def test_full_rebuild_matches_incremental_index(fresh: tuple[Path, Engine]) -> None:
    _, engine = fresh
    before = [_find(engine, q) for q in ("transf", "注意力", "#prompting", "quantization")]
    with engine.begin() as conn:
        sync_search_index(conn, note_ids=None)
        if conn.dialect.name == "sqlite":
            conn.execute(text("INSERT INTO search_fts(search_fts) VALUES ('integrity-check')"))
            conn.execute(text("INSERT INTO search_cjk(search_cjk) VALUES ('integrity-check')"))
    after = [_find(engine, q) for q in ("transf", "注意力", "#prompting", "quantization")]
    assert after == before


def test_upgrading_an_existing_index_fills_the_search_tables(
    fresh_sqlite: tuple[Path, Engine],
) -> None:
    _, engine = fresh_sqlite
    with engine.begin() as conn:
        cfg = alembic_config(engine)
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0001")
        command.upgrade(cfg, "head")
    assert _titles(_find(engine, "transf")) == ["Transformers"]
    assert _titles(_find(engine, "注意力")) == ["Transformers"]


def test_upgrading_from_the_whole_text_trigram_index(fresh_sqlite: tuple[Path, Engine]) -> None:
    _, engine = fresh_sqlite
    with engine.begin() as conn:
        cfg = alembic_config(engine)
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0002")  # back to trigrams of every note's whole text
        before = conn.execute(
            text("SELECT count(*) FROM search_trigram WHERE search_trigram MATCH '\"ression\"'")
        ).scalar_one()
        command.upgrade(cfg, "head")
    assert before == 1
    assert _titles(_find(engine, "注意力")) == ["Transformers"]
    assert _titles(_find(engine, "注意")) == ["Transformers"]
    assert "Compression" in _titles(_find(engine, "ression"))


# --- notes that mention a phrase ------------------------------------------------------------


def test_mentions_of_a_cjk_phrase_come_with_the_text_around_it(conn: Connection) -> None:
    transformers = conn.execute(text("SELECT id FROM notes WHERE slug = 'ml/transformers'"))
    ((nid, snippet),) = mentions(conn, ["自注意力机制"])
    assert nid == transformers.scalar_one()
    assert "self-attention, 自注意力机制 in Chinese" in snippet
    assert mentions(conn, ["自注意力机制"], unlinked_from=nid) == []
    assert mentions(conn, ["注意力 机制"]) == []  # not as written


# --- schema ---------------------------------------------------------------------------------


def test_schema_comparison_skips_only_the_search_tables(tmp_path: Path) -> None:
    engine = open_database(f"sqlite:///{tmp_path / 'db.sqlite3'}")
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE search_history (id INTEGER PRIMARY KEY)"))
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"include_name": include_in_schema})
        diff = compare_metadata(context, Base.metadata)
    assert [(d[0], d[1].name) for d in diff] == [("remove_table", "search_history")]


# --- the portable search --------------------------------------------------------------------


def test_without_fts_like_search_ranks_title_matches_first(
    fresh_sqlite: tuple[Path, Engine],
) -> None:
    _, engine = fresh_sqlite
    with engine.begin() as conn:  # the index's tables gone, as on a database without FTS5
        for table in ("search_vocab", "search_fts", "search_cjk", "search_docs"):
            conn.execute(text(f"DROP TABLE {table}"))
    notes = _find(engine, "quantization").notes
    assert [n.title for n in notes] == ["Quantization", "Compression"]
    assert "<mark>Quantization</mark>" in notes[1].snippet_html
    assert _titles(_find(engine, "注意力")) == ["Transformers"]
    assert _titles(_find(engine, "#prompting")) == ["Prompting", "Transformers"]


# --- any query ------------------------------------------------------------------------------

NASTY = [
    "", " ", '"', '""', "'", "*", "**", "NEAR(", "NEAR(a b", "AND OR", "OR", "NOT", "-", "^",
    "a:b", "title:x", "{title}: x", '"unbalanced', "(((", ")", "\x00", "\x1b[31m", "\ud800",
    "a" * 10_000, "注" * 10_000, "🙂", "🙂🙂🙂 🙂", "!?.,;", "#", "##", "#/", "# tag", "%", "_",
    "\\", "'; DROP TABLE notes; --", "<script>alert(1)</script>", "\u200b\u200d", "\ufb01",
    "\uff11\uff12\uff13",
]  # fmt: skip


@pytest.mark.parametrize("q", NASTY)
def test_malformed_query_returns_normally(conn: Connection, q: str) -> None:
    results = search(conn, q)
    assert len(results.query) <= MAX_QUERY_CHARS


query_text = st.lists(
    st.one_of(
        st.text(max_size=12),
        st.sampled_from(
            ['"', "*", "NEAR(", "AND", "OR", "NOT", "-", "^", ":", "#", "注意", "(", "_"]
        ),
    ),
    max_size=20,
).map(" ".join)


@settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(q=query_text)
def test_any_query_returns_safe_short_snippets(conn: Connection, q: str) -> None:
    results = search(conn, q)
    for note in results.notes:
        text_only = re.sub(r"</?(?:mark|code)>", "", note.snippet_html)
        assert "<" not in text_only and "[[" not in text_only
        for tag in ("mark", "code"):  # the only markup, and always closed
            assert note.snippet_html.count(f"<{tag}>") == note.snippet_html.count(f"</{tag}>")
        assert len(html.unescape(text_only)) <= MAX_SNIPPET_CHARS + 1
