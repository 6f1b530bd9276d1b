"""What the last index run changed, told to every process serving the same database.

The process that watches the vault writes each run's changed and deleted slugs under the
Meta key ``changes``, stamped with the run's ``indexed_at``. Other processes notice: on
PostgreSQL at once, woken by ``NOTIFY`` (``Listener``); on SQLite by reading the stamp
again every second. Each then tells its own open pages (server-sent events).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Engine, delete, insert, select, text

from studynotes.db.models import Meta

__all__ = ["CHANNEL", "Changes", "Listener", "announce", "last_changes"]

CHANNEL = "studynotes_index"
_KEY = "changes"


@dataclass(slots=True, frozen=True)
class Changes:
    at: str  # the run's indexed_at
    changed: list[str]
    deleted: list[str]


def announce(engine: Engine, changed: list[str], deleted: list[str]) -> str | None:
    """Record what a run changed for the other processes; returns the run's stamp."""
    with engine.begin() as conn:
        at = conn.execute(select(Meta.value).where(Meta.key == "indexed_at")).scalar()
        if at is None:
            return None
        value = json.dumps({"at": at, "changed": changed, "deleted": deleted})
        conn.execute(delete(Meta).where(Meta.key == _KEY))
        conn.execute(insert(Meta).values(key=_KEY, value=value))
        if conn.dialect.name == "postgresql":  # delivered when this transaction commits
            conn.execute(text("SELECT pg_notify(:c, :at)"), {"c": CHANNEL, "at": at})
    return str(at)


def last_changes(conn: Connection) -> Changes | None:
    value = conn.execute(select(Meta.value).where(Meta.key == _KEY)).scalar()
    if not value:
        return None
    try:
        found = json.loads(value)
        return Changes(str(found["at"]), list(found["changed"]), list(found["deleted"]))
    except (ValueError, KeyError, TypeError):
        return None


class Listener:
    """Waits for announcements on PostgreSQL (``LISTEN``); elsewhere, only for the time
    given. Blocking: call ``wait`` from a thread."""

    def __init__(self, engine: Engine) -> None:
        self._conn: Any = None
        if engine.url.get_backend_name() == "postgresql":
            raw = engine.raw_connection()
            self._conn = raw.driver_connection
            raw.detach()  # a session of its own, for as long as we listen
            self._conn.autocommit = True
            self._conn.execute(f"LISTEN {CHANNEL}")

    @property
    def listening(self) -> bool:
        return self._conn is not None

    def wait(self, seconds: float) -> bool:
        """Up to ``seconds`` for an announcement; True if one came."""
        if self._conn is None:
            return False
        came = False
        for _ in self._conn.notifies(timeout=seconds, stop_after=1):
            came = True
        return came

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None
