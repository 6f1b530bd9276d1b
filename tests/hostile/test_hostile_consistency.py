"""Consistency under faults and load: a killed index run loses nothing, and pages served while
the watcher re-indexes never fail."""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

import httpx2 as httpx
from sqlalchemy import func, select

from studynotes.config import Settings
from studynotes.db.models import Note
from studynotes.db.session import open_database
from studynotes.ingest.pipeline import index_vault

FIXTURE_VAULT = Path(__file__).parents[1] / "fixtures" / "vault"
PROSE = " ".join(
    "Attention lets every token look at every other token, weighting what it sees by relevance."
    for _ in range(12)
)


def _write_notes(vault: Path, count: int, *, version: str) -> None:
    """``count`` linked notes in 10 folders; ``version`` shows in each body."""
    for i in range(count):
        folder = vault / f"f{i % 10}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"Note {i}.md").write_text(
            f"---\ntags: [t{i % 7}]\n---\n# Note {i}\n\nVersion {version}.\n\n"
            f"**Term {i}**: the term defined in note {i}.\n\n{PROSE}\n\n"
            f"See [[Note {(i + 1) % count}]] and [[Note {(i + 3) % count}#Note {(i + 3) % count}]]."
            f"\n\n## Part\n\n- one\n- two ^b{i}\n\n{PROSE}\n",
            encoding="utf-8",
        )


def _index_cmd(vault: Path, db: Path) -> list[str]:
    return [sys.executable, "-m", "studynotes", "index", str(vault), "--db", f"sqlite:///{db}"]


def _state(db: Path) -> tuple[int, str]:
    """The note count and Note 0's html, read through the app's own database layer."""
    engine = open_database(f"sqlite:///{db}")
    try:
        with engine.connect() as conn:
            count = conn.execute(select(func.count(Note.id))).scalar_one()
            html = conn.execute(select(Note.html).where(Note.path == "f0/Note 0.md")).scalar_one()
            check = conn.exec_driver_sql("PRAGMA integrity_check").scalar_one()
    finally:
        engine.dispose()
    assert check == "ok"
    return count, html


def test_kill_9_while_indexing_keeps_the_previous_index(tmp_path: Path) -> None:
    vault, db = tmp_path / "vault", tmp_path / "index.sqlite3"
    _write_notes(vault, 20, version="one")
    engine = open_database(f"sqlite:///{db}")
    index_vault(Settings(vault=vault, db=f"sqlite:///{db}", workers=1), engine)
    engine.dispose()
    before = _state(db)
    assert before[0] == 20 and "Version one." in before[1]

    _write_notes(vault, 400, version="two")  # every note changes, 380 are new
    wal = Path(f"{db}-wal")
    proc = subprocess.Popen(
        _index_cmd(vault, db),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # its own process group: the parse workers die with it
    )
    try:
        deadline = time.monotonic() + 60
        # The write is one transaction far larger than SQLite's page cache, so pages spill
        # into the WAL long before the commit: a WAL of 256 kB means "writing, not committed".
        while not (wal.exists() and wal.stat().st_size > 256 * 1024):
            assert proc.poll() is None, "the index run ended before it could be killed"
            assert time.monotonic() < deadline
            time.sleep(0.001)
        os.killpg(proc.pid, signal.SIGKILL)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
    assert proc.returncode == -signal.SIGKILL

    assert _state(db) == before  # the previous complete index, not half of the new one

    done = subprocess.run(_index_cmd(vault, db), capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    count, html = _state(db)
    assert count == 400 and "Version two." in html


# --- readers while the watcher writes ----------------------------------------------------------

STABLE = [
    "/",
    "/api/notes",
    "/api/terms",
    "/api/tags",
    "/api/home",
    "/api/graph",
    "/api/broken-links",
    "/glossary",
    "/tags",
    "/graph",
    "/broken-links",
    "/folders/f1",
    "/api/search?q=attention",
    "/search?q=note",
    "/notes/transformers",
    "/api/notes/transformers",
    "/api/preview/transformers",
] + [f"/notes/f{i % 10}/note-{i}" for i in range(10)]


def test_pages_served_while_the_watcher_reindexes_never_fail(tmp_path: Path, servers: Any) -> None:
    vault = tmp_path / "vault"
    shutil.copytree(FIXTURE_VAULT, vault)
    _write_notes(vault, 30, version="one")
    base = servers.start(vault)

    stop = threading.Event()
    results: Counter[str] = Counter()
    errors: list[str] = []
    lock = threading.Lock()

    def reader(seed: int) -> None:
        rng = random.Random(seed)
        with httpx.Client(base_url=base, timeout=10) as client:
            while not stop.is_set():
                volatile = rng.random() < 0.25
                path = f"/notes/new/new-{rng.randrange(40)}" if volatile else rng.choice(STABLE)
                try:
                    status = client.get(path).status_code
                except httpx.HTTPError as exc:
                    with lock:
                        errors.append(f"{path}: {type(exc).__name__}: {exc}")
                    continue
                ok = status == 200 or (volatile and status == 404)
                with lock:
                    results["ok" if ok else f"{status} {path}"] += 1
                    if not ok:
                        errors.append(f"{path}: {status}")

    threads = [threading.Thread(target=reader, args=(i,), daemon=True) for i in range(8)]
    for thread in threads:
        thread.start()
    rng = random.Random(0)
    (vault / "new").mkdir()
    started = time.monotonic()
    i = 0
    while time.monotonic() - started < 3:  # change, add and delete notes for a few seconds
        i += 1
        n = rng.randrange(30)
        with (vault / f"f{n % 10}" / f"Note {n}.md").open("a", encoding="utf-8") as f:
            f.write(f"\nEdit {i} links [[New {i}]].\n")
        (vault / "new" / f"New {i % 40}.md").write_text(f"# New {i}\n\n[[Note {n}]]\n")
        gone = vault / "new" / f"New {(i + 20) % 40}.md"
        gone.unlink(missing_ok=True)
        time.sleep(0.03)
    stop.set()
    for thread in threads:
        thread.join(timeout=15)

    assert not errors, errors[:20]
    assert results["ok"] > 300
    # the watcher did follow: the last note written is served
    last = f"/notes/new/new-{i % 40}"
    deadline = time.monotonic() + 20
    while httpx.get(base + last, timeout=5).status_code != 200:
        assert time.monotonic() < deadline, "the watcher never indexed the last change"
        time.sleep(0.1)
    stderr = servers.stop(servers.last)
    assert "Traceback" not in stderr, stderr[-3000:]


def test_two_index_runs_at_once_both_finish(tmp_path: Path) -> None:
    """A `studynotes index` while another run (or `serve`'s first index) is writing waits its
    turn; before, both inserted the same new notes and the second died on a UNIQUE constraint."""
    vault, db = tmp_path / "vault", tmp_path / "index.sqlite3"
    _write_notes(vault, 120, version="one")
    subprocess.run(_index_cmd(vault, db), check=True, capture_output=True, timeout=60)
    _write_notes(vault, 150, version="two")
    procs = [
        subprocess.Popen(_index_cmd(vault, db), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        for _ in range(2)
    ]
    try:
        outcomes = [proc.communicate(timeout=120) for proc in procs]
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.kill()
                proc.communicate()
    for proc, (_, err) in zip(procs, outcomes, strict=True):
        assert proc.returncode == 0, err.decode()[-2000:]
    count, html = _state(db)
    assert count == 150 and "Version two." in html
