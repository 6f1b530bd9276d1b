"""``create_app``: the FastAPI application, its lifespan, headers and error pages."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from functools import partial
from typing import Any

from fastapi import FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from sqlalchemy import Engine
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import MutableHeaders
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from studynotes import __version__
from studynotes.config import Settings
from studynotes.db.session import open_database, page_reader
from studynotes.resources import resource_dir
from studynotes.sanitize import inline_excerpt
from studynotes.web import views
from studynotes.web.head import HeadAsGet
from studynotes.web.live import Broker
from studynotes.web.note_list import note_list_html
from studynotes.web.pagecache import PageCache, PerIndex
from studynotes.web.peers import Peers
from studynotes.web.readers import ReaderGate
from studynotes.web.routes import api, pages
from studynotes.web.schemas import BoardRef
from studynotes.web.urls import UrlBuilder

CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "object-src 'self'; frame-src 'self'; frame-ancestors 'self'; base-uri 'none'; "
    "form-action 'self'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}


class SecurityHeaders:
    """Adds the security headers (and long caching for versioned static files) to every
    response; plain ASGI, because a BaseHTTPMiddleware costs more than serving a page."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        immutable = scope["path"].startswith("/static/") and b"v=" in scope["query_string"]

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for key, value in SECURITY_HEADERS.items():
                    headers.setdefault(key, value)
                if immutable:
                    headers["Cache-Control"] = "public, max-age=31536000, immutable"
            await send(message)

        await self.app(scope, receive, with_headers)


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/") or request.url.path == "/api"


def attach_index(app: FastAPI, engine: Engine) -> None:
    """The database the pages read and what is kept per index run; the lifespan does this
    for the server, ``studynotes build`` for pages it renders without one."""
    app.state.engine = engine
    app.state.reader = page_reader(engine)
    app.state.page_cache = PageCache(app.state.reader)  # reads the stamp without a transaction
    app.state.glossary = PerIndex[views.Glossary]()
    app.state.tree = PerIndex[views.FolderTree]()
    app.state.boards = PerIndex[dict[str, list[BoardRef]]]()
    app.state.carded = PerIndex[frozenset[int]]()
    app.state.results = PerIndex[views.Results]()
    app.state.names = PerIndex[views.NameIndex]()


def _after_run(state: Any, settings: Settings, changed: list[str] | None) -> None:
    """Blocking, right after an index run (``changed``: its pages; None: at start): build
    what every page of the run shares, then the results of the changed pages' queries, so
    first views find them ready. A request that comes sooner waits for the same build."""
    engine: Engine = state.engine
    with Session(engine) as db:
        at = views.indexed_at(db)
        state.glossary.get(at, lambda: views.load_glossary(db))
    views.warm_results(engine, state.results, settings.term_marks, changed)
    with Session(engine) as db:  # note pages need it, their JSON does not
        state.tree.get(views.indexed_at(db), lambda: views.load_tree(db))


