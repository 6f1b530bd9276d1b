"""The glossary: every term, the tooltips' definitions, and one term's page."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, TypeAlias

from sqlalchemy import Connection, Row, bindparam, select
from sqlalchemy.orm import Session

from studynotes.db.models import Note, Term, TermAlias
from studynotes.glossary.marks import used_terms
from studynotes.urls import term_url
from studynotes.web import schemas as s
from studynotes.web.views.common import NotFound
from studynotes.web.views.mentions import occurrences

_TERM_COLUMNS = (
    Term.id, Term.slug, Term.name, Term.definition, Term.definition_html, Term.anchor,
    Term.empty, Note.slug.label("note_slug"), Note.title.label("note_title"),
)  # fmt: skip
_TERMS = select(*_TERM_COLUMNS).join(Note, Note.id == Term.note_id)
TermRow: TypeAlias = Row[int, str, str, str, str, str | None, bool, str, str]
_ALL_TERM_ALIASES = select(TermAlias.term_id, TermAlias.name).order_by(TermAlias.id)
_TERM_ALIASES = _ALL_TERM_ALIASES.where(TermAlias.term_id.in_(bindparam("ids", expanding=True)))


def _term_summaries(
    conn: Connection, rows: Sequence[TermRow], *, every: bool
) -> list[s.TermSummary]:
    """The terms of ``rows`` (``_TERM_COLUMNS``) in glossary order; ``every`` when they are the
    whole glossary. Rows are unpacked, not read by name: for a whole glossary, reading
    columns by name cost as much as fetching them."""
    aliases: dict[int, list[str]] = defaultdict(list)
    if rows:
        found = (
            conn.execute(_ALL_TERM_ALIASES)
            if every
            else conn.execute(_TERM_ALIASES, {"ids": [r[0] for r in rows]})
        )
        for tid, name in found:
            aliases[tid].append(name)
    terms = [
        s.TermSummary(
            slug=slug,
            term=name,
            aliases=aliases.get(tid, []),
            definition=text,
            definition_html=html,
            note_slug=note_slug,
            note_title=note_title,
            anchor=anchor,
            empty=empty,
        )
        for tid, slug, name, text, html, anchor, empty, note_slug, note_title in rows
    ]
    return sorted(terms, key=term_order)


def term_order(term: s.TermSummary) -> str:
    """Glossary order, A to Z whatever the case; the slug tells equal names apart."""
    return f"{term.term.casefold()}\x00{term.slug}"


def _terms(db: Session, *where: Any) -> list[s.TermSummary]:
    conn = db.connection()
    return _term_summaries(conn, conn.execute(_TERMS.where(*where)).all(), every=not where)


def term_list(db: Session) -> list[s.TermSummary]:
    return _terms(db)


@dataclass(frozen=True, slots=True)
class Glossary:
    """Every term of one index run, for the tooltips of every page that marks terms and the
    terms each note defines: asking the database for them took ~1 ms of each note page's
    first view."""

    terms: dict[str, s.TermSummary]  # by slug, in glossary order
    order: dict[str, int]  # slug -> place in glossary order
    by_note: dict[str, list[s.TermSummary]]  # defining note's slug -> its terms, in order
    entries: dict[str, str]  # slug -> its member of the tooltips' JSON object

    def used_in(self, html: str) -> list[s.TermSummary]:
        """The terms marked in ``html``, in glossary order."""
        found = [slug for slug in used_terms(html) if slug in self.terms]
        return [self.terms[slug] for slug in sorted(found, key=self.order.__getitem__)]

    def defined_in(self, note_slug: str) -> list[s.TermSummary]:
        """The terms the note ``note_slug`` defines, in glossary order."""
        return list(self.by_note.get(note_slug, ()))

    def tooltips(self, html: str) -> str:
        """Definitions of the terms marked in ``html``, for tooltips without a round trip: a
        JSON object for a ``<script type="application/json">``, made of members written
        once per index run."""
        return "{" + ", ".join(self.entries[t.slug] for t in self.used_in(html)) + "}"


def _tooltip_entry(term: s.TermSummary) -> str:
    """``"slug": {...}``, as ``json.dumps`` writes a member of an object, with no ``<`` at
    all, so neither ``</script>`` nor ``<!--`` can end or derail the element (a term may be
    named anything)."""
    data = {
        "term": term.term,
        "definition_html": term.definition_html,
        "url": term_url(term.slug),
        "note_title": term.note_title,
        "source": f"/notes/{term.note_slug}" + (f"#{term.anchor}" if term.anchor else ""),
    }
    text = f"{json.dumps(term.slug, ensure_ascii=False)}: {json.dumps(data, ensure_ascii=False)}"
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def load_glossary(db: Session) -> Glossary:
    terms = {t.slug: t for t in term_list(db)}
    by_note: dict[str, list[s.TermSummary]] = defaultdict(list)
    for term in terms.values():
        by_note[term.note_slug].append(term)
    return Glossary(
        terms,
        {slug: i for i, slug in enumerate(terms)},
        dict(by_note),
        {slug: _tooltip_entry(term) for slug, term in terms.items()},
    )


def term_detail(db: Session, slug: str, glossary: Glossary | None = None) -> s.TermDetail:
    """The term and the notes that use it; its summary from ``glossary`` (of this index
    run) when given, else read."""
    if glossary is not None:
        term = glossary.terms.get(slug)
    else:
        term = next(iter(_terms(db, Term.slug == slug)), None)
    if term is None:
        raise NotFound(f"no glossary term with slug {slug!r}")
    return s.TermDetail(
        **term.model_dump(), occurrences=occurrences(db, [term.term, *term.aliases])
    )
