"""What several pages share: the error for a missing page, note summaries, the index stamp."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from studynotes.db.models import Alias, Meta, Note, NoteTag, Tag
from studynotes.web import schemas as s


class NotFound(LookupError):
    """No such note, term or tag; the message is shown to the reader."""


def tags_by_note(db: Session, ids: Iterable[int]) -> dict[int, list[str]]:
    out: dict[int, list[str]] = defaultdict(list)
    wanted = list(ids)
    if not wanted:
        return out
    rows = db.execute(
        select(NoteTag.note_id, Tag.name)
        .join(Tag, Tag.id == NoteTag.tag_id)
        .where(NoteTag.note_id.in_(wanted))
        .order_by(NoteTag.note_id, Tag.name)
    )
    for nid, name in rows:
        out[nid].append(name)
    return out


def aliases_by_note(db: Session, ids: Iterable[int]) -> dict[int, list[str]]:
    out: dict[int, list[str]] = defaultdict(list)
    wanted = list(ids)
    if not wanted:
        return out
    for nid, name in db.execute(
        select(Alias.note_id, Alias.name).where(Alias.note_id.in_(wanted)).order_by(Alias.id)
    ):
        out[nid].append(name)
    return out


SUMMARY = (Note.id, Note.slug, Note.title, Note.path, Note.updated)


def summaries(db: Session, query: Select[int, str, str, str, datetime]) -> list[s.NoteSummary]:
    rows = db.execute(query).all()
    ids = [r.id for r in rows]
    tags, aliases = tags_by_note(db, ids), aliases_by_note(db, ids)
    return [
        s.NoteSummary(
            slug=r.slug,
            title=r.title,
            path=r.path,
            tags=tags.get(r.id, []),
            aliases=aliases.get(r.id, []),
            updated=r.updated,
        )
        for r in rows
    ]


def note_list(
    db: Session, *, after: str | None = None, limit: int | None = None
) -> tuple[list[s.NoteSummary], str | None]:
    """Notes by path: those after the path ``after``, at most ``limit``, and the path to go
    on from when more remain."""
    query = select(*SUMMARY).order_by(Note.path)
    if after is not None:
        query = query.where(Note.path > after)
    if limit is None:
        return summaries(db, query), None
    found = summaries(db, query.limit(limit + 1))
    return found[:limit], (found[limit - 1].path if len(found) > limit else None)


_STAMP = select(Meta.value).where(Meta.key == "indexed_at")


def indexed_at(db: Session) -> str | None:
    """When the index was last written: what tells one index run's data from the next."""
    return db.connection().execute(_STAMP).scalar()
