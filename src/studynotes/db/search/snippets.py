"""Snippets: a short stretch of a note's text around its matches, as safe HTML.

Everything from a note is escaped; the only markup is the ``<mark>`` around matches. A
snippet is bounded twice over: it reads a bounded text (a short note's body, or one piece
of a long note: ``pieces``) and shows at most ``MAX_SNIPPET_CHARS`` characters of it.
"""

from __future__ import annotations

import html
import re

from sqlalchemy import Connection, func, select

from studynotes.db.models import Note
from studynotes.db.search.pieces import (
    first_piece,
    first_piece_with,
    long_notes,
    opening_pieces,
)
from studynotes.db.search.query import all_of, any_of
from studynotes.db.search.schema import BODY, has_fts, run

__all__ = [
    "CLOSE",
    "ELLIPSIS",
    "MARKS",
    "MAX_SNIPPET_CHARS",
    "OPEN",
    "SNIPPET_TOKENS",
    "as_text",
    "marked",
    "opening_snippets",
    "plain",
    "text_snippets",
    "word_snippets",
]

# Private-use characters mark matches in snippet(); the text is escaped before they become
# <mark> tags, so nothing from a note ever reaches the page as markup.
OPEN, CLOSE = "\ue000", "\ue001"
ELLIPSIS = "\u2026"
SNIPPET_TOKENS = 24
MARKS: dict[str, str | int] = {
    "open": OPEN,
    "close": CLOSE,
    "dots": ELLIPSIS,
    "tokens": SNIPPET_TOKENS,
}
_SNIPPET_CHARS = 160
# 24 tokens are usually ~160 characters, but a token can be as long as a note makes it.
MAX_SNIPPET_CHARS = 2 * _SNIPPET_CHARS
_SPACE = re.compile(r"\s")
# Obsidian link syntax the parser leaves in the text: inside inline code, escaped, unclosed.
_LINK = re.compile(r"!?\[\[([^\[\]\n]*)\]\]")
_BRACKETS = re.compile(r"!?\[\[|\]\]")


def _shown(m: re.Match[str]) -> str:
    """A link as Obsidian shows it: its alias, or its target with ``>`` between parts."""
    inner = m.group(1)
    if "|" in inner:
        return inner.split("|", 1)[1]
    return " > ".join(part for part in inner.split("#") if part.strip())


# Inline code keeps its backticks in the stored text (a separator to the word index); a
# pair whose inside holds whole <mark> pairs or none becomes <code> again.
_CODE = re.compile(r"`((?:[^`<>]|<mark>[^`<>]*</mark>)+)`")


def with_code(escaped: str) -> str:
    """Escaped snippet text with its backtick pairs shown as code."""
    return _CODE.sub(r"<code>\1</code>", escaped) if "`" in escaped else escaped


def without_link_syntax(text: str) -> str:
    return _BRACKETS.sub("", _LINK.sub(_shown, text)) if "[[" in text or "]]" in text else text


# --- formatting ----------------------------------------------------------------------------


def marked(raw: str | None, *, cut_before: bool = False, cut_after: bool = False) -> str:
    """snippet() output as safe HTML: text escaped, marker pairs turned into <mark>.

    ``cut_before``/``cut_after``: the text quoted is itself a cut of the note's text.
    """
    flat = without_link_syntax(" ".join((raw or "").split()))
    if cut_before and flat and not flat.startswith(ELLIPSIS):
        flat = ELLIPSIS + flat
    if cut_after and flat and not flat.endswith(ELLIPSIS):
        flat += ELLIPSIS
    out: list[str] = []
    inside = False
    room = MAX_SNIPPET_CHARS
    for part in re.split(f"([{OPEN}{CLOSE}])", flat):
        if part == OPEN:
            if not inside:
                out.append("<mark>")
                inside = True
        elif part == CLOSE:
            if inside:
                out.append("</mark>")
                inside = False
        elif len(part) > room:
            out.append(html.escape(part[:room]) + ELLIPSIS)
            break
        else:
            out.append(html.escape(part))
            room -= len(part)
    if inside:
        out.append("</mark>")
    return with_code("".join(out))


