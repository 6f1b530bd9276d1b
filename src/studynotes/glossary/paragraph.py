"""A paragraph as the term rules see it: where it sits, and its lines."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.token import Token

from studynotes.glossary.candidate import definition, is_blank, trimmed
from studynotes.markdown.inline import BREAKS


@dataclass(slots=True)
class Block:
    """Where an inline token sits, as far as the term rules care."""

    in_ordered_item: bool = False  # the paragraph opens an ordered list item
    callout_first: bool = False  # first paragraph of a blockquote (line 0 may be a title)
    followed_by_list: bool = False
    anchor: str | None = None
    section: str | None = None  # the heading above, as text
    lead: tuple[str, str] | None = None  # the section's opening paragraph: (text, HTML)


@dataclass(slots=True)
class Line:
    number: int  # breaks before this line inside the inline token
    start: int  # index of the first non-blank child
    end: int  # index one past the last child of the line (its break, if any)

    def opens_bold(self, children: Sequence[Token]) -> bool:
        return self.start < self.end and children[self.start].type == "strong_open"


def lines(children: Sequence[Token]) -> list[Line]:
    found: list[Line] = []
    begin = 0
    for index in range(len(children) + 1):
        if index == len(children) or children[index].type in BREAKS:
            start = begin
            while start < index and is_blank(children[start]):
                start += 1
            found.append(Line(len(found), start, index))
            begin = index + 1
    return found


def matching_close(children: Sequence[Token], start: int, end: int) -> int | None:
    """The ``strong_close`` that closes the ``strong_open`` at ``start``."""
    depth = 0
    for index in range(start, end):
        kind = children[index].type
        if kind == "strong_open":
            depth += 1
        elif kind == "strong_close":
            depth -= 1
            if depth == 0:
                return index
    return None


@dataclass(slots=True)
class LineContext:
    """One line of a paragraph, and the segment its definition may run over."""

    children: Sequence[Token]
    lines: list[Line]
    k: int
    seg_end: int
    block: Block
    md: MarkdownIt
    env: dict[str, Any]

    @property
    def line(self) -> Line:
        return self.lines[self.k]

    @property
    def is_item_start(self) -> bool:
        return self.k == 0

    def render(
        self, start: int, prefix: re.Pattern[str] | None = None
    ) -> tuple[str, str, list[Token]]:
        """The definition from child ``start`` to the end of the segment."""
        part = trimmed(self.children[start : self.seg_end], prefix)
        text, html = definition(part, self.md, self.env)
        return text, html, part
