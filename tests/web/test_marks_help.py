"""Dots only where they help: an everyday word defined in passing is in the glossary but
not dotted on every page; a rarer word, or an everyday one the vault defines firmly, is."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from studynotes.config import Settings
from studynotes.web.app import create_app

NOTES = {
    "Words.md": (
        "# Words\n\n- **Prompt**: everything the model reads before it answers.\n"
        "- **Logits**: the raw scores before the softmax.\n"
    ),
    "Memory.md": "# Memory\n\n**Memory** is a store the agent reads between turns.\n",
    "Reader.md": (
        "# Reader\n\nThe prompt sets the task; the logits rank the next words; "
        "the memory keeps what was said.\n"
    ),
}


def test_everyday_words_are_dotted_only_on_strong_evidence(
    tmp_path: Path,
    small_vault: Callable[[Path, dict[str, str]], tuple[Settings, Engine, Path]],
) -> None:
    settings, engine, _ = small_vault(tmp_path, NOTES)
    with TestClient(create_app(settings, engine=engine)) as client:
        listed = {t["term"] for t in client.get("/api/terms").json()}
        page = client.get("/notes/reader").text
    engine.dispose()
    assert {"Prompt", "Logits", "Memory"} <= listed  # all three are in the glossary
    assert 'data-term="logits"' in page  # not an everyday word: dotted
    assert 'data-term="memory"' in page  # everyday, but its own note defines it as a sentence
    assert 'data-term="prompt"' not in page  # everyday, defined in passing: not dotted
