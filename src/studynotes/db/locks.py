"""Locks shared by every process over one database: one index run at a time, one watcher of
the vault, one migration. PostgreSQL gets advisory locks (held by a connection, gone with
it); SQLite gets ``flock`` on a file beside the database (gone with the process)."""

from __future__ import annotations

import fcntl
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from sqlalchemy import Engine

__all__ = ["INDEX", "MIGRATE", "WATCH", "Held", "hold", "lock_key", "try_hold"]

# What is locked; each is its own lock, so a process holding the watcher's may still index.
INDEX = "index"
WATCH = "watch"
MIGRATE = "migrate"


def lock_key(name: str) -> int:
    """A stable 64-bit advisory lock key for ``name``, in our own corner of the key space."""
    return zlib.crc32(f"studynotes:{name}".encode()) | (0x5E << 32)


def _lock_path(engine: Engine, name: str) -> Path | None:
    """The lock file for a SQLite file database; None for an in-memory one."""
    db = engine.url.database
    if not db or db == ":memory:":
        return None
    path = Path(db.removeprefix("file:").split("?")[0]).expanduser()
    # Never lock the database file itself: closing it would drop SQLite's own locks.
    suffix = ".lock" if name == INDEX else f".{name}.lock"
    return path.with_name(path.name + suffix)


def _is_postgres(engine: Engine) -> bool:
    return engine.url.get_backend_name() == "postgresql"


@dataclass(slots=True)
class Held:
    """A lock this process holds until ``release`` (or until it exits)."""

    _file: IO[bytes] | None = None
    _conn: Any = None  # a PostgreSQL connection taken out of the pool, holding the lock

    def release(self) -> None:
        if self._file is not None:
            fcntl.flock(self._file, fcntl.LOCK_UN)
            self._file.close()
            self._file = None
        if self._conn is not None:
            self._conn.close()  # the session's advisory locks go with it
            self._conn = None


def _take(engine: Engine, name: str, *, wait: bool) -> Held | None:
    if _is_postgres(engine):
        raw = engine.raw_connection()
        conn = raw.driver_connection
        assert conn is not None
        raw.detach()  # its own session for as long as the lock is held
        conn.autocommit = True
        fn = "pg_advisory_lock" if wait else "pg_try_advisory_lock"
        got = conn.execute(f"SELECT {fn}(%s)", (lock_key(name),)).fetchone()
        if wait or (got and got[0]):
            return Held(_conn=conn)
        conn.close()
        return None
    path = _lock_path(engine, name)
    if path is None:
        return Held()
    try:
        handle = path.open("ab")
    except OSError:  # a folder we cannot write to: the index run will say so itself
        return Held()
    try:
        fcntl.flock(handle, fcntl.LOCK_EX if wait else fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.close()
        return None
    return Held(_file=handle)


def try_hold(engine: Engine, name: str) -> Held | None:
    """The lock ``name`` if no other process holds it now; None if one does."""
    return _take(engine, name, wait=False)


@contextmanager
def hold(engine: Engine, name: str) -> Iterator[None]:
    """Wait for the lock ``name`` and hold it for the block."""
    held = _take(engine, name, wait=True)
    assert held is not None
    try:
        yield
    finally:
        held.release()
