"""The studynotes benchmark: index, re-index, live update, latency, throughput, memory.

For each vault size it generates a synthetic vault (``bench/vaultgen.py``) and measures, in
one run, against the real command line and server:

* full index (``studynotes index`` on a fresh database) against a floor: plain CommonMark
  rendering of the same files with markdown-it-py in one process;
* re-index with nothing changed, as a fraction of the full index;
* live update: time from appending to a note until ``/api/notes/{slug}`` shows the text;
* latency (one keep-alive connection) of the note page and of search, throughput at 16
  connections (``wrk``), both beside a bare FastAPI endpoint serving a page of equal size;
  note pages are measured on first views (never requested since the last index run) and
  on repeat views, so that a page cache shows up as what it is;
* the server's resident memory after the load, and the indexer's peak memory;
* search latency per keystroke on a vault with notes of 1, 2 and 4 MB (p50, p99, max).

It prints ratios first, then absolute numbers, then PASS/FAIL against the bounds of the
performance issue, and writes everything as JSON. It is a report, not a test: the exit
status is 0 unless a measurement crashed. Temporary vaults and databases live in a temp dir
that is removed at the end; the only place written inside the repository is the JSON file.

    python bench/run.py                      # sizes 1000,5000,20000
    python bench/run.py --quick              # one 300-note vault, a smoke run
    python -m bench.run --sizes 2000 --out /tmp/bench.json
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import http.client
import json
import math
import os
import platform
import random
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import traceback
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

BENCH = Path(__file__).resolve().parent
if __package__ in (None, ""):  # run as a script: make ``bench`` importable
    sys.path.insert(0, str(BENCH.parent))

from bench.dataview import DASHBOARD, live_query, query_cost, write_dashboard  # noqa: E402
from bench.large import large_bounds, measure_large  # noqa: E402
from bench.site import measure_site  # noqa: E402
from bench.study import review_session  # noqa: E402
from bench.vaultgen import GeneratedVault, generate  # noqa: E402

DEFAULT_OUT = BENCH / "results" / "latest.json"
REFERENCE_SIZE = 5_000  # the issue states its bounds for this vault
LARGE_SIZE = 20_000

# How long any one step may take before the benchmark gives up on it (seconds).
INDEX_TIMEOUT = 1_500.0
START_TIMEOUT = 600.0  # `serve` indexes what changed first: nothing, normally
REQUEST_TIMEOUT = 60.0
LIVE_EDITS = 5
SITE_QUERIES = 40  # searches of the static site in Chromium (each asked cold and warm)
LIVE_BUDGET = 360.0  # all live edits of one size together
LATENCY_REQUESTS = 300
LATENCY_WARMUP = 30
LATENCY_BUDGET = 120.0  # one latency series
WRK_SECONDS = 10
WRK_CONNECTIONS = 16
WRK_THREADS = 2


# --- processes ---------------------------------------------------------------------------


class Processes:
    """Every process the benchmark starts, so that each one is stopped, also on errors."""

    def __init__(self) -> None:
        self._procs: list[subprocess.Popen[bytes]] = []

    def start(self, cmd: Sequence[str], log: Path) -> subprocess.Popen[bytes]:
        with log.open("wb") as out:
            proc = subprocess.Popen(
                list(cmd),
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # a Ctrl+C meant for us reaches children via stop()
            )
        self._procs.append(proc)
        return proc

    def stop(self, proc: subprocess.Popen[bytes], timeout: float = 15.0) -> None:
        """SIGINT (as Ctrl+C), then SIGKILL to its process group after ``timeout``."""
        if proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                proc.send_signal(signal.SIGINT)
            try:
                proc.wait(timeout)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.killpg(proc.pid, signal.SIGKILL)
                with contextlib.suppress(subprocess.TimeoutExpired):
                    proc.wait(5)
        if proc in self._procs:
            self._procs.remove(proc)

    def stop_all(self) -> None:
        for proc in list(self._procs):
            self.stop(proc)


def _studynotes() -> list[str]:
    script = Path(sys.executable).parent / "studynotes"
    return [str(script)] if script.exists() else [sys.executable, "-m", "studynotes"]


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _tail(path: Path, lines: int = 15) -> str:
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""
    return "\n".join(text.splitlines()[-lines:])


def _proc_status(pid: int) -> dict[str, int]:
    """VmRSS, VmHWM... of one process, in kB; empty once it is gone."""
    out: dict[str, int] = {}
    try:
        with open(f"/proc/{pid}/status", encoding="ascii", errors="replace") as fh:
            for line in fh:
                if line.startswith("Vm") and line.rstrip().endswith("kB"):
                    key, value = line.split(":", 1)
                    out[key] = int(value.split()[0])
    except OSError:
        pass
    return out


def _tree_rss_kb(root: int) -> int:
    """Resident memory of ``root`` and all its descendants (pool workers), in kB."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as fh:
                stat = fh.read()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(ppid, []).append(int(entry))
    total, stack = 0, [root]
    while stack:
        pid = stack.pop()
        total += _proc_status(pid).get("VmRSS", 0)
        stack.extend(children.get(pid, []))
    return total


# --- indexing ------------------------------------------------------------------------------

_SUMMARY = re.compile(r"^(?P<notes>\d+) notes \(.*\bin (?P<seconds>[\d.]+) s$", re.MULTILINE)


@dataclass(slots=True)
class IndexRun:
    wall_s: float
    reported_s: float | None  # the "in N s" of the summary line
    summary: str
    peak_rss_mb: float | None  # largest single process (wait4's ru_maxrss)
    peak_tree_rss_mb: float | None  # sampled sum over the process and its workers


