"""``#tag`` in a query: which tags it means, and keeping the notes to those tags."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Connection, and_, case, func, select

from studynotes.db.models import Note, NoteTag, Tag
from studynotes.db.search.hits import Hit
from studynotes.db.search.snippets import opening_snippets

__all__ = ["TagMatch", "match_tags", "scope", "tag_filter", "tagged_notes"]


@dataclass(slots=True)
class TagMatch:
    ids: list[int]  # the tag, the tags nested under it
    exact: list[int]  # the tag itself


def match_tags(conn: Connection, wanted: list[str]) -> list[TagMatch]:
    """Tags are compared case-insensitively; ``#prompt`` falls back to tags starting so."""
    known = [(tid, name.casefold()) for tid, name in conn.execute(select(Tag.id, Tag.name))]
    out: list[TagMatch] = []
    for tag in wanted:
        exact = [tid for tid, name in known if name == tag]
        ids = exact + [tid for tid, name in known if name.startswith(tag + "/")]
        if not ids:  # typing: the tag is not complete yet
            ids = [tid for tid, name in known if name.startswith(tag)]
        out.append(TagMatch(ids, exact))
    return out


def tag_filter(tags: list[TagMatch]) -> ColumnElement[bool]:
    """Notes carrying one of each group of tags (SQLAlchemy, for any database)."""
    return and_(
        *(Note.id.in_(select(NoteTag.note_id).where(NoteTag.tag_id.in_(t.ids))) for t in tags)
    )


def scope(table: str, tags: list[TagMatch], seen: Sequence[int]) -> tuple[str, dict[str, Any]]:
    """SQL that keeps an FTS query to notes with the tags asked for and not found already.

    The unary ``+`` keeps SQLite from handing the rowid test to FTS5, which would then run
    the whole match once for every note carrying the tag.
    """
    sql: list[str] = []
    params: dict[str, Any] = {}
    for i, tag in enumerate(tags):
        sql.append(
            f" AND +{table}.rowid IN (SELECT note_id FROM note_tags WHERE tag_id IN :tag{i})"
        )
        params[f"tag{i}"] = tag.ids
    if seen:
        sql.append(f" AND +{table}.rowid NOT IN :seen")
        params["seen"] = list(seen)
    return "".join(sql), params


def tagged_notes(conn: Connection, tags: list[TagMatch], limit: int) -> list[Hit]:
    """Notes carrying every tag asked for; those with the tag itself before nested ones."""
    exact = [tid for t in tags for tid in t.exact]
    # Rank from note_tags alone, then read only the notes that are ordered by title: a
    # GROUP BY over the notes themselves sorted every tagged note's row.
    tagged = (
        select(
            NoteTag.note_id,
            func.max(case((NoteTag.tag_id.in_(exact), 2.0), else_=1.0)).label("rank"),
        )
        .where(NoteTag.tag_id.in_([tid for t in tags for tid in t.ids]))
        .group_by(NoteTag.note_id)
        .cte("tagged")
    )
    stmt = (
        select(Note.id, Note.slug, Note.title, Note.path, tagged.c.rank)
        .join(tagged, tagged.c.note_id == Note.id)
        .order_by(tagged.c.rank.desc(), func.lower(Note.title), Note.id)
        .limit(limit)
    )
    if len(tags) > 1:  # one tag of each asked for
        stmt = stmt.where(tag_filter(tags))
    hits = [Hit(r.id, r.slug, r.title, r.path, "", float(r.rank)) for r in conn.execute(stmt)]
    openings = opening_snippets(conn, [h.id for h in hits])
    for hit in hits:
        hit.snippet_html = openings.get(hit.id, "")
    return hits
