"""One note's page, and the previews of its sections and blocks."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Container, Mapping, Sequence
from datetime import datetime
from typing import Any, TypeAlias

from sqlalchemy import Row, bindparam, or_, select
from sqlalchemy.orm import Session

from studynotes.db.models import Alias, Attachment, Card, Heading, Note
from studynotes.htmltext import element_html, section_html, sections_html
from studynotes.paths import match_heading
from studynotes.urls import file_url
from studynotes.web import schemas as s
from studynotes.web.views.boards import boards_holding
from studynotes.web.views.common import NotFound
from studynotes.web.views.glossary import Glossary
from studynotes.web.views.mentions import unlinked_mentions
from studynotes.web.views.note_facts import ROW, STAMP, NoteFacts, note_facts
from studynotes.web.views.queries import Results

# Built once: building a statement cost more than running it.
_NOTE = select(Note.id, *ROW, STAMP.label("indexed_at")).where(Note.slug == bindparam("slug"))
NoteRow: TypeAlias = Row[int, str, str, str, dict[str, Any], str, datetime, str | None]


def note_row(db: Session, slug: str) -> NoteRow:
    """The columns previews and mentions show; never the note's text or cached parse,
    costly to decode. A note page reads ``note_facts`` instead."""
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
    facts: NoteFacts | None = None,
    boards: Mapping[str, list[s.BoardRef]] | None = None,
    carded: Container[int] | None = None,
) -> s.NoteDetail:
    """Every page of the vault is built here once per index run, from one statement.
    ``glossary`` and ``results`` (its queries' results) are those of the index ``db``
    reads: with ``facts`` (``note_facts``, read by the caller), of their ``indexed_at``;
    ``boards``: ``boards_by_note`` of that run, ``carded``: ``notes_with_cards`` of it.
    ``mentions=False`` leaves the unlinked mentions out: the page loads them when the
    reader opens their panel (``mentions_of``), as the phrase search behind them was most
    of a first view's database work."""
    note = facts if facts is not None else note_facts(db, slug)
    fm = note.frontmatter
    return s.NoteDetail(
        slug=note.slug,
        title=note.title,
        path=note.path,
        tags=note.tags,
        aliases=note.aliases,
        frontmatter=fm,
        inline_fields=note.inline_fields,
        headings=note.headings,
        boards=boards_holding(db, note.path) if boards is None else boards.get(note.path, []),
        has_cards=_has_cards(db, note.id) if carded is None else note.id in carded,
        html=results.fill(db, note.html),
        links_out=note.links_out,
        backlinks=note.backlinks,
        terms_defined=glossary.defined_in(note.slug),
        unlinked_mentions=unlinked_mentions(db, note.id, [note.title, *note.aliases])
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
    found = previews(db, slug, results, [(heading, block)])[0]
    if found is None:
        raise NotFound(f"no such section in {note_row(db, slug).title!r}")
    return found


def previews(
    db: Session,
    slug: str,
    results: Results,
    places: Sequence[tuple[str | None, str | None]],
) -> list[s.Preview | None]:
    """The preview of each of ``places`` (a heading or a block, or neither: the whole note)
    in one note, read once; None for a section that is not there."""
    note = note_row(db, slug)
    headings: Sequence[Row[str, str]] | None = None
    cut = _Sections(note.html)
    out: list[s.Preview | None] = []
    for heading, block in places:
        html: str | None = note.html
        title = note.title
        if block:
            html = element_html(note.html, f"^{block.lstrip('^')}")
            title = f"{note.title} > ^{block.lstrip('^')}"
        elif heading:
            if headings is None:
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
            html = cut.section(anchor.anchor) if anchor else None
            title = f"{note.title} > {anchor.text if anchor else heading}"
        out.append(None if html is None else s.Preview(title=title, html=results.fill(db, html)))
    return out


class _Sections:
    """A note's sections, found by one reading of its HTML however many are asked for."""

    def __init__(self, html: str) -> None:
        self._html = html
        self._found: dict[str, str] | None = None

    def section(self, anchor: str) -> str | None:
        if self._found is None:
            self._found = sections_html(self._html)
        found = self._found.get(anchor)
        return (
            found if found is not None else section_html(self._html, anchor)
        )  # an id not on a heading's tag as written


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
