"""A small vault of flashcards, indexed into its own database, for the study tests."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import Engine

from studynotes.config import Settings
from studynotes.db.session import open_database
from studynotes.ingest.pipeline import index_vault

CARDS = {
    "Decks/Basics.md": (
        "---\ntags: [flashcards/llm]\n---\nWhat is RAG?::Retrieval, then generation.\n"
    ),
    "Glossary/Softmax.md": "**Softmax**: turns a vector of scores into probabilities.\n",
}

Indexed = tuple[Settings, Engine, Path]


def index_notes(root: Path, notes: dict[str, str], **settings: object) -> Indexed:
    vault = root / "vault"
    for name, text in notes.items():
        (vault / name).parent.mkdir(parents=True, exist_ok=True)
        (vault / name).write_text(text, encoding="utf-8")
    config = Settings(vault=vault, db=f"sqlite:///{root / 'index.sqlite3'}", workers=1, **settings)
    engine = open_database(config.database_url())
    index_vault(config, engine)
    return config, engine, vault


@pytest.fixture
def study_vault(tmp_path: Path) -> Callable[..., Indexed]:
    """``study_vault(notes=CARDS, **settings)``: index those notes; call again to re-index."""

    def make(notes: dict[str, str] | None = None, **settings: object) -> Indexed:
        return index_notes(tmp_path, CARDS if notes is None else notes, **settings)

    return make
