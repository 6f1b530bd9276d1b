"""An inline field's text as Dataview reads it: one literal, or a list of literals written
with commas between them (``[[A]], [[B]]``, ``#a, #b``, ``1, 2``, ``"x", "y"``).

Dataview splits a value into a list only when every comma-separated part is a literal: a
number, ``true``/``false``, a date, a ``[[link]]``, a ``#tag`` or quoted text. Any other
value stays the text written, commas and all (``a, b, c`` is one text), and a comma inside
a link or quotes separates nothing. Properties are never split: YAML has its own lists.

The result is what the parse stores: text, or a list of item texts, which
``values.convert`` then types one by one as it types a whole value (links stay unresolved
until a query reads them). Quoted text loses its quotes, unless the text inside would then
read as another kind of value (``"5"``), where they stay so that it remains text.
"""

from __future__ import annotations

import re

from studynotes.dataview.values import convert

__all__ = ["read_inline"]

_PART = re.compile(r'\s*("(?:[^"\\]|\\.)*"|!?\[\[[^\[\]]*\]\]|[^,"\[]+|.)', re.DOTALL)
_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")
_LINK = re.compile(r"!?\[\[[^\[\]]*\]\]")
_TAG = re.compile(r"#[^\s,#'\"!$%&()*+.:;<=>?@^`{|}~\[\]\\]+")
_QUOTED = re.compile(r'"((?:[^"\\]|\\.)*)"', re.DOTALL)


def _unresolved(_: str) -> None:
    return None


def _items(text: str) -> list[str]:
    """The comma-separated parts of ``text``, commas inside links and quotes kept."""
    parts: list[str] = []
    current = ""
    for m in _PART.finditer(text):
        piece = m.group(1)
        if piece == ",":
            parts.append(current.strip())
            current = ""
        else:
            current += m.group(0)
    parts.append(current.strip())
    return parts


def _is_literal(item: str) -> bool:
    if _NUMBER.fullmatch(item) or _LINK.fullmatch(item) or _TAG.fullmatch(item):
        return True
    if item.lower() in ("true", "false") or _QUOTED.fullmatch(item):
        return True
    return not isinstance(convert(item, _unresolved), str)  # a date


def _unquote(item: str) -> str:
    m = _QUOTED.fullmatch(item)
    if m is None:
        return item
    inner = re.sub(r"\\(.)", r"\1", m.group(1))
    return inner if isinstance(convert(inner, _unresolved), str) else item


def read_inline(text: str) -> str | list[str]:
    """The value of ``key:: text``: the text, or the list of its items."""
    text = text.strip()
    if "," not in text:
        return _unquote(text)
    items = _items(text)
    if len(items) < 2 or not all(item and _is_literal(item) for item in items):
        return _unquote(text)
    return [_unquote(item) for item in items]