def run_index(procs: Processes, vault: Path, db_url: str, log: Path) -> IndexRun:
    """``studynotes index`` in a subprocess: wall time, its own summary, peak memory."""
    cmd = [*_studynotes(), "index", str(vault), "--db", db_url]
    started = time.perf_counter()
    proc = procs.start(cmd, log)
    peak_tree = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak_tree
        while not done.wait(0.1):
            peak_tree = max(peak_tree, _tree_rss_kb(proc.pid))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    try:
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() - started > INDEX_TIMEOUT:
                raise TimeoutError(f"studynotes index took longer than {INDEX_TIMEOUT:.0f} s")
            time.sleep(0.005)
        wall = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
    finally:
        done.set()
        sampler.join(5)
        procs.stop(proc)
    output = log.read_text(encoding="utf-8", errors="replace")
    if proc.returncode != 0:
        raise RuntimeError(f"studynotes index failed ({proc.returncode}):\n{_tail(log)}")
    match = _SUMMARY.search(output)
    return IndexRun(
        wall_s=wall,
        reported_s=float(match["seconds"]) if match else None,
        summary=match.group(0) if match else output.strip().splitlines()[-1],
        peak_rss_mb=usage.ru_maxrss / 1024 or None,
        peak_tree_rss_mb=peak_tree / 1024 or None,
    )


def markdown_floor(vault: Path) -> tuple[float, int]:
    """Seconds to read and render every note with plain CommonMark, in this process."""
    from markdown_it import MarkdownIt

    paths = sorted(p for p in vault.rglob("*.md") if ".obsidian" not in p.parts)
    md = MarkdownIt("commonmark")
    started = time.perf_counter()
    for path in paths:
        md.render(path.read_text(encoding="utf-8"))
    return time.perf_counter() - started, len(paths)


def glossary_cost(vault: Path) -> dict[str, float]:
    """Seconds the glossary costs an index of ``vault``, in this process: finding the
    candidates in every note's tokens, and weighing and collecting them over the vault."""
    from studynotes.glossary.extract import extract_terms
    from studynotes.ingest.glossary import vault_terms
    from studynotes.ingest.parse import parse_note
    from studynotes.markdown import make_parser
    from studynotes.paths import VaultPath

    md = make_parser()
    extract_s = 0.0
    notes = {}
    for path in sorted(p for p in vault.rglob("*.md") if ".obsidian" not in p.parts):
        text = path.read_text(encoding="utf-8")
        env: dict[str, Any] = {}
        tokens = md.parse(text, env)
        started = time.perf_counter()
        extract_terms(tokens, md, env)
        extract_s += time.perf_counter() - started
        rel = VaultPath(path.relative_to(vault).as_posix())
        notes[rel] = parse_note(rel, text)
    started = time.perf_counter()
    vault_terms(notes, folders=[], tags=[])
    collect_s = time.perf_counter() - started
    return {"extract_s": extract_s, "collect_s": collect_s, "seconds": extract_s + collect_s}


# --- HTTP ------------------------------------------------------------------------------------


class Client:
    """One keep-alive HTTP/1.1 connection; reconnects (and counts it) if the server closed."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.reconnects = 0
        self._conn = http.client.HTTPConnection("127.0.0.1", port, timeout=REQUEST_TIMEOUT)

    def get(self, path: str) -> tuple[int, bytes, float]:
        """Status, body and seconds from sending the request to the last byte of the body."""
        for attempt in (1, 2):
            try:
                started = time.perf_counter()
                self._conn.request("GET", path)
                response = self._conn.getresponse()
                body = response.read()
                return response.status, body, time.perf_counter() - started
            except ConnectionError:  # includes http.client.RemoteDisconnected
                self._conn.close()
                if attempt == 2:
                    raise
                self.reconnects += 1
        raise AssertionError("unreachable")

    def close(self) -> None:
        self._conn.close()


def wait_until_serving(proc: subprocess.Popen[bytes], port: int, log: Path) -> float:
    """Seconds until the port accepts connections; fails early if the server exited."""
    started = time.perf_counter()
    while time.perf_counter() - started < START_TIMEOUT:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}:\n{_tail(log)}")
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            sock.settimeout(1)
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return time.perf_counter() - started
        time.sleep(0.05)
    raise TimeoutError(f"server on port {port} not up after {START_TIMEOUT:.0f} s")


def percentile(values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100) of a non-empty sample."""
    ordered = sorted(values)
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return ordered[rank - 1]


@dataclass(slots=True)
class Series:
    """One sequential latency series on one connection."""

    requests: int = 0
    errors: int = 0
    p50_ms: float | None = None
    p99_ms: float | None = None
    mean_ms: float | None = None
    body_bytes_median: int | None = None
    statuses: dict[str, int] = field(default_factory=dict)


def latency(
    client: Client, paths: Sequence[str], warmup: Sequence[str]
) -> tuple[Series, list[float]]:
    """GET each path in turn after a warm-up; bounded by count and by LATENCY_BUDGET.

    Returns the summary and the seconds of each measured request, in order.
    """
    for path in warmup:
        client.get(path)
    times: list[float] = []
    sizes: list[int] = []
    series = Series()
    started = time.perf_counter()
    for path in paths:
        if time.perf_counter() - started > LATENCY_BUDGET:
            break
        status, body, seconds = client.get(path)
        series.statuses[str(status)] = series.statuses.get(str(status), 0) + 1
        if status != 200:
            series.errors += 1
        times.append(seconds)
        sizes.append(len(body))
    series.requests = len(times)
    if times:
        series.p50_ms = percentile(times, 50) * 1000
        series.p99_ms = percentile(times, 99) * 1000
        series.mean_ms = statistics.fmean(times) * 1000
        series.body_bytes_median = int(statistics.median(sizes))
    return series, times


# --- throughput (wrk) ---------------------------------------------------------------------

_WRK_LUA = """-- cycles over the note pages listed below, one per request
local paths = {%s}
local i = 0
request = function()
  i = i + 1
  return wrk.format("GET", paths[(i %% #paths) + 1])
end
"""


@dataclass(slots=True)
class Throughput:
    rps: float | None = None
    seconds: int | None = None  # how long wrk ran
    requests: int | None = None
    non_2xx: int = 0
    socket_errors: int = 0
    latency_p50_ms: float | None = None
    latency_p99_ms: float | None = None
    first_view_share: float | None = None  # share of requests that were a page's first view
    skipped: str | None = None


_WRK_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def _wrk_ms(text: str) -> float | None:
    """wrk's ``12.34ms`` / ``850.00us`` / ``1.02s`` as milliseconds."""
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text)
    return float(match[1]) * _WRK_UNITS[match[2]] if match else None


