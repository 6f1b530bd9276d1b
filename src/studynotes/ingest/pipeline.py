"""``index_vault``: discover, read and parse what changed, resolve, render, store."""

from __future__ import annotations

import os
import time
from dataclasses import astuple, dataclass, field, replace
from pathlib import Path

from sqlalchemy import Engine, select

from studynotes.config import Settings
from studynotes.db.models import Attachment, Meta, Note, Term, TermAlias
from studynotes.db.session import index_lock
from studynotes.glossary.collect import GlossaryTerm
from studynotes.glossary.marks import MarkTerm, TermMatcher, strip_line_marks
from studynotes.ingest import store
from studynotes.ingest.discover import FileInfo, Inventory, check_vault, discover
from studynotes.ingest.glossary import vault_terms
from studynotes.ingest.light import Landing, load_light
from studynotes.ingest.parse import ParsedNote
from studynotes.ingest.resolve import ResolvedLink, build_resolver, resolve_all, resolve_link
from studynotes.ingest.run import Progress, Run
from studynotes.ingest.scratch import Locator
from studynotes.ingest.store import Existing
from studynotes.ingest.work import ParseJob, RenderContext, Renderer, facts_only
from studynotes.markdown import PARSER_VERSION
from studynotes.paths import Resolver, VaultPath
from studynotes.render import finalize

__all__ = ["IndexReport", "IndexState", "Progress", "index_vault", "warm_state"]


@dataclass(slots=True)
class IndexReport:
    notes: int = 0
    links: int = 0
    unresolved: int = 0
    terms: int = 0
    tags: int = 0
    attachments: int = 0
    parsed: int = 0
    seconds: float = 0.0
    unchanged: bool = False
    skipped: list[tuple[str, str]] = field(default_factory=list)
    warnings: list[tuple[str, str]] = field(default_factory=list)
    phases: dict[str, float] = field(default_factory=dict)  # seconds spent in each step
    changed: list[str] = field(default_factory=list)  # slugs of notes parsed anew
    deleted: list[str] = field(default_factory=list)  # slugs of notes that went away

    def lap(self, phase: str, since: float) -> float:
        """Add the time from ``since`` to now to ``phase``; returns now."""
        now = time.perf_counter()
        self.phases[phase] = self.phases.get(phase, 0.0) + now - since
        return now

    def timings(self) -> str:
        return ", ".join(f"{name} {seconds:.2f} s" for name, seconds in self.phases.items())

    def summary(self) -> str:
        state = "unchanged, " if self.unchanged else f"{self.parsed} parsed, "
        return (
            f"{self.notes} notes ({state}{len(self.skipped)} skipped), {self.links} links "
            f"({self.unresolved} unresolved), {self.terms} terms, {self.tags} tags, "
            f"{self.attachments} attachments in {self.seconds:.2f} s"
        )


def _unchanged(
    existing: dict[str, Existing], notes: list[FileInfo], atts: dict[str, tuple[int, int]],
    attachments: list[FileInfo], version: str | None,
) -> bool:  # fmt: skip
    if version != PARSER_VERSION or len(existing) != len(notes) or len(atts) != len(attachments):
        return False
    for f in notes:
        old = existing.get(f.path)
        if old is None or (old.mtime_ns, old.size) != (f.mtime_ns, f.size):
            return False
    return all(atts.get(a.path) == (a.mtime_ns, a.size) for a in attachments)


def _load_existing(
    engine: Engine,
) -> tuple[dict[str, Existing], dict[str, tuple[int, int]], str | None]:
    with engine.connect() as conn:
        rows = conn.execute(
            select(Note.id, Note.path, Note.slug, Note.content_hash, Note.mtime_ns, Note.size)
        )
        existing = {
            r.path: Existing(r.id, r.slug, r.content_hash, r.mtime_ns, r.size) for r in rows
        }
        atts = {
            r.path: (r.mtime_ns, r.size)
            for r in conn.execute(select(Attachment.path, Attachment.mtime_ns, Attachment.size))
        }
        version = conn.execute(select(Meta.value).where(Meta.key == "parser_version")).scalar()
    return existing, atts, version


def _same_marks(engine: Engine, marks: list[MarkTerm]) -> bool:
    """Whether the glossary marks every note the same way as before (names, slugs, owners)."""
    with engine.connect() as conn:
        rows = conn.execute(
            select(Term.slug, Term.name, Note.path)
            .join(Note, Note.id == Term.note_id)
            .where(Term.empty.is_(False))
        ).all()
        aliases: dict[str, list[str]] = {}
        for slug, name in conn.execute(
            select(Term.slug, TermAlias.name).join(TermAlias, TermAlias.term_id == Term.id)
        ):
            aliases.setdefault(slug, []).append(name)
    before = {(slug, frozenset([name, *aliases.get(slug, [])]), path) for slug, name, path in rows}
    now = {(m.slug, frozenset(m.names), m.note_path) for m in marks}
    return before == now


