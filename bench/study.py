"""Study mode in the benchmark: how long the server takes to pick the next card.

A reader's session, on one keep-alive connection: ask for the next card (timed), rate it
Good (not timed), and again; half the requests name a deck, half review everything. Rating
changes what is due, so the queries run against a schedule that grows as in real use.
"""

from __future__ import annotations

import http.client
import json
import math
import random
import statistics
import time
from typing import Any
from urllib.parse import quote

REQUESTS = 300
WARMUP = 30
BUDGET_S = 120.0


def _p(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[max(1, math.ceil(q / 100 * len(ordered))) - 1] * 1000


def review_session(port: int, rng: random.Random) -> dict[str, Any]:
    """p50/p99 of ``GET /api/review/next``, with the counts of what was reviewed."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)

    def call(
        method: str, path: str, body: dict[str, Any] | None = None
    ) -> tuple[int, bytes, float]:
        data = json.dumps(body).encode() if body is not None else None
        headers = {"Content-Type": "application/json"} if data else {}
        started = time.perf_counter()
        conn.request(method, path, body=data, headers=headers)
        response = conn.getresponse()
        payload = response.read()
        return response.status, payload, time.perf_counter() - started

    try:
        status, body, _ = call("GET", "/api/decks")
        decks = [d for d in json.loads(body) if d["due"]] if status == 200 else []
        _, _, decks_s = call("GET", "/api/decks")
        times: list[float] = []
        rate_times: list[float] = []
        statuses: dict[str, int] = {}
        started = time.perf_counter()
        for i in range(REQUESTS + WARMUP):
            if time.perf_counter() - started > BUDGET_S:
                break
            path = "/api/review/next"
            if decks and i % 2:
                path += "?deck=" + quote(rng.choice(decks)["deck"], safe="")
            status, body, seconds = call("GET", path)
            statuses[str(status)] = statuses.get(str(status), 0) + 1
            if i >= WARMUP:
                times.append(seconds)
            if status == 200:
                card = json.loads(body)
                _, _, rated = call("POST", "/api/review", {"card_id": card["id"], "rating": 3})
                rate_times.append(rated)
        return {
            "cards": sum(d["cards"] for d in json.loads(call("GET", "/api/decks")[1])
                         if "/" not in d["deck"]),
            "decks": len(decks),
            "requests": len(times),
            "p50_ms": _p(times, 50) if times else None,
            "p99_ms": _p(times, 99) if times else None,
            "mean_ms": statistics.fmean(times) * 1000 if times else None,
            "rate_p50_ms": _p(rate_times, 50) if rate_times else None,
            "decks_ms": decks_s * 1000,
            "statuses": statuses,
        }  # fmt: skip
    finally:
        conn.close()
