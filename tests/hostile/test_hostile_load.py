"""A bounded load test: 64 concurrent connections on loopback for tens of seconds, zero errors,
flat memory. Slow: `make test-slow` runs it, `make test` does not.

Memory is sampled after a warm-up: each of the server's pooled SQLite connections keeps its
own page cache (up to 2 MiB), and those fill as the threads meet different pages. It runs
on SQLite and on PostgreSQL."""

from __future__ import annotations

import asyncio
import random
import shutil
import statistics
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx2 as httpx
import pytest

FIXTURE_VAULT = Path(__file__).parents[1] / "fixtures" / "vault"
CONNECTIONS = 64
WARM_UP = 20.0  # every pooled connection's SQLite page cache and every thread's arena fill
SECONDS = 40.0
MAX_REQUESTS = 100_000  # a second bound, whatever the machine's speed


def _rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise AssertionError("no VmRSS")


def _vault(root: Path) -> Path:
    vault = root / "vault"
    shutil.copytree(FIXTURE_VAULT, vault)
    for i in range(200):
        folder = vault / f"topic {i % 8}"
        folder.mkdir(exist_ok=True)
        (folder / f"Note {i}.md").write_text(
            f"---\ntags: [t{i % 9}, area/{i % 4}]\n---\n# Note {i}\n\n"
            f"**Concept {i}**: what note {i} defines, with $x^{i % 5}$ in it.\n\n"
            f"> [!tip] Tip {i}\n> See [[Note {(i + 1) % 200}]] and [[Transformers#Attention]].\n\n"
            f"- item ^b{i}\n\nConcept {(i + 5) % 200} and attention again. #t{i % 9}\n",
            encoding="utf-8",
        )
    return vault


def _paths(rng: random.Random) -> str:
    i = rng.randrange(200)
    return rng.choice(
        [
            "/",
            f"/notes/topic-{i % 8}/note-{i}",
            f"/api/notes/topic-{i % 8}/note-{i}",
            f"/api/preview/topic-{i % 8}/note-{i}?block=b{i}",
            "/api/notes",
            "/glossary",
            f"/glossary/concept-{i}",
            "/tags",
            f"/tags/t{i % 9}",
            f"/api/search?q=concept+{i}",
            f"/search?q=note{rng.randrange(10**6)}",  # always new: no cache can serve it
            "/api/graph",
            f"/api/graph?slug=topic-{i % 8}/note-{i}",
            f"/folders/topic%20{i % 8}",
            "/broken-links",
            "/notes/does-not-exist",  # a 404, expected
        ]
    )


async def _hammer(base: str, seconds: float, seed: int) -> tuple[Counter[str], list[float]]:
    """CONNECTIONS clients in a loop until the time or the request budget is spent."""
    outcomes: Counter[str] = Counter()
    latencies: list[float] = []
    deadline = time.monotonic() + seconds
    limits = httpx.Limits(max_connections=CONNECTIONS, max_keepalive_connections=CONNECTIONS)
    async with httpx.AsyncClient(base_url=base, timeout=30, limits=limits) as client:

        async def worker(n: int) -> None:
            rng = random.Random(seed * 1000 + n)
            while time.monotonic() < deadline and sum(outcomes.values()) < MAX_REQUESTS:
                path = _paths(rng)
                started = time.perf_counter()
                try:
                    response = await client.get(path)
                except httpx.HTTPError as exc:
                    outcomes[f"error {type(exc).__name__}"] += 1
                    continue
                latencies.append(time.perf_counter() - started)
                expected = 404 if path == "/notes/does-not-exist" else 200
                status = response.status_code
                outcomes["ok" if status == expected else f"{status} {path}"] += 1

        await asyncio.gather(*(worker(n) for n in range(CONNECTIONS)))
    return outcomes, latencies


@pytest.mark.slow
def test_64_connections_for_40_seconds_zero_errors_flat_memory(
    tmp_path: Path, servers: Any, new_database: Callable[[str], str]
) -> None:
    base = servers.start(_vault(tmp_path), "--no-watch", db=new_database("load"))
    assert base.startswith("http://127.0.0.1:")  # loopback only
    pid = servers.last.pid

    warm, _ = asyncio.run(_hammer(base, WARM_UP, seed=1))
    assert set(warm) == {"ok"}, warm
    rss_start = _rss_kib(pid)
    started = time.monotonic()
    outcomes, latencies = asyncio.run(_hammer(base, SECONDS, seed=2))
    elapsed = time.monotonic() - started
    rss_end = _rss_kib(pid)

    total = sum(outcomes.values())
    latencies.sort()
    print(
        f"\nload: warm-up {sum(warm.values())} requests in {WARM_UP:.0f} s, then "
        f"{total} requests in {elapsed:.1f} s ({total / elapsed:.0f}/s) over "
        f"{CONNECTIONS} connections; outcomes {dict(outcomes)}; latency median "
        f"{statistics.median(latencies) * 1000:.0f} ms, p99 "
        f"{latencies[int(len(latencies) * 0.99)] * 1000:.0f} ms; server RSS "
        f"{rss_start / 1024:.1f} MiB -> {rss_end / 1024:.1f} MiB"
    )
    assert set(outcomes) == {"ok"}, outcomes  # zero errors, zero 5xx
    assert total >= 2_000
    assert rss_end <= rss_start * 1.10 + 8 * 1024  # flat: at most 10 % + 8 MiB of drift
    assert "Traceback" not in servers.stop(servers.last)
