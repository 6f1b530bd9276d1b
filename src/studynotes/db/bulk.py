"""Many rows into one table at driver speed, for the index's largest tables.

SQLAlchemy prepares each row of an ``executemany`` (bind processors, parameter dicts),
which for the tens of thousands of links and headings of a large vault cost more than
SQLite's own work. These tables hold only numbers, text and booleans, which every driver
takes as they are, so the statement is compiled once and the rows go straight through.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import Connection, bindparam, insert
from sqlalchemy.orm import DeclarativeBase


def insert_rows(
    conn: Connection, model: type[DeclarativeBase], rows: Sequence[Mapping[str, Any]]
) -> None:
    """Insert ``rows`` (all with the same keys) into ``model``'s table. For tables without
    datetime or JSON columns, whose values need no conversion."""
    if not rows:
        return
    values: dict[str, Any] = {name: bindparam(name) for name in rows[0]}
    compiled = insert(model).values(values).compile(dialect=conn.dialect)
    if compiled.positional:
        order = compiled.positiontup or []
        params: list[Any] = [tuple(row[name] for name in order) for row in rows]
    else:
        params = [dict(row) for row in rows]
    conn.exec_driver_sql(str(compiled), params)
