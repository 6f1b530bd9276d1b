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


def _json_safe(value: Any) -> Any:
    """YAML gives dates, sets and odd keys; the graph stores JSON."""
    if isinstance(value, dict):
        return {str(k): _json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [_json_safe(v) for v in value]
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
    if loaded is None:
        return fm
    if not isinstance(loaded, dict):
        fm.warnings.append("frontmatter is not a set of properties (key: value lines)")
        return fm
    data: dict[str, Any] = _json_safe(loaded)
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
