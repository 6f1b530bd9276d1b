"""The real server: `studynotes serve` on a free loopback port, watching a vault copy."""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path

import httpx2 as httpx


def test_edited_note_is_pushed_to_open_pages_and_served(servers: object, vault_copy: Path) -> None:
    base = servers.start(vault_copy)  # type: ignore[attr-defined]
    events: list[dict[str, list[str]]] = []
    ready = threading.Event()

    def listen() -> None:
        with httpx.stream("GET", base + "/api/events", timeout=20) as response:
            for line in response.iter_lines():
                ready.set()
                if line.startswith("data: "):
                    events.append(json.loads(line[6:]))
                    return

    thread = threading.Thread(target=listen, daemon=True)
    thread.start()
    assert ready.wait(10)
    assert "Freshly added" not in httpx.get(base + "/notes/lora").text  # now in the page cache
    note = vault_copy / "LoRA.md"
    written = time.monotonic()
    note.write_text(note.read_text() + "\nFreshly added sentence.\n")
    thread.join(15)
    assert events and "lora" in events[0]["slugs"]
    assert time.monotonic() - written < 5
    assert "Freshly added sentence." in httpx.get(base + "/api/notes/lora").json()["html"]
    assert "Freshly added sentence." in httpx.get(base + "/notes/lora").text


def test_binding_beyond_loopback_warns(servers: object, tmp_path: Path) -> None:
    vault = tmp_path / "v"
    vault.mkdir()
    (vault / "A.md").write_text("# A\n")
    servers.start(vault, "--host", "0.0.0.0", "--no-watch")  # type: ignore[attr-defined]
    err = servers.stop(servers.last)  # type: ignore[attr-defined]
    assert "not loopback" in err and "no login" in err


def test_binding_beyond_loopback_with_a_token_needs_it_and_does_not_warn(
    servers: object, tmp_path: Path
) -> None:
    vault = tmp_path / "v"
    vault.mkdir()
    (vault / "A.md").write_text("# A\n")
    base = servers.start(vault, "--host", "0.0.0.0", "--no-watch", "--token", "s3cret")  # type: ignore[attr-defined]
    assert httpx.get(base + "/notes/a").status_code == 401
    ok = httpx.get(base + "/notes/a", headers={"Authorization": "Bearer s3cret"})
    assert ok.status_code == 200
    err = servers.stop(servers.last)  # type: ignore[attr-defined]
    assert "not loopback" not in err
