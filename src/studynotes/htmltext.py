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


_NOT_A_TAG = re.compile(r"<(?!/?[A-Za-z])")


def tags(html: str) -> Iterator[tuple[re.Match[str], str, bool, int]]:
    """The tags of ``html`` as ``pieces`` gives them, without its text: each match
    (``TAG``'s groups), its lowercase name, whether it is an end tag, and its depth. Where
    every ``<`` starts a tag, ``TAG`` finds them alone, skipping the text at C speed."""
    depth = 0
    pattern = TOKEN if _NOT_A_TAG.search(html) else TAG
    for m in pattern.finditer(html):
        name = m.group(2)
        if name is None:
            continue
        name = name.lower()
        if m.group(1):
            depth -= 1
            yield m, name, True, depth
        else:
            yield m, name, False, depth
            if name not in VOID and not m.group(0).endswith("/>"):
                depth += 1


def heading_level(tag: str | None) -> int:
    """1 to 6 for a heading's lowercase tag name, else 0."""
    if tag is None or len(tag) != 2 or tag[0] != "h" or tag[1] not in "123456":
        return 0
    return int(tag[1])


def section_html(html: str, anchor: str) -> str | None:
    """From the heading with id ``anchor`` up to the next heading of the same or a higher level
    at the same depth."""
    marker = f' id="{anchor}"'
    start = level = depth = -1
    for m, tag, closing, at_depth in tags(html):
        lvl = 0 if closing else heading_level(tag)
        if not lvl:
            continue
        if start < 0:
            if marker in m.group(0):
                start, level, depth = m.start(), lvl, at_depth
        elif at_depth <= depth and lvl <= level:
            return html[start : m.start()]
    return html[start:] if start >= 0 else None


_ID = re.compile(r' id="([^"]*)"')


def sections_html(html: str) -> dict[str, str]:
    """``section_html`` of every heading with an id, from one reading of ``html``."""
    found: dict[str, str] = {}
    open_: list[tuple[str, int, int, int]] = []  # id, start, level, depth
    for m, tag, closing, at_depth in tags(html):
        lvl = 0 if closing else heading_level(tag)
        if not lvl:
            continue
        still = []
        for name, start, level, depth in open_:
            if at_depth <= depth and lvl <= level:
                found.setdefault(name, html[start : m.start()])
            else:
                still.append((name, start, level, depth))
        open_ = still
        found_id = _ID.search(m.group(0))
        if (
            found_id
            and found_id.group(1) not in found
            and all(o[0] != found_id.group(1) for o in open_)
        ):
            open_.append((found_id.group(1), m.start(), lvl, at_depth))
    for name, start, _, _ in open_:
        found.setdefault(name, html[start:])
    return found


def element_html(html: str, element_id: str) -> str | None:
    """The whole element carrying ``id="element_id"``."""
    marker = f' id="{element_id}"'
    start = depth = -1
    for m, tag, closing, at_depth in tags(html):
        if start < 0:
            if not closing and marker in m.group(0):
                if tag in VOID:
                    return m.group(0)
                start, depth = m.start(), at_depth
        elif closing and at_depth == depth:
            return html[start : m.end()]
    return None


def has_class(attrs: str, classes: Collection[str]) -> bool:
    """Whether a tag's attributes (``TAG``'s third group) give it one of ``classes``."""
    found = _CLASS.search(attrs)
    return found is not None and any(c in classes for c in found.group(1).split())


def in_text(html: str, at: int) -> bool:
    """Whether position ``at`` of ``html`` lies in text, not inside a tag."""
    return html.rfind("<", 0, at) <= html.rfind(">", 0, at)
