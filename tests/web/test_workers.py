"""``serve --workers 2`` over one database, on each engine: every worker serves the index,
one of them follows the vault, and open pages hear about an edit whichever worker they
are connected to."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx2 as httpx

STREAMS = 6  # spread over the workers by the kernel, as a class's browsers would be


def _listen(base: str, heard: list[dict[str, Any]], ready: threading.Barrier) -> None:
    with httpx.stream("GET", base + "/api/events", timeout=30) as response:
        ready.wait()
        for line in response.iter_lines():
            if line.startswith("data: "):
                message = json.loads(line[6:])
                if message["slugs"]:
                    heard.append(message)
                    return


def test_two_workers_serve_one_index_and_every_page_hears_an_edit(
    servers: Any, vault_copy: Path, new_database: Callable[[str], str]
) -> None:
    base = servers.start(vault_copy, "--workers", "2", db=new_database("workers"))
    for _ in range(20):
        assert httpx.get(base + "/notes/lora", timeout=10).status_code == 200
    heard: list[list[dict[str, Any]]] = [[] for _ in range(STREAMS)]
    ready = threading.Barrier(STREAMS + 1)
    threads = [
        threading.Thread(target=_listen, args=(base, heard[i], ready), daemon=True)
        for i in range(STREAMS)
    ]
    for thread in threads:
        thread.start()
    ready.wait(timeout=20)
    time.sleep(0.5)
    (vault_copy / "LoRA.md").write_text("# LoRA\n\nNow about adapters only.\n")
    for thread in threads:
        thread.join(timeout=20)
    assert all(h and "lora" in h[0]["slugs"] for h in heard), heard
    page = httpx.get(base + "/notes/lora", timeout=10).text
    assert "Now about adapters only." in page
    errors = servers.stop(servers.last)
    assert "Traceback" not in errors, errors
