"""PostgreSQL finds what SQLite finds: the same notes first, for queries a reader types on
the bundled vault (words, phrases, prefixes as typed, typos, fragments, ``#tag``, CJK)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import Engine

from studynotes.config import Settings
from studynotes.db.search import search
from studynotes.db.session import open_database
from studynotes.ingest.pipeline import index_vault

BUNDLED = Path(__file__).parents[2] / "notes"
TOP = 5

QUERIES = [
    "attention",  # a word: its note first, then the notes that use it most
    "transformer",  # a prefix of the title "Transformers"
    "atten",  # the start of a word, as typed
    "fine tuning",  # a hyphenated title, two words
    "retrieval augmented",  # an alias
    "evaluation metrics",
    "context window",
    "token",
    "embed",
    "lora",
    "loss",
    "gradient",
    "transfromer",  # a typo: the nearest title's notes
    "ruoge",  # a typo of a glossary term
    "ression",  # a fragment inside words
    "#prompting",  # a tag alone
    "#training",
    "prompt #prompting",  # a word within a tag
    "笔记",  # CJK, two characters
    "语言模型",  # CJK inside a longer run
    "中文 tokens",  # CJK and a word
]


def _index(url: str) -> Engine:
    engine = open_database(url)
    index_vault(Settings(vault=BUNDLED, db=url, workers=1), engine)
    return engine


def _top(engine: Engine, q: str) -> tuple[list[str], list[str], str | None]:
    with engine.connect() as conn:
        found = search(conn, q)
    terms = [t.term for t in found.terms][:TOP]
    return terms, [n.title for n in found.notes][:TOP], found.notes_for


@pytest.fixture(scope="module")
def engines(
    postgres_databases: Callable[[str], str], tmp_path_factory: pytest.TempPathFactory
) -> tuple[Engine, Engine]:
    sqlite = _index(f"sqlite:///{tmp_path_factory.mktemp('bundled') / 'i.sqlite3'}")
    return sqlite, _index(postgres_databases("bundled"))


@pytest.mark.parametrize("q", QUERIES)
def test_postgresql_puts_the_same_notes_first_as_sqlite(
    engines: tuple[Engine, Engine], q: str
) -> None:
    sqlite, postgres = engines
    expected = _top(sqlite, q)
    assert expected[1], f"{q!r} should find notes in the bundled vault"
    assert _top(postgres, q) == expected
