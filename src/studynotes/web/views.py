"""One function per page: each builds the model that the HTML page renders and the JSON twin
returns, so the two can never disagree."""

from __future__ import annotations

import json
import posixpath
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeAlias

from rapidfuzz import fuzz, process
from sqlalchemy import (
    ColumnClause,
    CompoundSelect,
    Connection,
    Row,
    Select,
    bindparam,
    func,
    literal_column,
    or_,
    select,
    union_all,
)
from sqlalchemy.orm import Session

from studynotes.db.models import (
    Alias,
    Attachment,
    Heading,
    Link,
    Meta,
    Note,
    NoteTag,
    Tag,
    Term,
    TermAlias,
)
from studynotes.db.search import mentions
from studynotes.glossary.marks import MarkTerm, TermMatcher, used_terms
from studynotes.htmltext import element_html, section_html
from studynotes.urls import file_url, term_url
from studynotes.web import schemas as s


class NotFound(LookupError):
    """No such note, term or tag; the message is shown to the reader."""


def _tags_by_note(db: Session, ids: Iterable[int]) -> dict[int, list[str]]:
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


def _aliases_by_note(db: Session, ids: Iterable[int]) -> dict[int, list[str]]:
    out: dict[int, list[str]] = defaultdict(list)
    wanted = list(ids)
    if not wanted:
        return out
    for nid, name in db.execute(
        select(Alias.note_id, Alias.name).where(Alias.note_id.in_(wanted)).order_by(Alias.id)
    ):
        out[nid].append(name)
    return out


_SUMMARY = (Note.id, Note.slug, Note.title, Note.path, Note.updated)


def _summaries(db: Session, query: Select[int, str, str, str, datetime]) -> list[s.NoteSummary]:
    rows = db.execute(query).all()
    ids = [r.id for r in rows]
    tags, aliases = _tags_by_note(db, ids), _aliases_by_note(db, ids)
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


def note_list(db: Session) -> list[s.NoteSummary]:
    return _summaries(db, select(*_SUMMARY).order_by(Note.path))


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
    return sorted(terms, key=lambda t: t.term.casefold())


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


_STAMP = select(Meta.value).where(Meta.key == "indexed_at")


def indexed_at(db: Session) -> str | None:
    """When the index was last written: what tells one index run's data from the next."""
    return db.connection().execute(_STAMP).scalar()


