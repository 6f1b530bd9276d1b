from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import Engine, select

from studynotes.config import Settings
from studynotes.db.models import Link, Note, Tag, Term
from studynotes.db.session import open_database
from studynotes.ingest import pipeline
from studynotes.ingest.pipeline import IndexState, index_vault


@pytest.fixture
def engine(new_database: Callable[[str], str]) -> Engine:
    return open_database(new_database("index"))


def _index(vault: Path, engine: Engine) -> object:
    return index_vault(Settings(vault=vault, workers=1), engine)


def _html(engine: Engine, path: str) -> str:
    with engine.connect() as conn:
        return str(conn.execute(select(Note.html).where(Note.path == path)).scalar_one())


def _touch_later(path: Path) -> None:
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 10_000_000))


def test_full_index_stores_notes_links_and_tags(vault_copy: Path, engine: Engine) -> None:
    report = _index(vault_copy, engine)
    with engine.connect() as conn:
        paths = set(conn.execute(select(Note.path)).scalars())
        tags = set(conn.execute(select(Tag.name)).scalars())
        links = conn.execute(select(Link.raw_target, Link.resolved)).all()
    assert "Transformers.md" in paths and "a/Overview.md" in paths
    assert "architecture" in tags
    assert ("Overview", True) in links
    assert report.parsed == len(paths)


def test_unchanged_vault_parses_nothing(vault_copy: Path, engine: Engine) -> None:
    _index(vault_copy, engine)
    again = _index(vault_copy, engine)
    assert again.unchanged is True
    assert again.parsed == 0


def test_only_changed_files_are_parsed_again(vault_copy: Path, engine: Engine) -> None:
    _index(vault_copy, engine)
    note = vault_copy / "LoRA.md"
    note.write_text(note.read_text() + "\nA new line.\n")
    _touch_later(note)
    _touch_later(vault_copy / "b" / "Overview.md")  # touched, same content
    report = _index(vault_copy, engine)
    assert report.parsed == 1
    assert "A new line." in _html(engine, "LoRA.md")


def test_new_note_resolves_links_in_unchanged_notes(vault_copy: Path, engine: Engine) -> None:
    (vault_copy / "Linker.md").write_text("Soon: [[Future Note]]\n")
    _index(vault_copy, engine)
    assert "is-unresolved" in _html(engine, "Linker.md")
    (vault_copy / "Future Note.md").write_text("# Here now\n")
    report = _index(vault_copy, engine)
    assert report.parsed == 1
    html = _html(engine, "Linker.md")
    assert 'href="/notes/future-note"' in html and "is-unresolved" not in html


def test_deleted_note_disappears_and_its_links_become_unresolved(
    vault_copy: Path, engine: Engine
) -> None:
    _index(vault_copy, engine)
    (vault_copy / "b" / "Overview.md").unlink()
    (vault_copy / "Linker2.md").write_text("[[b/Overview]]\n")
    _index(vault_copy, engine)
    with engine.connect() as conn:
        assert conn.execute(select(Note).where(Note.path == "b/Overview.md")).first() is None
        resolved = conn.execute(
            select(Link.resolved).where(Link.raw_target == "b/Overview")
        ).scalar_one()
    assert resolved is False


def test_clashing_slugs_go_by_path_order_whichever_note_came_first(
    vault_copy: Path, engine: Engine
) -> None:
    (vault_copy / "a-b.md").write_text("second in path order, first on disk\n")
    (vault_copy / "Linker.md").write_text("See [[a-b]].\n")
    _index(vault_copy, engine)
    assert 'href="/notes/a-b"' in _html(engine, "Linker.md")
    (vault_copy / "A B.md").write_text("first in path order\n")
    _index(vault_copy, engine)
    with engine.connect() as conn:
        slugs = {p: s for p, s in conn.execute(select(Note.path, Note.slug))}
    assert slugs["A B.md"] == "a-b"  # as a full index of these files gives them
    assert slugs["a-b.md"] == "a-b-2"
    assert 'href="/notes/a-b-2"' in _html(engine, "Linker.md")  # links follow the slug


