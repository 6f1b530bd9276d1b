"""Excerpts: a line of a note's HTML around a place, as a backlink, a mention or a term's
use shows it (``excerpt``, ``excerpts``), and the text a reader sees (``visible_text``).

HTML is read as ``htmltext`` walks it, into units of visible text that know the inline
elements open around them and the block that holds them; an excerpt keeps to that block,
cuts between words, keeps formulas whole and closes every tag it opened.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from html import escape, unescape

from studynotes.htmltext import TOKEN, VOID, has_class

__all__ = ["ELLIPSIS", "PHRASING", "excerpt", "excerpts", "visible_text"]

# Elements that sit inside a line of text (HTML's phrasing content, as far as notes use it);
# every other element starts a block of its own.
PHRASING = frozenset(
    {
        "a", "abbr", "b", "bdi", "bdo", "br", "cite", "code", "data", "del", "dfn", "em",
        "font", "i", "ins", "kbd", "mark", "q", "rp", "rt", "ruby", "s", "samp", "small",
        "span", "strike", "strong", "sub", "sup", "time", "u", "var", "wbr",
    }
)  # fmt: skip
# Elements whose content an excerpt leaves out: media, code that runs, controls.
_LEFT_OUT = frozenset(
    {
        "audio", "button", "canvas", "iframe", "img", "input", "object", "picture", "script",
        "select", "style", "svg", "template", "textarea", "video",
    }
)  # fmt: skip
# Classes whose element an excerpt leaves out: footnote numbers, embeds' error notes.
_LEFT_OUT_CLASSES = ("footnote-ref", "embed-missing")
# Glossary marks: an excerpt keeps their words, not the mark (its tooltip is the page's).
_UNWRAPPED = ("term",)
# Links into the vault, landed or not: an excerpt shows their words, as parse does.
_LINKS = ("internal-link",)
# An element copied whole or not at all: cutting a formula in half would garble it.
_ATOMIC = frozenset({"math"})
_ALT = re.compile(r'\balt="([^"]*)"')
_SPACE = re.compile(r"\s+")
ELLIPSIS = "…"


@dataclass(slots=True, frozen=True)
class _Open:
    """An inline element open at some point, and the one around it."""

    name: str
    html: str  # its start tag as an excerpt writes it ("" to leave it out, keeping its text)
    end: str  # its end tag as an excerpt writes it
    parent: _Open | None
    depth: int


_MAX_OPEN = 64  # deeper inline nesting is dropped from excerpts (its text is kept)


@dataclass(slots=True)
class _Unit:
    """Text, or a formula copied whole, with where it is and what is open around it."""

    text: str  # visible text: unescaped, white space collapsed
    at: int  # visible offset where it starts
    pos: int  # offset in the HTML where it starts
    end: int  # offset in the HTML just past it
    stack: _Open | None  # the inline elements open around it
    block: int  # index of the innermost block holding it
    atom: str | None = None  # the formula's HTML


def _left_out(name: str, attrs: str) -> bool:
    return name in _LEFT_OUT or ('class="' in attrs and has_class(attrs, _LEFT_OUT_CLASSES))


class _Reading:
    """HTML read once into excerpt units: visible offsets, white space collapsed, the inline
    elements open around each unit and the blocks that hold it."""

    def __init__(self, html: str) -> None:
        self.units: list[_Unit] = []
        # [visible start, visible end] of each block; the first is the whole, until an end
        # tag closes a block that opened before the HTML began (a cut-out stretch).
        self.blocks: list[list[int]] = [[0, -1]]
        self.size = 0  # visible characters so far
        self._spaced = True  # the visible text so far ends in a space (or is empty)
        self._stack: _Open | None = None
        self._open_blocks: list[int] = [0]
        self._read(html)
        # The blocks still open where the HTML ends (a cut-out stretch may end inside one).
        self.open_at_end = {i for i, block in enumerate(self.blocks) if block[1] < 0}
        for block in self.blocks:
            if block[1] < 0:  # never closed: it runs to the end
                block[1] = self.size
        self.ends = [u.at + len(u.text) for u in self.units]
        self.starts = [u.pos for u in self.units]

    def _add(self, text: str, pos: int, end: int, atom: str | None = None) -> None:
        block = self._open_blocks[-1]
        self.units.append(_Unit(text, self.size, pos, end, self._stack, block, atom))
        self.size += len(text)

    def _text(self, raw: str, pos: int, end: int) -> None:
        visible = _SPACE.sub(" ", unescape(raw))
        if self._spaced and visible.startswith(" "):
            visible = visible[1:]
        if visible:
            self._add(visible, pos, end)
            self._spaced = visible.endswith(" ")

    def _gap(self, pos: int) -> None:
        """A block boundary: a space between the words either side."""
        if not self._spaced:
            self._add(" ", pos, pos)
            self._spaced = True

    def _inline(self, tag: str, raw: str, closing: bool, attrs: str) -> None:
        if not closing:
            depth = self._stack.depth + 1 if self._stack else 1
            if depth <= _MAX_OPEN:
                start, end = raw, f"</{tag}>"
                if 'class="' in attrs and has_class(attrs, _UNWRAPPED):
                    start = end = ""
                elif 'class="' in attrs and has_class(attrs, _LINKS):
                    start, end = '<span class="ref-link">', "</span>"
                self._stack = _Open(tag, start, end, self._stack, depth)
            return
        found = self._stack
        while found is not None and found.name != tag:
            found = found.parent
        if found is not None:  # an end tag with no start tag is ignored
            self._stack = found.parent

    def _read(self, html: str) -> None:
        skip: tuple[str, int] | None = None  # an element left out or copied whole: name, depth
        atom_start = 0
        atom_text: list[str] = []
        for m in TOKEN.finditer(html):
            raw, name = m.group(0), m.group(2)
            if skip is not None:  # inside an element left out or copied whole
                if name is not None:
                    tag = name.lower()
                    if tag == skip[0] and tag not in VOID:
                        skip = (tag, skip[1] - 1 if m.group(1) else skip[1] + 1)
                elif raw[0] != "<" and skip[0] in _ATOMIC:
                    atom_text.append(unescape(raw))
                if skip[1] == 0:
                    if skip[0] in _ATOMIC:
                        self._atom(
                            html[atom_start : m.end()], "".join(atom_text), atom_start, m.end()
                        )
                    skip = None
                continue
            if name is None:
                if raw[0] != "<":
                    self._text(raw, m.start(), m.end())
                continue
            tag, closing, attrs = name.lower(), bool(m.group(1)), m.group(3)
            if tag in PHRASING and tag != "br":
                if not closing and _left_out(tag, attrs):
                    skip = (tag, 1)
                else:
                    self._inline(tag, raw, closing, attrs)
                continue
            if closing:
                if tag in _LEFT_OUT or tag in _ATOMIC:
                    continue  # a stray end tag
                self._gap(m.start())
                self.blocks[self._open_blocks.pop()][1] = self.size
                if not self._open_blocks:  # it closed a block opened before the HTML began
                    self._open_blocks.append(len(self.blocks))
                    self.blocks.append([self.size, -1])
                continue
            if tag == "img" and 'alt="' in attrs:  # an embedded picture by its name
                alt = _ALT.search(attrs)
                shown = unescape(alt.group(1)) if alt else ""
                if shown:
                    embed = f'<span class="ref-embed">{escape(shown, quote=False)}</span>'
                    self._atom(embed, shown, m.start(), m.end())
                continue
            if tag in _ATOMIC or _left_out(tag, attrs):
                if tag not in VOID and not attrs.endswith("/"):
                    skip, atom_start, atom_text = (tag, 1), m.start(), []
                continue
            if tag in VOID:
                if tag in ("br", "hr"):
                    self._text(" ", m.start(), m.end())
                continue
            self._gap(m.start())
            if not attrs.endswith("/"):
                self._open_blocks.append(len(self.blocks))
                self.blocks.append([self.size, -1])
        if skip is not None and skip[0] in _ATOMIC:  # a formula never closed: copy what there is
            self._atom(html[atom_start:], "".join(atom_text), atom_start, len(html))

    def _atom(self, html: str, text: str, pos: int, end: int) -> None:
        self._add(_SPACE.sub(" ", text).strip(), pos, end, html)
        self._spaced = False

    def place(self, html: str, at: int) -> tuple[int, int, int, int]:
        """The visible offset of position ``at`` of the HTML, the visible range of the
        innermost block holding it, and that block's number (0: the one open before the
        HTML began)."""
        j = bisect_right(self.starts, at) - 1
        if j < 0:
            unit = self.units[0] if self.units else None
            center = 0
        else:
            unit = self.units[j]
            if at < unit.end and unit.atom is None:
                part = _SPACE.sub(" ", unescape(html[unit.pos : at]))
                full = _SPACE.sub(" ", unescape(html[unit.pos : unit.end]))
                dropped = len(full) - len(unit.text)  # a leading space the reading left out
                center = unit.at + max(0, len(part) - dropped)
            else:
                center = unit.at + len(unit.text)
                if at >= unit.end and j + 1 < len(self.units):
                    unit = self.units[j + 1]
        if unit is None:
            return center, 0, self.size, 0
        lo, hi = self.blocks[unit.block]
        return center, lo, hi, unit.block


def _snap(text: str, at: int, lo: int, hi: int, forward: bool) -> int:
    """``at`` moved to the nearest word boundary within a few characters, if there is one."""
    reach = 16
    if forward:
        found = text.find(" ", at, min(hi, at + reach))
        return found + 1 if found >= 0 else at
    found = text.rfind(" ", max(lo, at - reach), at)
    return found if found >= 0 else at


def _chain(node: _Open | None) -> list[_Open]:
    out: list[_Open] = []
    while node is not None:
        out.append(node)
        node = node.parent
    out.reverse()
    return out


def _cut(
    reading: _Reading,
    visible: str,
    center: int,
    block: tuple[int, int],
    width: int,
    more: tuple[bool, bool] = (False, False),
) -> str:
    """The excerpt; ``more``: whether the block goes on before and after the HTML read."""
    block_lo, block_hi = block
    lo = max(block_lo, min(center - width // 2, block_hi - width))
    hi = min(block_hi, lo + width)
    if lo > block_lo:
        lo = _snap(visible, lo, block_lo, hi, forward=True)
    if hi < block_hi:
        hi = _snap(visible, hi, lo, block_hi, forward=False)
    out: list[str] = []
    written: list[_Open] = []
    top: _Open | None = None
    units = reading.units
    for k in range(bisect_right(reading.ends, lo), len(units)):
        unit = units[k]
        if unit.at >= hi:
            break
        end = unit.at + len(unit.text)
        if unit.atom is not None and not ((lo <= unit.at and end <= hi) or unit.at <= center < end):
            continue
        if unit.stack is not top:  # close what this unit is not inside, open what it is
            wanted = _chain(unit.stack)
            same = 0
            while same < min(len(wanted), len(written)) and wanted[same] is written[same]:
                same += 1
            out.extend(o.end for o in reversed(written[same:]))
            out.extend(o.html for o in wanted[same:])
            written, top = wanted, unit.stack
        if unit.atom is not None:
            out.append(unit.atom)
        else:
            out.append(escape(unit.text[max(0, lo - unit.at) : hi - unit.at], quote=False))
    out.extend(o.end for o in reversed(written))
    body = "".join(out).strip()
    if not body:
        return ""
    before = ELLIPSIS if lo > block_lo or more[0] else ""
    return before + body + (ELLIPSIS if hi < block_hi or more[1] else "")


def excerpts(
    html: str, places: Sequence[int], width: int = 240, *, cut: tuple[bool, bool] = (False, False)
) -> list[str]:
    """About ``width`` visible characters of ``html`` around each of its positions
    ``places``, kept inside the innermost block that holds it, as one line of inline HTML:
    block tags become spaces, media and controls are left out, text is cut only between
    characters, formulas are kept whole or left out, and every tag opened is closed. ``…``
    marks a cut. ``html`` is read once, however many places are asked for.

    The results are not sanitised: pass them through ``sanitize.sanitize_inline``.
    ``cut``: whether ``html`` was cut out of a longer text before and after it (a block
    open at either end goes on there, and its excerpt says so).
    """
    reading = _Reading(html)
    visible = "".join(u.text for u in reading.units)
    # Centres are rounded to a step much smaller than the width, so a paragraph of a
    # thousand links is cut a few times per width of text, not once per link.
    step = max(1, width // 8)
    cuts: dict[tuple[int, int, int], str] = {}
    out: list[str] = []
    for at in places:
        center, lo, hi, number = reading.place(html, at)
        center = center // step * step + step // 2
        key = (center, lo, hi)
        if key not in cuts:
            more = (cut[0] and number == 0, cut[1] and number in reading.open_at_end)
            cuts[key] = _cut(reading, visible, center, (lo, hi), width, more)
        out.append(cuts[key])
    return out


def excerpt(html: str, at: int, width: int = 240) -> str:
    """The excerpt of ``html`` around its position ``at`` (see ``excerpts``), reading only
    the stretch near it: a whole note can be long, and a page may cut one from each of
    hundreds of notes. Of that stretch, only the block that holds ``at`` is read, when the
    stretch holds all of it."""
    start, end = _stretch(html, at, width)
    lo, hi = _block_edges(html, start, at, end)
    if (lo, hi) != (start, end):
        found = _one_excerpt(html, lo, at, hi, width)
        if found is not None:
            return found
    return _one_excerpt(html, start, at, end, width, whole=True) or ""


def _stretch(html: str, at: int, width: int) -> tuple[int, int]:
    """Where an excerpt around ``at`` may read: a few widths either side, from a tag to a
    tag, so that no tag or entity is cut."""
    reach = 4 * width  # room for markup, such as MathML, that shows few characters
    start = 0
    if at > reach:
        start = html.find("<", at - reach, at)
        start = at - reach if start < 0 else start
    end = len(html)
    if end - at > reach:
        end = html.rfind("<", at, at + reach)
        end = len(html) if end < 0 else end
    return start, end


def _one_excerpt(
    html: str, start: int, at: int, end: int, width: int, *, whole: bool = False
) -> str | None:
    """The excerpt around ``at`` read from ``html[start:end]``; None when ``at`` lies past
    the last text read and that stretch is not ``whole`` (the next text, beyond ``end``,
    would be the one the place belongs to)."""
    part = html[start:end]
    reading = _Reading(part)
    center, lo, hi, number = reading.place(part, at - start)
    if not whole and (not reading.units or at - start >= reading.units[-1].end):
        return None
    more = (start > 0 and number == 0, end < len(html) and number in reading.open_at_end)
    visible = "".join(u.text for u in reading.units)
    return _cut(reading, visible, center, (lo, hi), width, more)


def _block_edges(html: str, start: int, at: int, end: int) -> tuple[int, int]:
    """The innermost block holding ``at``, as ``_Reading`` reads ``html[start:end]``: from
    its start tag to the end of its end tag, when both lie in the stretch and no inline
    element is open around it (else ``start`` and ``end``)."""
    opened = [-1]  # where each open block starts (-1: before the stretch, or not alone)
    inline: list[str] = []
    depth = -1  # blocks opened since ``at`` (-1: not there yet)
    for kind, tag, m in _block_tags(html, start, end):
        if depth < 0 and m.start() >= at:
            if opened[-1] < 0:
                return start, end
            depth = 0
        if depth >= 0:  # after the place: find where its block ends
            if kind == "open":
                depth += 1
            elif kind == "close":
                if depth == 0:
                    return opened[-1], m.end()
                depth -= 1
        elif kind == "inline":
            if not m.group(1):
                if len(inline) < _MAX_OPEN:
                    inline.append(tag)
            elif tag in inline:
                del inline[len(inline) - 1 - inline[::-1].index(tag) :]
        elif kind == "close":
            opened.pop()
            if not opened:
                opened.append(-1)
        elif kind == "open":
            opened.append(-1 if inline else m.start())
    return (opened[-1], end) if opened[-1] >= 0 else (start, end)


def _block_tags(html: str, start: int, end: int) -> Iterator[tuple[str, str, re.Match[str]]]:
    """The tags of ``html[start:end]`` that ``_Reading`` does not skip, each with what it
    does to blocks (``_kind``), following ``_read``'s rules."""
    skip: tuple[str, int] | None = None
    for m in TOKEN.finditer(html, start, end):
        closing, name, attrs = m.groups()
        if name is None:
            continue
        tag = name.lower()
        if skip is not None:
            if tag == skip[0] and tag not in VOID:
                skip = (tag, skip[1] - 1 if closing else skip[1] + 1)
            if skip[1] == 0:
                skip = None
            continue
        kind = _kind(tag, bool(closing), attrs)
        if kind == "skip":
            skip = (tag, 1)
        elif kind:
            yield kind, tag, m


def _kind(tag: str, closing: bool, attrs: str) -> str:
    """What a tag does to ``_Reading``'s blocks: opens or closes one, is inline, starts an
    element skipped whole ("skip"), or nothing ("")."""
    if tag in PHRASING and tag != "br":
        return "skip" if not closing and _left_out(tag, attrs) else "inline"
    if closing:
        return "" if tag in _LEFT_OUT or tag in _ATOMIC else "close"
    if tag == "img" and 'alt="' in attrs:
        return ""
    if tag in _ATOMIC or _left_out(tag, attrs):
        return "" if tag in VOID or attrs.endswith("/") else "skip"
    if tag in VOID or attrs.endswith("/"):
        return ""
    return "open"


def visible_text(html: str) -> str:
    """The text a reader sees in ``html``, white space collapsed (no excerpt bound)."""
    return "".join(u.text for u in _Reading(html).units).strip()