def throughput(
    port: int, paths: Sequence[str], workdir: Path, seconds: int = WRK_SECONDS
) -> Throughput:
    """Requests per second at WRK_CONNECTIONS connections, cycling over ``paths``."""
    wrk = shutil.which("wrk")
    if wrk is None:
        return Throughput(skipped="wrk not installed (apt-get install -y wrk)")
    script = workdir / f"paths-{port}.lua"
    script.write_text(_WRK_LUA % ", ".join(json.dumps(p) for p in paths), encoding="utf-8")
    cmd = [wrk, f"-t{WRK_THREADS}", f"-c{WRK_CONNECTIONS}", f"-d{seconds}s", "--latency"]
    cmd += ["--timeout", "10s", "-s", str(script), f"http://127.0.0.1:{port}"]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=seconds + 60)
    out = done.stdout
    rps = re.search(r"Requests/sec:\s*([\d.]+)", out)
    if done.returncode != 0 or rps is None:
        raise RuntimeError(f"wrk failed ({done.returncode}): {done.stderr or out}")
    result = Throughput(rps=float(rps[1]), seconds=seconds)
    total = re.search(r"(\d+) requests in", out)
    result.requests = int(total[1]) if total else None
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s*(\d+)", out)
    result.non_2xx = int(non_2xx[1]) if non_2xx else 0
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    result.socket_errors = sum(int(g) for g in errors.groups()) if errors else 0
    for q, attr in (("50", "latency_p50_ms"), ("99", "latency_p99_ms")):
        line = re.search(rf"^\s*{q}%\s+(\S+)", out, re.MULTILINE)
        if line:
            setattr(result, attr, _wrk_ms(line[1]))
    return result


# --- live update --------------------------------------------------------------------------


@dataclass(slots=True)
class LiveUpdate:
    seconds: list[float | None] = field(default_factory=list)  # None: never showed up
    median_s: float | None = None
    polls: int = 0


def live_updates(client: Client, vault: Path, targets: Sequence[tuple[str, str]]) -> LiveUpdate:
    """Append a marker to each (path, slug) and poll its JSON until the marker is served."""
    result = LiveUpdate()
    phase_started = time.perf_counter()
    for k, (path, slug) in enumerate(targets):
        if time.perf_counter() - phase_started > LIVE_BUDGET and any(result.seconds):
            break
        marker = f"benchmarker{k}q{os.getpid()}z{int(time.time() * 1000) % 100_000}"
        url = f"/api/notes/{quote(slug)}"
        with (vault / path).open("a", encoding="utf-8") as fh:
            fh.write(f"\nLive edit number {k} adds the word {marker} to this note.\n")
        written = time.perf_counter()
        deadline = written + max(10.0, LIVE_BUDGET - (written - phase_started))
        seen: float | None = None
        while time.perf_counter() < deadline:
            status, body, _ = client.get(url)
            result.polls += 1
            if status == 200 and marker.encode() in body and marker in json.loads(body)["html"]:
                seen = time.perf_counter() - written
                break
            # Poll fast at first, then back off: the polls compete with the re-index for
            # the server's one process, and 5% of the elapsed time is precision enough.
            time.sleep(min(0.1, max(0.01, (time.perf_counter() - written) / 20)))
        result.seconds.append(seen)
        time.sleep(0.3)  # let the watcher go quiet before the next edit
    measured = [s for s in result.seconds if s is not None]
    result.median_s = statistics.median(measured) if measured else None
    return result


def _all_notes(client: Client) -> list[dict[str, Any]]:
    """Every note the server lists, page by page (``/api/notes`` is paged: the cursor is
    the last path of a page, in unpadded URL-safe base64)."""
    rows: list[dict[str, Any]] = []
    cursor = ""
    while True:
        status, body, _ = client.get(f"/api/notes?limit=1000{cursor}")
        if status != 200:
            raise RuntimeError(f"/api/notes answered {status}")
        page = json.loads(body)
        rows += page
        if len(page) < 1000:
            return rows
        last = base64.urlsafe_b64encode(page[-1]["path"].encode()).rstrip(b"=").decode()
        cursor = f"&cursor={last}"


# --- search queries ---------------------------------------------------------------------------


def _typo(word: str, rng: random.Random) -> str:
    """Swap two neighbouring letters inside the word (a real typo, not a different word)."""
    if len(word) < 4:
        return word + word[-1]
    i = rng.randrange(1, len(word) - 2)
    return word[:i] + word[i + 1] + word[i] + word[i + 2 :]


def search_queries(vault: GeneratedVault, count: int, rng: random.Random) -> list[tuple[str, str]]:
    """(kind, query) pairs: a term name, a prefix, a typo, a CJK word, a #tag, in turn."""
    out: list[tuple[str, str]] = []
    terms = vault.terms
    for i in range(count):
        kind = ("term", "prefix", "typo", "cjk", "tag")[i % 5]
        name = terms[rng.randrange(len(terms))]
        if kind == "term":
            query = name
        elif kind == "prefix":
            first, *rest = name.split()
            query = f"{first} {rest[0][:3]}" if rest else first[:4]
        elif kind == "typo":
            words = name.split()
            j = rng.randrange(len(words))
            words[j] = _typo(words[j], rng)
            query = " ".join(words).lower()
        elif kind == "cjk":
            query = rng.choice(vault.cjk_words)
        else:
            tag = rng.choice(vault.tags)
            query = "#" + (tag if rng.random() < 0.5 else tag.split("/")[0])
        out.append((kind, query))
    return out


def search_quality(client: Client, queries: Sequence[tuple[str, str]]) -> dict[str, float]:
    """Per kind, the share of queries with at least one hit (a sanity check, not timed)."""
    hits: dict[str, list[bool]] = {}
    for kind, query in queries:
        status, body, _ = client.get(f"/api/search?q={quote(query)}")
        data = json.loads(body) if status == 200 else {}
        hits.setdefault(kind, []).append(bool(data.get("terms") or data.get("notes")))
    return {kind: sum(v) / len(v) for kind, v in hits.items()}


# --- one vault size ------------------------------------------------------------------------


def _mb(kb: int | None) -> float | None:
    return kb / 1024 if kb else None


