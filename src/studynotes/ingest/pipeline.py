"""``index_vault``: the stages in order, each one's output the next one's input.

discover (files and stamps) → plan (``ingest.plan``: what to redo) → parse (changed files,
in workers) → resolve (links and the glossary, whole vault) → render (pages whose inputs
changed, in workers) → store (one transaction). The memo of the last run (``ingest.memo``)
is the only thing read back, and it is read whole.
"""

from __future__ import annotations

import os
import time
from collections import defaultdict
from dataclasses import dataclass, replace
from pathlib import Path

from sqlalchemy import Engine

from studynotes.config import Settings
from studynotes.db.session import index_lock, settle
from studynotes.glossary.collect import GlossaryTerm
from studynotes.glossary.marks import MarkTerm, TermMatcher, strip_line_marks
from studynotes.ingest import plan, store
from studynotes.ingest.boards import index_boards
from studynotes.ingest.discover import FileInfo, Inventory, check_vault, discover
from studynotes.ingest.glossary import vault_terms
from studynotes.ingest.memo import Glossary, Memo, NoteMemo, load_memo, new_generation
from studynotes.ingest.memo import read_generation as _generation
from studynotes.ingest.parse import ParsedNote
from studynotes.ingest.render import finalize
from studynotes.ingest.report import IndexReport, Progress
from studynotes.ingest.resolve import ResolvedLink, build_resolver, resolve_link
from studynotes.ingest.run import Run
from studynotes.ingest.scratch import Locator
from studynotes.ingest.work import ParseJob, RenderContext, Renderer
from studynotes.markdown import PARSER_VERSION
from studynotes.paths import Resolver, VaultPath

__all__ = ["IndexReport", "IndexState", "Progress", "index_vault", "warm_state"]

SETTLE_AFTER = 100  # notes parsed in one run, after which the database is tidied (``settle``)


@dataclass(slots=True)
class IndexState:
    """What a long-running process (the server's watcher) keeps between index runs: the
    memo its last run left, so the next run neither reads it back nor redoes its work."""

    memo: Memo | None = None


@dataclass(slots=True)
class _Parsed:
    """The parse stage's output: this run's parses and every live note's content hash."""

    fresh: dict[VaultPath, ParsedNote]  # whole, or facts only when ``where`` has the rest
    where: dict[VaultPath, Locator]
    hashes: dict[VaultPath, str]
    live: list[VaultPath]


@dataclass(slots=True)
class _Resolved:
    """The resolve stage's output: where every link lands, and the glossary."""

    links: dict[VaultPath, list[ResolvedLink]]
    names_fp: str
    resolver: Resolver
    collected: list[GlossaryTerm]  # as collected; ``terms`` are copies, finalised later
    terms: list[GlossaryTerm]
    marks: list[MarkTerm]
    marks_fp: str
    matcher: TermMatcher
    owned: dict[str, str]  # note path -> fingerprint of the terms it defines


def index_vault(
    settings: Settings,
    engine: Engine,
    *,
    progress: Progress | None = None,
    state: IndexState | None = None,
) -> IndexReport:
    """Bring the index in ``engine`` up to date with the vault, redoing only what the plan
    says. One run at a time per database, across processes (a ``check`` while ``serve``
    indexes)."""
    with index_lock(engine):
        return _index_vault(settings, engine, progress=progress, state=state)


def _index_vault(
    settings: Settings, engine: Engine, *, progress: Progress | None, state: IndexState | None
) -> IndexReport:
    started = time.perf_counter()
    root = check_vault(settings.vault)
    inventory = discover(root, max_bytes=settings.max_file_bytes)
    report = IndexReport(skipped=list(inventory.skipped))
    memo = state.memo if state is not None else None
    if memo is None or memo.generation != _generation(engine):  # another process wrote
        memo = load_memo(engine)
    config = plan.config_fp(settings)
    clock = report.lap("discover", started)
    if plan.unchanged(inventory, memo, config):
        if state is not None:
            state.memo = memo
        store.counts(engine, report)
        report.unchanged = True
        report.seconds = time.perf_counter() - started
        return report

    workers = settings.workers or os.cpu_count() or 1
    with Run(workers, engine) as run:
        jobs = [
            ParseJob(str(root), f.path, old_hash, settings.max_file_bytes)
            for f, old_hash in plan.to_parse(inventory, memo)
        ]
        parsed = _parse(run, jobs, inventory, memo, report, progress)
        clock = report.lap("parse", clock)
        memo.load_facts(engine)
        notes = _facts(parsed, memo)
        attachments = [a.path for a in inventory.attachments]
        resolved = _resolve(settings, notes, attachments, parsed.fresh, memo)
        new = _render_and_store(
            settings, engine, run, inventory, parsed, notes, resolved, memo, config, report,
            root=str(root), clock=clock,
        )  # fmt: skip
    if state is not None:
        state.memo = new
    if len(jobs) >= SETTLE_AFTER:
        settle(engine)
    store.counts(engine, report)
    report.seconds = time.perf_counter() - started
    return report


