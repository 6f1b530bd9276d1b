"""YAML frontmatter: safe loading and the properties Obsidian gives meaning to."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from typing import Any

import yaml

try:  # the C loader is several times faster; fall back where libyaml is missing
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

from studynotes.markdown.tags import normalise_tag


@dataclass(slots=True)
class Frontmatter:
    data: dict[str, Any] = field(default_factory=dict)
    tags: list[str] = field(default_factory=list)
    aliases: list[str] = field(default_factory=list)
    cssclasses: list[str] = field(default_factory=list)
    title: str | None = None
    created: str | None = None
    warnings: list[str] = field(default_factory=list)


_MAX_NODES = 20_000  # values after expanding YAML aliases: a 300-byte "billion laughs" is 43M
_MAX_DEPTH = 64


class _TooLarge(Exception):
    """The properties expand past what any real note has; the message says which limit."""


def _json_safe(value: Any, budget: list[int], depth: int = 0) -> Any:
    """YAML gives dates, sets and odd keys; the graph stores JSON. Aliases are expanded here,
    so the number of values and their depth are bounded (``budget`` is the values left)."""
    budget[0] -= 1
    if budget[0] < 0:
        raise _TooLarge(f"more than {_MAX_NODES} values")
    if depth > _MAX_DEPTH:
        raise _TooLarge(f"nested more than {_MAX_DEPTH} levels deep")
    if isinstance(value, dict):
        return {str(k): _json_safe(v, budget, depth + 1) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [_json_safe(v, budget, depth + 1) for v in value]
    if isinstance(value, dt.date | dt.datetime | dt.time):
        return value.isoformat()
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)


def _strings(value: Any) -> list[str]:
    """A property given as a list, a comma-separated string or a single value."""
    if value is None:
        return []
    if isinstance(value, list | tuple):
        items = [str(v) for v in value if v is not None]
    else:
        items = [part for part in str(value).replace(",", " ").split()]
    return [item.strip() for item in items if item.strip()]


def _first(data: dict[str, Any], *keys: str) -> Any:
    for key in keys:
        if key in data:
            return data[key]
    return None


def parse_frontmatter(source: str) -> Frontmatter:
    """Read the YAML between the ``---`` fences; invalid YAML becomes a warning."""
    fm = Frontmatter()
    if not source.strip():
        return fm
    try:
        loaded = yaml.load(source, Loader=_Loader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 2})" if mark is not None else ""
        fm.warnings.append(f"invalid frontmatter YAML{where}: {getattr(exc, 'problem', exc)}")
        return fm
    except RecursionError:
        fm.warnings.append("invalid frontmatter YAML: nested too deeply")
        return fm
    except Exception as exc:  # e.g. ValueError from `date: 2024-13-45`; one note must not stop all
        fm.warnings.append(f"invalid frontmatter YAML: {type(exc).__name__}: {exc}")
        return fm
    if loaded is None:
        return fm
    if not isinstance(loaded, dict):
        fm.warnings.append("frontmatter is not a set of properties (key: value lines)")
        return fm
    try:
        data: dict[str, Any] = _json_safe(loaded, [_MAX_NODES])
    except _TooLarge as exc:
        fm.warnings.append(f"invalid frontmatter: properties ignored, {exc}")
        return fm
    fm.data = data
    raw_tags = _first(data, "tags", "tag")
    tag_items = raw_tags if isinstance(raw_tags, list) else _strings(raw_tags)
    for item in tag_items:
        name = normalise_tag(str(item))
        if name and name not in fm.tags:
            fm.tags.append(name)
    aliases = _first(data, "aliases", "alias")
    fm.aliases = (
        [str(a).strip() for a in aliases if str(a).strip()]
        if isinstance(aliases, list)
        else ([str(aliases).strip()] if aliases not in (None, "") else [])
    )
    fm.cssclasses = _strings(_first(data, "cssclasses", "cssclass"))
    title = data.get("title")
    fm.title = str(title).strip() if title not in (None, "") else None
    created = _first(data, "created", "date", "creation_date", "created_at")
    fm.created = str(created) if created not in (None, "") else None
    return fm
