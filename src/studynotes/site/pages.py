"""Every HTML page the server has, made by the server's own route functions.

Nothing here renders: each page comes from the function that answers its URL in
``web/routes/pages.py``, called with a request that never went over a network, so the
site's HTML is the server's byte for byte (before ``SiteLinks`` points its links into the
site).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from fastapi import FastAPI
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.requests import Request

from studynotes.db.models import Attachment, Note
from studynotes.site.links import SiteFile, page_file
from studynotes.urls import canvas_url, note_url, tag_url, term_url
from studynotes.web import views
from studynotes.web.routes import pages
from studynotes.web.urls import folder_url

__all__ = [
    "Page",
    "SiteSource",
    "boards",
    "note_page",
    "note_slugs",
    "request_for",
    "site_pages",
    "term_page",
]


@dataclass(frozen=True, slots=True)
class Page:
    file: SiteFile
    html: bytes  # as the server sends it


@dataclass(frozen=True, slots=True)
class SiteSource:
    """What the pages are made from: the app (templates, state) over an indexed database."""

    app: FastAPI
    vault: Path


def request_for(app: FastAPI, path: str = "/") -> Request:
    """A GET request for ``path`` that the route functions can answer; it reaches them
    without a server (they read only ``request.app``)."""
    scope = {
        "type": "http",
        "app": app,
        "method": "GET",
        "path": path,
        "raw_path": path.encode(),
        "root_path": "",
        "query_string": b"",
        "headers": [],
        "scheme": "http",
        "server": ("localhost", 80),
        "client": ("127.0.0.1", 0),
    }
    return Request(scope)


def boards(db: Session) -> list[str]:
    """The vault's ``.canvas`` boards (the index lists them with the attachments)."""
    found = db.scalars(select(Attachment.path).where(Attachment.path.like("%.canvas")))
    return sorted(p for p in found if p.lower().endswith(".canvas"))


def note_slugs(db: Session) -> list[str]:
    return list(db.scalars(select(Note.slug).order_by(Note.slug)))


def site_pages(
    source: SiteSource,
    db: Session,
    glossary: views.Glossary,
    kept: Callable[[SiteFile], bool] = lambda _: False,
) -> Iterator[Page]:
    """Every page but the notes' and the terms' (``note_page``, ``term_page``: the many);
    a tag's or a folder's page that ``kept`` keeps from the last build is not made."""
    app = source.app
    req = request_for(app)
    yield Page(page_file("/"), bytes(pages.home_page(req, db).body))
    yield Page(page_file("/graph"), bytes(pages.graph_page(req).body))
    yield Page(page_file("/broken-links"), bytes(pages.broken_links_page(req, db).body))
    yield Page(page_file("/search"), bytes(pages.search_page(req, db, q="").body))
    yield Page(page_file("/diagram-frame"), bytes(pages.diagram_frame(req).body))
    yield Page(SiteFile("404.html"), _not_found(app).encode())
    first = views.glossary_page(list(glossary.terms.values()), None)
    yield Page(page_file("/glossary"), bytes(pages.glossary_page(req, glossary, None).body))
    if first.split:
        for letter in first.counts:
            body = bytes(pages.glossary_page(req, glossary, letter).body)
            yield Page(SiteFile(f"glossary/letter/{letter}/index.html"), body)
    yield Page(page_file("/tags"), bytes(pages.tags_page(req, db).body))
    for tag in views.tag_index(db):
        if not kept(file := page_file(tag_url(tag.name))):
            yield Page(file, bytes(pages.tag_page(req, tag.name, db).body))
    for folder in sorted(views.load_tree(db).children):
        if not kept(file := page_file(folder_url(folder))):
            yield Page(file, bytes(pages.folder_page(req, folder, db).body))
    for board in boards(db):
        yield Page(page_file(canvas_url(board)), bytes(pages.canvas_page(req, board, db).body))


def note_page(app: FastAPI, slug: str) -> Page:
    return Page(page_file(note_url(slug)), pages.note_page_body(request_for(app), slug))


def term_page(app: FastAPI, db: Session, glossary: views.Glossary, slug: str) -> Page:
    body = pages.term_page(request_for(app), slug, db, glossary).body
    return Page(page_file(term_url(slug)), bytes(body))


def _not_found(app: FastAPI) -> str:
    """The 404 page, as the server's error handler draws it for a page it has not."""
    page = {"message": "There is no page here.", "similar": []}
    html: str = app.state.render_text("404.html", page, "Not found")
    return html