def _affected(
    resolved: dict[VaultPath, list[ResolvedLink]],
    landings: dict[VaultPath, list[Landing]],
    fresh: dict[VaultPath, ParsedNote],
    before: dict[VaultPath, list[ResolvedLink]] | None = None,
) -> set[VaultPath]:
    """Notes whose HTML may differ now: the re-parsed ones, those whose links land elsewhere
    (a note or heading appeared or went away), and those that embed a re-parsed note.
    Where the links landed last time comes from ``before`` (last run's links, remembered)
    or else from ``landings`` (read back from the index)."""
    out = set(fresh)
    for path, links in resolved.items():
        if path in out:
            continue
        if any(link.raw.kind == "embed" and link.path in fresh for link in links):
            out.add(path)
            continue
        old = before.get(path) if before is not None else None
        if old is links:  # last run's very list: none of its links was resolved again
            continue
        was = landings.get(path, []) if old is None else _landings(old)
        if _landings(links) != was:
            out.add(path)
    return out


def _landings(links: list[ResolvedLink]) -> list[Landing]:
    return [(link.path, link.anchor, link.missing_anchor) for link in links]


@dataclass(slots=True)
class IndexState:
    """What a long-running process (the server's watcher) keeps between index runs, so a
    one-note change costs about one note: every note's facts without its HTML, where each
    link landed, the glossary's terms as collected, and the compiled glossary."""

    notes: dict[VaultPath, ParsedNote] = field(default_factory=dict)
    resolved: dict[VaultPath, list[ResolvedLink]] = field(default_factory=dict)
    names: frozenset[object] = frozenset()
    marks: frozenset[object] = frozenset()
    matcher: TermMatcher | None = None
    terms: list[GlossaryTerm] | None = None  # as collected, before links were filled in
    resolver: Resolver | None = None  # built from ``names``
    definitions: list[str] = field(default_factory=list)  # the terms' as last written

    def remember(
        self,
        notes: dict[VaultPath, ParsedNote],
        resolved: dict[VaultPath, list[ResolvedLink]],
        names: frozenset[object],
        marks: frozenset[object],
        matcher: TermMatcher,
        terms: list[GlossaryTerm],
        resolver: Resolver,
    ) -> None:
        self.notes = {p: facts_only(n) for p, n in notes.items()}
        self.resolved, self.names, self.marks, self.matcher = resolved, names, marks, matcher
        self.terms, self.resolver = terms, resolver

    def same_glossary(
        self, notes: dict[VaultPath, ParsedNote], fresh: dict[VaultPath, ParsedNote]
    ) -> bool:
        """Whether collecting the glossary again would give ``terms``: the same notes, and
        none parsed anew differs in anything a term is made from."""
        if (
            not self.terms
            or len(notes) != len(self.notes)
            or any(p not in self.notes for p in notes)
        ):
            return False
        return all(
            path in self.notes and _glossary_facts(self.notes[path]) == _glossary_facts(note)
            for path, note in fresh.items()
        )


def _glossary_facts(note: ParsedNote) -> tuple[object, ...]:
    """What the glossary reads from a note (see ``ingest.glossary``)."""
    first = note.first_paragraph
    return (
        note.title,
        tuple(note.aliases),
        note.glossary_flag,
        tuple(t.name for t in note.tags),
        (first.text, first.html) if first else None,
        tuple(astuple(t) for t in note.terms),
        tuple((h.line, h.anchor) for h in note.headings),
    )


def _names(notes: dict[VaultPath, ParsedNote], attachments: list[VaultPath]) -> frozenset[object]:
    """Everything a link can resolve to: if this is unchanged, only links into re-parsed
    notes (whose headings and blocks may have moved) can land differently."""
    return frozenset(
        [*((p, tuple(n.aliases)) for p, n in notes.items()), *((a, ()) for a in attachments)]
    )


def _marks_key(marks: list[MarkTerm]) -> frozenset[object]:
    """What decides where terms are marked in other notes (not the defining line)."""
    return frozenset((m.slug, frozenset(m.names), m.note_path) for m in marks)


