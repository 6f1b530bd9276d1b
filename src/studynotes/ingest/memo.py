"""What earlier index runs left: every note's stored parse facts and the keys of what was
derived from them. An index run reads it from the database; the server's watcher keeps the
one its last run produced, with the whole-vault values that are too costly to store (where
every link landed, the resolver, the glossary), so a one-note edit costs about one note.

Either way the memo holds only what the database holds, so both paths plan the same work.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from sqlalchemy import Engine, select

from studynotes.db.models import Attachment, Meta, Note
from studynotes.glossary.collect import GlossaryTerm
from studynotes.glossary.marks import TermMatcher
from studynotes.ingest.parse import ParsedNote
from studynotes.ingest.resolve import ResolvedLink
from studynotes.paths import Resolver, VaultPath

GENERATION = "generation"  # the Meta key naming the index's state: a new value each run
CONFIG = "config"  # the Meta key of the rendering settings' fingerprint


@dataclass(slots=True)
class NoteMemo:
    id: int
    slug: str
    content_hash: str
    mtime_ns: int
    size: int
    links_fp: str = ""
    render_deps: dict[str, str] = field(default_factory=dict)
    facts: ParsedNote | None = None  # loaded only when a run has work to do


@dataclass(slots=True)
class Glossary:
    """The vault's glossary as last collected, and the matcher built from it."""

    terms: list[GlossaryTerm]  # as collected, before definitions were finalised
    marks_fp: str
    matcher: TermMatcher


@dataclass(slots=True)
class Memo:
    notes: dict[VaultPath, NoteMemo] = field(default_factory=dict)
    attachments: dict[VaultPath, tuple[int, int]] = field(default_factory=dict)
    version: str | None = None  # the parser version of the stored parses
    config: str | None = None
    generation: str | None = None
    facts_loaded: bool = False
    # Only in a long-running process: last run's whole-vault values.
    resolved: dict[VaultPath, list[ResolvedLink]] | None = None
    names_fp: str | None = None
    resolver: Resolver | None = None
    glossary: Glossary | None = None
    term_rows: list[tuple[object, ...]] | None = None
    dataview: str | None = None  # what queries read, last run (``plan.dataview_fp``)

    def load_facts(self, engine: Engine) -> None:
        """Read every note's facts record, whole, as parsing stored it, and the inputs its
        page was rendered from: what a run needs once it has work to do."""
        if self.facts_loaded:
            return
        with engine.connect() as conn:
            rows = conn.execute(select(Note.path, Note.parsed, Note.render_deps))
            for path, parsed, deps in rows:
                memo = self.notes.get(VaultPath(path))
                if memo is not None:
                    memo.facts = ParsedNote.from_parts(parsed)
                    memo.render_deps = dict(deps or {})
        self.facts_loaded = True


def read_generation(engine: Engine) -> str | None:
    with engine.connect() as conn:
        value = conn.execute(select(Meta.value).where(Meta.key == GENERATION)).scalar()
    return value


def new_generation() -> str:
    return uuid.uuid4().hex


def load_memo(engine: Engine) -> Memo:
    """The notes' stamps and keys as the index holds them: enough to tell that nothing
    changed (facts and render inputs come with ``Memo.load_facts``)."""
    memo = Memo()
    with engine.connect() as conn:
        rows = conn.execute(
            select(
                Note.id, Note.path, Note.slug, Note.content_hash, Note.mtime_ns, Note.size,
                Note.links_fp,
            )
        )  # fmt: skip
        for r in rows:
            memo.notes[VaultPath(r.path)] = NoteMemo(
                r.id, r.slug, r.content_hash, r.mtime_ns, r.size, r.links_fp or ""
            )  # fmt: skip
        memo.attachments = {
            VaultPath(r.path): (r.mtime_ns, r.size)
            for r in conn.execute(select(Attachment.path, Attachment.mtime_ns, Attachment.size))
        }
        meta = {k: v for k, v in conn.execute(select(Meta.key, Meta.value))}
    memo.version = meta.get("parser_version")
    memo.config = meta.get(CONFIG)
    memo.generation = meta.get(GENERATION)
    return memo
