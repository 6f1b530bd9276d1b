"""One indexed copy of the fixture vault and one app over it, shared by the web tests."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from studynotes.config import Settings
from studynotes.db.session import open_database
from studynotes.ingest.pipeline import index_vault
from studynotes.web.app import create_app

FIXTURE_VAULT = Path(__file__).parents[1] / "fixtures" / "vault"

EXTRA_NOTES = {
    "Glossary Source.md": (
        "# Evaluation words\n\n"
        "Bilingual Evaluation Understudy (**BLEU**): compares n-grams of a candidate "
        "with references.\n\n"
        "**Perplexity** is the exponential of the average negative log-likelihood.\n"
    ),
    "Uses Terms.md": (
        "---\ntags: [eval/metrics]\n---\n# Using terms\n\nWe report BLEU and perplexity "
        "for every run. See [[Transformers#Attention]] and [[Nowhere Yet]].\n\n"
        "Transformers are mentioned here without a link.\n"
    ),
    "中文笔记.md": "# 注意力\n\n自注意力机制让每个词看到其他词。#笔记\n",
}


def index_notes(
    root: Path, notes: dict[str, str], db: str | None = None
) -> tuple[Settings, Engine, Path]:
    """A vault of ``notes`` (path -> text) under ``root``, indexed into ``db`` (by default a
    SQLite database beside it)."""
    vault = root / "vault"
    vault.mkdir()
    for name, text in notes.items():
        (vault / name).parent.mkdir(parents=True, exist_ok=True)
        (vault / name).write_text(text, encoding="utf-8")
    settings = Settings(vault=vault, db=db or f"sqlite:///{root / 'index.sqlite3'}", workers=1)
    engine = open_database(settings.database_url())
    index_vault(settings, engine)
    return settings, engine, vault


@pytest.fixture
def small_vault(
    new_database: Callable[[str], str],
) -> Callable[[Path, dict[str, str]], tuple[Settings, Engine, Path]]:
    """Index a few notes of a test's own (``index_notes``), on each engine."""
    return lambda root, notes: index_notes(root, notes, new_database("small"))


@pytest.fixture(scope="session")
def web_vault(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("web") / "vault"
    shutil.copytree(FIXTURE_VAULT, root)
    for name, text in EXTRA_NOTES.items():
        (root / name).write_text(text, encoding="utf-8")
    (root / "assets" / "evil.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    )
    (root / ".obsidian").mkdir()
    (root / ".obsidian" / "app.json").write_text("{}")
    return root


@pytest.fixture(scope="session")
def client(web_vault: Path, session_database: Callable[[str], str]) -> Iterator[TestClient]:
    """The app over the web vault, once per engine: every web test runs on both."""
    settings = Settings(vault=web_vault, db=session_database("web"), workers=1)
    engine = open_database(settings.database_url())
    index_vault(settings, engine)
    with TestClient(create_app(settings, engine=engine)) as test_client:
        yield test_client