def _resolve_changed(
    notes: dict[VaultPath, ParsedNote],
    resolver: Resolver,
    fresh: dict[VaultPath, ParsedNote],
    before: dict[VaultPath, list[ResolvedLink]],
) -> dict[VaultPath, list[ResolvedLink]]:
    """With the same names as last time (so last time's ``resolver``), re-resolve only
    re-parsed notes' links and links that land in a re-parsed note."""
    out: dict[VaultPath, list[ResolvedLink]] = {}
    for path, note in notes.items():
        old = before.get(path)
        if path in fresh or old is None:
            out[path] = [resolve_link(link, path, resolver, notes) for link in note.links]
        elif any(link.path in fresh for link in old):
            out[path] = [
                resolve_link(link.raw, path, resolver, notes) if link.path in fresh else link
                for link in old
            ]
        else:
            out[path] = old
    return out


def index_vault(
    settings: Settings,
    engine: Engine,
    *,
    progress: Progress | None = None,
    state: IndexState | None = None,
) -> IndexReport:
    """Bring the index in ``engine`` up to date with the vault; only changed files are parsed.
    One run at a time per database, across processes (a ``check`` while ``serve`` indexes)."""
    with index_lock(engine):
        return _index_vault(settings, engine, progress=progress, state=state)


def _index_vault(
    settings: Settings,
    engine: Engine,
    *,
    progress: Progress | None,
    state: IndexState | None,
) -> IndexReport:
    started = time.perf_counter()
    root = check_vault(settings.vault)
    inventory = discover(root, max_bytes=settings.max_file_bytes)
    report = IndexReport(skipped=list(inventory.skipped))
    existing, atts, version = _load_existing(engine)
    report.lap("discover", started)
    if _unchanged(existing, inventory.notes, atts, inventory.attachments, version):
        store.counts(engine, report)
        report.unchanged = True
        report.seconds = time.perf_counter() - started
        return report

    reparse_all = version != PARSER_VERSION
    jobs: list[ParseJob] = []
    for f in inventory.notes:
        old = existing.get(f.path)
        if old and not reparse_all and (old.mtime_ns, old.size) == (f.mtime_ns, f.size):
            continue
        old_hash = None if reparse_all or old is None else old.content_hash
        jobs.append(ParseJob(str(root), f.path, old_hash, settings.max_file_bytes))

    workers = settings.workers or os.cpu_count() or 1
    with Run(workers, engine) as run:
        return _index_jobs(
            settings, engine, run, jobs,
            root=root, inventory=inventory, report=report, existing=existing,
            reparse_all=reparse_all, progress=progress, state=state, started=started,
        )  # fmt: skip


