"""The search for databases without the FTS5 index: LIKE/ILIKE over the concept graph."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Connection, case, func, or_, select

from studynotes.db.models import Alias, Heading, Note, NoteTag, Tag
from studynotes.db.search.hits import Hit
from studynotes.db.search.snippets import plain
from studynotes.db.search.tags import TagMatch, tag_filter

__all__ = ["like_notes"]


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
        select(Note.id, Note.slug, Note.title, Note.path, Note.text, in_title)
        .where(*(anywhere(w) for w in words))
        .order_by(in_title.desc(), func.length(Note.title), Note.title, Note.id)
        .limit(limit)
    )
    if tags:
        stmt = stmt.where(tag_filter(tags))
    return [
        Hit(r.id, r.slug, r.title, r.path, plain(r.text, words), float(r.rank))
        for r in conn.execute(stmt)
    ]