def test_an_edit_to_an_embedded_note_keeps_the_embedders_image_size(
    tmp_path: Path, engine: Engine
) -> None:
    vault = tmp_path / "vault"
    vault.mkdir()
    (vault / "img.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    (vault / "A.md").write_text("![[img.png|300]]\n\n![[B]]\n")
    (vault / "B.md").write_text("First line of B.\n")
    _index(vault, engine)
    (vault / "B.md").write_text("First line of B.\nA line added later.\n")
    _touch_later(vault / "B.md")
    _index(vault, engine)
    html = _html(engine, "A.md")
    assert 'width="300"' in html
    assert "A line added later." in html


def test_glossary_terms_are_stored_with_their_note(vault_copy: Path, engine: Engine) -> None:
    (vault_copy / "Terms.md").write_text(
        "**Perplexity** is the exponential of the average negative log-likelihood.\n\n"
        "Bilingual Evaluation Understudy (**BLEU**): n-gram precision against references.\n"
    )
    _index(vault_copy, engine)
    with engine.connect() as conn:
        names = set(conn.execute(select(Term.name)).scalars())
    assert {"Perplexity", "BLEU"} <= names


def test_vault_is_never_written(vault_copy: Path, engine: Engine) -> None:
    before = {p: p.stat().st_mtime_ns for p in vault_copy.rglob("*")}
    _index(vault_copy, engine)
    assert {p: p.stat().st_mtime_ns for p in vault_copy.rglob("*")} == before


def _many_notes(vault: Path, n: int = 80) -> None:
    vault.mkdir(exist_ok=True)
    for i in range(n):
        (vault / f"N{i}.md").write_text(
            f"# Note {i}\n\nLinks to [[N{(i + 1) % n}]]. #t{i % 3}x\n\n"
            f"Some perplexity and entropy here.\n\n![[N{(i + 2) % n}#Note {(i + 2) % n}]]\n"
        )
    (vault / "Terms.md").write_text("**Perplexity**: how surprised a model is by text.\n")


def _all_html(engine: Engine) -> dict[str, str]:
    with engine.connect() as conn:
        return dict(conn.execute(select(Note.path, Note.html)).tuples().all())


def test_process_pool_gives_the_same_index(tmp_path: Path) -> None:
    scratch = tmp_path  # where the databases are: a run's scratch folder goes beside them
    vault = tmp_path / "many"
    _many_notes(vault)
    serial = open_database(f"sqlite:///{tmp_path / 's.sqlite3'}")
    pooled = open_database(f"sqlite:///{tmp_path / 'p.sqlite3'}")
    index_vault(Settings(vault=vault, workers=1), serial)
    report = index_vault(Settings(vault=vault, workers=2), pooled)
    assert report.parsed == 81 and report.unresolved == 0
    pages = _all_html(pooled)
    assert pages == _all_html(serial)
    assert 'class="transclusion"' in pages["N5.md"]  # N7's section, read back from scratch
    assert 'data-term="perplexity"' in pages["N5.md"]
    assert not list(scratch.glob(".studynotes-index-*"))  # the run's scratch files are gone

    # A new term changes every note's HTML: all are rendered again, in the pool, from the
    # parses the index stored (none of these notes is parsed again).
    terms = vault / "Terms.md"
    terms.write_text(terms.read_text() + "**Entropy**: the average surprise of a source.\n")
    _touch_later(terms)
    index_vault(Settings(vault=vault, workers=1), serial)
    report = index_vault(Settings(vault=vault, workers=2), pooled)
    assert report.parsed == 1
    pages = _all_html(pooled)
    assert pages == _all_html(serial)
    assert 'data-term="entropy"' in pages["N5.md"] and 'class="transclusion"' in pages["N5.md"]
    assert not list(scratch.glob(".studynotes-index-*"))


def test_a_killed_runs_scratch_folder_is_removed_by_the_next_run(tmp_path: Path) -> None:
    vault = tmp_path / "many"
    _many_notes(vault)
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)  # fmt: skip
    orphan = tmp_path / f".studynotes-index-{gone.stdout.strip()}-x1"
    orphan.mkdir()
    (orphan / "parse-1.bin").write_bytes(b"left by a run that was killed")
    mine = tmp_path / f".studynotes-index-{os.getpid()}-x2"  # a live process's: kept
    mine.mkdir()
    engine = open_database(f"sqlite:///{tmp_path / 'p.sqlite3'}")
    index_vault(Settings(vault=vault, workers=2), engine)
    assert not orphan.exists()
    assert mine.exists()


