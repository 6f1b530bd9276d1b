"""Walk well-formed HTML (our own sanitised output) as tags and text, without a full parser.

Used to mark glossary terms in text nodes and to cut sections and blocks out of a rendered
note for previews. nh3 guarantees the HTML is balanced, so a tag stack is enough.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

_PIECE = re.compile(r"<[^>]*>|[^<]+")
_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)")
VOID = frozenset(
    [
        "area",
        "base",
        "br",
        "col",
        "embed",
        "hr",
        "img",
        "input",
        "link",
        "meta",
        "source",
        "track",
        "wbr",
    ]
)
_HEADING = re.compile(r"h([1-6])")


@dataclass(slots=True)
class Piece:
    text: str
    start: int
    tag: str | None = None  # lowercase tag name for tags, None for text
    closing: bool = False
    depth: int = 0  # nesting depth before this piece


def pieces(html: str) -> Iterator[Piece]:
    depth = 0
    for m in _PIECE.finditer(html):
        text = m.group(0)
        if not text.startswith("<"):
            yield Piece(text, m.start(), depth=depth)
            continue
        tm = _TAG.match(text)
        if tm is None:  # a comment or doctype: treat as inert text of no depth
            yield Piece(text, m.start(), tag="!", depth=depth)
            continue
        name = tm.group(2).lower()
        closing = bool(tm.group(1))
        if closing:
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
