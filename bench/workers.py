"""Requests/s of first views of note pages with 1, 2 and 4 server workers, on SQLite and on
PostgreSQL, in one run (``make bench`` runs it after ``run.py``).

Each configuration gets a fresh server over an already indexed vault, warmed up for a few
seconds on pages that are not notes, so every worker's note page cache starts empty; the
vault has more pages than a run requests, so each request is a note's first view by the
worker that answers it. PostgreSQL is a throwaway cluster of
Debian's server in a temporary folder (as the ``postgres`` user when run as root).
"""

from __future__ import annotations

import argparse
import glob
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx2 as httpx

BENCH = Path(__file__).resolve().parent
if __package__ in (None, ""):  # run as a script: make ``bench`` importable
    sys.path.insert(0, str(BENCH.parent))

from bench.vaultgen import generate  # noqa: E402

WORKERS = (1, 2, 4)
CONNECTIONS = 64
_WRK_THREADS = 2
BOUND = 1.6  # 2 workers over 1, first views at 64 connections
_WARM_UP = ["/", "/glossary", "/tags", "/api/notes"]


def _port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _postgres(root: Path) -> tuple[str, list[str], Path] | None:
    """Start a throwaway cluster in ``root`` (a folder of its own, which the ``postgres``
    user must be able to reach); its URL, how to run its tools, and its bin folder."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), reverse=True)
    if not found:
        return None
    bindir = Path(found[0]).parent
    run_as: list[str] = []
    if os.geteuid() == 0:
        shutil.chown(root, "postgres", "postgres")
        run_as = ["runuser", "-u", "postgres", "--"]
    port, data = _port(), root / "data"
    subprocess.run(
        [*run_as, str(bindir / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust",
         "--encoding=UTF8", "--locale=C.UTF-8", "--no-sync"],
        check=True, capture_output=True,
    )  # fmt: skip
    options = f"-c listen_addresses=127.0.0.1 -c port={port} -c unix_socket_directories={root}"
    subprocess.run(
        [*run_as, str(bindir / "pg_ctl"), "-D", str(data), "-o", options, "-l",
         str(root / "log"), "-w", "start"],
        check=True, capture_output=True,
    )  # fmt: skip
    return f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres", run_as, bindir


def _wrk(
    base: str, paths: list[str], seconds: int, work: Path, connections: int = CONNECTIONS
) -> dict[str, Any]:
    script = work / "pages.lua"
    listed = ", ".join(json.dumps(p) for p in paths)
    # Each of wrk's threads has its own Lua state: thread k asks paths k, k + T, k + 2T...
    # When every thread walked the list from its start, each page was asked for once per
    # thread, and all but the first of those were no first view.
    script.write_text(
        f"local paths = {{{listed}}}\nlocal threads = 0\n"
        "function setup(thread)\n  thread:set('first', threads)\n  threads = threads + 1\nend\n"
        f"local i = nil\nrequest = function()\n  i = (i or first) + {_WRK_THREADS}\n"
        "  return wrk.format('GET', paths[(i % #paths) + 1])\nend\n"
    )
    # A slow answer is not a failed one: wrk's default 2 s time-out counted the pages a
    # busy shared machine answered in 3 s as errors.
    cmd = ["wrk", f"-t{_WRK_THREADS}", f"-c{connections}", f"-d{seconds}s", "--timeout",
           "10s", "-s", str(script), base]  # fmt: skip
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    rps = re.search(r"Requests/sec:\s+([\d.]+)", out)
    total = re.search(r"(\d+) requests in", out)
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    sock = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    return {
        "rps": float(rps.group(1)) if rps else None,
        "requests": int(total.group(1)) if total else None,
        "errors": (int(non2xx.group(1)) if non2xx else 0)
        + (sum(int(g) for g in sock.groups()) if sock else 0),
    }


def _all_slugs(base: str) -> list[str]:
    """Every note's slug, following ``/api/notes``' pages: one page holds at most 1,000, and
    a run that asked only the first page requested some notes twice (the second time from
    the page cache), which flattered one worker against two."""
    slugs: list[str] = []
    url: str | None = base + "/api/notes?limit=1000"
    while url:
        answer = httpx.get(url, timeout=30)
        slugs += [x["slug"] for x in answer.json()]
        found = re.search(r'<([^>]+)>; rel="next"', answer.headers.get("link", ""))
        url = base + found.group(1) if found else None
    return slugs


def _serve(vault: Path, db: str, workers: int, log: Path) -> tuple[subprocess.Popen[bytes], str]:
    port = _port()
    cmd = [sys.executable, "-m", "studynotes", "serve", str(vault), "--db", db, "--port",
           str(port), "--workers", str(workers), "--no-watch"]  # fmt: skip
    proc = subprocess.Popen(cmd, stdout=log.open("ab"), stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited; see {log}")
        try:
            if httpx.get(base + "/api/notes", timeout=5).status_code == 200:
                time.sleep(1.0)  # every worker up
                return proc, base
        except httpx.TransportError:
            time.sleep(0.2)
    raise RuntimeError("server did not start")


def _stop(proc: subprocess.Popen[bytes]) -> None:
    proc.send_signal(signal.SIGINT)
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    # More notes than the fastest run asks for (~800 pages/s for 5 s): a page asked twice is
    # no first view.
    parser.add_argument("--notes", type=int, default=4000)
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--out", type=Path, default=Path("bench/results/workers.json"))
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        print("bench workers: wrk is not installed; skipped")
        return 0
    work = Path(tempfile.mkdtemp(prefix="studynotes-workers-"))
    pg_root = Path(tempfile.mkdtemp(prefix="studynotes-workers-pg-"))
    pg: tuple[str, list[str], Path] | None = None
    engines = {"sqlite": f"sqlite:///{work / 'index.sqlite3'}"}
    results: dict[str, dict[str, Any]] = {}
    try:
        pg = _postgres(pg_root)
        if pg is not None:
            engines["postgresql"] = pg[0]
        vault = generate(work / "vault", args.notes).root
        for engine, db in engines.items():
            subprocess.run(
                [sys.executable, "-m", "studynotes", "index", str(vault), "--db", db],
                check=True, capture_output=True,
            )  # fmt: skip
            results[engine] = {}
            for n in WORKERS:
                proc, base = _serve(vault, db, n, work / f"{engine}-{n}.log")
                try:
                    slugs = _all_slugs(base)
                    # Every worker's start-up work (templates, the glossary) done, on pages
                    # that are not note pages: the measure is of first views of notes.
                    # Few connections: wrk leaves its requests in flight when it stops, and
                    # 64 of them kept one worker busy for 4 s into the measure.
                    _wrk(base, _WARM_UP, 3, work, connections=2 * n)
                    time.sleep(1.0)
                    got = _wrk(base, [f"/notes/{s}" for s in slugs], args.seconds, work)
                finally:
                    _stop(proc)
                if (got["requests"] or 0) > len(slugs):
                    print(f"  (asked {got['requests']} pages of {len(slugs)}: some twice)")
                results[engine][str(n)] = got
                line = f"{engine:10} {n} worker(s): {got['rps']:8.1f} req/s, "
                print(line + f"{got['errors']} errors ({got['requests']} requests)", flush=True)
    finally:
        if pg is not None:
            subprocess.run(
                [*pg[1], str(pg[2] / "pg_ctl"), "-D", str(pg_root / "data"), "-m", "fast",
                 "stop"], capture_output=True, check=False,
            )  # fmt: skip
        shutil.rmtree(work, ignore_errors=True)
        shutil.rmtree(pg_root, ignore_errors=True)
    ok = True
    for engine, by in results.items():
        one, two = by["1"]["rps"] or 0.0, by["2"]["rps"] or 0.0
        ratio = two / one if one else 0.0
        errors = sum(r["errors"] for r in by.values())
        good = ratio >= BOUND and errors == 0
        ok &= good
        print(f"{engine}: 2 workers / 1 = {ratio:.2f} (bound {BOUND}), errors {errors}: "
              f"{'ok' if good else 'NOT MET'}")  # fmt: skip
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2))
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
