"""The tag index and one tag's page."""

from __future__ import annotations

from collections import Counter

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from studynotes.db.models import Note, NoteTag, Tag
from studynotes.web import schemas as s
from studynotes.web.views.common import SUMMARY, NotFound, summaries


def tag_counts(db: Session) -> list[s.TagCount]:
    rows = db.execute(
        select(Tag.name, func.count(NoteTag.note_id)).outerjoin(NoteTag).group_by(Tag.id)
    )
    direct = dict(rows.all())
    totals: Counter[str] = Counter()
    for name in direct:
        parts = name.split("/")
        for i in range(1, len(parts) + 1):
            totals["/".join(parts[:i])] += direct[name]
    return [s.TagCount(name=n, count=totals[n]) for n in sorted(direct, key=str.casefold)]


def tag_index(db: Session) -> list[s.TagCount]:
    return tag_counts(db)


def tag_page(db: Session, tag: str) -> s.TagPage:
    tag = tag.strip("#/")
    known = db.execute(
        select(Tag.id, Tag.name).where(or_(Tag.name == tag, Tag.name.startswith(tag + "/")))
    ).all()
    if not known:
        raise NotFound(f"no tag #{tag}")
    ids = [i for i, _ in known]
    notes = summaries(
        db,
        select(*SUMMARY)
        .where(Note.id.in_(select(NoteTag.note_id).where(NoteTag.tag_id.in_(ids))))
        .order_by(Note.title),
    )
    counts = {c.name: c for c in tag_counts(db)}
    children = [
        counts[n] for _, n in known if n != tag and "/" not in n[len(tag) + 1 :] and n in counts
    ]
    return s.TagPage(tag=tag, notes=notes, children=children)
