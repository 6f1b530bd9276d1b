"""The search for databases without the FTS5 index: LIKE/ILIKE over the concept graph."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Connection, case, func, literal, or_, select

from studynotes.db.models import Alias, Heading, Note, NoteTag, Tag
from studynotes.db.search.hits import Hit
from studynotes.db.search.snippets import plain
from studynotes.db.search.tags import TagMatch, tag_filter

__all__ = ["like_notes", "window_snippets"]


def like_notes(conn: Connection, words: list[str], tags: list[TagMatch], limit: int) -> list[Hit]:
    """Every word somewhere in the note, title matches first."""

    # SQLite's LIKE already ignores ASCII case; lower() on every body would only slow it down.
    sqlite = conn.dialect.name == "sqlite"

    def has(col: Any, word: str) -> ColumnElement[bool]:
        if sqlite:
            return col.contains(word, autoescape=True)  # type: ignore[no-any-return]
        return col.icontains(word, autoescape=True)  # type: ignore[no-any-return]

    def anywhere(word: str) -> ColumnElement[bool]:
        return or_(
            has(Note.title, word),
            has(Note.text, word),
            select(Alias.id).where(Alias.note_id == Note.id, has(Alias.name, word)).exists(),
            select(Heading.id).where(Heading.note_id == Note.id, has(Heading.text, word)).exists(),
            select(NoteTag.note_id)
            .join(Tag, Tag.id == NoteTag.tag_id)
            .where(NoteTag.note_id == Note.id, has(Tag.name, word))
            .exists(),
        )

    in_title = case((or_(*(has(Note.title, w) for w in words)), 1.5), else_=0.5).label("rank")
    stmt = (
        select(Note.id, Note.slug, Note.title, Note.path, in_title)
        .where(*(anywhere(w) for w in words))
        .order_by(in_title.desc(), func.length(Note.title), Note.title, Note.id)
        .limit(limit)
    )
    if tags:
        stmt = stmt.where(tag_filter(tags))
    found = conn.execute(stmt).all()
    snippets = window_snippets(conn, [r.id for r in found], words)
    return [Hit(r.id, r.slug, r.title, r.path, snippets[r.id], float(r.rank)) for r in found]


_BEFORE = 320  # characters kept before the first match
_WINDOW = 800


def window_snippets(conn: Connection, note_ids: list[int], words: list[str]) -> dict[int, str]:
    """Snippets around the first place each note's text has ``words[0]`` (ASCII case
    ignored), every word marked. The database cuts the stretch out of the text, so only
    that stretch is read: the LIKE search still scans the notes, but nothing more."""
    if not note_ids:
        return {}
    find = func.instr if conn.dialect.name == "sqlite" else func.strpos
    at = find(func.lower(Note.text), words[0].lower()) if words else literal(0)
    near = select(Note.id, case((at > _BEFORE, at - _BEFORE), else_=1).label("start"))
    near_cte = near.where(Note.id.in_(note_ids)).cte("near")
    rows = conn.execute(
        select(
            Note.id,
            near_cte.c.start,
            func.substr(Note.text, near_cte.c.start, _WINDOW),
            func.length(Note.text) >= near_cte.c.start + _WINDOW,
        ).join(near_cte, near_cte.c.id == Note.id)
    )
    return {
        nid: plain(cut, words, cut_before=start > 1, cut_after=bool(more))
        for nid, start, cut, more in rows
    }
