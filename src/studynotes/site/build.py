"""``build_site``: the indexed vault as a static site in a folder.

index (the usual incremental run) → pages (the server's route functions) → the JSON the
scripts read → the search shards → the attachments and board pictures the pages link to
→ the static assets; every file through ``SiteOutput``, which writes only changed bytes
and removes what the last build made and this one did not.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

from fastapi import FastAPI
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from studynotes.config import Settings
from studynotes.resources import resource_dir
from studynotes.site import api
from studynotes.site.links import SiteLinks
from studynotes.site.output import SiteOutput, WriteReport, check_output
from studynotes.site.pages import SiteSource, all_pages, note_slugs, request_for
from studynotes.site.search import search_shards
from studynotes.web import views
from studynotes.web.app import attach_index, create_app
from studynotes.web.routes import pages

__all__ = ["BuildReport", "build_site", "normal_base"]


@dataclass(slots=True)
class BuildReport:
    pages: int = 0
    written: WriteReport = field(default_factory=WriteReport)
    phases: dict[str, float] = field(default_factory=dict)

    def lap(self, phase: str, since: float) -> float:
        now = time.perf_counter()
        self.phases[phase] = self.phases.get(phase, 0.0) + now - since
        return now

    def summary(self) -> str:
        w = self.written
        return (
            f"{self.pages} pages, {w.files} files ({w.bytes / 1e6:.1f} MB): "
            f"{len(w.written)} written, {len(w.removed)} removed, "
            f"{w.files - len(w.written)} unchanged"
        )


def normal_base(base: str) -> str:
    """``notes`` or ``/notes`` as ``/notes/``; the site's root is ``/``."""
    inner = base.strip().strip("/")
    return f"/{inner}/" if inner else "/"


def build_site(settings: Settings, engine: Engine, out: Path, *, base: str = "/") -> BuildReport:
    """Write the site of the (already indexed) vault into ``out``."""
    check_output(out, settings.vault)
    out.mkdir(parents=True, exist_ok=True)
    report = BuildReport()
    started = time.perf_counter()
    app = create_app(settings, engine=engine)
    attach_index(app, engine)
    base = normal_base(base)
    app.state.templates.env.globals["static_site"] = base
    links = SiteLinks(base)
    output = SiteOutput(out)
    source = SiteSource(app, settings.vault)
    with Session(engine) as db:
        slugs = note_slugs(db)
        for page in all_pages(source, db, slugs):
            output.write(page.file, links.html(page.html.decode()).encode())
            report.pages += 1
        started = report.lap("pages", started)
        glossary = views.load_glossary(db)
        tree = views.load_tree(db)
        tags = [t.name for t in views.tag_index(db)]
        folders = [f for f in tree.children if f]
        for found in (
            *api.terms(db, links, glossary),
            *api.trees(links, tree),
            *api.graphs(db, links, folders, tags, slugs),
        ):
            output.write(found.file, found.data)
        for found in api.previews(db, links, set(links.previews)):  # once every link is known
            output.write(found.file, found.data)
        started = report.lap("json", started)
        for shard in search_shards(db):
            output.write(shard.file, shard.data)
        started = report.lap("search", started)
    _attachments(app, settings.vault, links, output)
    _assets(output)
    report.lap("files", started)
    report.written = output.finish()
    return report


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
