"""Every page that counts the glossary gives the same number: the terms with a definition.
A name written as a term with nothing after it yet is listed apart, not counted."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from studynotes.config import Settings
from studynotes.db.session import open_database
from studynotes.ingest.pipeline import index_vault
from studynotes.web.app import create_app

NOTES = {
    "Terms.md": (
        "# Terms\n\n- **Dropout**: randomly zeroing activations while training.\n"
        "- **Beam search**: keeping the best few partial outputs at each step.\n"
        "- **Perplexity**:\n"
    ),
    "Reader.md": "# Reader\n\nDropout and beam search, and perplexity.\n",
}


@pytest.fixture(scope="module")
def client_and_summary(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[TestClient, str]]:
    root = tmp_path_factory.mktemp("counts")
    vault = root / "vault"
    vault.mkdir()
    for name, text in NOTES.items():
        (vault / name).write_text(text, encoding="utf-8")
    settings = Settings(vault=vault, db=f"sqlite:///{root / 'index.sqlite3'}", workers=1)
    engine = open_database(settings.database_url())
    summary = index_vault(settings, engine).summary()
    with TestClient(create_app(settings, engine=engine)) as client:
        yield client, summary
    engine.dispose()


def test_home_glossary_page_api_and_index_summary_agree(
    client_and_summary: tuple[TestClient, str],
) -> None:
    client, summary = client_and_summary
    terms = client.get("/api/terms").json()
    defined = [t for t in terms if not t["empty"]]
    assert {t["term"] for t in defined} == {"Dropout", "Beam search"}
    assert any(t["empty"] for t in terms)  # the bare name is there, listed apart
    home = client.get("/").text
    glossary = client.get("/glossary").text
    assert re.search(r">\s*2\s*</span>\s*<span class=\"stat-label\">glossary terms", home)
    assert "All 2 terms" in home
    assert re.search(r"<h1>\s*2 terms\s*</h1>", glossary)
    assert ", 2 terms," in summary
