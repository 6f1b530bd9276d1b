"""The many files of a site (a page, a neighbourhood graph and previews per note, a page
per term), made in batches: in worker processes for a big vault, in this one for a small.

A worker opens the index itself and makes the app once; a batch returns its files with
their links already made the site's, and what those links ask for (attachments, board
pictures, previews), since those are gathered by the process that writes the site.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from fastapi import FastAPI
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from studynotes.config import Settings
from studynotes.db.session import open_database
from studynotes.ingest.pool import make_pool, start_server
from studynotes.site import api
from studynotes.site.links import SiteLinks
from studynotes.site.output import SiteOutput, Written, put
from studynotes.site.pages import note_page, request_for, term_page
from studynotes.web import deps, views
from studynotes.web.app import attach_index, create_app

__all__ = ["BATCH", "Batch", "Item", "Kind", "Makers", "site_app", "start_makers", "workers_for"]

Kind = Literal["notes", "terms", "graphs", "previews"]
Item = tuple[str, str]  # a slug (of a note or a term); for a preview, with its anchor
BATCH = 100  # items a batch: small enough to spread, big enough to be worth sending
PARALLEL_FROM = 400  # notes; below, starting workers costs more than it saves
_PRELOAD = ["studynotes.site.work"]  # what the workers fork with


@dataclass(slots=True)
class Batch:
    files: list[Written] = field(default_factory=list)
    attachments: set[str] = field(default_factory=set)
    boards: set[str] = field(default_factory=set)
    previews: set[tuple[str, str]] = field(default_factory=set)


def site_app(settings: Settings, engine: Engine, base: str) -> FastAPI:
    """The server's app over ``engine``, its templates drawing the static site's pages."""
    app = create_app(settings, engine=engine)
    attach_index(app, engine)
    app.state.templates.env.globals["static_site"] = base
    return app


@dataclass(slots=True)
class _Maker:
    app: FastAPI
    engine: Engine
    base: str
    out: Path  # files are put in place here, and only their names and hashes returned
    before: dict[str, str]  # the last build's hashes (``SiteOutput.before``)
    glossary: views.Glossary | None = None
    graph: views.GraphData | None = None

    def make(self, kind: Kind, items: list[Item]) -> Batch:
        links = SiteLinks(self.base)
        out = Batch()
        with Session(self.engine) as db:
            for name, data in self._files(db, links, kind, items):
                out.files.append(put(self.out, self.before, name, data, links.take_asks()))
        out.attachments, out.boards, out.previews = links.files, links.boards, links.previews
        return out

    def _files(
        self, db: Session, links: SiteLinks, kind: Kind, items: list[Item]
    ) -> Iterator[tuple[str, bytes]]:
        if kind == "previews":
            results = deps.results(request_for(self.app), db)
            by_note: dict[str, list[str]] = {}
            for slug, anchor in items:
                by_note.setdefault(slug, []).append(anchor)
            for slug, anchors in by_note.items():
                for found in api.previews(db, links, results, slug, anchors):
                    yield found.file, found.data
            return
        for slug, _ in items:
            if kind == "graphs":
                if self.graph is None:
                    self.graph = views.load_graph_data(db)
                graph = api.local_graph(self.graph, links, slug)
                yield graph.file, graph.data
                continue
            if kind == "notes":
                page = note_page(self.app, slug)
            else:
                if self.glossary is None:
                    self.glossary = views.load_glossary(db)
                page = term_page(self.app, db, self.glossary, slug)
            yield page.file, links.html(page.html.decode()).encode()


_WORKER: list[_Maker] = []  # this worker's maker, once its initializer ran


def _init(settings: Settings, url: str, base: str, out: Path, before: dict[str, str]) -> None:
    engine = open_database(url)
    _WORKER.append(_Maker(site_app(settings, engine, base), engine, base, out, before))


def _make(kind: Kind, items: list[Item]) -> Batch:
    return _WORKER[0].make(kind, items)


class Makers:
    """Makes batches in worker processes (``workers`` > 1) or here; ``submit`` returns a
    future either way."""

    def __init__(
        self,
        settings: Settings,
        engine: Engine,
        app: FastAPI,
        base: str,
        output: SiteOutput,
        workers: int,
    ):
        self._here = _Maker(app, engine, base, output.root, output.before)
        self._pool: ProcessPoolExecutor | None = None
        if workers > 1:
            url = engine.url.render_as_string(hide_password=False)
            self._pool = make_pool(
                workers,
                preload=_PRELOAD,
                init=_init,
                initargs=(settings, url, base, output.root, output.before),
            )

    def submit(self, kind: Kind, items: list[Item]) -> Future[Batch]:
        if self._pool is not None:
            return self._pool.submit(_make, kind, items)
        done: Future[Batch] = Future()
        done.set_result(self._here.make(kind, items))
        return done

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)


def start_makers(also: Sequence[str] = ()) -> None:
    """Begin loading what the worker processes need (and the modules ``also``), before
    ``Makers`` asks for them: the caller goes on meanwhile, and the workers then start at
    once."""
    start_server([*_PRELOAD, *also])


def workers_for(settings: Settings, notes: int, asked: int | None) -> int:
    """How many processes make the batches: as asked, else one a core for a big vault."""
    if asked is not None:
        return max(1, asked)
    if notes < PARALLEL_FROM:
        return 1
    return settings.workers or os.cpu_count() or 1
