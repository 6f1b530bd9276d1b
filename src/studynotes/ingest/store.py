"""Write the concept graph in one transaction: readers see the old index or the new one."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from html import escape
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Engine, bindparam, delete, func, insert, select, update

from studynotes.dataview.stored import field_rows, task_rows
from studynotes.db.bulk import insert_rows
from studynotes.db.models import (
    Alias,
    Attachment,
    Block,
    Card,
    Heading,
    Link,
    Meta,
    Note,
    NoteField,
    NoteTag,
    NoteTask,
    Tag,
    Term,
    TermAlias,
)
from studynotes.db.search import sync_search_index
from studynotes.glossary.collect import GlossaryTerm
from studynotes.ingest.boards import IndexedBoard, write_boards
from studynotes.ingest.discover import FileInfo
from studynotes.ingest.memo import CONFIG, GENERATION
from studynotes.ingest.parse import ParsedNote
from studynotes.ingest.plan import Inputs
from studynotes.ingest.resolve import ResolvedLink
from studynotes.ingest.work import Rendered
from studynotes.markdown import PARSER_VERSION
from studynotes.paths import VaultPath, path_slug, unique
from studynotes.study.cards import card_key, deck_of

TERM_KINDS = ("term", "term-reversed")

if TYPE_CHECKING:
    from studynotes.ingest.report import IndexReport

_CHUNK = 500


def assign_slugs(paths: Iterable[VaultPath]) -> dict[VaultPath, str]:
    """Each note's slug, from the set of paths alone: a readable one per path, and where two
    paths read alike the one first in order keeps it (so an index run gives the slugs that
    indexing the same files from scratch gives)."""
    slugs: dict[VaultPath, str] = {}
    taken: set[str] = set()
    tried: dict[str, int] = {}
    for path in sorted(paths):
        slugs[path] = unique(path_slug(path).casefold(), taken, tried)
    return slugs


def _chunks(items: Sequence[Any]) -> Iterable[Sequence[Any]]:
    for i in range(0, len(items), _CHUNK):
        yield items[i : i + _CHUNK]


def _parse_date(value: str | None) -> dt.datetime | None:
    if not value:
        return None
    try:
        return dt.datetime.fromisoformat(value.strip()[:19])
    except ValueError:
        return None


def _note_row(
    note: ParsedNote, done: Rendered, info: FileInfo, slug: str, content_hash: str,
    changes: Changes,
) -> dict[str, Any]:  # fmt: skip
    """A note parsed anew: its facts from ``note``, its stored parse from ``done``."""
    return {
        "path": note.path,
        "slug": slug,
        "title": note.title,
        "frontmatter": done.frontmatter,
        "content_hash": content_hash,
        "mtime_ns": info.mtime_ns,
        "size": info.size,
        "created": _parse_date(note.created),
        "updated": dt.datetime.fromtimestamp(info.mtime_ns / 1e9, tz=dt.UTC).replace(tzinfo=None),
        "indexed_at": changes.now,
        "html": done.html,
        "text": done.text,
        "parsed": done.parsed,
        "inline_fields": note.inline_fields,
        "body": done.body,
        "links_fp": changes.links_fp[note.path],
        "render_deps": changes.inputs.record(done.reads),
        "warnings": note.warnings,
    }


_NOTE_FIELDS = (
    "path", "slug", "title", "frontmatter", "content_hash", "mtime_ns", "size", "created",
    "updated", "indexed_at", "html", "text", "parsed", "inline_fields", "body", "links_fp",
    "render_deps", "warnings",
)  # fmt: skip


def _batches(items: Iterable[Rendered], size: int = 200) -> Iterator[list[Rendered]]:
    batch: list[Rendered] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _delete_children(conn: Connection, ids: Sequence[int]) -> None:
    for part in _chunks(list(ids)):
        for model in (Heading, Block, Alias, NoteField, NoteTask):
            conn.execute(delete(model).where(model.note_id.in_(part)))
        conn.execute(delete(Card).where(Card.note_id.in_(part), Card.kind.not_in(TERM_KINDS)))
        conn.execute(delete(NoteTag).where(NoteTag.note_id.in_(part)))


def _insert_children(
    conn: Connection,
    ids: dict[VaultPath, int],
    notes: Iterable[ParsedNote],
    sizes: Mapping[VaultPath, int],
) -> None:
    headings, blocks, aliases, tag_uses, cards = [], [], [], [], []
    fields, tasks = [], []
    for note in notes:
        nid = ids[note.path]
        fields += field_rows(nid, note, sizes[note.path])
        tasks += task_rows(nid, note.tasks)
        cards += [
            {"note_id": nid, "key": c.key, "kind": c.kind, "deck": c.deck[:512],
             "front": c.front, "back": c.back, "front_html": c.front_html,
             "back_html": c.back_html, "line": c.line}
            for c in note.cards
        ]  # fmt: skip
        headings += [
            {"note_id": nid, "position": i, "level": h.level, "text": h.text[:1024],
             "anchor": h.anchor[:1024], "line": h.line}
            for i, h in enumerate(note.headings)
        ]  # fmt: skip
        seen: set[str] = set()
        for b in note.blocks:
            if b.id not in seen:
                seen.add(b.id)
                blocks.append({"note_id": nid, "block_id": b.id, "line": b.line})
        aliases += [{"note_id": nid, "name": a[:512]} for a in note.aliases]
        tag_uses += [(nid, t.name, t.line) for t in note.tags]
    for rows, model in (
        (headings, Heading), (blocks, Block), (aliases, Alias), (cards, Card),
        (fields, NoteField), (tasks, NoteTask),
    ):  # fmt: skip
        insert_rows(conn, model, rows)
    if tag_uses:
        names = sorted({name for _, name, _ in tag_uses} | _parents(n for _, n, _ in tag_uses))
        tag_ids = _ensure_tags(conn, names)
        rows_nt: dict[tuple[int, int], dict[str, Any]] = {}
        for nid, name, line in tag_uses:
            key = (nid, tag_ids[name])
            rows_nt.setdefault(key, {"note_id": nid, "tag_id": tag_ids[name], "line": line})
        insert_rows(conn, NoteTag, list(rows_nt.values()))


def _parents(names: Iterable[str]) -> set[str]:
    out: set[str] = set()
    for name in names:
        parts = name.split("/")
        out.update("/".join(parts[:i]) for i in range(1, len(parts)))
    return out


def _ensure_tags(conn: Connection, names: Sequence[str]) -> dict[str, int]:
    known = {n: i for n, i in conn.execute(select(Tag.name, Tag.id))}
    missing = [n for n in names if n not in known]
    if missing:
        conn.execute(
            insert(Tag),
            [{"name": n, "parent": n.rsplit("/", 1)[0] if "/" in n else None} for n in missing],
        )
        known = {n: i for n, i in conn.execute(select(Tag.name, Tag.id))}
    return known


_LINK_ROWS = 5000


def _insert_links(
    conn: Connection, ids: dict[VaultPath, int], resolved: dict[VaultPath, list[ResolvedLink]]
) -> None:
    """Write the links some thousands at a time: a 20,000-note vault has a quarter of a
    million, and their rows all at once were the largest thing an index run held."""
    rows: list[dict[str, Any]] = []
    for path, links in resolved.items():
        rows += _link_rows(ids[path], ids, links)
        if len(rows) >= _LINK_ROWS:
            insert_rows(conn, Link, rows)
            rows = []
    insert_rows(conn, Link, rows)


def _link_rows(
    source: int, ids: dict[VaultPath, int], links: list[ResolvedLink]
) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for i, link in enumerate(links):
        raw = link.raw
        target_id = ids.get(link.path) if link.path and link.is_note else None
        rows.append(
            {
                "source_id": source,
                "position": i,
                "target_id": target_id,
                "target_file": link.path if link.path and not link.is_note else None,
                "raw_target": raw.target[:1024],
                "heading": raw.heading[:1024] if raw.heading else None,
                "block": raw.block[:255] if raw.block else None,
                "display": raw.display[:1024] if raw.display else None,
                "kind": raw.kind,
                "context": raw.context,
                "line": raw.line,
                "resolved": link.path is not None,
                "via_alias": link.via_alias,
                "ambiguous": link.ambiguous,
                "anchor": link.anchor,
                "missing_anchor": link.missing_anchor,
            }
        )
    return rows


def _term_rows(conn: Connection, ids: dict[VaultPath, int], terms: Sequence[GlossaryTerm]) -> None:
    conn.execute(delete(TermAlias))
    conn.execute(delete(Term))
    if not terms:
        return
    rows = [
        {
            "slug": t.slug, "name": t.name[:512], "definition": t.definition,
            "definition_html": t.definition_html, "note_id": ids[VaultPath(t.note_path)],
            "anchor": t.anchor, "line": t.line, "shape": t.shape, "empty": t.empty,
            "marked": t.marked,
        }
        for t in terms
        if VaultPath(t.note_path) in ids
    ]  # fmt: skip
    conn.execute(insert(Term), rows)
    term_ids = {slug: tid for slug, tid in conn.execute(select(Term.slug, Term.id))}
    alias_rows = [
        {"term_id": term_ids[t.slug], "name": a[:512]}
        for t in terms
        if t.slug in term_ids
        for a in t.aliases
    ]
    if alias_rows:
        conn.execute(insert(TermAlias), alias_rows)


def _term_cards(
    conn: Connection,
    ids: dict[VaultPath, int],
    notes: dict[VaultPath, ParsedNote],
    terms: Sequence[GlossaryTerm],
) -> None:
    """Two cards per glossary term: term to definition, and definition to term. A term's
    cards are known by its slug, so a definition edited keeps their history."""
    conn.execute(delete(Card).where(Card.kind.in_(TERM_KINDS)))
    rows: list[dict[str, Any]] = []
    for t in terms:
        path = VaultPath(t.note_path)
        if t.empty or path not in ids or not t.definition_html.strip():
            note = None
        else:
            note = notes.get(path)
        if note is None:
            continue
        deck = deck_of(path, [tag.name for tag in note.tags])[:512]
        name = escape(t.name)
        rows += [
            {"note_id": ids[path], "key": card_key("term", t.slug), "kind": "term",
             "deck": deck, "front": t.name, "back": t.definition, "front_html": name,
             "back_html": t.definition_html, "line": t.line},
            {"note_id": ids[path], "key": card_key("term-reversed", t.slug),
             "kind": "term-reversed", "deck": deck, "front": t.definition, "back": t.name,
             "front_html": t.definition_html, "back_html": name, "line": t.line},
        ]  # fmt: skip
    insert_rows(conn, Card, rows)


@dataclass(slots=True)
class Changes:
    """What one index run writes: the plan's decisions and the values worked out for them."""

    files: dict[VaultPath, FileInfo]  # every live note's file
    notes: dict[VaultPath, ParsedNote]  # every live note's facts
    fresh: set[VaultPath]  # parsed anew: every row of theirs is written again
    hashes: dict[VaultPath, str]  # content hash of every live note
    slugs: dict[VaultPath, str]
    ids: dict[VaultPath, int]  # the existing notes' row ids (new notes get theirs here)
    old_slugs: dict[VaultPath, str]
    old_stamps: dict[VaultPath, tuple[int, int, str]]  # mtime, size, hash as stored
    gone: list[int]  # ids of notes that went away
    resolved: dict[VaultPath, list[ResolvedLink]]
    links_fp: dict[VaultPath, str]
    relink: set[VaultPath]  # notes whose link rows are written again
    inputs: Inputs
    terms: Sequence[GlossaryTerm] | None  # None: the terms the index has are right
    all_terms: Sequence[GlossaryTerm]  # the glossary as it now stands, for its cards
    attachments: Sequence[FileInfo]
    boards: Sequence[IndexedBoard]
    vault_root: str
    config: str
    generation: str
    now: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.UTC).replace(tzinfo=None))