def _parse(
    run: Run,
    jobs: list[ParseJob],
    inventory: Inventory,
    memo: Memo,
    report: IndexReport,
    progress: Progress | None,
) -> _Parsed:
    fresh: dict[VaultPath, ParsedNote] = {}
    where: dict[VaultPath, Locator] = {}
    hashes = {p: m.content_hash for p, m in memo.notes.items()}
    skipped: set[str] = set()
    for outcome in run.parse(jobs, progress):
        if outcome.skip:
            report.skipped.append((outcome.path, outcome.skip))
            skipped.add(outcome.path)
            continue
        hashes[outcome.path] = outcome.content_hash
        if outcome.note is not None:
            fresh[outcome.path] = outcome.note
            if outcome.where is not None:
                where[outcome.path] = outcome.where
            report.warnings.extend((outcome.path, w) for w in outcome.note.warnings)
    report.parsed = len(fresh)
    live = [f.path for f in inventory.notes if f.path not in skipped]
    return _Parsed(fresh, where, {p: hashes[p] for p in live}, live)


def _facts(parsed: _Parsed, memo: Memo) -> dict[VaultPath, ParsedNote]:
    """Every live note's facts: this run's parse, or the stored one."""
    out: dict[VaultPath, ParsedNote] = {}
    for path in parsed.live:
        note = parsed.fresh.get(path)
        if note is None:
            stored = memo.notes[path].facts
            if stored is None:
                raise LookupError(f"the index holds no parse of {path}")
            note = stored
        out[path] = note.facts_only()
    return out


def _resolve(
    settings: Settings,
    notes: dict[VaultPath, ParsedNote],
    attachments: list[VaultPath],
    fresh: dict[VaultPath, ParsedNote],
    memo: Memo,
) -> _Resolved:
    names = plan.names_fp(notes, attachments)
    redo = plan.to_resolve(notes, fresh, names, memo)
    if redo is None or memo.resolver is None or memo.resolved is None:
        resolver = build_resolver(notes, attachments)
        links = {
            path: [resolve_link(link, path, resolver, notes) for link in note.links]
            for path, note in notes.items()
        }
    else:
        resolver, last = memo.resolver, memo.resolved
        links = {
            path: [resolve_link(link, path, resolver, notes) for link in note.links]
            if path in redo
            else last[path]
            for path, note in notes.items()
        }
    before = {p: m.facts for p, m in memo.notes.items() if m.facts is not None}
    if memo.glossary is not None and plan.same_glossary(notes, fresh, memo, before):
        collected = memo.glossary.terms
    else:
        collected = vault_terms(
            notes,
            folders=settings.glossary_folders,
            tags=settings.glossary_tags,
            ignore=settings.glossary_ignore,
        )
    terms = [replace(t, aliases=list(t.aliases)) for t in collected]
    marks = [
        MarkTerm(t.slug, [t.name, *t.aliases], t.note_path, t.line)
        for t in terms
        if not t.empty and t.marked
    ]
    marks_fp = plan.fingerprint([(m.slug, tuple(m.names)) for m in marks])
    if memo.glossary is not None and memo.glossary.marks_fp == marks_fp:
        matcher = memo.glossary.matcher.with_owners(marks)
    else:
        matcher = TermMatcher.build(marks)
    owned: dict[str, list[tuple[str, int]]] = defaultdict(list)
    for m in marks:
        owned[m.note_path].append((m.slug, m.line))
    owned_fps = {path: plan.fingerprint(sorted(pairs)) for path, pairs in owned.items()}
    return _Resolved(links, names, resolver, collected, terms, marks, marks_fp, matcher, owned_fps)


