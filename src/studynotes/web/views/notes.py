"""One note's page, and the previews of its sections and blocks."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Container, Mapping
from datetime import datetime
from typing import Any, TypeAlias

from sqlalchemy import (
    ColumnClause,
    CompoundSelect,
    Row,
    bindparam,
    literal_column,
    or_,
    select,
    union_all,
)
from sqlalchemy.orm import Session

from studynotes.db.models import Alias, Attachment, Card, Heading, Link, Meta, Note, NoteTag, Tag
from studynotes.htmltext import element_html, section_html
from studynotes.paths import match_heading
from studynotes.urls import file_url
from studynotes.web import schemas as s
from studynotes.web.views.canvas import boards_holding
from studynotes.web.views.common import NotFound
from studynotes.web.views.glossary import Glossary
from studynotes.web.views.mentions import unlinked_mentions
from studynotes.web.views.queries import Results

# The statements of a note page are built once: building a statement cost more than running it.
_NOTE = select(
    Note.id,
    Note.slug,
    Note.title,
    Note.path,
    Note.frontmatter,
    Note.html,
    Note.updated,
    Note.parsed["inline_fields"].label("inline_fields"),
    # The index run the row belongs to, read with it: it keys the glossary a page shows
    # (a query of its own was a sixth of a first view on PostgreSQL).
    select(Meta.value).where(Meta.key == "indexed_at").scalar_subquery().label("indexed_at"),
).where(Note.slug == bindparam("slug"))
# A note's aliases (kind 0, in order), tags (1, by name) and headings (2, in order) in one
# statement: each statement cost a first view ~50 µs of SQLAlchemy for ~10 µs of SQLite.
_ALIAS, _TAG, _HEADING = 0, 1, 2
_ZERO: ColumnClause[int] = literal_column("0")
_EMPTY: ColumnClause[str] = literal_column("''")
_NOTE_NAMES: CompoundSelect[*tuple[Any, ...]] = union_all(
    select(
        literal_column(str(_ALIAS)).label("kind"),
        Alias.id.label("place"),
        Alias.name.label("text"),
        _ZERO.label("level"),
        _EMPTY.label("anchor"),
    ).where(Alias.note_id == bindparam("note_id")),
    select(literal_column(str(_TAG)), _ZERO, Tag.name, _ZERO, _EMPTY)
    .join(NoteTag, NoteTag.tag_id == Tag.id)
    .where(NoteTag.note_id == bindparam("note_id")),
    select(
        literal_column(str(_HEADING)), Heading.position, Heading.text, Heading.level, Heading.anchor
    ).where(Heading.note_id == bindparam("note_id")),
).order_by("kind", "place", "text")
_target = Note.__table__.alias("target")  # the linked note: ``found`` is its slug
_LINKS_OUT = (
    select(
        Link.raw_target,
        Link.heading,
        Link.block,
        Link.anchor,
        Link.display,
        Link.kind,
        Link.line,
        Link.target_file,
        _target.c.slug.label("target_slug"),
    )
    .outerjoin(_target, _target.c.id == Link.target_id)
    .where(Link.source_id == bindparam("note_id"))
    .order_by(Link.position)
)
_BACKLINKS = (
    select(Note.slug, Note.title, Link.context)
    .join(Link, Link.source_id == Note.id)
    .where(Link.target_id == bindparam("note_id"), Note.id != bindparam("note_id"))
    .order_by(Note.title, Link.position)
)
NoteRow: TypeAlias = Row[int, str, str, str, dict[str, Any], str, datetime, Any, str | None]


def note_row(db: Session, slug: str) -> NoteRow:
    """The columns pages show; never the note's text or cached parse, costly to decode."""
    note = db.connection().execute(_NOTE, {"slug": slug}).first()
    if note is None:
        raise NotFound(f"no note with slug {slug!r}")
    return note


def _breadcrumbs(path: str) -> list[s.Crumb]:
    parts = path.split("/")[:-1]
    return [s.Crumb(name=p, folder="/".join(parts[: i + 1])) for i, p in enumerate(parts)]


def _banner(db: Session, value: Any) -> str | None:
    """A banner from inside the vault; remote images are not fetched (the app is offline)."""
    if not isinstance(value, str) or not value.strip():
        return None
    ref = value.strip().strip("[]!").split("|")[0].strip()
    if re.match(r"^[a-z][a-z0-9+.-]*:", ref, re.IGNORECASE):
        return None
    name = posixpath.basename(ref)
    rows = db.execute(
        select(Attachment.path).where(
            or_(Attachment.path == ref, Attachment.path.endswith("/" + name))
        )
    ).scalars()
    found = sorted(rows, key=lambda p: (p != ref, len(p)))
    return file_url(found[0]) if found else None