def create_app(settings: Settings, *, engine: Engine | None = None, watch: bool = False) -> FastAPI:
    """The app over an already indexed database; with ``watch`` it follows the vault."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        attach_index(app, engine or open_database(settings.database_url()))
        # With other workers over the same database: one watches the vault, all follow.
        peers = Peers(
            settings, app.state.engine, app.state.page_cache, app.state.broker,
            after=partial(_after_run, app.state, settings),
        )  # fmt: skip
        app.state.peers = peers
        stop = asyncio.Event()
        following = asyncio.create_task(peers.run(stop, watch=watch))
        try:
            yield
        finally:
            stop.set()
            app.state.broker.close()
            # It notices ``stop`` within a second (a thread waiting for NOTIFY included);
            # cancelled at once, it would close that connection under the waiting thread.
            await asyncio.wait({following}, timeout=3)
            following.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await following

    app = FastAPI(
        title="studynotes",
        version=__version__,
        summary="An Obsidian vault of study notes as a browsable, searchable knowledge base.",
        lifespan=lifespan,
        docs_url=None,  # the stock docs page loads scripts from a CDN; /docs is ours
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.broker = Broker()
    static_dir = resource_dir("static")
    templates = Jinja2Templates(directory=str(resource_dir("templates")))
    # Templates come with the install, and rendered pages are kept until the next index run
    # anyway: no looking for changed template files (three stats per page) on every render.
    templates.env.auto_reload = False
    templates.env.globals["url"] = UrlBuilder(static_dir)
    templates.env.globals["note_list"] = note_list_html
    # A static build (``studynotes build``) leaves out what needs a server: study mode.
    templates.env.globals["static_site"] = None  # or the site's base path, e.g. "/notes/"
    # A definition shortened for a list: cut between tags, never inside one, and sanitised.
    templates.env.filters["shorten_html"] = lambda html, width=180: inline_excerpt(html, 0, width)
    app.state.templates = templates

    if settings.reader_header is not None or settings.token is not None:
        app.add_middleware(ReaderGate, settings=settings)
    app.add_middleware(SecurityHeaders)
    app.add_middleware(HeadAsGet)  # outermost: HEAD is GET all the way down

    def not_found(request: Request, message: str) -> Response:
        if _wants_json(request):
            return JSONResponse({"detail": message}, status_code=404)
        wanted = request.url.path.rsplit("/", 1)[-1]
        with Session(app.state.engine) as db:
            names = app.state.names.get(views.indexed_at(db), lambda: views.load_names(db))
            similar = views.similar_notes(db, names.similar(wanted)) if wanted else []
        return render(
            request, "404.html", {"message": message, "similar": similar}, "Not found", 404
        )

    def context(page: Any, title: str, extra: dict[str, Any]) -> dict[str, Any]:
        found = {"page": page, "title": title, "q": "", "terms_json": "{}", "current_slug": None}
        found.update(extra)
        return found

    def render(
        request: Request, name: str, page: Any, title: str, status: int = 200, **extra: Any
    ) -> HTMLResponse:
        return templates.TemplateResponse(
            request, name, context(page, title, extra), status_code=status
        )

    def render_text(name: str, page: Any, title: str, **extra: Any) -> str:
        """The page as text, for the page cache: no response made only to be taken apart."""
        return templates.get_template(name).render(context(page, title, extra))

    app.state.render = render
    app.state.render_text = render_text

    @app.exception_handler(views.NotFound)
    async def handle_not_found(request: Request, exc: views.NotFound) -> Response:
        # not_found queries the database: on the event loop, a wait for a pooled connection
        # stalled every request, and the connections' own release, for the pool's 30 s.
        return await run_in_threadpool(not_found, request, str(exc))

    @app.exception_handler(StarletteHTTPException)
    async def handle_http(request: Request, exc: StarletteHTTPException) -> Response:
        if exc.status_code == 404:
            return await run_in_threadpool(not_found, request, "There is no page here.")
        return JSONResponse(
            {"detail": exc.detail}, status_code=exc.status_code, headers=exc.headers
        )

    @app.exception_handler(RequestValidationError)
    async def handle_invalid(request: Request, exc: RequestValidationError) -> Response:
        first = exc.errors()[0] if exc.errors() else {}
        where = ".".join(str(p) for p in first.get("loc", ()))
        message = f"invalid request: {where}: {first.get('msg', 'bad value')}"
        return JSONResponse({"detail": message}, status_code=422)

    app.mount("/static", StaticFiles(directory=str(static_dir), check_dir=False), name="static")
    app.include_router(api.router)
    app.include_router(pages.router)
    return app


WORKER_SETTINGS = "STUDYNOTES_WORKER_SETTINGS"


def worker_app() -> FastAPI:
    """The app of one ``serve --workers N`` process, from the settings ``serve`` left in
    the environment; the index is already built, and the workers share the watching."""
    given = json.loads(os.environ[WORKER_SETTINGS])
    settings = Settings.model_validate(given["settings"])
    return create_app(settings, watch=bool(given["watch"]))
