"""Walk HTML as tags and text, without a full parser: the one place that says what a tag is.

Everything that reads HTML by pattern uses ``TAG`` or ``TOKEN`` from here: the glossary
marker, the sanitiser's depth guard, previews of sections and blocks, and excerpts (a
backlink's or a mention's context, ``studynotes.excerpts``). Our own HTML is nh3's output,
which is balanced and escapes ``>`` inside attribute values, so a tag stack is enough;
excerpts also cope with unbalanced input, because the raw HTML of a note can be anything
before it is sanitised.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterator
from dataclasses import dataclass

_TAG_SHAPE = r"<(/?)([A-Za-z][A-Za-z0-9-]*)([^>]*)>"
# A start or end tag: (slash, name, attributes). Comments and doctypes do not match.
TAG = re.compile(_TAG_SHAPE)
# A tag as ``TAG`` (groups set), any other ``<...>`` (groups None), or a run of text.
TOKEN = re.compile(_TAG_SHAPE + r"|<[^>]*>|[^<]+")

VOID = frozenset(
    {
        "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param",
        "source", "track", "wbr",
    }
)  # fmt: skip
_HEADING = re.compile(r"h([1-6])")
_CLASS = re.compile(r'class="([^"]*)"')


@dataclass(slots=True)
class Piece:
    text: str
    start: int
    tag: str | None = None  # lowercase tag name for tags, "!" for comments, None for text
    closing: bool = False
    depth: int = 0  # nesting depth before this piece


def pieces(html: str) -> Iterator[Piece]:
    depth = 0
    for m in TOKEN.finditer(html):
        text = m.group(0)
        name = m.group(2)
        if name is None:
            # text, or a comment or doctype: inert, of no depth
            yield Piece(text, m.start(), tag="!" if text[0] == "<" else None, depth=depth)
            continue
        name = name.lower()
        if m.group(1):
            depth -= 1
            yield Piece(text, m.start(), tag=name, closing=True, depth=depth)
        else:
            yield Piece(text, m.start(), tag=name, depth=depth)
            if name not in VOID and not text.endswith("/>"):
                depth += 1


def heading_level(tag: str | None) -> int:
    m = _HEADING.fullmatch(tag or "")
    return int(m.group(1)) if m else 0


def section_html(html: str, anchor: str) -> str | None:
    """From the heading with id ``anchor`` up to the next heading of the same or a higher level
    at the same depth."""
    marker = f' id="{anchor}"'
    start = level = depth = -1
    for p in pieces(html):
        if p.closing or p.tag is None:
            continue
        lvl = heading_level(p.tag)
        if not lvl:
            continue
        if start < 0:
            if marker in p.text:
                start, level, depth = p.start, lvl, p.depth
        elif p.depth <= depth and lvl <= level:
            return html[start : p.start]
    return html[start:] if start >= 0 else None


_ID = re.compile(r' id="([^"]*)"')


def sections_html(html: str) -> dict[str, str]:
    """``section_html`` of every heading with an id, from one reading of ``html``."""
    found: dict[str, str] = {}
    open_: list[tuple[str, int, int, int]] = []  # id, start, level, depth
    for p in pieces(html):
        if p.closing or p.tag is None:
            continue
        lvl = heading_level(p.tag)
        if not lvl:
            continue
        still = []
        for name, start, level, depth in open_:
            if p.depth <= depth and lvl <= level:
                found.setdefault(name, html[start : p.start])
            else:
                still.append((name, start, level, depth))
        open_ = still
        m = _ID.search(p.text)
        if m and m.group(1) not in found and all(o[0] != m.group(1) for o in open_):
            open_.append((m.group(1), p.start, lvl, p.depth))
    for name, start, _, _ in open_:
        found.setdefault(name, html[start:])
    return found


def element_html(html: str, element_id: str) -> str | None:
    """The whole element carrying ``id="element_id"``."""
    marker = f' id="{element_id}"'
    start = depth = -1
    for p in pieces(html):
        if p.tag is None:
            continue
        if start < 0:
            if not p.closing and marker in p.text:
                if p.tag in VOID:
                    return p.text
                start, depth = p.start, p.depth
        elif p.closing and p.depth == depth:
            return html[start : p.start + len(p.text)]
    return None


def has_class(attrs: str, classes: Collection[str]) -> bool:
    """Whether a tag's attributes (``TAG``'s third group) give it one of ``classes``."""
    found = _CLASS.search(attrs)
    return found is not None and any(c in classes for c in found.group(1).split())


def in_text(html: str, at: int) -> bool:
    """Whether position ``at`` of ``html`` lies in text, not inside a tag."""
    return html.rfind("<", 0, at) <= html.rfind(">", 0, at)
