"""What queries read of a note, as rows the store writes (``note_fields``, ``note_tasks``).

A field's row is typed the way ``values.sort_key`` and ``values.equal`` see its value, so
SQL can compare and order it as the Python evaluator would (``dataview.sql``):

``kind``  null, bool, number, date, text, link, list, object (a value JSON cannot hold: other)
``rank``  the kind's place in the order of kinds (``values.sort_key``)
``num``   a boolean (0/1), a number, a date (seconds since 1970, naive), a list's length
``fold``  text and links as they sort: casefolded (a link by its display text or target)
``text``  text as written; a link's target casefolded (what ``=`` compares with text)
``raw``   the value as the note writes it, converted again when a page is loaded

Links are stored unresolved: where one lands depends on the rest of the vault, so it is
worked out when a query reads it. Only the first field of a normalised key is kept, as
``Page.keys`` keeps it. File facts take keys no field can have (``$name``...).
"""

from __future__ import annotations

import datetime as dt
import posixpath
import re
from typing import Any

from studynotes.dataview.values import Link, convert, normal_key, parse_date
from studynotes.db.jsontext import dumps

EPOCH = dt.datetime(1970, 1, 1)
_DAY = re.compile(r"(\d{4}-\d{2}-\d{2})")

# The file facts stored as rows, by ``file.*`` name. A key with a space is no field's key
# (``normal_key`` turns spaces into dashes), so these never meet a note's own fields.
FILE_KEYS = {n: f"file {n}" for n in ("name", "path", "folder", "size", "day")}
# Facts kept only as written, for loading a page: its tags, aliases and creation date.
ETAGS, ALIASES, CREATED = "file etags", "file aliases", "file created"
FILE_PREFIX = "file "


def seconds(value: dt.datetime) -> float:
    return (value - EPOCH).total_seconds()


def typed(value: Any) -> dict[str, Any]:
    """The typed columns of a converted value (links unresolved)."""
    if value is None:
        return {"kind": "null", "rank": 0, "num": None, "fold": None, "text": None}
    if isinstance(value, bool):
        return {"kind": "bool", "rank": 1, "num": float(value), "fold": None, "text": None}
    if isinstance(value, int | float):
        return {"kind": "number", "rank": 2, "num": float(value), "fold": None, "text": None}
    if isinstance(value, dt.datetime):
        return {"kind": "date", "rank": 4, "num": seconds(value), "fold": None, "text": None}
    if isinstance(value, str):
        return {"kind": "text", "rank": 5, "num": None, "fold": value.casefold(), "text": value}
    if isinstance(value, Link):
        shown = (value.display or value.target).casefold()
        return {"kind": "link", "rank": 6, "num": None, "fold": shown,
                "text": value.target.casefold()}  # fmt: skip
    if isinstance(value, list):
        return {"kind": "list", "rank": 7, "num": float(len(value)), "fold": None, "text": None}
    if isinstance(value, dict):
        return {"kind": "object", "rank": 8, "num": float(len(value)), "fold": None, "text": None}
    return {"kind": "other", "rank": 9, "num": None, "fold": None, "text": None}


def _unresolved(_: str) -> str | None:
    return None


def field_rows(note_id: int, note: Any, size: int) -> list[dict[str, Any]]:
    """The ``note_fields`` rows of one note (a ``ParsedNote``): its fields, then its file
    facts."""
    path, fields = str(note.path), note.fields
    rows: list[dict[str, Any]] = []
    seen: set[str] = set()
    for name, raw in fields.items():
        key = normal_key(str(name))
        if key in seen or len(key) > 255:
            continue
        seen.add(key)
        value = convert(raw, _unresolved)
        rows.append({"note_id": note_id, "key": key, "raw": dumps(raw), **typed(value)})
    name = posixpath.basename(path).removesuffix(".md")
    day = _DAY.search(name)
    facts: dict[str, Any] = {
        "name": name,
        "path": path,
        "folder": posixpath.dirname(path),
        "size": size,
        "day": parse_date(day.group(1)) if day else None,
    }
    for key, value in facts.items():
        rows.append({"note_id": note_id, "key": FILE_KEYS[key], "raw": None, **typed(value)})
    kept = {ETAGS: ["#" + t.name for t in note.tags], ALIASES: list(note.aliases),
            CREATED: note.created}  # fmt: skip
    for key, raw in kept.items():
        rows.append({"note_id": note_id, "key": key, "raw": dumps(raw), **typed(None)})
    return rows


def task_rows(note_id: int, tasks: list[list[Any]]) -> list[dict[str, Any]]:
    return [
        {"note_id": note_id, "position": i, "text": str(text), "done": bool(done), "line": line}
        for i, (text, done, line) in enumerate(tasks)
    ]