def measure_size(
    n: int, work: Path, procs: Processes, seed: int, *, site_only: bool = False
) -> dict[str, Any]:
    rng = random.Random(seed * 1_000_003 + n)
    # Other work on the machine skews every figure; the load average shows whether it was idle.
    result: dict[str, Any] = {"notes": n, "loadavg_at_start": os.getloadavg()}
    vault_dir = work / f"vault-{n}"
    log = _Logger(n)

    log("generating the vault")
    vault = generate(vault_dir, n, seed=seed)
    write_dashboard(vault_dir)  # one more note: ten queries over the others
    result["vault"] = {
        "notes": len(vault.notes),
        "terms": len(vault.terms),
        "megabytes": vault.total_bytes / 1e6,
        "generate_s": vault.seconds,
    }
    log("markdown-it floor")
    floor_s, floor_files = markdown_floor(vault_dir)
    result["floor"] = {
        "seconds": floor_s,
        "files": floor_files,
        "notes_per_s": floor_files / floor_s,
    }

    db_url = f"sqlite:///{work / f'index-{n}.sqlite3'}"
    log("full index")
    full = run_index(procs, vault_dir, db_url, work / f"index-{n}.log")
    log(f"  {full.summary} (wall {full.wall_s:.2f} s)")
    log("re-index, nothing changed")
    again = run_index(procs, vault_dir, db_url, work / f"reindex-{n}.log")
    result["index"] = {
        "full": asdict(full),
        "reindex": asdict(again),
        "notes_per_s": n / full.wall_s,
        "ratio_to_floor": full.wall_s / floor_s,
        "reported_ratio_to_floor": (full.reported_s / floor_s) if full.reported_s else None,
        "reindex_fraction": again.wall_s / full.wall_s,
    }
    log("dataview: the dashboard's ten queries over the index, in-process")
    result["dataview"] = query_cost(db_url)

    if n <= REFERENCE_SIZE or site_only:  # the issue bounds the site on the 5,000-note vault
        site_rng = random.Random(seed * 7 + n)
        result["site"] = measure_site(
            _studynotes(), vault_dir, db_url, work, full.wall_s,
            search_queries(vault, SITE_QUERIES, site_rng), log,
        )  # fmt: skip

    if site_only:
        result["ratios"] = {"site_build_to_index": _get(result, "site.build_to_index")}
        return result

    if n <= REFERENCE_SIZE:  # parsing 20,000 notes again in one process would add a minute
        log("glossary cost")
        cost = glossary_cost(vault_dir)
        # Against the wall time of the full index; the index extracts in parallel workers,
        # so this overstates the glossary's share of it.
        result["glossary"] = {**cost, "share_of_full_index": cost["seconds"] / full.wall_s}

    served, measured, warmup = _serve_phase(n, vault, vault_dir, db_url, work, procs, rng, log)
    result.update(served)
    size = result["server"]["page_first"]["body_bytes_median"] or 20_000
    result["bare"] = _bare_phase(n, size, measured, warmup, work, procs, log)
    server, bare = result["server"], result["bare"]
    result["ratios"] = {
        "index_to_floor": result["index"]["ratio_to_floor"],
        "index_reported_to_floor": result["index"]["reported_ratio_to_floor"],
        "reindex_to_full": result["index"]["reindex_fraction"],
        "page_first_p50_to_bare": _ratio(server["page_first"]["p50_ms"], bare["page"]["p50_ms"]),
        "page_first_p99_to_bare": _ratio(server["page_first"]["p99_ms"], bare["page"]["p99_ms"]),
        "page_repeat_p50_to_bare": _ratio(server["page_repeat"]["p50_ms"], bare["page"]["p50_ms"]),
        # Only a fair first-view figure if nearly every request was one.
        "page_first_rps_to_bare": _ratio(
            server["throughput_first"]["rps"]
            if (server["throughput_first"]["first_view_share"] or 0) >= 0.9
            else None,
            bare["throughput"]["rps"],
        ),
        "page_repeat_rps_to_bare": _ratio(
            server["throughput_repeat"]["rps"], bare["throughput"]["rps"]
        ),
        "search_p50_to_bare": _ratio(server["search"]["p50_ms"], bare["page"]["p50_ms"]),
        "site_build_to_index": _get(result, "site.build_to_index"),
    }
    result["loadavg_at_end"] = os.getloadavg()
    shutil.rmtree(vault_dir, ignore_errors=True)  # 20,000 notes are ~100 MB
    return result


