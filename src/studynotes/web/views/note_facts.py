"""All a note page lists of its note, read in one statement.

A first view used to run a statement for the row, one for its names (aliases, tags,
headings), one for its links and one for its backlinks. Each cost the worker ~50 µs of
SQLAlchemy and, on PostgreSQL, woke the server's process for it: with several workers the
server's share of a page was what held a second worker back. Now one ``UNION ALL`` brings
every row a page needs, each row tagged with its kind and sorted into the page's order by
``kind, word, place``; the columns are the same for every kind (two sort keys, a number,
eight texts), so the note's own row carries its JSON columns and date as text.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import (
    CompoundSelect,
    Select,
    String,
    bindparam,
    cast,
    literal_column,
    null,
    select,
    union_all,
)
from sqlalchemy.orm import Session

from studynotes.db.models import Alias, Heading, Link, Meta, Note, NoteTag, Tag
from studynotes.web import schemas as s
from studynotes.web.views.common import NotFound

_NOTE, _ALIAS, _TAG, _HEADING, _LINK, _BACKLINK = range(6)
_TEXTS = 8
_this = select(Note.id).where(Note.slug == bindparam("slug")).scalar_subquery()
_target = Note.__table__.alias("target")  # the linked note: its slug says where a link lands
_source = Note.__table__.alias("source")  # the linking note of a backlink


def _part(
    kind: int, *, word: Any = None, place: Any = 0, number: Any = 0, text: Sequence[Any] = ()
) -> Select[Any]:
    """One kind's branch: its sort keys (``word``, ``place``), a number, eight texts."""
    texts = [*text, *[null()] * (_TEXTS - len(text))]
    return select(
        literal_column(str(kind)).label("kind"),
        (literal_column("''") if word is None else word).label("word"),
        (literal_column(str(place)) if isinstance(place, int) else place).label("place"),
        (literal_column(str(number)) if isinstance(number, int) else number).label("number"),
        *[cast(t, String).label(f"t{i}") for i, t in enumerate(texts)],
    )


# A note's columns that pages show (``notes.note_row`` reads them too), and the index run
# its row belongs to, read with it: that run's glossary is the one its page shows.
ROW = (Note.slug, Note.title, Note.path, Note.frontmatter, Note.html, Note.updated)
STAMP = select(Meta.value).where(Meta.key == "indexed_at").scalar_subquery()
# Built once: building a statement cost more than running it.
_STATEMENT: CompoundSelect[*tuple[Any, ...]] = union_all(
    _part(_NOTE, place=Note.id, text=[*ROW, Note.inline_fields, STAMP]).where(Note.id == _this),
    _part(_ALIAS, place=Alias.id, text=[Alias.name]).where(Alias.note_id == _this),
    _part(_TAG, word=Tag.name, text=[Tag.name])
    .join(NoteTag, NoteTag.tag_id == Tag.id)
    .where(NoteTag.note_id == _this),
    _part(
        _HEADING, place=Heading.position, number=Heading.level, text=[Heading.text, Heading.anchor]
    ).where(Heading.note_id == _this),
    _part(
        _LINK,
        place=Link.position,
        number=Link.line,
        text=[
            Link.raw_target,
            Link.heading,
            Link.block,
            Link.anchor,
            Link.display,
            Link.kind,
            Link.target_file,
            _target.c.slug,
        ],
    )
    .select_from(Link)
    .outerjoin(_target, _target.c.id == Link.target_id)
    .where(Link.source_id == _this),
    _part(
        _BACKLINK,
        word=_source.c.title,
        place=Link.position,
        text=[_source.c.slug, _source.c.title, Link.context],
    )
    .select_from(Link)
    .join(_source, _source.c.id == Link.source_id)
    .where(Link.target_id == _this, _source.c.id != _this),
).order_by("kind", "word", "place")


@dataclass(slots=True)
class NoteFacts:
    """A note's row and what its page lists, as ``note_facts`` read them."""

    id: int
    slug: str
    title: str
    path: str
    frontmatter: dict[str, Any]
    html: str
    updated: datetime
    inline_fields: list[s.InlineField]
    indexed_at: str | None
    aliases: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    headings: list[s.HeadingOut] = field(default_factory=list)
    links_out: list[s.LinkOut] = field(default_factory=list)
    backlinks: list[s.Backlink] = field(default_factory=list)


def _json(text: str | None, empty: Any) -> Any:
    value = json.loads(text) if text else None
    return value if isinstance(value, type(empty)) else empty


def _fields(text: str | None) -> list[s.InlineField]:
    return [
        s.InlineField(key=str(f[0]), value=str(f[1]), line=int(f[2]))
        for f in _json(text, [])
        if isinstance(f, list) and len(f) == 3
    ]


def note_facts(db: Session, slug: str) -> NoteFacts:
    """The note at ``slug`` and everything its page lists, in one statement."""
    rows = db.connection().execute(_STATEMENT, {"slug": slug}).all()
    if not rows or rows[0][0] != _NOTE:
        raise NotFound(f"no note with slug {slug!r}")
    _, _, note_id, _, *t = rows[0]
    facts = NoteFacts(
        id=note_id,
        slug=t[0],
        title=t[1],
        path=t[2],
        frontmatter=_json(t[3], {}),
        html=t[4] or "",
        updated=datetime.fromisoformat(t[5]),
        inline_fields=_fields(t[6]),
        indexed_at=t[7],
    )
    seen: set[str] = set()
    for kind, _, _, number, *t in rows[1:]:
        if kind == _ALIAS:
            facts.aliases.append(t[0])
        elif kind == _TAG:
            facts.tags.append(t[0])
        elif kind == _HEADING:
            facts.headings.append(s.HeadingOut(level=number, text=t[0], anchor=t[1]))
        elif kind == _LINK:
            target, heading, block, anchor, display, link_kind, file, found = t
            facts.links_out.append(
                s.LinkOut(
                    target=target,
                    resolved_slug=found,
                    heading=heading,
                    block=block,
                    anchor=anchor if found else None,
                    text=display or target,
                    kind="embed" if link_kind == "embed" else "link",
                    line=number,
                    file=file,
                )
            )
        elif t[0] not in seen:  # a backlink: a note once, with its first link's context
            seen.add(t[0])
            facts.backlinks.append(s.Backlink(slug=t[0], title=t[1], context_html=t[2]))
    return facts
