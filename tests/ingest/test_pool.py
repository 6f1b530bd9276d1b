"""An index run's worker processes end with the run, even when the run is killed with SIGKILL."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

import pytest

from studynotes.ingest.run import POOL_THRESHOLD

pytestmark = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc")

PROSE = " ".join(
    "Attention lets every token look at every other token, weighting what it sees by relevance."
    for _ in range(8)
)


def _write_vault(vault: Path, count: int) -> None:
    for i in range(count):
        folder = vault / f"f{i % 8}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"Note {i}.md").write_text(
            f"# Note {i}\n\n**Term {i}**: the term defined in note {i}.\n\n{PROSE}\n\n"
            f"See [[Note {(i + 1) % count}]] and ![[Note {(i + 2) % count}#Part]]."
            f"\n\n## Part\n\n- one\n- two ^b{i}\n\n{PROSE}\n",
            encoding="utf-8",
        )


Identity = tuple[int, str]  # pid and start time: a pid the kernel reuses is another process


def _stat(pid: int) -> list[str] | None:
    """The fields of /proc/<pid>/stat after the command name, None if there is no such pid."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return None
    return text.rsplit(")", 1)[1].split()


def _descendants(root: int) -> dict[Identity, int]:
    """Every living process below ``root``, found by parent pid, each with its depth."""
    children: dict[int, list[Identity]] = {}
    for entry in Path("/proc").iterdir():
        fields = _stat(int(entry.name)) if entry.name.isdigit() else None
        if fields is not None and fields[0] not in "ZX":
            children.setdefault(int(fields[1]), []).append((int(entry.name), fields[19]))
    found: dict[Identity, int] = {}
    todo = [(root, 0)]
    while todo:
        pid, depth = todo.pop()
        for child in children.get(pid, []):
            found[child] = depth + 1
            todo.append((child[0], depth + 1))
    return found


def _alive(process: Identity) -> bool:
    fields = _stat(process[0])
    return fields is not None and fields[19] == process[1] and fields[0] not in "ZX"


@contextmanager
def _index_run(vault: Path, db: Path) -> Iterator[subprocess.Popen[bytes]]:
    """`studynotes index` with two workers, in a process group of its own, so that whatever
    the test finds, nothing it started outlives it."""
    cmd = [sys.executable, "-m", "studynotes", "index", str(vault), "--db", f"sqlite:///{db}"]
    proc = subprocess.Popen(
        cmd,
        env={**os.environ, "STUDYNOTES_WORKERS": "2"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        yield proc
    finally:
        with suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)


def test_sigkilled_index_run_leaves_no_process_behind(tmp_path: Path) -> None:
    vault, db = tmp_path / "vault", tmp_path / "index.sqlite3"
    _write_vault(vault, POOL_THRESHOLD * 4)
    with _index_run(vault, db) as proc:
        deadline = time.monotonic() + 60
        while not any(depth == 2 for depth in _descendants(proc.pid).values()):
            assert proc.poll() is None, "the index run ended before its workers were seen"
            assert time.monotonic() < deadline, "no worker process appeared"
            time.sleep(0.01)
        left = _descendants(proc.pid)  # fork server and resource tracker, workers below
        assert 2 in left.values()
        proc.send_signal(signal.SIGKILL)  # the main process only, as the OOM killer does
        proc.wait(timeout=10)
        assert proc.returncode == -signal.SIGKILL
        deadline = time.monotonic() + 5
        while (alive := [p for p in left if _alive(p)]) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not alive, f"still running after 5 s: {alive} of {left}"
    assert list(tmp_path.glob(".studynotes-index-*")), "a killed run cannot remove its scratch"

    with _index_run(vault, db) as proc:
        assert proc.wait(timeout=120) == 0
    assert not list(tmp_path.glob(".studynotes-index-*"))