def _render_and_store(
    settings: Settings,
    engine: Engine,
    run: Run,
    inventory: Inventory,
    parsed: _Parsed,
    notes: dict[VaultPath, ParsedNote],
    resolved: _Resolved,
    memo: Memo,
    config: str,
    report: IndexReport,
    *,
    root: str,
    clock: float,
) -> Memo:
    fresh = parsed.fresh
    old = memo.notes
    # Slugs are a function of the set of paths; a link's fingerprint of its own resolution
    # and those slugs: with both unchanged, last run's values stand.
    same = (
        memo.version == PARSER_VERSION and len(old) == len(notes) and all(p in old for p in notes)
    )
    slugs = {p: old[p].slug for p in notes} if same else store.assign_slugs(notes)
    last = memo.resolved if same and memo.resolved is not None else {}
    link_fps = {
        p: old[p].links_fp if last.get(p) is links else plan.links_fp(links, slugs)
        for p, links in resolved.links.items()
    }
    files = {f.path: f for f in inventory.notes}
    dataview = _dataview(notes, resolved.links, files, parsed.hashes)
    inputs = plan.Inputs(
        parsed.hashes, link_fps, resolved.marks_fp, resolved.owned, config, dataview
    )
    paths, relink = plan.to_render(notes, fresh, memo, inputs)

    context = RenderContext(
        slugs, resolved.marks, settings.embed_depth, settings.term_marks,
        where=dict(parsed.where),
    )  # fmt: skip
    renderer = Renderer(
        context,
        matcher=resolved.matcher,
        engine=engine,
        fresh={p: n for p, n in fresh.items() if p not in parsed.where},
    )
    if parsed.where:
        renderer.attach(run.scratch)
    vault = renderer.vault(resolved.links)
    for term in resolved.terms:
        definition = finalize(vault, VaultPath(term.note_path), term.definition_html)
        term.definition_html = strip_line_marks(definition)
    term_rows = [store.term_row(t) for t in resolved.terms]
    clock = report.lap("resolve", clock)

    live_old = {p: m for p, m in old.items() if p in notes}
    changes = store.Changes(
        files={p: files[p] for p in notes},
        notes=notes,
        fresh=set(fresh),
        hashes=parsed.hashes,
        slugs=slugs,
        ids={p: m.id for p, m in live_old.items()},
        old_slugs={p: m.slug for p, m in live_old.items()},
        old_stamps={p: (m.mtime_ns, m.size, m.content_hash) for p, m in live_old.items()},
        gone=[m.id for p, m in old.items() if p not in notes],
        resolved=resolved.links,
        links_fp=link_fps,
        relink=relink,
        inputs=inputs,
        terms=None if term_rows == memo.term_rows else resolved.terms,
        all_terms=resolved.terms,
        attachments=inventory.attachments,
        boards=index_boards(Path(root), inventory.attachments, resolved.resolver, notes),
        vault_root=root,
        config=config,
        generation=new_generation(),
    )
    written = store.write(engine, changes, run.render(renderer, paths, set(fresh), resolved.links))
    renderer.close()
    report.lap("render and store", clock)
    report.rendered = len(paths)
    # Query results are worked out when a page is read: an open page showing a query learns
    # of a change to anything queries read as if the page itself had changed.
    shown = set(paths) | (_showing(notes, resolved.links) if dataview != memo.dataview else set())
    report.changed = sorted(slugs[p] for p in shown)
    report.deleted = sorted(m.slug for p, m in old.items() if p not in notes)

    new_notes: dict[VaultPath, NoteMemo] = {}
    for path, note in notes.items():
        f = files[path]
        before = old.get(path)
        render_deps = written.deps.get(path)
        if render_deps is None and before is not None:
            render_deps = before.render_deps
        new_notes[path] = NoteMemo(
            written.ids[path], slugs[path], parsed.hashes[path], f.mtime_ns, f.size,
            link_fps[path], render_deps or {}, note,
        )  # fmt: skip
    return Memo(
        notes=new_notes,
        attachments={a.path: (a.mtime_ns, a.size) for a in inventory.attachments},
        version=PARSER_VERSION,
        config=config,
        generation=changes.generation,
        facts_loaded=True,
        resolved=resolved.links,
        names_fp=resolved.names_fp,
        resolver=resolved.resolver,
        glossary=Glossary(resolved.collected, resolved.marks_fp, resolved.matcher),
        term_rows=term_rows,
        dataview=dataview,
    )


def _dataview(
    notes: dict[VaultPath, ParsedNote],
    links: dict[VaultPath, list[ResolvedLink]],
    files: dict[VaultPath, FileInfo],
    hashes: dict[VaultPath, str],
) -> str:
    """The ``dataview`` input's fingerprint; empty when no note holds a query."""
    if not any(n.queries for n in notes.values()):
        return ""
    stamps = {p: (files[p].mtime_ns, files[p].size) for p in notes}
    return plan.dataview_fp({p: hashes[p] for p in notes}, links, stamps)


def _showing(
    notes: dict[VaultPath, ParsedNote], links: dict[VaultPath, list[ResolvedLink]]
) -> set[VaultPath]:
    """The notes whose pages show a query: their own, or one in a note they embed."""
    showing = {p for p, n in notes.items() if n.queries}
    grew = bool(showing)
    while grew:
        more = {
            p for p, found in links.items() if p not in showing
            and any(link.raw.kind == "embed" and link.path in showing for link in found)
        }  # fmt: skip
        showing |= more
        grew = bool(more)
    return showing


def warm_state(settings: Settings, engine: Engine, state: IndexState) -> None:
    """Fill ``state`` from the index as it stands, so the first change is already cheap."""
    memo = load_memo(engine)
    memo.load_facts(engine)
    notes = {p: m.facts for p, m in memo.notes.items() if m.facts is not None}
    if len(notes) != len(memo.notes):
        return
    attachments = list(memo.attachments)
    resolved = _resolve(settings, notes, attachments, {}, memo)
    memo.resolved, memo.names_fp, memo.resolver = (
        resolved.links, resolved.names_fp, resolved.resolver,
    )  # fmt: skip
    memo.glossary = Glossary(resolved.collected, resolved.marks_fp, resolved.matcher)
    state.memo = memo
