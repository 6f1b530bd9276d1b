"""The static site's part of the benchmark: ``studynotes build`` against the full index of
the same vault, a rebuild with nothing changed and after a one-note edit, the site's size,
and its search in headless Chromium.

Search is timed in the page: from setting the query in the header's search box (as a
keystroke would) to the result list drawn (a mutation of the list, then the next frame).
The box waits ``DEBOUNCE_MS`` after the last keystroke before it searches, by design; the
answer time is the measured time less that wait. Each query is asked twice: cold (its
shards not yet loaded) and warm. The box starts searching at the keystroke, so that wait
hides some of the fetching; the search alone is timed too, cold, in a tab of its own:
from calling the site's search to its answer, with no wait before it.
"""

from __future__ import annotations

import shutil
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

DEBOUNCE_MS = 80.0  # static/js/search.js: DEBOUNCE
BUILD_TIMEOUT = 1_500.0

_MEASURE = """async (q) => {
  const input = document.getElementById('search-input');
  const box = document.getElementById('search-results');
  input.focus();
  input.value = '';
  input.dispatchEvent(new Event('input', { bubbles: true }));
  await new Promise((r) => setTimeout(r, 150));
  return await new Promise((resolve) => {
    let t0 = 0;
    const seen = new MutationObserver(() => {
      seen.disconnect();
      const shown = box.querySelectorAll('[role=option]').length;
      requestAnimationFrame(() => resolve([performance.now() - t0, shown]));
    });
    seen.observe(box, { childList: true, subtree: true });
    t0 = performance.now();
    input.value = q;
    input.dispatchEvent(new Event('input', { bubbles: true }));
  });
}"""


_ALONE = """async (q) => {
  const app = document.querySelector('script[src*="/static/js/app.js"]').src;
  const search = await import(new URL('./sitesearch.js', app).href);
  const t0 = performance.now();
  await search.siteSearch(q, 8);
  return performance.now() - t0;
}"""


def _run(cmd: Sequence[str], log: Path) -> tuple[float, str]:
    started = time.perf_counter()
    with log.open("wb") as out:
        done = subprocess.run(
            list(cmd), stdout=out, stderr=subprocess.STDOUT, timeout=BUILD_TIMEOUT, check=False
        )
    wall = time.perf_counter() - started
    text = log.read_text(encoding="utf-8", errors="replace")
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd[:3])} failed ({done.returncode}):\n{text[-2000:]}")
    return wall, text.strip().splitlines()[-1]


def _size(out: Path) -> dict[str, float]:
    files = [p for p in out.rglob("*") if p.is_file()]
    total = sum(p.stat().st_size for p in files)
    search = sum(p.stat().st_size for p in files if p.parts[len(out.parts)] == "search")
    shards = [p.stat().st_size for p in (out / "search" / "w").glob("*.json")]
    return {
        "files": len(files),
        "megabytes": total / 1e6,
        "search_megabytes": search / 1e6,
        "word_shards": len(shards),
        "word_shard_kb_median": statistics.median(shards) / 1e3 if shards else 0.0,
        "word_shard_kb_max": max(shards) / 1e3 if shards else 0.0,
    }


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def browser_search(out: Path, page: str, queries: Sequence[tuple[str, str]]) -> dict[str, Any]:
    """The site served by http.server, searched in headless Chromium."""
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        return {"skipped": "no chromium"}
    from playwright.sync_api import sync_playwright

    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1"],
        cwd=out,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(200):
            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.05)
        with sync_playwright() as pw:
            browser = pw.chromium.launch(
                executable_path=chromium, args=["--no-sandbox", "--disable-gpu"]
            )
            tab = browser.new_page()
            errors: list[str] = []
            tab.on("pageerror", lambda exc: errors.append(str(exc)))
            tab.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            tab.goto(f"http://127.0.0.1:{port}{page}")
            cold: list[float] = []
            warm: list[float] = []
            per_kind: dict[str, list[float]] = {}
            empty = 0
            for kind, q in queries:
                ms, shown = tab.evaluate(_MEASURE, q)
                cold.append(ms - DEBOUNCE_MS)
                per_kind.setdefault(kind, []).append(ms - DEBOUNCE_MS)
                empty += shown <= 1  # only "search everything"
            for _, q in queries:
                ms, _ = tab.evaluate(_MEASURE, q)
                warm.append(ms - DEBOUNCE_MS)
            alone = browser.new_page()  # a context of its own: nothing loaded yet
            alone.goto(f"http://127.0.0.1:{port}{page}")
            alone.evaluate("document.getElementById('search-input').focus()")
            alone.wait_for_load_state("networkidle")
            own = [float(alone.evaluate(_ALONE, q)) for _, q in queries]
            browser.close()
    finally:
        server.terminate()
        server.wait(10)
    both = cold + warm
    return {
        "queries": len(queries),
        "p50_ms": statistics.median(both),
        "max_ms": max(both),
        "cold_p50_ms": statistics.median(cold),
        "cold_max_ms": max(cold),
        "warm_p50_ms": statistics.median(warm),
        "warm_max_ms": max(warm),
        "p50_ms_by_kind": {k: statistics.median(v) for k, v in per_kind.items()},
        "alone_p50_ms": statistics.median(own),
        "alone_max_ms": max(own),
        "no_result_share": empty / len(queries),
        "script_errors": errors,
        "debounce_ms": DEBOUNCE_MS,
    }


def measure_site(
    studynotes: Sequence[str],
    vault: Path,
    db_url: str,
    work: Path,
    index_wall_s: float,
    queries: Sequence[tuple[str, str]],
    log: Callable[[str], None],
) -> dict[str, Any]:
    """Build the indexed vault's site, rebuild it, weigh it and search it."""
    out = work / "site"
    cmd = [*studynotes, "build", str(vault), str(out), "--db", db_url]
    log("static site: build")
    build_s, summary = _run(cmd, work / "build.log")
    log(f"  {summary} (wall {build_s:.2f} s)")
    log("static site: rebuild, nothing changed")
    again_s, again = _run(cmd, work / "rebuild.log")
    note = sorted(vault.rglob("*.md"))[0]
    text = note.read_bytes()
    note.write_bytes(text + b"\nOne more line, for the rebuild.\n")
    log("static site: rebuild after editing one note")
    edit_s, edited = _run(cmd, work / "rebuild-edit.log")
    note.write_bytes(text)  # as it was, for the rest of the benchmark
    _run(cmd, work / "rebuild-undo.log")
    size = _size(out)
    log("static site: search in Chromium")
    search = browser_search(out, "/", queries)
    shutil.rmtree(out, ignore_errors=True)
    return {
        "build_s": build_s,
        "build_summary": summary,
        "build_to_index": build_s / index_wall_s,
        "rebuild_unchanged_s": again_s,
        "rebuild_unchanged_summary": again,
        "rebuild_one_edit_s": edit_s,
        "rebuild_one_edit_summary": edited,
        "size": size,
        "search": search,
    }