def test_term_without_block_id_points_at_the_heading_above(
    vault_copy: Path, engine: Engine
) -> None:
    (vault_copy / "Terms.md").write_text(
        "# Intro\n\ntext\n\n## Metrics\n\n"
        "**Perplexity** is a measure of how surprised a model is by text.\n"
    )
    _index(vault_copy, engine)
    with engine.connect() as conn:
        anchor = conn.execute(select(Term.anchor).where(Term.name == "Perplexity")).scalar_one()
    assert anchor == "metrics"


def _all_html(engine: Engine) -> dict[str, str]:
    with engine.connect() as conn:
        return {p: h for p, h in conn.execute(select(Note.path, Note.html))}


def _all_links(engine: Engine) -> set[tuple[str, int, str, bool, str | None]]:
    with engine.connect() as conn:
        rows = conn.execute(
            select(Note.path, Link.position, Link.raw_target, Link.resolved, Link.anchor).join(
                Note, Note.id == Link.source_id
            )
        )
        return {tuple(r) for r in rows}  # type: ignore[misc]


def _all_terms(engine: Engine) -> dict[str, str]:
    with engine.connect() as conn:
        rows = conn.execute(select(Term.slug, Term.name, Term.definition_html, Term.anchor))
        return {r.slug: f"{r.name}|{r.anchor}|{r.definition_html}" for r in rows}


@pytest.mark.parametrize("remembered", [False, True], ids=["from-tables", "from-memory"])
def test_partial_reindex_gives_what_a_full_index_gives(
    vault_copy: Path, new_database: Callable[[str], str], remembered: bool
) -> None:
    engine = open_database(new_database("partial"))
    state = IndexState() if remembered else None

    def run() -> None:
        index_vault(Settings(vault=vault_copy, workers=1), engine, state=state)

    (vault_copy / "Embedder.md").write_text(
        "Intro.\n\n![[LoRA]]\n\nSee [[Transformers#Attention]].\n"
    )
    (vault_copy / "Reader.md").write_text("Uses perplexity and [[Later Note]].\n")
    run()

    edits = [
        ("Reader.md", "Uses perplexity and [[Later Note]]. Nothing glossary-like.\n"),
        ("LoRA.md", "# LoRA\n\nNow trains adapters only.\n"),  # embedded elsewhere
        ("Transformers.md", "# Transformers\n\n## Attention heads\n\nRenamed heading.\n"),
        ("Terms.md", "**Perplexity**: how surprised a model is; see [[Later Note#Later]].\n"),
        ("Later Note.md", "# Later\n"),  # resolves a link in an unchanged note
        ("Reader.md", "Uses perplexity and [[Later Note]] again.\n"),  # glossary as it was
    ]
    for name, text in edits:
        (vault_copy / name).write_text(text)
        _touch_later(vault_copy / name)
        run()
    (vault_copy / "b" / "Overview.md").unlink()
    run()

    full = open_database(new_database("full"))
    _index(vault_copy, full)
    assert _all_html(engine) == _all_html(full)
    assert _all_links(engine) == _all_links(full)
    assert _all_terms(engine) == _all_terms(full)
    assert 'href="/notes/later-note#later"' in _all_terms(engine)["perplexity"]
    html = _all_html(engine)
    assert "Now trains adapters only." in html["Embedder.md"]
    assert 'data-term="perplexity"' in html["Reader.md"]
    assert 'href="/notes/later-note"' in html["Reader.md"]


