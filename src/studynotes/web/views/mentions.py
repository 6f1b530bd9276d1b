"""Where other notes name a note or a term, each place shown as it reads in that note.

The search index finds the notes (``db.search.mention_ids``); the place is then looked for
in each note's rendered HTML with the glossary's rule for a name in text (whole words, a
simple plural, acronyms in capitals), and cut out as safe inline HTML with the name
marked. Where the HTML does not show the name (it is in the note's source only), the
index's plain snippet is shown, escaped: only then is it asked for.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from html import escape

from sqlalchemy import Connection, bindparam, select
from sqlalchemy.orm import Session

from studynotes.db.models import Note
from studynotes.db.search.mentions import Found, mention_ids, mention_snippets
from studynotes.glossary.marks import MarkTerm, TermMatcher
from studynotes.htmltext import in_text
from studynotes.sanitize import CONTEXT_WIDTH, inline_excerpt
from studynotes.web import schemas as s

_NOTES = select(Note.id, Note.slug, Note.title, Note.html).where(
    Note.id.in_(bindparam("ids", expanding=True))
)


@dataclass(frozen=True, slots=True)
class _Place:
    slug: str
    title: str
    context_html: str


# An excerpt reads at most this far either side of its place (``excerpts.excerpt``): only
# so much of a note is copied to mark the name in it.
_NEAR = 4 * CONTEXT_WIDTH + 16


def context_of(html: str, matcher: TermMatcher) -> str | None:
    """The first place in ``html`` where ``matcher`` finds a name in the text, cut out with
    the name in ``<mark>``; None where the text never shows one."""
    for start, end in matcher.places(html):
        if in_text(html, start) and "<" not in html[start:end]:
            lo = max(0, start - _NEAR)
            near = f"{html[lo:start]}<mark>{html[start:end]}</mark>{html[end : end + _NEAR]}"
            return inline_excerpt(near, start - lo)
    return None


def _places(
    conn: Connection,
    found: Sequence[Found],
    matcher: TermMatcher,
    *,
    quoted: Callable[[str], bool] = lambda _: True,
) -> list[_Place]:
    """The notes of ``found``, each with its context: the place in its HTML, or else (the
    name is in the note's source only) the index's snippet, escaped, where ``quoted`` takes
    that snippet. Snippets are asked of the index only for those few notes."""
    if not found:
        return []
    rows = {r.id: r for r in conn.execute(_NOTES, {"ids": [i for i, _ in found]})}
    out: list[_Place] = []
    unseen: list[Found] = []
    for nid, phrase in found:
        row = rows.get(nid)
        if row is None:
            continue
        context = context_of(row.html or "", matcher)
        if context is None:
            unseen.append((nid, phrase))
        else:
            out.append(_Place(row.slug, row.title, context))
    for nid, snippet in mention_snippets(conn, unseen).items():
        if quoted(snippet):
            row = rows[nid]
            out.append(_Place(row.slug, row.title, escape(snippet, quote=False)))
    return out


def unlinked_mentions(db: Session, note_id: int, names: list[str]) -> list[s.Backlink]:
    """Notes that name this one (title or alias, as words) without linking to it."""
    conn = db.connection()
    found = mention_ids(conn, names, unlinked_from=note_id, limit=20)
    matcher = TermMatcher.build([MarkTerm("", names)])
    out = [
        s.Backlink(slug=p.slug, title=p.title, context_html=p.context_html)
        for p in _places(conn, found, matcher)
    ]
    return sorted(out, key=lambda b: b.title.casefold())


def occurrences(db: Session, names: list[str]) -> list[s.Occurrence]:
    """Notes whose text uses one of a term's ``names``, as the glossary would mark it: in
    their HTML, or else in the index's snippet of their source."""
    conn = db.connection()
    matcher = TermMatcher.build([MarkTerm("", names)])
    found = mention_ids(conn, names, limit=200)
    out = [
        s.Occurrence(note_slug=p.slug, note_title=p.title, context_html=p.context_html)
        for p in _places(conn, found, matcher, quoted=matcher.occurs_in)
    ]
    return sorted(out, key=lambda o: o.note_title.casefold())
