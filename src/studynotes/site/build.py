"""``build_site``: the indexed vault as a static site in a folder.

The many files (a page, a neighbourhood graph and previews per note, a page per term) are
made in batches, in workers for a big vault (``site.work``), while this process makes the
rest: the site-wide pages, the JSON of folders, tags and terms, and the search shards
(``site.search``). Then the previews the pages link to, round by round (a preview links
on), and the attachments and board pictures they show, and the static assets. Every file
goes through ``SiteOutput``, which writes only changed bytes and removes what the last
build made and this one did not.
"""

from __future__ import annotations

import hashlib
import time
from collections import Counter
from collections.abc import Callable, Iterable
from concurrent.futures import Future
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote

from fastapi import FastAPI
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from studynotes import __version__
from studynotes.config import Settings
from studynotes.db.models import Note
from studynotes.ingest.pool import INDEXER_MODULES
from studynotes.resources import resource_dir
from studynotes.site import api
from studynotes.site.links import SiteLinks, page_file
from studynotes.site.output import MANIFEST, SiteOutput, WriteReport, check_output
from studynotes.site.pages import SiteSource, note_slugs, request_for, site_pages
from studynotes.site.plan import Plan, Snapshot, changed_notes, plan_rebuild, snapshot
from studynotes.site.search import search_shards
from studynotes.site.work import (
    BATCH,
    Batch,
    Item,
    Kind,
    Makers,
    site_app,
    start_makers,
    workers_for,
)
from studynotes.urls import note_url, term_url
from studynotes.web import views
from studynotes.web.routes import pages
from studynotes.web.views.graph import NOTES_UP_TO

__all__ = ["BuildReport", "build_site", "normal_base", "start_early"]


@dataclass(slots=True)
class BuildReport:
    pages: int = 0
    workers: int = 1  # processes that made the notes' files; 0: nothing needed making
    written: WriteReport = field(default_factory=WriteReport)
    phases: dict[str, float] = field(default_factory=dict)
    planned: bool = False  # made again only what changed since the last build
    notes_made: int = 0  # note pages made (the others kept from the last build)
    terms_made: int = 0

    def lap(self, phase: str, since: float) -> float:
        now = time.perf_counter()
        self.phases[phase] = self.phases.get(phase, 0.0) + now - since
        return now

    def summary(self) -> str:
        w = self.written
        if self.workers == 0:
            return f"unchanged since the last build: {w.files} files ({w.bytes / 1e6:.1f} MB)"
        made = f"{self.pages} pages"
        if self.planned:
            made = f"{self.pages} pages made again, the others kept"
        return (
            f"{made}, {w.files} files ({w.bytes / 1e6:.1f} MB): "
            f"{len(w.written)} written, {len(w.removed)} removed, "
            f"{w.files - len(w.written)} unchanged"
        )


def normal_base(base: str) -> str:
    """``notes`` or ``/notes`` as ``/notes/``; the site's root is ``/``."""
    inner = base.strip().strip("/")
    return f"/{inner}/" if inner else "/"


@dataclass(slots=True)
class _Gather:
    """What the batches made, written as they come back, and what their links ask for."""

    output: SiteOutput
    links: SiteLinks
    report: BuildReport

    def take(self, batches: Iterable[Future[Batch]]) -> None:
        for future in batches:
            batch = future.result()
            for done in batch.files:
                if done.name.endswith(".html"):
                    self.report.pages += 1
                self.output.record(done)
            self.links.files |= batch.attachments
            self.links.boards |= batch.boards
            self.links.previews |= batch.previews


def _batches(makers: Makers, kind: Kind, items: list[Item]) -> list[Future[Batch]]:
    return [makers.submit(kind, items[i : i + BATCH]) for i in range(0, len(items), BATCH)]