def _index_jobs(
    settings: Settings,
    engine: Engine,
    run: Run,
    jobs: list[ParseJob],
    *,
    root: Path,
    inventory: Inventory,
    report: IndexReport,
    existing: dict[str, Existing],
    reparse_all: bool,
    progress: Progress | None,
    state: IndexState | None,
    started: float,
) -> IndexReport:
    # ``fresh``: this run's parses, whole, or only their facts when the whole parse went
    # to a scratch file (``where``).
    fresh: dict[VaultPath, ParsedNote] = {}
    where: dict[VaultPath, Locator] = {}
    hashes: dict[VaultPath, str] = {}
    skipped_paths: set[str] = set()
    clock = time.perf_counter()
    for outcome in run.parse(jobs, progress):
        if outcome.skip:
            report.skipped.append((outcome.path, outcome.skip))
            skipped_paths.add(outcome.path)
            continue
        hashes[outcome.path] = outcome.content_hash
        if outcome.note is not None:
            fresh[outcome.path] = outcome.note
            if outcome.where is not None:
                where[outcome.path] = outcome.where
    report.parsed = len(fresh)
    clock = report.lap("parse", clock)

    live = [f for f in inventory.notes if f.path not in skipped_paths]
    # A full run parses every note; a partial one reads the other notes' facts back from the
    # graph and their stored parses only when one must be rendered again.
    partial = bool(existing) and not reparse_all
    landings: dict[VaultPath, list[Landing]] = {}
    remembered = state is not None and bool(state.notes) and partial
    if remembered and state is not None:
        notes = {f.path: state.notes[f.path] for f in live if f.path in state.notes}
        missing = [f.path for f in live if f.path not in fresh and f.path not in notes]
        if missing:  # not seen last time yet not re-parsed: read its facts back
            extra, extra_landings = load_light(engine, missing)
            notes.update(extra)
            landings.update(extra_landings)
    elif partial:
        notes, landings = load_light(engine, (f.path for f in live if f.path not in fresh))
    else:
        notes = {}
    notes.update(fresh)
    notes = {f.path: notes[f.path] for f in live if f.path in notes}
    for path in fresh:
        report.warnings.extend((path, w) for w in fresh[path].warnings)

    attachments = [a.path for a in inventory.attachments]
    names = _names(notes, attachments)
    if remembered and state is not None and names == state.names and state.resolver:
        resolver = state.resolver
        resolved = _resolve_changed(notes, resolver, fresh, state.resolved)
    else:
        resolver = build_resolver(notes, attachments)
        resolved = resolve_all(notes, attachments, resolver)
    # Finalising fills in each definition's links, so the run works on copies and the state
    # keeps the terms as collected, to be finalised afresh next time.
    if (
        remembered
        and state is not None
        and state.terms is not None
        and state.same_glossary(notes, fresh)
    ):
        collected = state.terms
        terms = [replace(t, aliases=list(t.aliases)) for t in collected]
    else:
        terms = vault_terms(notes, folders=settings.glossary_folders, tags=settings.glossary_tags)
        collected = [replace(t, aliases=list(t.aliases)) for t in terms]
    slugs = store.assign_slugs(existing, list(notes))
    marks = [
        MarkTerm(t.slug, [t.name, *t.aliases], t.note_path, t.line) for t in terms if not t.empty
    ]
    marks_key = _marks_key(marks)
    same_marks = remembered and state is not None and marks_key == state.marks
    if same_marks and state is not None and state.matcher is not None:
        matcher = state.matcher.with_owners(marks)
    else:
        matcher = TermMatcher.build(marks)
    context = RenderContext(
        slugs, marks, settings.embed_depth, settings.term_marks, where=dict(where)
    )
    renderer = Renderer(
        context,
        matcher=matcher,
        engine=engine if partial else None,
        fresh={p: n for p, n in fresh.items() if p not in where},
    )
    if where:
        renderer.attach(run.scratch)
    affected: set[VaultPath] | None = None
    if partial and (same_marks or (not remembered and _same_marks(engine, marks))):
        before = state.resolved if remembered and state is not None else None
        affected = _affected(resolved, landings, fresh, before)
    vault = renderer.vault(resolved)
    for term in terms:
        definition = finalize(vault, VaultPath(term.note_path), term.definition_html)
        term.definition_html = strip_line_marks(definition)
    definitions = [t.definition_html for t in terms]
    # The same terms, finalised the same: the index's term rows are already right.
    same_terms = (
        remembered and state is not None and collected is state.terms
        and definitions == state.definitions
    )  # fmt: skip
    paths = [p for p in notes if affected is None or p in affected]
    clock = report.lap("resolve", clock)

    store.write(
        engine,
        files={f.path: f for f in live},
        existing=existing,
        notes=notes,
        fresh=set(fresh),
        hashes=hashes,
        slugs=slugs,
        rendered=run.render(renderer, paths, set(fresh), resolved),
        resolved=resolved,
        terms=None if same_terms else terms,
        attachments=inventory.attachments,
        vault_root=str(root),
        affected=affected,
    )
    renderer.close()
    clock = report.lap("render and store", clock)
    if state is not None:
        state.remember(notes, resolved, names, marks_key, matcher, collected, resolver)
        state.definitions = definitions
    report.changed = sorted(slugs[p] for p in fresh)
    report.deleted = sorted(old.slug for path, old in existing.items() if path not in notes)
    store.counts(engine, report)
    report.lap("count", clock)
    report.seconds = time.perf_counter() - started
    return report


def warm_state(settings: Settings, engine: Engine, state: IndexState) -> None:
    """Fill ``state`` from the index as it stands, so the first change is already cheap."""
    root = check_vault(settings.vault)
    inventory = discover(root, max_bytes=settings.max_file_bytes)
    with engine.connect() as conn:
        paths = list(conn.execute(select(Note.path)).scalars())
    notes, _ = load_light(engine, paths)
    attachments = [a.path for a in inventory.attachments]
    terms = vault_terms(notes, folders=settings.glossary_folders, tags=settings.glossary_tags)
    marks = [
        MarkTerm(t.slug, [t.name, *t.aliases], t.note_path, t.line) for t in terms if not t.empty
    ]
    resolver = build_resolver(notes, attachments)
    state.remember(
        notes,
        resolve_all(notes, attachments, resolver),
        _names(notes, attachments),
        _marks_key(marks),
        TermMatcher.build(marks),
        [replace(t, aliases=list(t.aliases)) for t in terms],
        resolver,
    )
