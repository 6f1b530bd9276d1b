"""The two bounds for queries: a note holding ten queries over the bench vault renders its
first view in 50 ms or less, and an edit to a note a query reads shows on the query's page
within a second.

``write_dashboard`` adds the note to a generated vault before it is indexed;
``query_cost`` times, in this process over the index written, what the server does for
the dashboard after each index run (``web.views.queries``: read the note list, build the
glossary matcher, run the ten queries); ``live_query`` edits a note the dashboard reads and
polls the dashboard until it shows the edit. The server runs a run's queries as soon as it
is written, so the first view measured is the page served once they are kept.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import quote

DASHBOARD = "Bench Dashboard.md"
QUERIES = [
    'TABLE status, difficulty FROM #review WHERE status != "done" SORT difficulty DESC LIMIT 20',
    'LIST FROM #exam AND -"Notes" LIMIT 20',
    "TABLE length(rows) AS Notes GROUP BY status",
    "TABLE difficulty, last-reviewed WHERE difficulty >= 4 SORT last-reviewed DESC LIMIT 25",
    'LIST WHERE contains(file.name, "Attention") LIMIT 10',
    "TABLE WITHOUT ID file.link AS Note, probe AS Probe WHERE probe",
    "TASK WHERE !completed LIMIT 10",
    "TABLE rating FROM #llm WHERE rating SORT rating DESC, file.name LIMIT 15",
    "LIST length(file.outlinks) SORT length(file.outlinks) DESC LIMIT 10",
    'TABLE date(last-reviewed) AS Reviewed WHERE last-reviewed > date("2024-06-01") LIMIT 20',
]


def write_dashboard(vault: Path) -> str:
    """Put the ten-query note in ``vault``; its path."""
    parts = ["# Bench dashboard", ""]
    for i, query in enumerate(QUERIES, 1):
        parts += [f"## Query {i}", "", "```dataview", query, "```", ""]
    (vault / DASHBOARD).write_text("\n".join(parts), encoding="utf-8")
    return DASHBOARD


def query_cost(db_url: str) -> dict[str, float]:
    """Milliseconds the server spends on the dashboard's queries after an index run
    (``ten_queries_ms``: the first page to show queries pays for the note list and the
    glossary matcher too), and to fill the page again once they are kept."""
    from sqlalchemy import create_engine, select
    from sqlalchemy.orm import Session

    from studynotes.db.models import Note
    from studynotes.web.views.queries import Results

    engine = create_engine(db_url)
    try:
        with Session(engine) as db:
            page = db.scalars(select(Note.html).where(Note.path == DASHBOARD)).one()
            results = Results()
            started = time.perf_counter()
            html = results.fill(db, page)
            ran = time.perf_counter()
            results.fill(db, page)
            kept = time.perf_counter()
    finally:
        engine.dispose()
    if "cannot run" in html or "the query failed" in html:
        raise RuntimeError(f"a bench query failed: {html[:2000]}")
    return {"ten_queries_ms": (ran - started) * 1000, "kept_ms": (kept - ran) * 1000}


def live_query(
    get: Callable[[str], tuple[int, bytes, float]], vault: Path, slug: str, note: str
) -> dict[str, Any]:
    """Add a field the dashboard's probe query shows to ``note``; seconds until it shows,
    and the dashboard page's first view (milliseconds, measured before the edit)."""
    status, _, first = get(f"/notes/{quote(slug)}")
    marker = f"probe{int(time.time() * 1000) % 1_000_000}"
    with (vault / note).open("a", encoding="utf-8") as fh:
        fh.write(f"\nprobe:: {marker}\n")
    written = time.perf_counter()
    seen = None
    while time.perf_counter() - written < 30:
        code, body, _ = get(f"/api/notes/{quote(slug)}")
        if code == 200 and marker in json.loads(body)["html"]:
            seen = time.perf_counter() - written
            break
        time.sleep(0.02)
    return {"first_view_ms": first * 1000, "first_view_status": status, "live_s": seen}