def build_site(
    settings: Settings,
    engine: Engine,
    out: Path,
    *,
    base: str = "/",
    workers: int | None = None,
) -> BuildReport:
    """Write the site of the (already indexed) vault into ``out``; ``workers``: processes
    that make the notes' files (default: one a core for a big vault, else none). A rebuild
    makes again only what ``site.plan`` says may have changed."""
    check_output(out, settings.vault)
    out.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    base = normal_base(base)
    output = SiteOutput(out)
    code = code_stamp(base)
    with Session(engine) as db:
        output.source = source_stamp(views.indexed_at(db), code)
        if output.up_to_date():
            output.keep_all()
            return BuildReport(workers=0, written=output.finish())
        slugs = note_slugs(db)
        if not _may_keep(output, code) and workers_for(settings, len(slugs), workers) > 1:
            start_makers()  # everything is made: the workers load while the snapshot is read
        glossary = views.load_glossary(db)
        now = snapshot(db)
        plan = _plan(db, output, code, now, glossary)
    output.state = {"code": code, "snapshot": now.saved()}
    app = site_app(settings, engine, base)
    links = SiteLinks(base)
    notes, terms = list(slugs), list(glossary.terms)
    if plan is not None:
        notes, terms = _keep(output, links, plan, slugs, terms)
    report = BuildReport(workers=workers_for(settings, len(notes), workers))
    report.planned = plan is not None
    report.notes_made, report.terms_made = len(notes), len(terms)
    gather = _Gather(output, links, report)
    makers = Makers(settings, engine, app, base, output, report.workers)
    try:
        many = [
            *_batches(makers, "notes", [(slug, "") for slug in notes]),
            *_batches(makers, "terms", [(slug, "") for slug in terms]),
            *_batches(makers, "graphs", [(slug, "") for slug in notes]),
        ]
        kept = _kept_site_wide(output, links, plan, now)
        _site_wide(SiteSource(app, settings.vault), engine, links, output, report, glossary, kept)
        started = report.lap("site-wide pages, JSON, search", started)
        gather.take(many)
        started = report.lap("notes and terms", started)
        done: set[tuple[str, str]] = set()
        while todo := sorted(links.previews - done):  # a preview's links preview in turn
            done |= set(todo)
            make = _previews_to_make(output, links, plan, todo)
            gather.take(_batches(makers, "previews", make))
        started = report.lap("previews", started)
    finally:
        makers.close()
    _attachments(app, settings.vault, links, output)
    _assets(output)
    report.lap("files", started)
    report.written = output.finish()
    return report


def start_early(settings: Settings, engine: Engine, out: Path) -> None:
    """Called by ``studynotes build`` before the vault is indexed again: when the whole site
    will be made (``out`` holds no earlier build) by worker processes, they start loading
    now, on another core, and are ready when the index is. The indexer's own workers, if
    it needs them, fork from the same loaded server."""
    if (out / MANIFEST).is_file():
        return
    with Session(engine) as db:
        notes = db.scalar(select(func.count()).select_from(Note)) or 0
    if workers_for(settings, notes, None) > 1:
        start_makers(also=INDEXER_MODULES)


def _may_keep(output: SiteOutput, code: str) -> bool:
    """Whether the last build (made by this code) left a snapshot to plan a rebuild from."""
    return output.state_before.get("code") == code and bool(output.state_before.get("snapshot"))


def _plan(
    db: Session, output: SiteOutput, code: str, now: Snapshot, glossary: views.Glossary
) -> Plan | None:
    """What this build must make again, if the last one was made by this code at this base
    path (None: everything)."""
    if not _may_keep(output, code):
        return None
    before = Snapshot.load(output.state_before.get("snapshot"))
    if before is None:
        return None
    changed = changed_notes(before, now)
    texts: dict[str, str] = {}
    if changed:
        rows = db.execute(select(Note.slug, Note.text).where(Note.slug.in_(changed)))
        texts = {slug: text or "" for slug, text in rows}
    uses: dict[str, list[str]] = {}
    for slug in glossary.terms:
        asks = output.asks_before.get(page_file(term_url(slug)), [])
        uses[slug] = [a[2:].split("\0", 1)[0] for a in asks if a.startswith("p:")]
    names = {slug: [t.term, *t.aliases] for slug, t in glossary.terms.items()}
    return plan_rebuild(before, now, uses, names, texts)


def _kept(output: SiteOutput, links: SiteLinks, name: str) -> bool:
    """Keep the last build's file ``name``, asking again for what it asked for; False when
    there is none to keep (it must be made)."""
    asks = output.keep(name)
    for asked in asks or ():
        links.ask(asked)
    return asks is not None


def _keep(
    output: SiteOutput, links: SiteLinks, plan: Plan, slugs: list[str], terms: list[str]
) -> tuple[list[str], list[str]]:
    """Keep the pages and graphs of the notes, and the pages of the terms, that ``plan``
    leaves alone; the notes and terms whose files must still be made."""
    notes = [
        slug
        for slug in slugs
        if slug in plan.pages
        or not all(  # a list, not a generator: keep both files when both are there
            [
                _kept(output, links, name)
                for name in (page_file(note_url(slug)), api.graph_file(slug))
            ]
        )
    ]
    made = [
        slug
        for slug in terms
        if slug in plan.terms or not _kept(output, links, page_file(term_url(slug)))
    ]
    return notes, made


