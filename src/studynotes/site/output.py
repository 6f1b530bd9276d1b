"""The output folder: a file is written only when its bytes change, and the files of the
last build that this one no longer makes are removed. Nothing else there is touched.

The last build's files and their hashes are kept in ``MANIFEST`` inside the folder: a
rebuild compares hashes, not files, and knows which files are its own to remove.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = [
    "MANIFEST",
    "OutputError",
    "SiteOutput",
    "WriteReport",
    "Written",
    "check_output",
    "put",
]

MANIFEST = ".studynotes-site.json"


class OutputError(Exception):
    """The output folder cannot be used; the message says why."""


def check_output(out: Path, vault: Path) -> None:
    """Refuse an output inside the vault (the vault is never written to), the vault itself
    inside the output, and a folder of other files (a build never overwrites those)."""
    root, target = vault.resolve(), out.resolve()
    if target == root or target.is_relative_to(root):
        raise OutputError(f"{out} is inside the vault {vault}: choose a folder outside it")
    if root.is_relative_to(target):
        raise OutputError(f"the vault {vault} is inside {out}: choose another output folder")
    if target.exists() and not target.is_dir():
        raise OutputError(f"{out} is not a folder")
    if target.is_dir() and any(target.iterdir()) and not (target / MANIFEST).is_file():
        raise OutputError(
            f"{out} holds files that no earlier build wrote: give an empty or new folder"
        )


@dataclass(slots=True)
class WriteReport:
    written: list[str] = field(default_factory=list)  # new or changed
    removed: list[str] = field(default_factory=list)
    files: int = 0
    bytes: int = 0


@dataclass(frozen=True, slots=True)
class Written:
    """One file put in place (or found in place already): what the manifest records."""

    name: str
    digest: str
    size: int
    changed: bool
    asks: tuple[str, ...] = ()  # what the file links to that the site must hold too


def put(
    root: Path, before: dict[str, str], name: str, data: bytes, asks: tuple[str, ...] = ()
) -> Written:
    """``data`` as the file ``name`` under ``root``, unless the last build (``before``: its
    hashes) wrote these bytes there already. Workers call it too: the bytes of a page
    need not travel back to the process that keeps the manifest."""
    digest = hashlib.sha256(data).hexdigest()
    path = root / name
    last = before.get(name)
    if last == digest and _size(path) == len(data):
        return Written(name, digest, len(data), False, asks)
    if last is None:  # no earlier build served this file: write it in place
        _write(path, data)
    else:  # a reader may be looking at the old one: swap it whole
        tmp = path.with_name(f".{path.name}.tmp")
        _write(tmp, data)
        os.replace(tmp, path)
    return Written(name, digest, len(data), True, asks)


def _write(path: Path, data: bytes) -> None:
    try:
        path.write_bytes(data)
    except FileNotFoundError:  # its folder is new
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)


@dataclass(slots=True)
class SiteOutput:
    root: Path
    report: WriteReport = field(default_factory=WriteReport)
    source: str = ""  # what this build is made from (``build.source_stamp``)
    _before: dict[str, str] = field(default_factory=dict)  # file -> sha256, last build
    _now: dict[str, str] = field(default_factory=dict)
    _made_from: str = ""  # the last build's ``source``
    asks_before: dict[str, list[str]] = field(default_factory=dict)  # file -> its asks
    _asks: dict[str, tuple[str, ...]] = field(default_factory=dict)
    state_before: dict[str, Any] = field(default_factory=dict)  # what the last build kept
    state: dict[str, Any] = field(default_factory=dict)  # what this one keeps for the next

    def __post_init__(self) -> None:
        try:
            saved = json.loads((self.root / MANIFEST).read_text(encoding="utf-8"))
            self._before = {str(k): str(v) for k, v in saved.get("files", {}).items()}
            self._made_from = str(saved.get("source", ""))
        except (OSError, ValueError, AttributeError, TypeError):
            return
        try:  # what a rebuild may keep; without it (an older build's) everything is made
            named = [str(a) for a in saved.get("asked", [])]
            asks = saved.get("asks", {})
            self.asks_before = {str(k): [named[i] for i in v] for k, v in asks.items()}
            self.state_before = dict(saved.get("state", {}))
        except (ValueError, AttributeError, TypeError, IndexError):
            self.asks_before, self.state_before = {}, {}

    def up_to_date(self) -> bool:
        """Whether the last build was made from the same source and its files are all
        there: then nothing would change, and nothing need be made."""
        return (
            bool(self.source)
            and self._made_from == self.source
            and all((self.root / name).is_file() for name in self._before)
        )

    def keep_all(self) -> None:
        """Keep the last build's files as they are."""
        for name in self._before:
            self.keep(name)
        self.state = self.state_before

    def keep(self, name: str) -> tuple[str, ...] | None:
        """Keep the last build's file ``name`` as it is; what it asked for. None when there
        is no such file to keep: it must be made."""
        if name in self._now:
            return self._asks.get(name, ())
        size = _size(self.root / name)
        if name not in self._before or size < 0:
            return None
        asks = tuple(self.asks_before.get(name, ()))
        self.record(Written(name, self._before[name], size, False, asks))
        return asks

    @property
    def before(self) -> dict[str, str]:
        """The last build's files and their hashes."""
        return self._before

    def __contains__(self, name: str) -> bool:
        return name in self._now

    def write(self, name: str, data: bytes, asks: tuple[str, ...] = ()) -> None:
        """``data`` as the file ``name`` (relative, ``/``-separated), if it differs."""
        if name not in self._now:  # the first writer of a file wins (a page is made once)
            self.record(put(self.root, self._before, name, data, asks))

    def record(self, done: Written) -> None:
        """A file this build put in place (here or in a worker)."""
        if done.name in self._now:
            return
        self._now[done.name] = done.digest
        if done.asks:
            self._asks[done.name] = done.asks
        self.report.files += 1
        self.report.bytes += done.size
        if done.changed:
            self.report.written.append(done.name)

    def finish(self) -> WriteReport:
        """Remove what the last build wrote and this one did not; save the manifest."""
        for name in sorted(set(self._before) - set(self._now)):
            path = self.root / name
            with contextlib.suppress(FileNotFoundError):
                path.unlink()
            self.report.removed.append(name)
            _prune(path.parent, self.root)
        # What files ask for, each named once: a page of a big vault asks for dozens of
        # previews, mostly the ones other pages ask for too.
        asked = sorted({a for asks in self._asks.values() for a in asks})
        number = {a: i for i, a in enumerate(asked)}
        saved = {
            "source": self.source,
            "files": dict(sorted(self._now.items())),
            "asked": asked,
            "asks": {name: [number[a] for a in asks] for name, asks in sorted(self._asks.items())},
            "state": self.state,
        }
        text = json.dumps(saved, separators=(",", ":"))
        (self.root / MANIFEST).write_text(text, encoding="utf-8")
        return self.report


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return -1


def _prune(folder: Path, root: Path) -> None:
    """Remove ``folder`` and the folders above it (below ``root``) that are now empty."""
    while folder != root and folder.is_relative_to(root):
        try:
            folder.rmdir()
        except OSError:
            return
        folder = folder.parent
