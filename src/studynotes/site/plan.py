"""What a rebuild must make again, from what the last build was made of.

A build records a ``Snapshot`` of the index: a fingerprint of each note (everything of it a
page can show), the notes each links to, and one fingerprint of everything else a page can
show of the vault (names, paths, aliases, the glossary, tags, attachments and boards). The
next build compares. When that "world" changed, every page may have, and everything is made
again. Otherwise only the changed notes matter, and the files that show them:

- a changed note's page, previews and neighbourhood graph;
- the pages and graphs of its neighbours, before and after (backlinks, outgoing links and a
  local graph show a neighbour's words and links);
- each term page that listed it last time, and each whose names it now contains;
- the site-wide pages (folders, tags, search, the glossary), which are made every time;
- the notes holding Dataview queries, whose results may read any note.

A test builds a vault, edits it at random, and checks that the rebuild writes the same
files, byte for byte, as a build from nothing.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from studynotes.db.models import (
    Alias,
    Attachment,
    Link,
    Note,
    NoteTag,
    Tag,
    Term,
    TermAlias,
)

__all__ = ["Plan", "Snapshot", "plan_rebuild", "snapshot"]

_QUERY_MARKER = "data-sn-source"  # a rendered Dataview block (``web.views.queries``)


@dataclass(slots=True)
class Snapshot:
    world: str = ""
    notes: dict[str, str] = field(default_factory=dict)  # slug -> fingerprint
    out: dict[str, list[str]] = field(default_factory=dict)  # slug -> slugs it links to
    queries: list[str] = field(default_factory=list)  # notes holding Dataview results
    tags: dict[str, list[str]] = field(default_factory=dict)  # slug -> its tags
    paths: dict[str, str] = field(default_factory=dict)  # slug -> path (part of the world)

    def saved(self) -> dict[str, Any]:
        index = {slug: i for i, slug in enumerate(self.notes)}
        return {
            "world": self.world,
            "notes": list(self.notes.items()),
            "out": [[index[s], *(index[t] for t in ts)] for s, ts in self.out.items() if ts],
            "queries": self.queries,
            "tags": {s: ts for s, ts in self.tags.items() if ts},
        }

    @classmethod
    def load(cls, saved: Any) -> Snapshot | None:
        try:
            notes = {str(s): str(fp) for s, fp in saved["notes"]}
            slugs = list(notes)
            out = {slugs[row[0]]: [slugs[i] for i in row[1:]] for row in saved["out"]}
            tags = {str(s): [str(t) for t in ts] for s, ts in saved["tags"].items()}
            queries = [str(q) for q in saved["queries"]]
            return cls(str(saved["world"]), notes, out, queries, tags)
        except (KeyError, TypeError, ValueError, IndexError, AttributeError):
            return None


def _digest(parts: Iterable[object]) -> str:
    h = hashlib.sha256()
    for part in parts:
        h.update(json.dumps(part, sort_keys=True, default=str, ensure_ascii=False).encode())
        h.update(b"\0")
    return h.hexdigest()


def snapshot(db: Session) -> Snapshot:
    """The index as a build sees it (a few whole-table reads)."""
    tags: dict[int, list[str]] = defaultdict(list)
    for nid, name in db.execute(
        select(NoteTag.note_id, Tag.name).join(Tag, Tag.id == NoteTag.tag_id).order_by(Tag.name)
    ):
        tags[nid].append(name)
    aliases: dict[int, list[str]] = defaultdict(list)
    for nid, name in db.execute(select(Alias.note_id, Alias.name).order_by(Alias.id)):
        aliases[nid].append(name)
    slug_of: dict[int, str] = {}
    notes: dict[str, str] = {}
    paths: dict[str, str] = {}
    names: list[object] = []
    queries: list[str] = []
    rows = db.execute(
        select(
            Note.id, Note.slug, Note.title, Note.path, Note.html, Note.text, Note.frontmatter,
            Note.inline_fields, Note.updated, Note.created, Note.size, Note.mtime_ns,
        ).order_by(Note.slug)
    )  # fmt: skip
    for row in rows:
        slug_of[row.id] = row.slug
        notes[row.slug] = _digest(
            (row.html, row.text, row.frontmatter, row.inline_fields, row.updated, row.created,
             row.size, row.mtime_ns, tags.get(row.id, []))
        )  # fmt: skip
        names.append((row.slug, row.title, row.path, aliases.get(row.id, [])))
        paths[row.slug] = row.path
        if _QUERY_MARKER in (row.html or ""):
            queries.append(row.slug)
    out: dict[str, list[str]] = defaultdict(list)
    for src, dst in db.execute(
        select(Link.source_id, Link.target_id)
        .where(Link.target_id.is_not(None))
        .distinct()
        .order_by(Link.source_id, Link.target_id)
    ):
        if src in slug_of and dst in slug_of:
            out[slug_of[src]].append(slug_of[dst])
    term_names: dict[int, list[str]] = defaultdict(list)
    for tid, name in db.execute(select(TermAlias.term_id, TermAlias.name).order_by(TermAlias.id)):
        term_names[tid].append(name)
    terms = [
        (*row[1:], term_names.get(row[0], []))
        for row in db.execute(
            select(
                Term.id, Term.slug, Term.name, Term.definition_html, Term.note_id, Term.anchor,
                Term.empty,
            ).order_by(Term.slug)
        )
    ]  # fmt: skip
    files = list(db.execute(select(Attachment.path, Attachment.size, Attachment.mtime_ns)).all())
    world = _digest(
        (names, terms, sorted(set(t for ts in tags.values() for t in ts)),
         sorted(tuple(f) for f in files))
    )  # fmt: skip
    by_slug = {slug_of[nid]: ts for nid, ts in tags.items() if nid in slug_of}
    return Snapshot(world, notes, dict(out), queries, by_slug, paths)


@dataclass(slots=True)
class Plan:
    """The notes whose page, previews and graph are made again, the terms whose page is,
    and the tags and folders whose pages and graphs are; everything else of the last build
    is kept as it is (the home page, the glossary's and the search index are made again)."""

    changed: set[str]
    pages: set[str]  # note pages and graphs
    terms: set[str]
    tags: set[str] = field(default_factory=set)  # the changed notes' tags, before and after
    folders: set[str] = field(default_factory=set)  # the folders holding a changed note

    def remakes_tag(self, tag: str) -> bool:
        """Whether a tag's page or graph may show a changed note (its own tags, those
        nested in it, and those it is nested in)."""
        return any(
            tag == t or t.startswith(tag + "/") or tag.startswith(t + "/") for t in self.tags
        )


def _near(snap: Snapshot, slugs: set[str]) -> set[str]:
    """``slugs`` and the notes linked to or from one of them."""
    found = set(slugs)
    for src, targets in snap.out.items():
        if src in slugs:
            found.update(targets)
        elif not slugs.isdisjoint(targets):
            found.add(src)
    return found


def plan_rebuild(
    before: Snapshot | None,
    now: Snapshot,
    uses: dict[str, list[str]],
    term_names: dict[str, list[str]],
    texts: dict[str, str],
) -> Plan | None:
    """What to make again (None: everything). ``uses``: each term page's notes, as the last
    build listed them; ``term_names``: each term's names now; ``texts``: the changed notes'
    text now (read by the caller for the notes ``changed_notes`` names)."""
    if before is None or before.world != now.world or set(before.notes) != set(now.notes):
        return None
    changed = changed_notes(before, now)
    pages = _near(before, changed) | _near(now, changed) | set(now.queries)
    terms = {term for term, listed in uses.items() if not changed.isdisjoint(listed)}
    lowered = [t.lower() for t in texts.values()]
    for term, names in term_names.items():
        if term not in terms and any(_may_name(text, names) for text in lowered):
            terms.add(term)
    tags = {t for slug in changed for t in (*before.tags.get(slug, []), *now.tags.get(slug, []))}
    folders = {""}
    for slug in changed:
        parts = now.paths.get(slug, "").split("/")[:-1]
        folders.update("/".join(parts[: i + 1]) for i in range(len(parts)))
    return Plan(changed | set(now.queries), pages, terms, tags, folders)


def changed_notes(before: Snapshot, now: Snapshot) -> set[str]:
    return {slug for slug, fp in now.notes.items() if before.notes.get(slug) != fp}


def _may_name(text: str, names: list[str]) -> bool:
    """Whether lower-cased ``text`` may hold one of ``names`` as the glossary finds them
    (whole words, a plural): a looser test, never missing one that it holds."""
    for name in names:
        key = name.lower().strip()
        if key and (key in text or (key.endswith("y") and key[:-1] in text)):
            return True
    return False
