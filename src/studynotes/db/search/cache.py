"""Values read from the index once per index version and kept per database.

Term names, note titles and the word index's vocabulary cost a read of a whole table;
a query needs them on every keystroke, an index run changes them now and then.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from typing import Any, Generic, TypeVar

from sqlalchemy import Connection, Engine, func, select

from studynotes.db.models import Meta, Term

__all__ = ["PerIndex"]

_V = TypeVar("_V")

# What the cached values were built from: any index run changes it.
_VERSION = select(
    select(func.count(Term.id)).scalar_subquery(),
    select(func.max(Term.id)).scalar_subquery(),
    select(Meta.value).where(Meta.key == "indexed_at").scalar_subquery(),
)


class PerIndex(Generic[_V]):
    """One value per database, read again once the index has changed."""

    def __init__(self, read: Callable[[Connection], _V]) -> None:
        self._read = read
        # Keyed by engine, so that each database has its own; weak, so engines can be freed.
        self._kept: weakref.WeakKeyDictionary[Engine, tuple[tuple[Any, ...], _V]] = (
            weakref.WeakKeyDictionary()
        )

    def get(self, conn: Connection) -> _V:
        version = tuple(conn.execute(_VERSION).one())
        kept = self._kept.get(conn.engine)
        if kept is not None and kept[0] == version:
            return kept[1]
        value = self._read(conn)
        self._kept[conn.engine] = (version, value)
        return value
