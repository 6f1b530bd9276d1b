"""The search index's tables: which ones migrations own, whether this database has them,
and raw SQL against them.

``search_docs`` holds one row per note (migration 0002) with the columns below; ``search_fts``
indexes its words, ``search_cjk`` trigrams of its CJK runs (0003) and ``search_pieces`` the
bodies of long notes again, in pieces (0004).
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from sqlalchemy import Connection, CursorResult, TextClause, bindparam, text

__all__ = [
    "BODY",
    "COLS",
    "COLUMNS",
    "SEARCH_TABLES",
    "has_fts",
    "include_in_schema",
    "is_search_table",
    "run",
]

# Schema objects owned by migrations, not by the models: Alembic must not compare them.
# ``search_trigram`` is revision 0002's, still found in databases not yet upgraded.
_FTS_TABLES = ("search_fts", "search_cjk", "search_pieces", "search_trigram")
_SHADOW_SUFFIXES = ("_data", "_idx", "_content", "_docsize", "_config")
SEARCH_TABLES = frozenset(
    [
        "search_docs",
        "search_vocab",
        *_FTS_TABLES,
        *(t + s for t in _FTS_TABLES for s in _SHADOW_SUFFIXES),
    ]
)

# The indexed columns, in table order.
COLUMNS = ("title", "aliases", "headings", "tags", "body")
COLS = ", ".join(COLUMNS)
BODY = COLUMNS.index("body")


def is_search_table(name: str) -> bool:
    """True for the search index tables, which migrations own but the models do not."""
    return name in SEARCH_TABLES


def include_in_schema(name: str | None, type_: str, parent_names: Mapping[str, Any]) -> bool:
    """Alembic ``include_name`` hook: leave the FTS tables out of schema comparison."""
    if type_ == "table":
        return name is None or not is_search_table(name)
    table_name = parent_names.get("table_name")
    return not (isinstance(table_name, str) and is_search_table(table_name))


_HAS_FTS = text("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'search_fts'")


def has_fts(conn: Connection) -> bool:
    """Whether this database has the FTS5 index (SQLite, migrated); others search with LIKE."""
    if conn.dialect.name != "sqlite":
        return False
    return conn.execute(_HAS_FTS).first() is not None


@lru_cache(maxsize=256)
def _statement(sql: str, lists: tuple[str, ...]) -> TextClause:
    return text(sql).bindparams(*(bindparam(name, expanding=True) for name in lists))


def run(conn: Connection, sql: str, params: dict[str, Any]) -> CursorResult[*tuple[Any, ...]]:
    """Raw SQL with named parameters; a list parameter fills an ``IN :name``."""
    lists = tuple(sorted(k for k, v in params.items() if isinstance(v, list)))
    return conn.execute(_statement(sql, lists), params)
