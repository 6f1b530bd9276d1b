"""The pages about the whole vault at 50,000 notes: what each weighs and how long it takes.

Part of ``make bench`` (``--large 50000``; ``--large 0`` leaves it out). One vault is
generated and indexed, then served, and these are asked for once each after a warm-up:
the graph page's first data (``/api/graph``), a folder of it, the JSON lists, the
glossary page, a note page, a folder's tree and wrong addresses (the 404 page). Bounds:
no answer over 1 MB, the graph's first data within 3 MB and 2 s, a 404 within 50 ms.
"""

from __future__ import annotations

import json
import statistics
import time
from pathlib import Path
from typing import Any
from urllib.parse import quote

from bench.vaultgen import generate

MAX_BYTES = 1_000_000
GRAPH_MAX_BYTES = 3_000_000
GRAPH_MAX_S = 2.0
NOT_FOUND_MAX_MS = 50.0


def measure_large(n: int, work: Path, procs: Any, client_for: Any, helpers: Any) -> dict[str, Any]:
    """``helpers``: bench.run's ``run_index``, ``_studynotes``, ``_free_port`` and
    ``wait_until_serving`` (passed in: this module is imported by run.py)."""
    vault_dir = work / f"vault-{n}"
    vault = generate(vault_dir, n, seed=3)
    db_url = f"sqlite:///{work / f'large-{n}.sqlite3'}"
    index = helpers.run_index(procs, vault_dir, db_url, work / "large-index.log")
    port = helpers._free_port()
    log = work / "large-serve.log"
    server = procs.start(
        [*helpers._studynotes(), "serve", str(vault_dir), "--port", str(port), "--db", db_url,
         "--no-watch"],
        log,
    )  # fmt: skip
    result: dict[str, Any] = {"notes": len(vault.notes), "index_s": index.wall_s}
    try:
        helpers.wait_until_serving(server, port, log)
        client = client_for(port)
        folder = sorted({Path(p).parent.as_posix() for p in vault.notes if "/" in p})[0]
        _, first, _ = client.get("/api/notes?limit=1")
        slug = json.loads(first)[0]["slug"]
        paths = {
            "graph data": "/api/graph",
            "graph of a folder": f"/api/graph?folder={quote(folder)}",
            "notes list": "/api/notes",
            "terms list": "/api/terms",
            "tags list": "/api/tags",
            "glossary page": "/glossary",
            "graph page": "/graph",
            "folder tree": f"/api/tree?folder={quote(folder)}",
            "note page": f"/notes/{quote(slug)}",
        }
        answers: dict[str, dict[str, float]] = {}
        for name, path in paths.items():
            client.get(path)  # warm: per-index caches are built on first use
            status, body, seconds = client.get(path)
            answers[name] = {"status": status, "bytes": len(body), "ms": seconds * 1000}
        started = time.perf_counter()
        status, body, _ = client.get("/api/graph")
        graph_cold_s = time.perf_counter() - started
        misses = []
        for i in range(20):
            _, _, seconds = client.get(f"/notes/no-such-note-{i}-{slug[:12]}")
            misses.append(seconds * 1000)
        client.close()
    finally:
        procs.stop(server)
    biggest = max(answers.items(), key=lambda kv: kv[1]["bytes"])
    result.update(
        answers=answers,
        largest={"name": biggest[0], "bytes": biggest[1]["bytes"]},
        graph_first={"bytes": answers["graph data"]["bytes"], "seconds": graph_cold_s},
        not_found_p50_ms=statistics.median(misses),
    )
    return result


def large_bounds(result: dict[str, Any]) -> list[tuple[str, float, str, float]]:
    """(what, value, op, limit) for each bound of the large vault."""
    return [
        ("largest answer (bytes)", result["largest"]["bytes"], "<=", MAX_BYTES),
        ("graph first data (bytes)", result["graph_first"]["bytes"], "<=", GRAPH_MAX_BYTES),
        ("graph first data (s)", result["graph_first"]["seconds"], "<=", GRAPH_MAX_S),
        ("404 page p50 (ms)", result["not_found_p50_ms"], "<=", NOT_FOUND_MAX_MS),
    ]
