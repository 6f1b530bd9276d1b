"""The functions queries may call, each taking its evaluated arguments."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from functools import lru_cache
from typing import Any

from studynotes.dataview.errors import QueryError
from studynotes.dataview.values import Link, equal, kind_of, parse_date, parse_duration, plain

Function = Callable[..., Any]


def _contains(haystack: Any, needle: Any) -> bool:
    if isinstance(haystack, list):
        return any(_contains(item, needle) if isinstance(item, list) else equal(item, needle)
                   or (isinstance(item, str) and isinstance(needle, str) and needle in item)
                   for item in haystack)  # fmt: skip
    if isinstance(haystack, dict):
        return isinstance(needle, str) and needle in haystack
    if isinstance(haystack, str):
        return isinstance(needle, str) and needle in haystack
    if isinstance(haystack, Link):
        return equal(haystack, needle)
    return equal(haystack, needle)


def _length(value: Any) -> int:
    if value is None:
        return 0
    if isinstance(value, list | dict | str):
        return len(value)
    return 1


def _date(value: Any, *_: Any) -> dt.datetime | None:
    if isinstance(value, dt.datetime):
        return value
    if isinstance(value, Link):
        return parse_date(value.target.rsplit("/", 1)[-1])
    if not isinstance(value, str):
        return None
    word = value.strip().lower()
    now = dt.datetime.now().replace(microsecond=0)
    today = now.replace(hour=0, minute=0, second=0)
    special = {
        "now": now, "today": today, "tomorrow": today + dt.timedelta(days=1),
        "yesterday": today - dt.timedelta(days=1),
    }  # fmt: skip
    return special.get(word) or parse_date(value)


def _dur(value: Any) -> dt.timedelta | None:
    if isinstance(value, dt.timedelta):
        return value
    return parse_duration(value) if isinstance(value, str) else None


def _round(value: Any, digits: Any = 0) -> Any:
    if not isinstance(value, int | float) or isinstance(value, bool):
        return None
    places = int(digits) if isinstance(digits, int | float) else 0
    out = round(float(value), places)
    return int(out) if places <= 0 else out


def _text_fn(fn: Callable[[str], str]) -> Function:
    def apply(value: Any) -> Any:
        if value is None:
            return None
        if isinstance(value, list):
            return [apply(v) for v in value]
        return fn(value if isinstance(value, str) else plain(value))

    return apply


def _join(value: Any, sep: Any = ", ") -> str:
    items = value if isinstance(value, list) else [value]
    return str(sep).join(plain(v) for v in items)


@lru_cache(maxsize=256)
def _pattern(pattern: str) -> re.Pattern[str]:
    try:
        return re.compile(pattern)
    except re.error as exc:
        raise QueryError(f"regexmatch: {pattern!r} is not a valid pattern ({exc})") from None


def _regexmatch(pattern: Any, value: Any) -> bool:
    if not isinstance(pattern, str):
        raise QueryError("regexmatch wants a text pattern first")
    if value is None:
        return False
    text = value if isinstance(value, str) else plain(value)
    return _pattern(pattern).fullmatch(text) is not None


def _choice(cond: Any, yes: Any, no: Any) -> Any:
    from studynotes.dataview.values import truthy

    return yes if truthy(cond) else no


def _default(value: Any, fallback: Any) -> Any:
    if isinstance(value, list):
        return [fallback if v is None else v for v in value]
    return fallback if value is None else value


def _number(value: Any) -> Any:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return value
    m = re.search(r"-?\d+(?:\.\d+)?", value) if isinstance(value, str) else None
    return (float(m.group(0)) if "." in m.group(0) else int(m.group(0))) if m else None


def _string(value: Any) -> str:
    return plain(value)


def _typeof(value: Any) -> str:
    return kind_of(value)


# ``link`` needs the vault's names; the evaluator supplies it (see ``evaluate``).
FUNCTIONS: dict[str, tuple[Function, int, int]] = {  # name: (function, fewest, most args)
    "contains": (_contains, 2, 2),
    "length": (_length, 1, 1),
    "date": (_date, 1, 2),
    "dur": (_dur, 1, 1),
    "default": (_default, 2, 2),
    "choice": (_choice, 3, 3),
    "round": (_round, 1, 2),
    "lower": (_text_fn(str.lower), 1, 1),
    "upper": (_text_fn(str.upper), 1, 1),
    "join": (_join, 1, 2),
    "regexmatch": (_regexmatch, 2, 2),
    "number": (_number, 1, 1),
    "string": (_string, 1, 1),
    "typeof": (_typeof, 1, 1),
    "nonnull": (lambda v: [x for x in v if x is not None] if isinstance(v, list) else v, 1, 1),
}
