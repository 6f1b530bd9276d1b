"""Write the concept graph in one transaction: readers see the old index or the new one."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Engine, bindparam, delete, func, insert, select, update

from studynotes.db.bulk import insert_rows
from studynotes.db.models import (
    Alias,
    Attachment,
    Block,
    Heading,
    Link,
    Meta,
    Note,
    NoteTag,
    Tag,
    Term,
    TermAlias,
)
from studynotes.db.search import sync_search_index
from studynotes.glossary.collect import GlossaryTerm
from studynotes.ingest.discover import FileInfo
from studynotes.ingest.parse import ParsedNote
from studynotes.ingest.resolve import ResolvedLink
from studynotes.ingest.work import Rendered
from studynotes.markdown import PARSER_VERSION
from studynotes.paths import VaultPath, path_slug, unique

if TYPE_CHECKING:
    from studynotes.ingest.pipeline import IndexReport

_CHUNK = 500


@dataclass(slots=True, frozen=True)
class Existing:
    id: int
    slug: str
    content_hash: str
    mtime_ns: int
    size: int


def assign_slugs(existing: dict[str, Existing], paths: Sequence[VaultPath]) -> dict[VaultPath, str]:
    """Existing notes keep their slug (links stay stable); new ones take the next free one."""
    live = set(paths)
    slugs: dict[VaultPath, str] = {}
    taken: set[str] = set()
    for path in paths:
        old = existing.get(path)
        if old is not None:
            slugs[path] = old.slug
            taken.add(old.slug.casefold())
    for path in sorted(p for p in live if p not in slugs):
        base = path_slug(path)
        slug = unique(base.casefold(), taken)
        slugs[path] = slug
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
    note: ParsedNote, done: Rendered, info: FileInfo, slug: str, content_hash: str, now: dt.datetime
) -> dict[str, Any]:
    """A note parsed anew: its facts from ``note``, its stored text and parse from ``done``."""
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
        "indexed_at": now,
        "html": done.html,
        "text": done.text,
        "parsed": done.parsed,
        "warnings": note.warnings,
    }


_NOTE_FIELDS = (
    "path", "slug", "title", "frontmatter", "content_hash", "mtime_ns", "size", "created",
    "updated", "indexed_at", "html", "text", "parsed", "warnings",
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
        for model in (Heading, Block, Alias):
            conn.execute(delete(model).where(model.note_id.in_(part)))
        conn.execute(delete(NoteTag).where(NoteTag.note_id.in_(part)))


def _insert_children(
    conn: Connection, ids: dict[VaultPath, int], notes: Iterable[ParsedNote]
) -> None:
    headings, blocks, aliases, tag_uses = [], [], [], []
    for note in notes:
        nid = ids[note.path]
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
    for rows, model in ((headings, Heading), (blocks, Block), (aliases, Alias)):
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


def write(
    engine: Engine,
    *,
    files: dict[VaultPath, FileInfo],
    existing: dict[str, Existing],
    notes: dict[VaultPath, ParsedNote],
    fresh: set[VaultPath],
    hashes: dict[VaultPath, str],
    slugs: dict[VaultPath, str],
    rendered: Iterable[Rendered],
    resolved: dict[VaultPath, list[ResolvedLink]],
    terms: Sequence[GlossaryTerm] | None,
    attachments: Sequence[FileInfo],
    vault_root: str,
    affected: set[VaultPath] | None = None,
) -> None:
    """``rendered`` brings the notes whose HTML was worked out again: every note, or those
    in ``affected``; the others keep theirs. It is consumed as the rows are written, so
    rendering (in workers) and writing overlap and no run holds every page at once.
    ``terms`` None keeps the glossary the index has."""
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    with engine.begin() as conn:
        gone = [old.id for path, old in existing.items() if path not in notes]
        for part in _chunks(gone):
            conn.execute(delete(Note).where(Note.id.in_(part)))
        if affected is None:
            conn.execute(delete(Link))
        else:
            stale = [existing[p].id for p in affected if p in existing]
            for part in _chunks(stale):
                conn.execute(delete(Link).where(Link.source_id.in_(part)))

        ids: dict[VaultPath, int] = {p: existing[p].id for p in notes if p in existing}
        by_id = Note.__table__.c.id
        stamps = []  # notes not rendered again whose file was touched (same content)
        for path in notes:
            old = existing.get(path)
            info = files[path]
            if old is None or path in fresh or affected is None or path in affected:
                continue
            if (old.mtime_ns, old.size) != (info.mtime_ns, info.size):
                c = hashes.get(path, old.content_hash)
                stamps.append({"nid": old.id, "m": info.mtime_ns, "s": info.size, "c": c})
        if stamps:
            conn.execute(
                update(Note).where(by_id == bindparam("nid"))
                .values(mtime_ns=bindparam("m"), size=bindparam("s"), content_hash=bindparam("c")),
                stamps,
            )  # fmt: skip

        replace_all = update(Note).where(by_id == bindparam("nid"))
        replace_all = replace_all.values({f: bindparam(f"v_{f}") for f in _NOTE_FIELDS})
        restyle = update(Note).where(by_id == bindparam("nid")).values(
            html=bindparam("h"), mtime_ns=bindparam("m"), size=bindparam("s"),
            content_hash=bindparam("c"),
        )  # fmt: skip
        for batch in _batches(rendered):
            new_rows: list[dict[str, Any]] = []
            replaced: list[dict[str, Any]] = []
            restyled: list[dict[str, Any]] = []
            for done in batch:
                path = done.path
                old = existing.get(path)
                info = files[path]
                if path in fresh:
                    row = _note_row(notes[path], done, info, slugs[path], hashes[path], now)
                    if old is None:
                        new_rows.append(row)
                    else:
                        replaced.append({"nid": old.id} | {f"v_{k}": v for k, v in row.items()})
                elif old is not None:
                    c = hashes.get(path, old.content_hash)
                    restyled.append(
                        {"nid": old.id, "h": done.html, "m": info.mtime_ns, "s": info.size, "c": c}
                    )
            if replaced:
                conn.execute(replace_all, replaced)
                _delete_children(conn, [r["nid"] for r in replaced])
            if restyled:
                conn.execute(restyle, restyled)
            if new_rows:
                inserted = conn.execute(insert(Note).returning(Note.id, Note.path), new_rows)
                for nid, new_path in inserted:
                    ids[VaultPath(new_path)] = nid
            _insert_children(conn, ids, [notes[d.path] for d in batch if d.path in fresh])

        _insert_links(
            conn, ids, resolved if affected is None else {p: resolved[p] for p in affected}
        )
        if terms is not None:  # None: the glossary is as the index has it
            _term_rows(conn, ids, terms)
        conn.execute(delete(Tag).where(~Tag.id.in_(select(NoteTag.tag_id)), ~Tag.name.in_(
            select(Tag.parent).where(Tag.parent.is_not(None)).scalar_subquery()
        )))  # fmt: skip
        conn.execute(delete(Attachment))
        if attachments:
            conn.execute(
                insert(Attachment),
                [{"path": a.path, "size": a.size, "mtime_ns": a.mtime_ns} for a in attachments],
            )
        conn.execute(delete(Meta).where(Meta.key.in_(["parser_version", "vault", "indexed_at"])))
        conn.execute(
            insert(Meta),
            [
                {"key": "parser_version", "value": PARSER_VERSION},
                {"key": "vault", "value": vault_root},
                {"key": "indexed_at", "value": now.isoformat()},
            ],
        )
        # Every note parsed anew (a new parser, a first index): one rebuild beats updates.
        every = bool(notes) and all(p in fresh for p in notes)
        changed = None if every else [*gone, *(ids[p] for p in notes if p in fresh)]
        sync_search_index(conn, note_ids=changed)


def counts(engine: Engine, report: IndexReport) -> None:
    with engine.connect() as conn:
        report.notes = conn.execute(select(func.count(Note.id))).scalar_one()
        report.links = conn.execute(select(func.count(Link.id))).scalar_one()
        report.unresolved = conn.execute(
            select(func.count(Link.id)).where(Link.resolved.is_(False))
        ).scalar_one()
        report.terms = conn.execute(select(func.count(Term.id))).scalar_one()
        report.tags = conn.execute(select(func.count(Tag.id))).scalar_one()
        report.attachments = conn.execute(select(func.count(Attachment.id))).scalar_one()