def test_an_edit_that_touches_no_term_reuses_the_collected_glossary(
    vault_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = open_database(f"sqlite:///{tmp_path / 'index.sqlite3'}")
    state = IndexState()
    settings = Settings(vault=vault_copy, workers=1)
    (vault_copy / "Terms.md").write_text("**Perplexity**: how surprised a model is by [[LoRA]].\n")
    index_vault(settings, engine, state=state)
    terms_before = _all_terms(engine)
    assert 'href="/notes/lora"' in terms_before["perplexity"]
    collected: list[int] = []
    real = pipeline.vault_terms
    monkeypatch.setattr(
        pipeline, "vault_terms", lambda *a, **k: collected.append(1) or real(*a, **k)
    )

    note = vault_copy / "LoRA.md"
    note.write_text(note.read_text() + "\nOne more plain sentence.\n")
    _touch_later(note)
    index_vault(settings, engine, state=state)
    assert collected == []  # nothing a term is made from changed
    assert _all_terms(engine) == terms_before

    terms = vault_copy / "Terms.md"
    terms.write_text(terms.read_text() + "\n**Dropout**: randomly zeroing activations.\n")
    _touch_later(terms)
    index_vault(settings, engine, state=state)
    assert collected == [1]
    assert "dropout" in _all_terms(engine)


def _terms_by_name(engine: Engine) -> set[str]:
    with engine.connect() as conn:
        return set(conn.execute(select(Term.name).where(Term.empty.is_(False))).scalars())


def test_a_note_marked_glossary_false_defines_no_terms(tmp_path: Path, engine: Engine) -> None:
    vault = tmp_path / "vault"
    vault.mkdir()
    (vault / "Advice.md").write_text(
        "---\nglossary: false\n---\n- **Keep an open mind**: try things before asking.\n"
    )
    (vault / "Words.md").write_text("- **Dropout**: randomly zeroing activations.\n")
    _index(vault, engine)
    assert _terms_by_name(engine) == {"Dropout"}


def test_phrases_the_owner_lists_are_never_terms_and_the_list_is_an_input(
    tmp_path: Path, engine: Engine
) -> None:
    vault = tmp_path / "vault"
    vault.mkdir()
    (vault / "Words.md").write_text(
        "- **Dropout**: randomly zeroing activations.\n"
        "- **Beam search**: keeping the best few partial outputs.\n"
        "\nBeam search with dropout.\n"
    )
    _index(vault, engine)
    assert _terms_by_name(engine) == {"Dropout", "Beam search"}
    settings = Settings(vault=vault, workers=1, glossary_ignore=["beam search"])
    report = index_vault(settings, engine)  # no file changed: the setting alone
    assert _terms_by_name(engine) == {"Dropout"}
    assert 'data-term="beam-search"' not in _html(engine, "Words.md")
    assert not report.unchanged


def test_a_large_sqlite_index_leaves_no_write_ahead_log_behind(tmp_path: Path) -> None:
    """Indexing a hundred notes or more wrote a log as large as the database, kept beside it
    for as long as a server ran, and read by every page; the run empties it."""
    vault = tmp_path / "vault"
    vault.mkdir()
    for i in range(pipeline.SETTLE_AFTER + 20):
        (vault / f"Note {i}.md").write_text(f"# Note {i}\n\n{'Some words. ' * 200}[[Note 0]]\n")
    db = tmp_path / "index.sqlite3"
    engine = open_database(f"sqlite:///{db}")
    with engine.connect() as reader:  # a server's connection, open all along
        index_vault(Settings(vault=vault, db=f"sqlite:///{db}", workers=1), engine)
        wal = Path(f"{db}-wal")
        assert not wal.exists() or wal.stat().st_size == 0
        assert reader.execute(select(Note.id)).all()
    engine.dispose()
