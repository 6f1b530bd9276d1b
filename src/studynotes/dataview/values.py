"""The values queries compute with: null, booleans, numbers, text, dates, durations, links,
lists and objects; how field text becomes one of them, and how they compare."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from studynotes.dataview.errors import QueryError

_INT = re.compile(r"^-?\d+$")
_FLOAT = re.compile(r"^-?\d+\.\d+$")
_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2}))?)?")
_LINK = re.compile(r"^!?\[\[([^\]]+)\]\]$")
_DUR_PART = re.compile(
    r"(\d+(?:\.\d+)?)\s*(years?|yrs?|y|months?|mo|weeks?|wks?|w|days?|d|hours?|hrs?|h|"
    r"minutes?|mins?|m|seconds?|secs?|s)\b",
    re.IGNORECASE,
)
_DUR_UNIT = {
    "y": 365.0, "mo": 30.0, "w": 7.0, "d": 1.0, "h": 1 / 24, "m": 1 / 1440, "s": 1 / 86400,
}  # fmt: skip


@dataclass(slots=True, frozen=True)
class Link:
    """A link to a note: where it lands (None: nowhere yet), as written, and its text."""

    path: str | None
    target: str
    display: str | None = None

    def key(self) -> str:
        return self.path or self.target.casefold()

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Link) and self.key() == other.key()

    def __hash__(self) -> int:
        return hash(self.key())


Resolver = Callable[[str], str | None]


def parse_date(text: str) -> dt.datetime | None:
    m = _DATE.match(text.strip())
    if m is None:
        return None
    try:
        parts = [int(g) if g else 0 for g in m.groups()]
        return dt.datetime(parts[0], parts[1], parts[2], parts[3], parts[4], parts[5])
    except ValueError:
        return None


def parse_duration(text: str) -> dt.timedelta | None:
    total, found, rest = 0.0, False, text.strip()
    for m in _DUR_PART.finditer(rest):
        unit = m.group(2).lower()
        key = "mo" if unit.startswith("mo") else "m" if unit.startswith("mi") else unit[0]
        total += float(m.group(1)) * _DUR_UNIT[key]
        found = True
    return dt.timedelta(days=total) if found else None


def link_from(text: str, resolve: Resolver) -> Link:
    body = text.strip().lstrip("!").removeprefix("[[").removesuffix("]]")
    target, _, display = body.partition("|")
    target = target.split("#", 1)[0].strip()
    return Link(resolve(target), target, display.strip() or None)


def convert(value: Any, resolve: Resolver) -> Any:
    """A property or inline field as a query sees it: ``[[x]]`` a link, ``2024-05-01`` a
    date, ``5`` a number, ``true`` a boolean; lists and objects converted throughout."""
    if isinstance(value, str):
        text = value.strip()
        if not text:
            return None
        if _INT.match(text):
            return int(text)
        if _FLOAT.match(text):
            return float(text)
        low = text.lower()
        if low in ("true", "false"):
            return low == "true"
        if _LINK.match(text):
            return link_from(text, resolve)
        if text[0].isdigit() and (date := parse_date(text)) is not None and _DATE.fullmatch(text):
            return date
        return value
    if isinstance(value, list):
        return [convert(v, resolve) for v in value]
    if isinstance(value, dict):
        return {str(k): convert(v, resolve) for k, v in value.items()}
    return value


def truthy(value: Any) -> bool:
    if isinstance(value, dt.timedelta):
        return value != dt.timedelta(0)
    return bool(value)


_RANK: dict[type, int] = {
    type(None): 0, bool: 1, int: 2, float: 2, dt.timedelta: 3, dt.datetime: 4, str: 5,
    Link: 6, list: 7, dict: 8,
}  # fmt: skip


def sort_key(value: Any) -> tuple[int, Any]:
    """A key that orders any two values: by kind first, then within a kind."""
    rank = _RANK.get(type(value), 9)
    if rank == 0:
        return (0, 0)
    if rank == 5:
        return (5, value.casefold())
    if rank == 6:
        return (6, (value.display or value.target).casefold())
    if rank in (7, 8):
        items = value if rank == 7 else list(value.items())
        return (rank, tuple(sort_key(v) for v in items))
    if rank == 9:
        return (9, str(value))
    return (rank, value)


def equal(a: Any, b: Any) -> bool:
    if isinstance(a, Link) and isinstance(b, str):
        return a.target.casefold() == b.casefold() or (a.path or "") == b
    if isinstance(b, Link) and isinstance(a, str):
        return equal(b, a)
    if isinstance(a, str) and isinstance(b, str):
        return a == b
    if isinstance(a, bool) != isinstance(b, bool):
        return False
    return bool(a == b)


def compare(op: str, a: Any, b: Any) -> bool:
    if op == "=":
        return equal(a, b)
    if op == "!=":
        return not equal(a, b)
    ka, kb = sort_key(a), sort_key(b)
    if op == "<":
        return ka < kb
    if op == ">":
        return ka > kb
    if op == "<=":
        return ka <= kb
    return ka >= kb


def kind_of(value: Any) -> str:
    names = {type(None): "null", bool: "boolean", int: "number", float: "number",
             str: "text", dt.datetime: "date", dt.timedelta: "duration", Link: "link",
             list: "list", dict: "object"}  # fmt: skip
    return names.get(type(value), "object")


def arithmetic(op: str, a: Any, b: Any) -> Any:
    """``+ - * / %`` where they mean something; null in, null out; else a clear error."""
    if a is None or b is None:
        return None
    num = (int, float)
    if isinstance(a, num) and isinstance(b, num) and not isinstance(a, bool | str):
        if op == "+":
            return a + b
        if op == "-":
            return a - b
        if op == "*":
            return a * b
        if b == 0:
            return None
        return a / b if op == "/" else a % b
    if op == "+" and (isinstance(a, str) or isinstance(b, str)):
        return plain(a) + plain(b)
    if isinstance(a, dt.datetime) and isinstance(b, dt.timedelta) and op in "+-":
        return a + b if op == "+" else a - b
    if isinstance(a, dt.timedelta) and isinstance(b, dt.datetime) and op == "+":
        return b + a
    if isinstance(a, dt.datetime) and isinstance(b, dt.datetime) and op == "-":
        return a - b
    if isinstance(a, dt.timedelta) and isinstance(b, dt.timedelta) and op in "+-":
        return a + b if op == "+" else a - b
    if isinstance(a, dt.timedelta) and isinstance(b, num) and op in "*/":
        return a * b if op == "*" else (a / b if b else None)
    raise QueryError(f"cannot compute {kind_of(a)} {op} {kind_of(b)}")


def field_of(obj: Mapping[str, Any], name: str) -> Any:
    """A field by name: as written, else ignoring case, spaces and dashes."""
    if name in obj:
        return obj[name]
    wanted = normal_key(name)
    for key, value in obj.items():
        if normal_key(key) == wanted:
            return value
    return None


def normal_key(key: str) -> str:
    return re.sub(r"[\s_-]+", "-", key.strip().casefold())


def plain(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        if (value.hour, value.minute, value.second) == (0, 0, 0):
            return value.strftime("%B %-d, %Y")
        return value.strftime("%B %-d, %Y %H:%M")
    if isinstance(value, dt.timedelta):
        return duration_text(value)
    if isinstance(value, Link):
        return value.display or value.target.rsplit("/", 1)[-1]
    if isinstance(value, list):
        return ", ".join(plain(v) for v in value)
    if isinstance(value, dict):
        return ", ".join(f"{k}: {plain(v)}" for k, v in value.items())
    return str(value)


def duration_text(value: dt.timedelta) -> str:
    seconds = int(value.total_seconds())
    sign = "-" if seconds < 0 else ""
    seconds = abs(seconds)
    parts = []
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60), ("second", 1)):
        count, seconds = divmod(seconds, size)
        if count:
            parts.append(f"{count} {unit}{'s' if count != 1 else ''}")
    return sign + (", ".join(parts) if parts else "0 seconds")
