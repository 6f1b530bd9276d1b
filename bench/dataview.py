"""The two bounds for queries: a note holding ten queries over the bench vault renders its
first view in 50 ms or less, and an edit to a note a query reads shows on the query's page
within a second.

``write_dashboard`` adds the note to a generated vault before it is indexed;
``query_cost`` times the ten queries in this process (what rendering the page costs the
index); ``live_query`` edits a note the dashboard reads and polls the dashboard until it
shows the edit.
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


def query_cost(vault: Path) -> dict[str, float]:
    """Milliseconds to build the query table from parsed notes and run the ten queries."""
    from studynotes.dataview.pages import build_table
    from studynotes.dataview.render import query_html
    from studynotes.ingest.parse import parse_note
    from studynotes.paths import VaultPath

    notes = []
    for path in sorted(p for p in vault.rglob("*.md") if ".obsidian" not in p.parts):
        rel = VaultPath(path.relative_to(vault).as_posix())
        stat = path.stat()
        notes.append((rel, parse_note(rel, path.read_text(encoding="utf-8")), stat))
    started = time.perf_counter()
    table = build_table(((p, n, [], s.st_mtime_ns, s.st_size) for p, n, s in notes), {})
    built = time.perf_counter()
    for query in QUERIES:
        html = query_html(query, table, DASHBOARD)
        if "cannot run" in html:
            raise RuntimeError(f"bench query failed: {html}")
    done = time.perf_counter()
    return {"table_ms": (built - started) * 1000, "ten_queries_ms": (done - built) * 1000}


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