# The statements of a note page are built once: building a statement cost more than running it.
_NOTE = select(
    Note.id, Note.slug, Note.title, Note.path, Note.frontmatter, Note.html, Note.updated
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

_NOTE_TITLES = select(Note.id, Note.slug, Note.title).where(
    Note.id.in_(bindparam("ids", expanding=True))
)

NoteRow: TypeAlias = Row[int, str, str, str, dict[str, Any], str, datetime]


def _note_row(db: Session, slug: str) -> NoteRow:
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


def _mention_pattern(names: Iterable[str]) -> re.Pattern[str] | None:
    words = sorted({n.strip() for n in names if len(n.strip()) >= 3}, key=len, reverse=True)
    if not words:
        return None
    body = "|".join(re.escape(w) for w in words)
    return re.compile(rf"(?<!\w)(?:{body})(?!\w)", re.IGNORECASE)


def _snippet(text: str, start: int, end: int, width: int = 90) -> str:
    left = max(0, start - width)
    right = min(len(text), end + width)
    out = " ".join(text[left:right].split())
    return ("…" if left else "") + out + ("…" if right < len(text) else "")


def _unlinked_mentions(db: Session, note_id: int, names: list[str]) -> list[s.Backlink]:
    """Notes that name this one (title or alias, as words) without linking to it."""
    conn = db.connection()
    found = mentions(conn, names, unlinked_from=note_id, limit=20)
    if not found:
        return []
    titles = {
        nid: (slug, title)
        for nid, slug, title in conn.execute(_NOTE_TITLES, {"ids": [i for i, _ in found]})
    }
    out = [
        s.Backlink(slug=titles[i][0], title=titles[i][1], context=snippet)
        for i, snippet in found
        if i in titles
    ]
    return sorted(out, key=lambda b: b.title.casefold())


def note_detail(db: Session, slug: str, glossary: Glossary) -> s.NoteDetail:
    """Every page of the vault is built here once per index run: a few prepared queries.
    ``glossary`` is that of the index ``db`` reads."""
    note = _note_row(db, slug)
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
            backlinks.append(s.Backlink(slug=bslug, title=btitle, context=context))
    fm = note.frontmatter or {}
    return s.NoteDetail(
        slug=note.slug,
        title=note.title,
        path=note.path,
        tags=tags,
        aliases=aliases,
        frontmatter=fm,
        headings=headings,
        html=note.html,
        links_out=links_out,
        backlinks=backlinks,
        terms_defined=glossary.defined_in(note.slug),
        unlinked_mentions=_unlinked_mentions(db, note.id, [note.title, *aliases]),
        breadcrumbs=_breadcrumbs(note.path),
        updated=note.updated,
        banner=_banner(db, fm.get("banner")),
        icon=str(fm["banner_icon"]) if fm.get("banner_icon") else None,
    )


def preview(db: Session, slug: str, *, heading: str | None, block: str | None) -> s.Preview:
    note = _note_row(db, slug)
    html: str | None = note.html
    title = note.title
    if block:
        html = element_html(note.html, f"^{block.lstrip('^')}")
        title = f"{note.title} > ^{block.lstrip('^')}"
    elif heading:
        anchor = db.execute(
            select(Heading.anchor, Heading.text).where(
                Heading.note_id == note.id,
                or_(Heading.anchor == heading, func.lower(Heading.text) == heading.lower()),
            )
        ).first()
        html = section_html(note.html, anchor.anchor) if anchor else None
        title = f"{note.title} > {anchor.text if anchor else heading}"
    if html is None:
        raise NotFound(f"no such section in {note.title!r}")
    return s.Preview(title=title, html=html)


def term_detail(db: Session, slug: str) -> s.TermDetail:
    found = _terms(db, Term.slug == slug)
    if not found:
        raise NotFound(f"no glossary term with slug {slug!r}")
    term = found[0]
    names = [term.term, *term.aliases]
    matcher = TermMatcher.build([MarkTerm(term.slug, names)])
    places = mentions(db.connection(), names, limit=200)
    titles = {
        r.id: (r.slug, r.title)
        for r in db.execute(
            select(Note.id, Note.slug, Note.title).where(Note.id.in_([i for i, _ in places]))
        )
    }
    occurrences: list[s.Occurrence] = []
    for nid, snippet in places:
        if nid in titles and matcher.occurs_in(snippet):
            slug, title = titles[nid]
            occurrences.append(s.Occurrence(note_slug=slug, note_title=title, context=snippet))
    occurrences.sort(key=lambda o: o.note_title.casefold())
    return s.TermDetail(**term.model_dump(), occurrences=occurrences)


def _tag_counts(db: Session) -> list[s.TagCount]:
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
    return _tag_counts(db)


def tag_page(db: Session, tag: str) -> s.TagPage:
    tag = tag.strip("#/")
    known = db.execute(
        select(Tag.id, Tag.name).where(or_(Tag.name == tag, Tag.name.startswith(tag + "/")))
    ).all()
    if not known:
        raise NotFound(f"no tag #{tag}")
    ids = [i for i, _ in known]
    notes = _summaries(
        db,
        select(*_SUMMARY)
        .where(Note.id.in_(select(NoteTag.note_id).where(NoteTag.tag_id.in_(ids))))
        .order_by(Note.title),
    )
    counts = {c.name: c for c in _tag_counts(db)}
    children = [
        counts[n] for _, n in known if n != tag and "/" not in n[len(tag) + 1 :] and n in counts
    ]
    return s.TagPage(tag=tag, notes=notes, children=children)


def graph(db: Session) -> s.Graph:
    notes = db.execute(select(Note.id, Note.slug, Note.title, Note.path)).all()
    tags = _tags_by_note(db, [n.id for n in notes])
    slug_of = {n.id: n.slug for n in notes}
    pairs = db.execute(
        select(Link.source_id, Link.target_id)
        .where(Link.target_id.is_not(None), Link.source_id != Link.target_id)
        .distinct()
    ).all()
    degree: Counter[int] = Counter()
    edges: list[s.GraphEdge] = []
    for src, dst in pairs:
        if dst is None or src not in slug_of or dst not in slug_of:
            continue
        degree[src] += 1
        degree[dst] += 1
        edges.append(s.GraphEdge(source=slug_of[src], target=slug_of[dst]))
    nodes = [
        s.GraphNode(
            id=n.slug,
            title=n.title,
            folder=posixpath.dirname(n.path),
            tags=tags.get(n.id, []),
            degree=degree[n.id],
        )
        for n in notes
    ]
    return s.Graph(nodes=nodes, edges=edges)


def local_graph(db: Session, slug: str) -> s.Graph:
    """The note, its neighbours, and the links among them."""
    note = _note_row(db, slug)
    full = graph(db)
    near = {note.slug}
    for e in full.edges:
        if note.slug in (e.source, e.target):
            near.update((e.source, e.target))
    return s.Graph(
        nodes=[n for n in full.nodes if n.id in near],
        edges=[e for e in full.edges if e.source in near and e.target in near],
    )


def broken_links(db: Session) -> list[s.BrokenLink]:
    rows = db.execute(
        select(Note.slug, Note.path, Link.raw_target, Link.line, Link.kind)
        .join(Note, Note.id == Link.source_id)
        .where(Link.resolved.is_(False))
        .order_by(Note.path, Link.line)
    )
    return [
        s.BrokenLink(
            source_slug=r.slug,
            source_path=r.path,
            target=r.raw_target,
            line=r.line,
            kind="embed" if r.kind == "embed" else "link",
        )
        for r in rows
    ]


def stats(db: Session) -> s.Stats:
    def count(*cols: Any) -> int:
        return int(db.execute(select(func.count()).select_from(*cols)).scalar_one())

    return s.Stats(
        notes=count(Note),
        links=count(Link),
        unresolved=int(
            db.execute(select(func.count(Link.id)).where(Link.resolved.is_(False))).scalar_one()
        ),
        terms=count(Term),
        tags=count(Tag),
        attachments=count(Attachment),
    )


def home(db: Session) -> s.Home:
    recent = _summaries(db, select(*_SUMMARY).order_by(Note.updated.desc(), Note.path).limit(10))
    folders: Counter[str] = Counter(
        posixpath.dirname(p) for p in db.execute(select(Note.path)).scalars()
    )
    tags = sorted(_tag_counts(db), key=lambda t: (-t.count, t.name))[:30]
    glossary = [t for t in term_list(db) if not t.empty]
    glossary.sort(key=lambda t: (-len(t.definition) // 80, t.term.casefold()))
    return s.Home(
        recent=recent,
        folders=[s.FolderCount(folder=f, count=c) for f, c in sorted(folders.items())],
        tags=tags,
        glossary=sorted(glossary[:12], key=lambda t: t.term.casefold()),
        stats=stats(db),
    )


def folder_page(db: Session, folder: str) -> s.FolderPage:
    folder = folder.strip("/")
    prefix = folder + "/" if folder else ""
    paths = [p for p in db.execute(select(Note.path)).scalars() if p.startswith(prefix)]
    if not paths:
        raise NotFound(f"no folder {folder!r} in the vault")
    direct = [p for p in paths if "/" not in p[len(prefix) :]]
    below: Counter[str] = Counter(
        prefix + p[len(prefix) :].split("/", 1)[0] for p in paths if p not in direct
    )
    return s.FolderPage(
        folder=folder,
        notes=_summaries(db, select(*_SUMMARY).where(Note.path.in_(direct)).order_by(Note.title)),
        subfolders=[s.FolderCount(folder=f, count=c) for f, c in sorted(below.items())],
    )


def similar_notes(db: Session, text: str, *, limit: int = 5) -> list[s.NoteSummary]:
    """Notes whose title or slug is close to what was asked for (for the 404 page)."""
    rows = db.execute(select(Note.slug, Note.title)).all()
    choices = {r.slug: f"{r.title} {r.slug}" for r in rows}
    wanted = text.replace("-", " ").replace("/", " ")
    best = process.extract(wanted, choices, scorer=fuzz.WRatio, limit=limit, score_cutoff=50)
    slugs = [key for _, _, key in best]
    found = {n.slug: n for n in _summaries(db, select(*_SUMMARY).where(Note.slug.in_(slugs)))}
    return [found[sl] for sl in slugs if sl in found]