def _serve_phase(
    n: int,
    vault: GeneratedVault,
    vault_dir: Path,
    db_url: str,
    work: Path,
    procs: Processes,
    rng: random.Random,
    log: _Logger,
) -> tuple[dict[str, Any], list[str], list[str]]:
    """``studynotes serve``: live update, latency, throughput, memory.

    Also returns the page paths it measured and warmed up with, for the bare baseline.
    """
    port = _free_port()
    serve_log = work / f"serve-{n}.log"
    cmd = [*_studynotes(), "serve", str(vault_dir), "--port", str(port), "--db", db_url]
    server = procs.start(cmd, serve_log)
    client = Client(port)
    try:
        log(f"serve on port {port}")
        started_in = wait_until_serving(server, port, serve_log)
        slugs = {row["path"]: row["slug"] for row in _all_notes(client)}
        if len(slugs) != n + 1:  # the generated notes and the dashboard
            log(f"  warning: the server lists {len(slugs)} notes, expected {n + 1}")
        ordered = [p for p in vault.notes if p in slugs]
        picks = [ordered[(2 * i + 1) * len(ordered) // (2 * LIVE_EDITS)] for i in range(LIVE_EDITS)]

        log("live update")
        time.sleep(1.0)  # the watcher starts with the app; give it a moment to subscribe
        live = live_updates(client, vault_dir, [(p, slugs[p]) for p in picks])

        # First views: pages never requested since the last index run. Repeat views: the
        # same pages again, which a page cache (if the server has one) answers from memory.
        # Small vaults keep a third of their pages unseen for the first-view throughput run.
        count = min(LATENCY_REQUESTS + LATENCY_WARMUP, len(ordered) * 2 // 3)
        sample = rng.sample(ordered, count)
        pages = [_page_path(slugs[p]) for p in sample]
        warmup = pages[:LATENCY_WARMUP]
        distinct = pages[LATENCY_WARMUP:] or pages  # each requested once: all first views
        measured = [distinct[i % len(distinct)] for i in range(LATENCY_REQUESTS)]
        log("note page latency, first and repeat views")
        first, _ = latency(client, distinct, warmup)
        repeat, _ = latency(client, measured, [])
        # After the warm-up, like the other first views: the page was never requested.
        log("dataview: the dashboard's first view, and an edit it reads")
        dashboard = live_query(client.get, vault_dir, slugs[DASHBOARD], ordered[-1])

        queries = search_queries(vault, LATENCY_REQUESTS + LATENCY_WARMUP, rng)
        search_paths = [f"/api/search?q={quote(q)}" for _, q in queries]
        log("search latency")
        found, times = latency(client, search_paths[LATENCY_WARMUP:], search_paths[:LATENCY_WARMUP])
        per_kind: dict[str, float | None] = {}
        kinds = [k for k, _ in queries[LATENCY_WARMUP:]]
        for kind in ("term", "prefix", "typo", "cjk", "tag"):
            mine = [t for k, t in zip(kinds, times, strict=False) if k == kind]
            per_kind[kind] = percentile(mine, 50) * 1000 if mine else None
        quality = search_quality(client, queries[:50])

        log("study: next card latency, rating each card Good")
        study = review_session(port, rng)

        seen = set(sample) | set(picks)
        unseen = [_page_path(slugs[p]) for p in ordered if p not in seen]
        rng.shuffle(unseen)
        # Run first views only as long as the unseen pages should last at the first-view rate.
        rate = 1000 / first.mean_ms if first.mean_ms else 100.0
        seconds = int(max(2, min(WRK_SECONDS, len(unseen) / (1.2 * rate))))
        log(f"note page throughput (wrk): {len(unseen)} unseen pages, then repeat views")
        load_first = (
            throughput(port, unseen, work, seconds) if unseen else Throughput(skipped="no pages")
        )
        if load_first.requests and unseen:
            load_first.first_view_share = min(1.0, len(unseen) / load_first.requests)
        load_repeat = throughput(port, measured, work)
        memory = _proc_status(server.pid)
    finally:
        client.close()
        procs.stop(server)
    return (
        {
            "serve_start_s": started_in,
            "live_update": asdict(live),
            "dashboard": dashboard,
            "server": {
                "page_first": asdict(first),
                "page_repeat": asdict(repeat),
                "search": asdict(found),
                "search_p50_ms_by_kind": per_kind,
                "search_hit_rate_by_kind": quality,
                "review_next": study,
                "throughput_first": asdict(load_first),
                "throughput_repeat": asdict(load_repeat),
                "rss_mb": _mb(memory.get("VmRSS")),
                "peak_rss_mb": _mb(memory.get("VmHWM")),
                "reconnects": client.reconnects,
            },
        },
        measured,
        warmup,
    )


def _bare_phase(
    n: int,
    size: int,
    measured: list[str],
    warmup: list[str],
    work: Path,
    procs: Processes,
    log: _Logger,
) -> dict[str, Any]:
    """The bare FastAPI baseline on the same paths, with pages of ``size`` bytes."""
    port = _free_port()
    bare_log = work / f"bare-{n}.log"
    cmd = [sys.executable, str(BENCH / "bare_app.py"), "--port", str(port), "--size", str(size)]
    bare = procs.start(cmd, bare_log)
    client = Client(port)
    try:
        log(f"bare FastAPI on port {port} ({size:,} bytes a page)")
        wait_until_serving(bare, port, bare_log)
        page, _ = latency(client, measured, warmup)
        load = throughput(port, measured, work)
        rss = _mb(_proc_status(bare.pid).get("VmRSS"))
    finally:
        client.close()
        procs.stop(bare)
    return {"page": asdict(page), "throughput": asdict(load), "rss_mb": rss}


def _page_path(slug: str) -> str:
    return f"/notes/{quote(slug)}"


def _ratio(a: float | None, b: float | None) -> float | None:
    return a / b if a is not None and b else None


class _Logger:
    def __init__(self, n: int) -> None:
        self.prefix = f"[{n:,} notes]"
        self.started = time.perf_counter()

    def __call__(self, message: str) -> None:
        elapsed = time.perf_counter() - self.started
        print(f"{self.prefix} {elapsed:7.1f} s  {message}", file=sys.stderr, flush=True)


# --- search with long notes ---------------------------------------------------------------

# A vault of a few hundred notes plus one note each of about 1, 2 and 4 MB, searched as
# someone types: the cost of a query must not grow with the size of the notes it matches.
LONG_NOTES = (1_000_000, 2_000_000, 4_000_000)
LONG_VAULT = 300
KEYSTROKES = ("a", "ab", "an", "att", "atte", "attention", "attention m", "attention model")
LONG_REPEATS = 30
LONG_WARMUP = 2


def measure_long_notes(work: Path, procs: Processes, seed: int) -> dict[str, Any]:
    """Per query: p50, p99 and max of ``LONG_REPEATS`` requests to ``/api/search``."""
    log = _Logger(LONG_VAULT + len(LONG_NOTES))
    log(f"generating a vault with notes of {', '.join(f'{s / 1e6:g}' for s in LONG_NOTES)} MB")
    vault = generate(work / "vault-long", LONG_VAULT, seed=seed, large=LONG_NOTES)
    rng = random.Random(seed)
    term = rng.choice([t for t in vault.terms if len(t.split()[0]) >= 4])
    queries = [*KEYSTROKES, "#long-reads", _typo(term.split()[0], rng).lower(), vault.cjk_words[0]]
    db_url = f"sqlite:///{work / 'index-long.sqlite3'}"
    log("full index")
    indexed = run_index(procs, vault.root, db_url, work / "index-long.log")
    port = _free_port()
    cmd = [*_studynotes(), "serve", str(vault.root), "--port", str(port), "--db", db_url]
    server = procs.start(cmd, work / "serve-long.log")
    client = Client(port)
    per_query: dict[str, dict[str, Any]] = {}
    try:
        wait_until_serving(server, port, work / "serve-long.log")
        for q in queries:
            log(f"search {q!r}")
            path = f"/api/search?q={quote(q)}"
            series, times = latency(client, [path] * LONG_REPEATS, [path] * LONG_WARMUP)
            per_query[q] = {**asdict(series), "max_ms": max(times) * 1000 if times else None}
    finally:
        client.close()
        procs.stop(server)
    return {
        "notes": len(vault.notes),
        "megabytes": vault.total_bytes / 1e6,
        "index_s": indexed.wall_s,
        "search": per_query,
    }


def long_notes_table(result: dict[str, Any]) -> str:
    lines = [
        f"search with long notes ({result['notes']} notes, {result['megabytes']:.1f} MB, "
        f"three of 1, 2 and 4 MB)",
        f"{'query':<20}{'p50 ms':>10}{'p99 ms':>10}{'max ms':>10}{'errors':>8}",
    ]
    for q, row in result["search"].items():
        cells = [_fmt(row.get(k), ".1f") for k in ("p50_ms", "p99_ms", "max_ms")]
        lines.append(f"{q!r:<20}{cells[0]:>10}{cells[1]:>10}{cells[2]:>10}{row['errors']:>8}")
    return "\n".join(lines)


# --- report ------------------------------------------------------------------------------


def _get(data: dict[str, Any], dotted: str) -> Any:
    value: Any = data
    for key in dotted.split("."):
        if not isinstance(value, dict) or key not in value:
            return None
        value = value[key]
    return value


def _fmt(value: Any, spec: str) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    return format(value, spec)


Row = tuple[str, Callable[[dict[str, Any]], str]]


def _field(dotted: str, spec: str, scale: float = 1.0) -> Callable[[dict[str, Any]], str]:
    def cell(data: dict[str, Any]) -> str:
        value = _get(data, dotted)
        scaled = value * scale if scale != 1.0 and isinstance(value, int | float) else value
        return _fmt(scaled, spec)

    return cell


def _live_cell(data: dict[str, Any]) -> str:
    seconds = [s for s in _get(data, "live_update.seconds") or [] if s is not None]
    total = len(_get(data, "live_update.seconds") or [])
    if not seconds:
        return "-" if not total else f"none of {total}"
    return f"{statistics.median(seconds):.2f} ({min(seconds):.2f}-{max(seconds):.2f})"


def _kinds(data: dict[str, Any], kinds: Sequence[str]) -> str:
    by_kind = _get(data, "server.search_p50_ms_by_kind") or {}
    return "/".join(_fmt(by_kind.get(k), ".1f") for k in kinds)


def _load(data: dict[str, Any]) -> str:
    start, end = _get(data, "loadavg_at_start"), _get(data, "loadavg_at_end")
    return f"{_fmt(start[0] if start else None, '.1f')}/{_fmt(end[0] if end else None, '.1f')}"


def _errors(data: dict[str, Any]) -> str:
    """Non-200 answers in the latency series, and failed requests under wrk."""
    if "server" not in data:
        return "-"
    series = sum(
        _get(data, f"server.{k}.errors") or 0 for k in ("page_first", "page_repeat", "search")
    )
    wrk = sum(
        (_get(data, f"{k}.non_2xx") or 0) + (_get(data, f"{k}.socket_errors") or 0)
        for k in ("server.throughput_first", "server.throughput_repeat", "bare.throughput")
    )
    return f"{series}/{wrk}"


def _site_search(data: dict[str, Any]) -> str:
    p50, top = _get(data, "site.search.p50_ms"), _get(data, "site.search.max_ms")
    if p50 is None:
        return "-"
    alone = _get(data, "site.search.alone_p50_ms"), _get(data, "site.search.alone_max_ms")
    if alone[0] is None:
        return f"{p50:.1f}/{top:.1f}"
    return f"{p50:.1f}/{top:.1f} (alone, cold {alone[0]:.1f}/{alone[1]:.1f})"


RATIO_ROWS: list[Row] = [
    ("full index / markdown floor (wall)", _field("ratios.index_to_floor", ".2f")),
    ("full index / floor (own summary)", _field("ratios.index_reported_to_floor", ".2f")),
    ("re-index unchanged / full index", _field("ratios.reindex_to_full", ".3f")),
    ("page p50 / bare p50, first view", _field("ratios.page_first_p50_to_bare", ".2f")),
    ("page p99 / bare p99, first view", _field("ratios.page_first_p99_to_bare", ".2f")),
    ("page p50 / bare p50, repeat view", _field("ratios.page_repeat_p50_to_bare", ".2f")),
    ("page rps / bare rps, first views", _field("ratios.page_first_rps_to_bare", ".3f")),
    ("page rps / bare rps, repeat views", _field("ratios.page_repeat_rps_to_bare", ".3f")),
    ("search p50 / bare page p50", _field("ratios.search_p50_to_bare", ".2f")),
    ("glossary (1 CPU) / full index (wall)", _field("glossary.share_of_full_index", ".3f")),
    ("static site build / full index (wall)", _field("ratios.site_build_to_index", ".2f")),
]
ABSOLUTE_ROWS: list[Row] = [
    ("vault size (MB)", _field("vault.megabytes", ".1f")),
    ("glossary terms generated", _field("vault.terms", "d")),
    ("vault generation (s)", _field("vault.generate_s", ".2f")),
    ("markdown floor (s)", _field("floor.seconds", ".2f")),
    ("markdown floor (notes/s)", _field("floor.notes_per_s", ",.0f")),
    ("full index, wall (s)", _field("index.full.wall_s", ".2f")),
    ("full index, own summary (s)", _field("index.full.reported_s", ".2f")),
    ("full index (notes/s)", _field("index.notes_per_s", ",.0f")),
    ("re-index unchanged, wall (s)", _field("index.reindex.wall_s", ".2f")),
    ("re-index unchanged, own summary (s)", _field("index.reindex.reported_s", ".2f")),
    ("index peak RSS, largest process (MB)", _field("index.full.peak_rss_mb", ",.0f")),
    ("index peak RSS, whole tree (MB)", _field("index.full.peak_tree_rss_mb", ",.0f")),
    ("live update median (min-max) (s)", _live_cell),
    ("dashboard (10 queries): first view (ms)", _field("dashboard.first_view_ms", ".1f")),
    ("dashboard: its 10 queries after a run (ms)", _field("dataview.ten_queries_ms", ".1f")),
    ("dashboard: edit a note it reads, live (s)", _field("dashboard.live_s", ".2f")),
    ("page p50, first view (ms)", _field("server.page_first.p50_ms", ".2f")),
    ("page p99, first view (ms)", _field("server.page_first.p99_ms", ".2f")),
    ("page p50, repeat view (ms)", _field("server.page_repeat.p50_ms", ".2f")),
    ("page p99, repeat view (ms)", _field("server.page_repeat.p99_ms", ".2f")),
    ("page size, median (KB)", _field("server.page_first.body_bytes_median", ".1f", 1 / 1024)),
    ("search p50 (ms)", _field("server.search.p50_ms", ".2f")),
    ("search p99 (ms)", _field("server.search.p99_ms", ".2f")),
    ("search p50 term/prefix/typo (ms)", lambda d: _kinds(d, ("term", "prefix", "typo"))),
    ("search p50 cjk/#tag (ms)", lambda d: _kinds(d, ("cjk", "tag"))),
    ("flashcards (term cards included)", _field("server.review_next.cards", ",d")),
    ("next card p50 (ms)", _field("server.review_next.p50_ms", ".2f")),
    ("next card p99 (ms)", _field("server.review_next.p99_ms", ".2f")),
    ("rate a card p50 (ms)", _field("server.review_next.rate_p50_ms", ".2f")),
    ("bare page p50 (ms)", _field("bare.page.p50_ms", ".2f")),
    ("bare page p99 (ms)", _field("bare.page.p99_ms", ".2f")),
    ("page rps, 16 conn, first views", _field("server.throughput_first.rps", ",.0f")),
    (
        "  share of those that were first views",
        _field("server.throughput_first.first_view_share", ".2f"),
    ),
    ("page rps, 16 conn, repeat views", _field("server.throughput_repeat.rps", ",.0f")),
    ("bare page rps, 16 conn", _field("bare.throughput.rps", ",.0f")),
    ("server RSS after load (MB)", _field("server.rss_mb", ",.0f")),
    ("server start, nothing to index (s)", _field("serve_start_s", ".2f")),
    ("HTTP errors (latency/wrk)", _errors),
    ("static site build, wall (s)", _field("site.build_s", ".2f")),
    ("static site rebuild, unchanged (s)", _field("site.rebuild_unchanged_s", ".2f")),
    ("static site rebuild, one note edited (s)", _field("site.rebuild_one_edit_s", ".2f")),
    ("static site files", _field("site.size.files", ",d")),
    ("static site size (MB)", _field("site.size.megabytes", ".1f")),
    ("static site search index (MB)", _field("site.size.search_megabytes", ".2f")),
    ("static site search p50/max, browser (ms)", _site_search),
    ("load average at start/end (1 min)", _load),
]


def table(results: dict[str, dict[str, Any]]) -> str:
    sizes = list(results)
    width = max(len(label) for label, _ in RATIO_ROWS + ABSOLUTE_ROWS) + 2
    head = "".join(f"{int(s):>18,}" for s in sizes)
    lines: list[str] = []
    for title, rows in (("ratios", RATIO_ROWS), ("absolute", ABSOLUTE_ROWS)):
        lines.append(f"{title:<{width}}{head}")
        for label, cell in rows:
            lines.append(
                f"  {label:<{width - 2}}" + "".join(f"{cell(results[s]):>18}" for s in sizes)
            )
        lines.append("")
    for s in sizes:
        if "error" in results[s]:
            lines.append(f"{int(s):,} notes: ERROR {results[s]['error']}")
    return "\n".join(lines).rstrip() + "\n"


@dataclass(slots=True)
class Bound:
    name: str
    limit: str
    value: float | None
    ok: bool | None  # None: not measured
    size: int


# The issue's bounds: (what, where in a size's results, "<=" or ">=", limit).
BOUNDS: list[tuple[str, str, str, float]] = [
    ("full index / floor", "ratios.index_to_floor", "<=", 1.5),
    ("re-index / full index", "ratios.reindex_to_full", "<=", 0.10),
    ("live update, median (s)", "live_update.median_s", "<=", 1.0),
    ("page p50, first view (ms)", "server.page_first.p50_ms", "<=", 5.0),
    ("page p50, repeat view (ms)", "server.page_repeat.p50_ms", "<=", 5.0),
    ("page rps / bare, first views", "ratios.page_first_rps_to_bare", ">=", 0.5),
    ("page rps / bare, repeat views", "ratios.page_repeat_rps_to_bare", ">=", 0.5),
    ("search p50 (ms)", "server.search.p50_ms", "<=", 10.0),
    ("next card p50 (ms)", "server.review_next.p50_ms", "<=", 5.0),
    ("server RSS after load (MB)", "server.rss_mb", "<=", 400.0),
    ("glossary / full index", "glossary.share_of_full_index", "<=", 0.10),
    ("static site build / full index", "ratios.site_build_to_index", "<=", 1.5),
    ("static site search p50, browser (ms)", "site.search.p50_ms", "<=", 50.0),
    ("static site search max, browser (ms)", "site.search.max_ms", "<=", 50.0),
]
# ...and at LARGE_SIZE these stay within 2x of the reference size.
SCALING = [
    ("page p50, first view", "server.page_first.p50_ms"),
    ("search p50", "server.search.p50_ms"),
]


def _check(name: str, value: Any, op: str, limit: float, size: int) -> Bound:
    number = float(value) if isinstance(value, int | float) else None
    ok = None if number is None else (number <= limit if op == "<=" else number >= limit)
    return Bound(name, f"{op} {limit:g}", number, ok, size)


def bounds(results: dict[str, dict[str, Any]]) -> list[Bound]:
    """The issue's bounds, on the 5,000-note vault (or the nearest size that was measured)."""
    measured = [int(s) for s, r in results.items() if "error" not in r]
    if not measured:
        return []
    ref = min(measured, key=lambda s: (abs(s - REFERENCE_SIZE), -s))
    r = results[str(ref)]
    out = [_check(name, _get(r, key), op, limit, ref) for name, key, op, limit in BOUNDS]
    large = results.get(str(LARGE_SIZE))
    if large is not None and ref != LARGE_SIZE and "error" not in large:
        for label, key in SCALING:
            base, big = _get(r, key), _get(large, key)
            ratio = big / base if big is not None and base else None
            name = f"{label}, {LARGE_SIZE // 1000}k / {ref // 1000}k"
            out.append(_check(name, ratio, "<=", 2.0, LARGE_SIZE))
    return out


def bounds_text(items: Sequence[Bound]) -> str:
    if not items:
        return "bounds: nothing measured\n"
    ref = items[0].size
    note = "" if ref == REFERENCE_SIZE else f" (the issue states them for {REFERENCE_SIZE:,})"
    lines = [f"bounds on the {ref:,}-note vault{note}"]
    for b in items:
        verdict = "n/a " if b.ok is None else ("PASS" if b.ok else "FAIL")
        lines.append(f"  {verdict}  {b.name:<36} {_fmt(b.value, '.3f'):>10}  (bound {b.limit})")
    return "\n".join(lines) + "\n"


def large_text(large: dict[str, Any]) -> str:
    lines = [f"whole-vault pages at {large['notes']:,} notes (index {large['index_s']:.0f} s)"]
    for name, a in large["answers"].items():
        lines.append(
            f"  {name:<22} {a['bytes'] / 1024:>9,.1f} KB {a['ms']:>9.1f} ms  ({a['status']})"
        )
    for what, value, op, limit in large_bounds(large):
        ok = value <= limit if op == "<=" else value >= limit
        lines.append(
            f"  {'PASS' if ok else 'FAIL'}  {what:<28} {value:>12,.3f}  (bound {op} {limit:g})"
        )
    return "\n".join(lines) + "\n"


# --- main ------------------------------------------------------------------------------------


def _meta(args: argparse.Namespace, sizes: list[int]) -> dict[str, Any]:
    wrk = shutil.which("wrk")
    version = ""
    if wrk:
        with contextlib.suppress(OSError, subprocess.SubprocessError):
            done = subprocess.run([wrk, "-v"], capture_output=True, text=True, timeout=10)
            version = (
                (done.stdout or done.stderr).splitlines()[0] if done.stdout or done.stderr else ""
            )
    return {
        "started": datetime.now(UTC).isoformat(timespec="seconds"),
        "sizes": sizes,
        "seed": args.seed,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "wrk": version or None,
        "settings": {
            "latency_requests": LATENCY_REQUESTS,
            "latency_warmup": LATENCY_WARMUP,
            "live_edits": LIVE_EDITS,
            "wrk": f"-t{WRK_THREADS} -c{WRK_CONNECTIONS} -d{WRK_SECONDS}s",
        },
        "env": {k: v for k, v in os.environ.items() if k.startswith("STUDYNOTES_")},
    }


def _write(out: Path, payload: dict[str, Any]) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(out.suffix + ".tmp")
    tmp.write_text(json.dumps(payload, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    tmp.replace(out)


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="bench/run.py", description="Benchmark studynotes on synthetic vaults."
    )
    parser.add_argument("--sizes", default="1000,5000,20000", help="comma-separated note counts")
    parser.add_argument("--quick", action="store_true", help="a 300-note smoke run (--sizes 300)")
    parser.add_argument(
        "--large",
        type=int,
        default=50_000,
        help="notes in the vault whose whole-vault pages are weighed (0: skip; --quick: skip)",
    )
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="where to write the JSON")
    parser.add_argument("--seed", type=int, default=0, help="vault generator seed")
    parser.add_argument("--keep", action="store_true", help="keep the temp dir (for debugging)")
    parser.add_argument(
        "--site-only",
        action="store_true",
        help="only index and the static site (studynotes build): build time, size, search",
    )
    parser.add_argument(
        "--long-notes-only",
        action="store_true",
        help="only search latency on a vault with 1, 2 and 4 MB notes",
    )
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        sizes = [300] if args.quick else [int(s.replace("_", "")) for s in args.sizes.split(",")]
    except ValueError:
        print(f"bench: error: --sizes must be numbers, got {args.sizes!r}", file=sys.stderr)
        return 2
    if any(s < 10 for s in sizes):
        print("bench: error: every size must be at least 10 notes", file=sys.stderr)
        return 2
    payload: dict[str, Any] = {"meta": _meta(args, sizes), "results": {}, "bounds": []}
    results: dict[str, dict[str, Any]] = payload["results"]
    work = Path(tempfile.mkdtemp(prefix="studynotes-bench-"))
    procs = Processes()
    failed = False
    started = time.perf_counter()
    try:
        for n in [] if args.long_notes_only else sizes:
            try:
                size_dir = work / f"n{n}"
                size_dir.mkdir()
                results[str(n)] = measure_size(
                    n, size_dir, procs, args.seed, site_only=args.site_only
                )
            except Exception as exc:
                failed = True
                traceback.print_exc()
                results[str(n)] = {"notes": n, "error": f"{type(exc).__name__}: {exc}"}
            finally:
                procs.stop_all()
                _write(args.out, payload)
        if args.large and not args.quick and not args.long_notes_only and not args.site_only:
            try:
                large_dir = work / "large"
                large_dir.mkdir()
                print(f"[{args.large:,}] whole-vault pages", file=sys.stderr)
                payload["large"] = measure_large(
                    args.large, large_dir, procs, Client, sys.modules[__name__]
                )
            except Exception as exc:
                failed = True
                traceback.print_exc()
                payload["large"] = {"error": f"{type(exc).__name__}: {exc}"}
            finally:
                procs.stop_all()
                _write(args.out, payload)
        if not args.site_only:
            try:
                long_dir = work / "long"
                long_dir.mkdir()
                payload["long_notes"] = measure_long_notes(long_dir, procs, args.seed)
            except Exception as exc:
                failed = True
                traceback.print_exc()
                payload["long_notes"] = {"error": f"{type(exc).__name__}: {exc}"}
            finally:
                procs.stop_all()
                _write(args.out, payload)
    finally:
        procs.stop_all()
        if args.keep:
            print(f"kept {work}", file=sys.stderr)
        else:
            shutil.rmtree(work, ignore_errors=True)
    checked = bounds(results)
    payload["bounds"] = [asdict(b) for b in checked]
    payload["meta"]["seconds"] = time.perf_counter() - started
    _write(args.out, payload)
    print()
    if results:
        print(table(results))
        print(bounds_text(checked))
    if "largest" in payload.get("large", {}):
        print(large_text(payload["large"]))
    if "search" in payload.get("long_notes", {}):
        print(long_notes_table(payload["long_notes"]))
    print(f"results: {args.out}  ({payload['meta']['seconds']:.0f} s in all)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