def plain(body: str, words: list[str], *, cut_before: bool = False, cut_after: bool = False) -> str:
    """A window of ``body`` around the first match, escaped, with every match marked.

    Whitespace counts as one space. Only the stretch around the match is flattened.
    ``cut_before``/``cut_after``: ``body`` is itself a cut of the note's text.
    """
    pattern = (
        re.compile(
            "|".join(
                re.escape(w).replace("\\ ", r"\s+") for w in sorted(words, key=len, reverse=True)
            ),
            re.I,
        )
        if words
        else None
    )
    first = pattern.search(body) if pattern else None
    lo = 0
    if first and first.start() > 2 * _SNIPPET_CHARS:
        lo = first.start() - 2 * _SNIPPET_CHARS
        space = _SPACE.search(body, lo, first.start())  # start at a word, not inside one
        lo = space.start() if space else lo
    hi = (first.end() if first else 0) + 2 * _SNIPPET_CHARS
    flat = without_link_syntax(" ".join(body[lo:hi].split()))
    before = cut_before or (lo > 0 and not body[:lo].isspace())
    after = cut_after or (hi < len(body) and not body[hi:].isspace())
    first = pattern.search(flat) if pattern else None
    start = max(0, first.start() - _SNIPPET_CHARS // 3) if first else 0
    if start:
        space_at = flat.find(" ", start, first.start() if first else start)
        start = space_at + 1 if space_at != -1 else start
    end = min(len(flat), start + _SNIPPET_CHARS)
    piece = flat[start:end]
    out = [ELLIPSIS] if start or before else []
    pos = 0
    for m in pattern.finditer(piece) if pattern else ():
        out += [html.escape(piece[pos : m.start()]), f"<mark>{html.escape(m.group())}</mark>"]
        pos = m.end()
    out.append(html.escape(piece[pos:]))
    if end < len(flat) or after:
        out.append(ELLIPSIS)
    return with_code("".join(out))


def as_text(snippet_html: str) -> str:
    """A snippet as plain text, for places that show it without marks."""
    return html.unescape(re.sub("<[^>]+>", "", snippet_html))


# --- reading bounded text for them ---------------------------------------------------------

_SHORT_SNIPPETS = (
    f"SELECT rowid, snippet(search_fts, {BODY}, :open, :close, :dots, :tokens) "
    "FROM search_fts WHERE search_fts MATCH :m AND rowid IN :ids"
)
_SHORT_BODIES = "SELECT note_id, body FROM search_docs WHERE note_id IN :ids"


def word_snippets(conn: Connection, parts: list[str], note_ids: list[int]) -> dict[int, str]:
    """Snippets of notes found in the word index by the FTS5 query ``parts`` (joined by
    AND); in a long note, the first piece with all the parts, or else with one of them."""
    long = long_notes(conn, note_ids)
    short = [nid for nid in note_ids if nid not in long]
    out: dict[int, str] = {}
    if short:
        rows = run(conn, _SHORT_SNIPPETS, {**MARKS, "m": all_of(parts), "ids": short})
        out.update((nid, marked(snippet)) for nid, snippet in rows)
    unmatched: list[int] = []
    for nid in sorted(long):
        found = first_piece(conn, nid, list(dict.fromkeys([all_of(parts), any_of(parts)])), MARKS)
        if found is None:
            unmatched.append(nid)
        else:
            out[nid] = marked(found[1], cut_before=found[0] > 0, cut_after=True)
    for nid, body in opening_pieces(conn, unmatched).items():
        out[nid] = plain(body, [], cut_after=True)
    return out


def text_snippets(
    conn: Connection, note_ids: list[int], shown: list[str], locate: list[str]
) -> dict[int, str]:
    """Snippets marking ``shown`` words, for notes found by substrings (CJK); in a long note,
    the first piece that holds one of ``locate`` as a substring."""
    long = long_notes(conn, note_ids)
    short = [nid for nid in note_ids if nid not in long]
    out: dict[int, str] = {}
    if short:
        rows = run(conn, _SHORT_BODIES, {"ids": short})
        out.update((nid, plain(body, shown)) for nid, body in rows)
    unmatched: list[int] = []
    for nid in sorted(long):
        found = first_piece_with(conn, nid, locate)
        if found is None:
            unmatched.append(nid)
        else:
            out[nid] = plain(found[1], shown, cut_before=found[0] > 0, cut_after=True)
    for nid, body in opening_pieces(conn, unmatched).items():
        out[nid] = plain(body, shown, cut_after=True)
    return out


_OPENING = 4 * _SNIPPET_CHARS


def opening_snippets(conn: Connection, note_ids: list[int]) -> dict[int, str]:
    """The start of each note, for notes listed by tag alone."""
    if not note_ids:
        return {}
    if not has_fts(conn):  # the database cuts the text: a note is never read whole here
        cut = func.substr(Note.text, 1, _OPENING)
        rows = conn.execute(
            select(Note.id, cut, func.length(Note.text) > _OPENING).where(Note.id.in_(note_ids))
        )
        return {nid: plain(body, [], cut_after=bool(more)) for nid, body, more in rows}
    long = long_notes(conn, note_ids)
    short = [nid for nid in note_ids if nid not in long]
    openings = opening_pieces(conn, sorted(long))
    out = {nid: plain(body, [], cut_after=True) for nid, body in openings.items()}
    if short:
        rows = run(conn, _SHORT_BODIES, {"ids": short})
        out.update((nid, plain(body, [])) for nid, body in rows)
    return out