@dataclass(slots=True)
class Written:
    ids: dict[VaultPath, int]  # every live note's row id
    deps: dict[VaultPath, dict[str, str]]  # the recorded inputs of each page rendered


def term_row(t: GlossaryTerm) -> tuple[object, ...]:
    """A term as its rows hold it: two runs that give equal tuples write equal rows."""
    return (
        t.slug, t.name, t.definition, t.definition_html, t.note_path, t.anchor, t.line,
        t.shape, t.empty, t.marked, tuple(t.aliases),
    )  # fmt: skip


def write(engine: Engine, changes: Changes, rendered: Iterable[Rendered]) -> Written:
    """Write one run in one transaction, so readers see the old index or the new one.

    ``rendered`` brings the pages the plan renders again, consumed as rows are written, so
    rendering (in workers) and writing overlap and no run holds every page at once."""
    c = changes
    ids = dict(c.ids)
    deps: dict[VaultPath, dict[str, str]] = {}
    with engine.begin() as conn:
        for part in _chunks(c.gone):
            conn.execute(delete(Note).where(Note.id.in_(part)))
        _restamp(conn, c)
        _update_slugs(conn, c)

        by_id = Note.__table__.c.id
        replace_all = update(Note).where(by_id == bindparam("nid"))
        replace_all = replace_all.values({f: bindparam(f"v_{f}") for f in _NOTE_FIELDS})
        restyle = (
            update(Note)
            .where(by_id == bindparam("nid"))
            .values(html=bindparam("h"), render_deps=bindparam("d"))
        )
        for batch in _batches(rendered):
            new_rows: list[dict[str, Any]] = []
            replaced: list[dict[str, Any]] = []
            restyled: list[dict[str, Any]] = []
            for done in batch:
                path = done.path
                if path in c.fresh:
                    row = _note_row(
                        c.notes[path], done, c.files[path], c.slugs[path], c.hashes[path], c
                    )
                    deps[path] = row["render_deps"]
                    if path in ids:
                        replaced.append({"nid": ids[path]} | {f"v_{k}": v for k, v in row.items()})
                    else:
                        new_rows.append(row)
                else:
                    deps[path] = c.inputs.record(done.reads)
                    restyled.append({"nid": ids[path], "h": done.html, "d": deps[path]})
            if replaced:
                conn.execute(replace_all, replaced)
                _delete_children(conn, [r["nid"] for r in replaced])
            if restyled:
                conn.execute(restyle, restyled)
            if new_rows:
                inserted = conn.execute(insert(Note).returning(Note.id, Note.path), new_rows)
                for nid, new_path in inserted:
                    ids[VaultPath(new_path)] = nid
            fresh = [c.notes[d.path] for d in batch if d.path in c.fresh]
            _insert_children(conn, ids, fresh, {n.path: c.files[n.path].size for n in fresh})

        relink = [p for p in c.notes if p in c.relink]
        stale = [ids[p] for p in relink if p in c.ids]
        for part in _chunks(stale):
            conn.execute(delete(Link).where(Link.source_id.in_(part)))
        _insert_links(conn, ids, {p: c.resolved[p] for p in relink})
        fps = [{"nid": ids[p], "f": c.links_fp[p]} for p in relink if p not in c.fresh]
        if fps:
            conn.execute(update(Note).where(by_id == bindparam("nid")).values(
                links_fp=bindparam("f")), fps)  # fmt: skip
        if c.terms is not None:
            _term_rows(conn, ids, c.terms)
        # A term's cards read its row and its note's deck (path and tags): parsed anew.
        if c.terms is not None or any(VaultPath(t.note_path) in c.fresh for t in c.all_terms):
            _term_cards(conn, ids, c.notes, c.all_terms)
        _drop_unused_tags(conn)
        conn.execute(delete(Attachment))
        if c.attachments:
            conn.execute(
                insert(Attachment),
                [{"path": a.path, "size": a.size, "mtime_ns": a.mtime_ns} for a in c.attachments],
            )
        write_boards(conn, ids, c.boards)
        meta = {
            "parser_version": PARSER_VERSION, "vault": c.vault_root,
            "indexed_at": c.now.isoformat(), CONFIG: c.config, GENERATION: c.generation,
        }  # fmt: skip
        conn.execute(delete(Meta).where(Meta.key.in_(list(meta))))
        conn.execute(insert(Meta), [{"key": k, "value": v} for k, v in meta.items()])
        # Every note parsed anew (a new parser, a first index): one rebuild beats updates.
        every = bool(c.notes) and all(p in c.fresh for p in c.notes)
        changed = None if every else [*c.gone, *(ids[p] for p in c.notes if p in c.fresh)]
        sync_search_index(conn, note_ids=changed)
    return Written(ids, deps)


