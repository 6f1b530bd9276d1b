"""Every page that counts the glossary gives the same number: the terms with a definition.
A name written as a term with nothing after it yet is listed apart, not counted."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from studynotes.config import Settings
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


@pytest.fixture
def client_and_summary(
    tmp_path: Path,
    small_vault: Callable[[Path, dict[str, str]], tuple[Settings, Engine, Path]],
) -> Iterator[tuple[TestClient, str]]:
    settings, engine, _ = small_vault(tmp_path, NOTES)
    summary = index_vault(settings, engine).summary()  # nothing changed: counts only
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
