"""``create_app``: the FastAPI application, its lifespan, headers and error pages."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from sqlalchemy import Engine
from sqlalchemy.orm import Session
from starlette.exceptions import HTTPException as StarletteHTTPException

from studynotes import __version__
from studynotes.config import Settings
from studynotes.db.session import open_database
from studynotes.ingest.pipeline import IndexReport
from studynotes.ingest.watch import watch_vault
from studynotes.resources import resource_dir
from studynotes.web import views
from studynotes.web.live import Broker
from studynotes.web.routes import api, pages
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


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/") or request.url.path == "/api"


def create_app(settings: Settings, *, engine: Engine | None = None, watch: bool = False) -> FastAPI:
    """The app over an already indexed database; with ``watch`` it follows the vault."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.engine = engine or open_database(settings.database_url())
        stop = asyncio.Event()
        task: asyncio.Task[None] | None = None
        if watch:

            def publish(report: IndexReport) -> None:
                app.state.broker.publish(changed=report.changed, deleted=report.deleted)

            task = asyncio.create_task(watch_vault(settings, app.state.engine, publish, stop))
        try:
            yield
        finally:
            stop.set()
            app.state.broker.close()
            if task is not None:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await task

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
    templates.env.globals["url"] = UrlBuilder(static_dir)
    app.state.templates = templates

    @app.middleware("http")
    async def security_headers(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        response = await call_next(request)
        for key, value in SECURITY_HEADERS.items():
            response.headers.setdefault(key, value)
        if request.url.path.startswith("/static/") and "v=" in request.url.query:
            response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
        return response

    def not_found(request: Request, message: str) -> Response:
        if _wants_json(request):
            return JSONResponse({"detail": message}, status_code=404)
        wanted = request.url.path.rsplit("/", 1)[-1]
        with Session(app.state.engine) as db:
            similar = views.similar_notes(db, wanted) if wanted else []
        return render(
            request, "404.html", {"message": message, "similar": similar}, "Not found", 404
        )

    def render(
        request: Request, name: str, page: Any, title: str, status: int = 200, **extra: Any
    ) -> HTMLResponse:
        context = {"page": page, "title": title, "q": "", "terms_json": "{}", "current_slug": None}
        context.update(extra)
        return templates.TemplateResponse(request, name, context, status_code=status)

    app.state.render = render

    @app.exception_handler(views.NotFound)
    async def handle_not_found(request: Request, exc: views.NotFound) -> Response:
        return not_found(request, str(exc))

    @app.exception_handler(StarletteHTTPException)
    async def handle_http(request: Request, exc: StarletteHTTPException) -> Response:
        if exc.status_code == 404:
            return not_found(request, "There is no page here.")
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