def _restamp(conn: Connection, c: Changes) -> None:
    """Notes not parsed anew whose file was touched (same content): their new stamps."""
    rows = []
    for path, nid in c.ids.items():
        info = c.files.get(path)
        if info is None or path in c.fresh:
            continue
        now = (info.mtime_ns, info.size, c.hashes[path])
        if c.old_stamps[path] != now:
            rows.append({"nid": nid, "m": now[0], "s": now[1], "c": now[2]})
    if rows:
        conn.execute(
            update(Note).where(Note.__table__.c.id == bindparam("nid"))
            .values(mtime_ns=bindparam("m"), size=bindparam("s"), content_hash=bindparam("c")),
            rows,
        )  # fmt: skip


def _update_slugs(conn: Connection, c: Changes) -> None:
    """Existing notes whose slug changed (another note now reads the same and comes first).
    Through a temporary slug each, since two notes may swap theirs."""
    moved = [
        (nid, c.slugs[path]) for path, nid in c.ids.items()
        if path in c.slugs and c.old_slugs[path] != c.slugs[path]
    ]  # fmt: skip
    if not moved:
        return
    by_id = Note.__table__.c.id
    stmt = update(Note).where(by_id == bindparam("nid")).values(slug=bindparam("s"))
    conn.execute(stmt, [{"nid": nid, "s": f"~moving~{nid}"} for nid, _ in moved])
    conn.execute(stmt, [{"nid": nid, "s": slug} for nid, slug in moved])


def _drop_unused_tags(conn: Connection) -> None:
    """Tags no note uses, unless a tag in use sits below them."""
    used = set(
        conn.execute(
            select(Tag.name).where(Tag.id.in_(select(NoteTag.tag_id).distinct()))
        ).scalars()
    )
    keep = used | _parents(used)
    unused = [tid for tid, name in conn.execute(select(Tag.id, Tag.name)) if name not in keep]
    for part in _chunks(unused):
        conn.execute(delete(Tag).where(Tag.id.in_(part)))


def counts(engine: Engine, report: IndexReport) -> None:
    with engine.connect() as conn:
        report.notes = conn.execute(select(func.count(Note.id))).scalar_one()
        report.links = conn.execute(select(func.count(Link.id))).scalar_one()
        report.unresolved = conn.execute(
            select(func.count(Link.id)).where(Link.resolved.is_(False))
        ).scalar_one()
        report.terms = conn.execute(
            select(func.count(Term.id)).where(Term.empty.is_(False))
        ).scalar_one()
        report.tags = conn.execute(select(func.count(Tag.id))).scalar_one()
        report.attachments = conn.execute(select(func.count(Attachment.id))).scalar_one()
