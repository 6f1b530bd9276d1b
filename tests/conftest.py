"""Shared fixtures: the small fixture vault and a renderer that places a note inside it."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx2 as httpx
import pytest

from studynotes.ingest.discover import discover
from studynotes.ingest.parse import ParsedNote, parse_note
from studynotes.ingest.render import Vault, render_note
from studynotes.ingest.resolve import resolve_all
from studynotes.paths import VaultPath, path_slug

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


class Servers:
    """Starts `studynotes serve` processes on free loopback ports; stops each one it started."""

    def __init__(self, tmp: Path) -> None:
        self._tmp = tmp
        self._procs: list[subprocess.Popen[str]] = []

    def start(self, vault: Path, *args: str, timeout: float = 60) -> str:
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        db = self._tmp / f"index-{port}.sqlite3"
        cmd = [sys.executable, "-m", "studynotes", "serve", str(vault), "--port", str(port)]
        cmd += ["--db", f"sqlite:///{db}", *args]
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        proc = subprocess.Popen(
            cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=env
        )
        self._procs.append(proc)
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + timeout
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"server exited: {self.stop(proc)}")
            try:
                httpx.get(base + "/api/notes", timeout=1)
                return base
            except httpx.TransportError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)

    def stop(self, proc: subprocess.Popen[str]) -> str:
        """Stop one server (SIGINT, as Ctrl+C) and return what it printed on stderr."""
        if proc.poll() is None:
            proc.send_signal(signal.SIGINT)
        try:
            _, err = proc.communicate(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            _, err = proc.communicate()
        return err or ""

    def stop_all(self) -> list[str]:
        return [self.stop(p) for p in self._procs]

    @property
    def last(self) -> subprocess.Popen[str]:
        return self._procs[-1]


@pytest.fixture
def servers(tmp_path: Path) -> Iterator[Servers]:
    started = Servers(tmp_path)
    yield started
    started.stop_all()


@pytest.fixture(scope="session")
def session_servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Servers]:
    started = Servers(tmp_path_factory.mktemp("servers"))
    yield started
    started.stop_all()