def note_detail(
    db: Session,
    slug: str,
    glossary: Glossary,
    results: Results,
    *,
    mentions: bool = True,
    row: NoteRow | None = None,
    boards: Mapping[str, list[s.BoardRef]] | None = None,
    carded: Container[int] | None = None,
) -> s.NoteDetail:
    """Every page of the vault is built here once per index run: a few prepared queries.
    ``glossary`` and ``results`` (its queries' results) are those of the index ``db``
    reads: with ``row`` (``note_row``, read by the caller), of the row's ``indexed_at``;
    ``boards``: ``boards_by_note`` of that run, ``carded``: ``notes_with_cards`` of it.
    ``mentions=False`` leaves the unlinked mentions out: the page loads them when the
    reader opens their panel (``mentions_of``), as the phrase search behind them was most
    of a first view's database work."""
    note = row if row is not None else note_row(db, slug)
    conn, this = db.connection(), {"note_id": note.id}
    aliases: list[str] = []
    tags: list[str] = []
    headings: list[s.HeadingOut] = []
    for kind, _, text, level, anchor in conn.execute(_NOTE_NAMES, this):
        if kind == _ALIAS:
            aliases.append(text)
        elif kind == _TAG:
            tags.append(text)
        else:
            headings.append(s.HeadingOut(level=level, text=text, anchor=anchor))
    links_out = [
        s.LinkOut(
            target=target,
            resolved_slug=found,
            heading=heading,
            block=block,
            anchor=anchor if found else None,
            text=display or target,
            kind="embed" if kind == "embed" else "link",
            line=line,
            file=file,
        )
        for target, heading, block, anchor, display, kind, line, file, found in conn.execute(
            _LINKS_OUT, this
        )
    ]
    seen: set[str] = set()
    backlinks: list[s.Backlink] = []
    for bslug, btitle, context in conn.execute(_BACKLINKS, this):
        if bslug not in seen:
            seen.add(bslug)
            backlinks.append(s.Backlink(slug=bslug, title=btitle, context_html=context))
    fm = note.frontmatter or {}
    return s.NoteDetail(
        slug=note.slug,
        title=note.title,
        path=note.path,
        tags=tags,
        aliases=aliases,
        frontmatter=fm,
        inline_fields=[
            s.InlineField(key=str(f[0]), value=str(f[1]), line=int(f[2]))
            for f in note.inline_fields or []
            if isinstance(f, list) and len(f) == 3
        ],
        headings=headings,
        boards=boards_holding(db, note.path) if boards is None else boards.get(note.path, []),
        has_cards=_has_cards(db, note.id) if carded is None else note.id in carded,
        html=results.fill(db, note.html),
        links_out=links_out,
        backlinks=backlinks,
        terms_defined=glossary.defined_in(note.slug),
        unlinked_mentions=unlinked_mentions(db, note.id, [note.title, *aliases])
        if mentions
        else [],
        breadcrumbs=_breadcrumbs(note.path),
        updated=note.updated,
        banner=_banner(db, fm.get("banner")),
        icon=str(fm["banner_icon"]) if fm.get("banner_icon") else None,
    )


def preview(
    db: Session, slug: str, results: Results, *, heading: str | None, block: str | None
) -> s.Preview:
    note = note_row(db, slug)
    html: str | None = note.html
    title = note.title
    if block:
        html = element_html(note.html, f"^{block.lstrip('^')}")
        title = f"{note.title} > ^{block.lstrip('^')}"
    elif heading:
        headings = db.execute(
            select(Heading.anchor, Heading.text)
            .where(Heading.note_id == note.id)
            .order_by(Heading.position)
        ).all()
        # An anchor as a page's links carry it, else the heading as written after ``#``,
        # matched as links are (``paths.match_heading``).
        anchor = next((h for h in headings if h.anchor == heading), None) or match_heading(
            headings, heading
        )
        html = section_html(note.html, anchor.anchor) if anchor else None
        title = f"{note.title} > {anchor.text if anchor else heading}"
    if html is None:
        raise NotFound(f"no such section in {note.title!r}")
    return s.Preview(title=title, html=results.fill(db, html))


def notes_with_cards(db: Session) -> frozenset[int]:
    """The notes that hold flashcards (their own or their terms'): those a reader can study."""
    return frozenset(db.execute(select(Card.note_id).distinct()).scalars())


def _has_cards(db: Session, note_id: int) -> bool:
    return db.execute(select(Card.id).where(Card.note_id == note_id).limit(1)).first() is not None


def mentions_of(db: Session, slug: str) -> s.Mentions:
    """The notes that name this one, by its title or an alias, without linking to it."""
    note = note_row(db, slug)
    aliases = list(
        db.execute(select(Alias.name).where(Alias.note_id == note.id).order_by(Alias.id)).scalars()
    )
    return s.Mentions(
        slug=note.slug,
        title=note.title,
        mentions=unlinked_mentions(db, note.id, [note.title, *aliases]),
    )