_TAG_FILES = ("tags/", "api/graph/tag/")
_FOLDER_FILES = ("folders/", "api/graph/folder/")


def _kept_site_wide(
    output: SiteOutput, links: SiteLinks, plan: Plan | None, now: Snapshot
) -> Callable[[str], bool]:
    """Whether a tag's or a folder's page or graph is kept from the last build (and then
    kept): when no changed note is, or was, in it, and it listed none."""
    if plan is None:
        return lambda _: False
    size: Counter[str] = Counter()
    for tags in now.tags.values():  # a tag's graph holds the notes of the tags inside it
        split = [t.split("/") for t in tags]
        size.update({"/".join(p[: i + 1]) for p in split for i in range(len(p))})
    for path in now.paths.values():
        parts = path.split("/")[:-1]
        size.update("/" + "/".join(parts[: i + 1]) for i in range(len(parts)))
    asked = {f"p:{slug}\0" for slug in plan.changed}

    def kept(name: str) -> bool:
        inner = unquote(name).removesuffix("index.html").removesuffix("index.json").strip("/")
        for prefix in _TAG_FILES:
            if name.startswith(prefix):
                tag = inner[len(prefix) :]
                if plan.remakes_tag(tag) or size[tag] > NOTES_UP_TO:
                    return False
        for prefix in _FOLDER_FILES:
            if name.startswith(prefix):
                folder = inner[len(prefix) :]
                if folder in plan.folders or size["/" + folder] > NOTES_UP_TO:
                    return False
        if any(a.startswith(tuple(asked)) for a in output.asks_before.get(name, ())):
            return False
        return _kept(output, links, name)

    return kept


def _previews_to_make(
    output: SiteOutput, links: SiteLinks, plan: Plan | None, todo: list[tuple[str, str]]
) -> list[tuple[str, str]]:
    """Of the previews asked for, those to make: a kept one asks in turn for what it did."""
    if plan is None:
        return todo
    return [
        (slug, anchor)
        for slug, anchor in todo
        if slug in plan.changed or not _kept(output, links, api.preview_file(slug, anchor))
    ]


def code_stamp(base: str) -> str:
    """What draws a site: the base path and the code (templates, static files, and the
    package's own modules). A rebuild may keep files only if this is the same."""
    digest = hashlib.sha256(f"{__version__}\0{base}".encode())
    code = Path(__file__).parents[1]  # the studynotes package
    for folder in (resource_dir("templates"), resource_dir("static"), code):
        for path in sorted(folder.rglob("*")):
            if path.is_file() and path.suffix != ".pyc":
                digest.update(path.as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def source_stamp(indexed_at: str | None, code: str) -> str:
    """What a site is made from: the index run and the code (``code_stamp``). The same
    stamp makes the same site."""
    if indexed_at is None:
        return ""
    return hashlib.sha256(f"{indexed_at}\0{code}".encode()).hexdigest()


def _site_wide(
    source: SiteSource,
    engine: Engine,
    links: SiteLinks,
    output: SiteOutput,
    report: BuildReport,
    glossary: views.Glossary,
    kept: Callable[[str], bool],
) -> None:
    with Session(engine) as db:
        for page in site_pages(source, db, glossary, kept):
            output.write(page.file, links.html(page.html.decode()).encode(), links.take_asks())
            report.pages += 1
        tree = views.load_tree(db)
        tags = [t.name for t in views.tag_index(db)]
        folders = [f for f in tree.children if f]
        for found in (
            *api.terms(links, glossary),
            *api.trees(links, tree),
            *api.graphs(views.load_graph_data(db), links, folders, tags, kept),
        ):
            output.write(found.file, found.data, links.take_asks())
        for shard in search_shards(db):
            output.write(shard.file, shard.data)


def _attachments(app: FastAPI, vault: Path, links: SiteLinks, output: SiteOutput) -> None:
    """The vault files the pages link to (only regular files inside the vault, as the server
    serves them), and the pictures of the boards they embed."""
    root = vault.resolve()
    for path in sorted(links.files):
        found = pages.vault_file(root, path)
        if found is not None:
            output.write(f"files/{path}", found.read_bytes())
    req = request_for(app)
    for board in sorted(links.boards):
        try:
            svg = pages.canvas_preview(req, board).body
        except views.NotFound:
            continue
        output.write(f"canvas-preview/{board}.svg", bytes(svg))


def _assets(output: SiteOutput) -> None:
    static = resource_dir("static")
    for path in sorted(static.rglob("*")):
        if path.is_file() and not any(p.startswith(".") for p in path.relative_to(static).parts):
            output.write(f"static/{path.relative_to(static).as_posix()}", path.read_bytes())
