"""Walk the vault: which files are notes, which are attachments, which are skipped and why."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from studynotes.paths import VaultPath, is_note_path


@dataclass(slots=True, frozen=True)
class FileInfo:
    path: VaultPath
    size: int
    mtime_ns: int


@dataclass(slots=True)
class Inventory:
    notes: list[FileInfo] = field(default_factory=list)
    attachments: list[FileInfo] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)


class VaultError(Exception):
    """The vault itself cannot be read; the message is meant for the user."""


def check_vault(root: Path) -> Path:
    if not root.exists():
        raise VaultError(f"vault not found: {root}")
    if not root.is_dir():
        raise VaultError(f"vault is not a folder: {root}")
    if not os.access(root, os.R_OK | os.X_OK):
        raise VaultError(f"vault is not readable: {root}")
    return root.resolve()


def _walk(root: Path, inv: Inventory) -> Iterator[tuple[str, os.stat_result]]:
    """Every regular file under ``root`` with its vault-relative path. Plain strings, not
    ``Path`` objects: the server's watcher walks the whole vault after each edit."""
    stack: list[tuple[str, str]] = [(str(root), "")]  # folder on disk, its vault path + "/"
    while stack:
        folder, prefix = stack.pop()
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError as exc:
            inv.skipped.append((prefix.rstrip("/") or ".", f"cannot read folder: {exc.strerror}"))
            continue
        for entry in entries:
            if entry.name.startswith("."):
                continue  # .obsidian, .git, .trash and other hidden things
            rel = prefix + entry.name
            try:
                if entry.is_symlink():
                    real = Path(entry.path).resolve()
                    if not real.is_relative_to(root):
                        inv.skipped.append((rel, "symlink points outside the vault"))
                        continue
                st = entry.stat()
            except RuntimeError:  # Path.resolve() on a symlink loop (Python 3.11)
                inv.skipped.append((rel, "symlink loop"))
                continue
            except OSError as exc:
                inv.skipped.append((rel, f"cannot read: {exc.strerror}"))
                continue
            if stat.S_ISDIR(st.st_mode):
                if not entry.is_symlink():
                    stack.append((entry.path, rel + "/"))
                continue
            if stat.S_ISREG(st.st_mode):
                yield rel, st
            else:  # a FIFO would block the reader forever; sockets and devices mean nothing
                inv.skipped.append((rel, "not a regular file"))


def discover(root: Path, *, max_bytes: int) -> Inventory:
    """Every note and attachment under ``root``, sorted by path; hidden folders are skipped."""
    inv = Inventory()
    for rel, st in _walk(root, inv):
        info = FileInfo(VaultPath(rel), st.st_size, st.st_mtime_ns)
        if is_note_path(rel):
            if st.st_size > max_bytes:
                inv.skipped.append(
                    (rel, f"larger than the limit ({st.st_size} > {max_bytes} bytes)")
                )
                continue
            inv.notes.append(info)
        else:
            inv.attachments.append(info)
    inv.notes.sort(key=lambda f: f.path)
    inv.attachments.sort(key=lambda f: f.path)
    return inv
