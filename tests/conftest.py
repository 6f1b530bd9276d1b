"""Shared fixtures: the small fixture vault and a renderer that places a note inside it."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from studynotes.ingest.discover import discover
from studynotes.ingest.parse import ParsedNote, parse_note
from studynotes.ingest.resolve import resolve_all
from studynotes.paths import VaultPath, path_slug
from studynotes.render import Vault, render_note

FIXTURES = Path(__file__).parent / "fixtures"
FIXTURE_VAULT = FIXTURES / "vault"

Render = Callable[..., str]


@pytest.fixture(scope="session")
def fixture_notes() -> tuple[dict[VaultPath, ParsedNote], list[VaultPath]]:
    inventory = discover(FIXTURE_VAULT, max_bytes=1_000_000)
    notes = {
        f.path: parse_note(f.path, (FIXTURE_VAULT / f.path).read_text(encoding="utf-8"))
        for f in inventory.notes
    }
    return notes, [a.path for a in inventory.attachments]


@pytest.fixture
def render(fixture_notes: tuple[dict[VaultPath, ParsedNote], list[VaultPath]]) -> Render:
    """Render ``text`` as if it were the note ``path`` of the fixture vault."""

    def _render(text: str, path: str = "Case.md") -> str:
        base, attachments = fixture_notes
        notes = dict(base)
        notes[VaultPath(path)] = parse_note(VaultPath(path), text)
        slugs = {p: path_slug(p) for p in notes}
        vault = Vault(notes, dict(slugs), resolve_all(notes, attachments))
        return render_note(vault, VaultPath(path))

    return _render


@pytest.fixture
def vault_copy(tmp_path: Path) -> Path:
    """A writable copy of the fixture vault."""
    target = tmp_path / "vault"
    shutil.copytree(FIXTURE_VAULT, target)
    return target
