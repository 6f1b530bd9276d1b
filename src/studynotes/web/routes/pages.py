"""HTML pages. Each one renders the model its JSON twin in ``api.py`` returns."""

from __future__ import annotations

import mimetypes
import stat
from collections.abc import Iterable, Mapping
from functools import lru_cache, partial
from pathlib import Path
from typing import Any

import anyio
import anyio.to_thread
from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, HTMLResponse, Response
from sqlalchemy.orm import Session

from studynotes.study import charts
from studynotes.study.export import deck_package
from studynotes.urls import attachment_url, note_url, term_url
from studynotes.web import deps, views
from studynotes.web import schemas as s
from studynotes.web.deps import GlossaryDep, ReaderDep, SessionDep
from studynotes.web.explorer import explorer_html
from studynotes.web.pagecache import CachedPage, PageCache
from studynotes.web.search import run_search
from studynotes.web.urls import folder_url
from studynotes.web.views.canvas import canvas_preview_svg, canvas_view

router = APIRouter(include_in_schema=False)

_SCRIPT_TYPES = {
    "text/javascript",
    "application/javascript",
    "application/x-javascript",
    "text/css",
}
_UNSAFE_TYPES = {
    "text/html",
    "image/svg+xml",
    "application/xhtml+xml",
    "text/xml",
    "application/xml",
}


def _render(request: Request, name: str, page: Any, title: str, **extra: Any) -> HTMLResponse:
    response: HTMLResponse = request.app.state.render(request, name, page, title, **extra)
    return response


@router.get("/", response_class=HTMLResponse)
def home_page(request: Request, db: SessionDep) -> HTMLResponse:
    return _render(request, "index.html", views.home(db), "Home")


_INTO = "\N{SINGLE RIGHT-POINTING ANGLE QUOTATION MARK}"  # between a note and its heading


def _link_name(link: s.LinkOut) -> str:
    """How a link's target is named on the page: the path as written, without ``.md``."""
    name = link.target.replace("../", "")
    name = name.removeprefix("./")
    return name[:-3] if name.lower().endswith(".md") else name


@lru_cache(maxsize=16_384)
def _href(slug: str) -> str:
    """A note's URL, kept: a page links ~50 notes, most of them linked from other pages too,
    and quoting each slug again was half the work of ``_note_context``."""
    return note_url(slug)


def _has_title_h1(note: s.NoteDetail) -> bool:
    """Whether the note HTML opens with an h1 that shows the title (the page header does)."""
    first = note.html.lstrip()
    if not first.startswith("<h1"):
        return False
    shown = first.split("</h1>", 1)[0].split(">", 1)[-1].strip()
    title = note.title.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return shown == title.replace('"', "&quot;")


def _property(value: Any) -> tuple[str, Any]:
    """How note.html shows a frontmatter value: ``"none"`` (a dash), ``"json"`` (nested
    data, as JSON), ``"list"`` (a list of plain values) or ``"text"``; with what to show."""
    if value is None:
        return "none", None
    if isinstance(value, bool):
        return "text", "true" if value else "false"
    if isinstance(value, Mapping):
        return "json", value
    if isinstance(value, str):
        return "text", value
    if isinstance(value, Iterable):
        items = list(value)
        if any(
            isinstance(i, Mapping) or (isinstance(i, Iterable) and not isinstance(i, str))
            for i in items
        ):
            return "json", value
        return ("list", items) if items else ("none", None)
    return "text", value


def _note_context(note: s.NoteDetail) -> dict[str, Any]:
    """What note.html shows beyond the model, worked out here: in the template, the same
    loops (a macro call and a list copy per link) took a third of its time, and each call
    of ``url`` or of a method costs Jinja ~3 µs more than the work itself.

    ``dup_title``: see ``_has_title_h1``; ``toc``: ``(heading, depth)``, empty unless there
    are two or more; ``crumbs``, ``backlinks`` and ``terms``: each item of the
    model's list with its URL, ``(item, href)``; ``outgoing``: each link target once,
    ``(link, label, href, anchor)`` (``href`` None when it goes nowhere); ``neighbours``:
    the notes linked either way, ``(slug, label, href)``."""
    dup_title = _has_title_h1(note)
    toc = note.headings[1:] if dup_title else note.headings
    top = min((h.level for h in toc), default=1)
    outgoing: list[tuple[s.LinkOut, str, str | None, str | None]] = []
    seen: set[str] = set()
    for link in note.links_out:
        target = link.resolved_slug or link.file or link.target
        key = f"{target}#{link.heading or link.block or ''}{link.kind}"
        if key not in seen:
            seen.add(key)
            label = _link_name(link)
            if link.heading:
                label += f" {_INTO} {link.heading}"
            if link.block:
                label += f" {_INTO} ^{link.block}"
            anchor = link.anchor or (f"^{link.block}" if link.block else None)
            if link.resolved_slug:
                href = note_url(link.resolved_slug, anchor) if anchor else _href(link.resolved_slug)
                outgoing.append((link, label, href, anchor))
            else:
                opens = attachment_url(link.file) if link.file else None
                outgoing.append((link, label, opens, None))
    neighbours: dict[str, str] = {}
    for b in note.backlinks:
        if b.slug != note.slug:
            neighbours.setdefault(b.slug, b.title)
    for link in note.links_out:
        if link.resolved_slug and link.resolved_slug != note.slug:
            neighbours.setdefault(link.resolved_slug, _link_name(link))
    return {
        "dup_title": dup_title,
        "properties": [(key, *_property(value)) for key, value in note.frontmatter.items()]
        + [(f.key, "inline", f.value) for f in note.inline_fields],
        "toc": [(h, h.level - top + 1) for h in toc] if len(toc) > 1 else [],
        "crumbs": [(c, folder_url(c.folder)) for c in note.breadcrumbs],
        "backlinks": [(b, _href(b.slug)) for b in note.backlinks],
        "outgoing": outgoing,
        "terms": [(t, term_url(t.slug)) for t in note.terms_defined],
        "neighbours": [(slug, label, _href(slug)) for slug, label in neighbours.items()],
    }


def _accepts_gzip(request: Request) -> bool:
    return "gzip" in request.headers.get("accept-encoding", "")


def cached_response(request: Request, page: CachedPage) -> Response:
    """The cached page as 304, gzip or plain, by what the client sent."""
    headers = {"ETag": page.etag, "Cache-Control": "no-cache", "Vary": "Accept-Encoding"}
    if request.headers.get("if-none-match") == page.etag:
        return Response(status_code=304, headers=headers)
    if page.gzipped is not None and _accepts_gzip(request):
        headers["Content-Encoding"] = "gzip"
        return Response(page.gzipped, media_type="text/html; charset=utf-8", headers=headers)
    return Response(page.body, media_type="text/html; charset=utf-8", headers=headers)


@router.get("/notes/{slug:path}", response_class=HTMLResponse)
async def note_page(request: Request, slug: str) -> Response:
    """Answered from memory when the page was rendered since the last index run."""
    cache: PageCache = request.app.state.page_cache
    page = cache.get(slug)
    gzip = _accepts_gzip(request)
    if page is None or (gzip and page.gzipped is None):
        render = partial(_note_page, request, slug, page, gzip)
        page = await anyio.to_thread.run_sync(render, limiter=_renders(request.app))
    return cached_response(request, page)


# First views rendered at once by one worker, each in a thread of its own. Rendering is
# Python, one thread at a time; with the 40 threads every other request may use, a worker
# spent more CPU handing the interpreter between threads than rendering, and two workers
# left a tenth of two cores idle (3,000-6,000 notes, 64 connections: 2 workers served 1.5x
# one worker's first views; with 4 threads, 1.9x). Four still overlap one page's database
# read with another's rendering.
CONCURRENT_RENDERS = 4


def _renders(app: Any) -> anyio.CapacityLimiter:
    limiter: anyio.CapacityLimiter | None = getattr(app.state, "renders", None)
    if limiter is None:  # made in the event loop, on the first first view
        limiter = app.state.renders = anyio.CapacityLimiter(CONCURRENT_RENDERS)
    return limiter


def note_page_body(request: Request, slug: str) -> bytes:
    """The note's page as the server sends it, for ``studynotes build``."""
    return _note_page(request, slug, None, False).body


def _note_page(request: Request, slug: str, page: CachedPage | None, gzip: bool) -> CachedPage:
    """The page from the cache or rendered now, with its gzip copy only if this client takes
    gzip: compressing cost a first view ~0.4 ms, for nothing when the client reads it plain."""
    cache: PageCache = request.app.state.page_cache
    if page is None:
        generation = cache.generation
        with Session(request.app.state.reader) as db:
            # The facts say which index run they are from: the glossary and tree are its.
            facts = views.note_facts(db, slug)
            at = facts.indexed_at
            glossary = deps.glossary(request, db, at)
            note = views.note_detail(
                db,
                slug,
                glossary,
                deps.results(request, db, at),
                mentions=False,
                facts=facts,
                boards=deps.boards(request, db, at),
                carded=deps.carded(request, db, at),
            )
            tree = deps.tree(request, db, at)
        html: str = request.app.state.render_text(
            "note.html",
            note,
            note.title,
            terms_json=glossary.tooltips(note.html),
            current_slug=note.slug,
            explorer=explorer_html(tree, note.path),
            **_note_context(note),
        )
        page = cache.fill(slug, html.encode(), generation=generation)
    return cache.compress(slug, page) if gzip else page


@router.get("/mentions/{slug:path}", response_class=HTMLResponse)
def mentions_page(request: Request, slug: str, db: SessionDep) -> HTMLResponse:
    """A note's unlinked mentions: the note page's panel loads this when opened, and a
    reader without JavaScript follows the panel's link here."""
    page = views.mentions_of(db, slug)
    listed = [(m, _href(m.slug)) for m in page.mentions]
    return _render(
        request, "mentions.html", page, f"Unlinked mentions: {page.title}", mentions=listed
    )


@router.get("/folders/{folder:path}", response_class=HTMLResponse)
def folder_page(request: Request, folder: str, db: SessionDep) -> HTMLResponse:
    page = views.folder_page(db, folder)
    return _render(request, "folder.html", page, page.folder or "Vault")


@router.get("/glossary", response_class=HTMLResponse)
def glossary_page(
    request: Request, glossary: GlossaryDep, letter: str | None = None
) -> HTMLResponse:
    page = views.glossary_page(list(glossary.terms.values()), letter)
    title = f"Glossary: {page.letter}" if page.split and page.letter else "Glossary"
    return _render(request, "glossary.html", page, title)


@router.get("/glossary/{slug}", response_class=HTMLResponse)
def term_page(request: Request, slug: str, db: SessionDep, glossary: GlossaryDep) -> HTMLResponse:
    term = views.term_detail(db, slug, glossary)
    return _render(
        request, "term.html", term, term.term, terms_json=glossary.tooltips(term.definition_html)
    )


@router.get("/tags", response_class=HTMLResponse)
def tags_page(request: Request, db: SessionDep) -> HTMLResponse:
    return _render(request, "tags.html", views.tag_index(db), "Tags")


@router.get("/tags/{tag:path}", response_class=HTMLResponse)
def tag_page(request: Request, tag: str, db: SessionDep) -> HTMLResponse:
    page = views.tag_page(db, tag)
    return _render(request, "tag.html", page, f"#{page.tag}")


@router.get("/search", response_class=HTMLResponse)
def search_page(request: Request, db: SessionDep, q: str = "") -> HTMLResponse:
    return _render(request, "search.html", run_search(db, q, limit=50), f"Search: {q}", q=q)


@router.get("/graph", response_class=HTMLResponse)
def graph_page(request: Request) -> HTMLResponse:
    return _render(request, "graph.html", None, "Graph")


@router.get("/broken-links", response_class=HTMLResponse)
def broken_links_page(request: Request, db: SessionDep) -> HTMLResponse:
    return _render(request, "broken_links.html", views.broken_links(db), "Broken links")


@router.get("/decks", response_class=HTMLResponse)
def decks_page(request: Request, db: SessionDep, reader: ReaderDep) -> HTMLResponse:
    decks = views.study.decks(db, reader=reader)
    due = sum(d.due for d in decks if "/" not in d.deck)
    return _render(request, "decks.html", decks, "Study", due=due)


@router.get("/decks/{deck:path}", response_class=HTMLResponse)
def deck_page(request: Request, deck: str, db: SessionDep, reader: ReaderDep) -> HTMLResponse:
    page = views.study.deck_page(db, deck, reader=reader)
    return _render(request, "deck.html", page, f"Deck {deck}")


@router.get("/review", response_class=HTMLResponse)
def review_page(request: Request, db: SessionDep, deck: str = "", note: str = "") -> HTMLResponse:
    """The review session; static/js/review.js asks the API for each card."""
    title = views.study.note_title(db, note) if note else ""
    return _render(request, "review.html", None, "Review", deck=deck, note=note, note_title=title)


@router.get("/stats", response_class=HTMLResponse)
def stats_page(request: Request, db: SessionDep, reader: ReaderDep) -> HTMLResponse:
    page = views.study.stats(db, reader=reader)
    days = [d.day[5:] for d in page.reviews_per_day]
    ahead = [d.day[5:] for d in page.due_ahead]
    svg = {
        "reviews": charts.bar_chart(
            days, [d.value for d in page.reviews_per_day], title="Reviews per day"
        ),
        "retention": charts.bar_chart(
            days, [d.value for d in page.retention_per_day], title="Retention per day",
            percent=True,
        ),
        "due": charts.bar_chart(
            ahead, [d.value for d in page.due_ahead], title="Cards due in the next 30 days"
        ),
        "states": charts.share_bar(
            [(name.capitalize(), n) for name, n in page.states.items()], title="Cards by state"
        ),
    }  # fmt: skip
    return _render(request, "stats.html", page, "Study statistics", charts=svg)


@router.get("/export/anki/{deck:path}")
def export_deck(deck: str, db: SessionDep) -> Response:
    """The deck (and those below it) as an Anki package, downloaded."""
    package = deck_package(db, deck)
    if not package.cards:
        raise views.NotFound(f"no deck {deck!r}")
    return Response(
        package.data,
        media_type="application/octet-stream",
        headers={"Content-Disposition": f'attachment; filename="{package.filename}"'},
    )


@router.get("/canvas/{path:path}", response_class=HTMLResponse)
def canvas_page(request: Request, path: str, db: SessionDep) -> HTMLResponse:
    """A ``.canvas`` board drawn as a page; a malformed one gets a page saying why."""
    root = Path(request.app.state.settings.vault).resolve()
    wanted = vault_file(root, path) if path.lower().endswith(".canvas") else None
    if wanted is None:
        raise views.NotFound(f"no canvas {path!r} in the vault")
    page = canvas_view(db, path, wanted)
    status = 422 if page.error else 200
    return _render(request, "canvas.html", page, page.name, status=status)


@router.get("/canvas-preview/{path:path}")
def canvas_preview(request: Request, path: str) -> Response:
    """A small SVG picture of a board, for ``![[board.canvas]]``; a malformed board's
    picture says so."""
    root = Path(request.app.state.settings.vault).resolve()
    wanted = vault_file(root, path) if path.lower().endswith(".canvas") else None
    if wanted is None:
        raise views.NotFound(f"no canvas {path!r} in the vault")
    svg = canvas_preview_svg(wanted)
    headers = {"Cache-Control": "no-cache", "Content-Security-Policy": "default-src 'none'"}
    return Response(svg, media_type="image/svg+xml", headers=headers)


@router.get("/files/{path:path}")
def file(request: Request, path: str) -> Response:
    """An attachment, only from inside the vault; never one that could run script here."""
    root = Path(request.app.state.settings.vault).resolve()
    wanted = vault_file(root, path)
    if wanted is None:
        raise views.NotFound(f"no file {path!r} in the vault")
    kind = mimetypes.guess_type(wanted.name)[0] or "application/octet-stream"
    headers = {"Cache-Control": "no-cache"}
    if kind in _SCRIPT_TYPES:  # with nosniff, a browser will not run text/plain as a script
        kind = "text/plain"
    if kind in _UNSAFE_TYPES:  # shown as an image or downloaded, never run in our origin
        headers["Content-Security-Policy"] = (
            "sandbox; default-src 'none'; style-src 'unsafe-inline'"
        )
        if kind != "image/svg+xml":
            headers["Content-Disposition"] = "attachment"
    return FileResponse(wanted, media_type=kind, headers=headers)


def vault_file(root: Path, path: str) -> Path | None:
    """The regular file ``path`` names inside ``root``, after every symlink; else None.

    Hidden names are refused both as asked and as resolved (a symlink to ``.obsidian``),
    and a NUL byte or an over-long name is a miss, not an error."""
    parts = Path(path).parts
    if not path or Path(path).is_absolute() or ".." in parts:
        return None
    if any(p.startswith(".") for p in parts):
        return None
    try:
        wanted = (root / path).resolve()
        if not wanted.is_relative_to(root) or wanted == root:
            return None
        if any(p.startswith(".") for p in wanted.relative_to(root).parts):
            return None
        if not stat.S_ISREG(wanted.stat().st_mode):
            return None
    except (OSError, ValueError, RuntimeError):  # too long, NUL byte, symlink loop
        return None
    return wanted


# The diagram renderer's frame: mermaid styles its drawings inline, so this page alone may
# use inline styles; it runs only our scripts and is embedded only by our pages.
_DIAGRAM_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self' data:; frame-ancestors 'self'; base-uri 'none'"
)


@router.get("/diagram-frame", response_class=HTMLResponse, include_in_schema=False)
def diagram_frame(request: Request) -> HTMLResponse:
    url = request.app.state.templates.env.globals["url"]
    body = (
        '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>diagrams</title>'
        f'<script src="{url.static("vendor/mermaid.min.js")}"></script>'
        f'<script src="{url.static("js/diagram-frame.js")}"></script></head><body></body></html>'
    )
    return HTMLResponse(body, headers={"Content-Security-Policy": _DIAGRAM_CSP})


@router.get("/docs", response_class=HTMLResponse)
def api_docs(request: Request) -> HTMLResponse:
    """The API reference, drawn from the OpenAPI schema without any outside script."""
    schema = request.app.openapi()
    endpoints = []
    for path, methods in schema.get("paths", {}).items():
        for method, op in methods.items():
            params = [
                {
                    "name": prm.get("name", ""),
                    "where": prm.get("in", ""),
                    "required": bool(prm.get("required")),
                    "type": prm.get("schema", {}).get("type", ""),
                }
                for prm in op.get("parameters", [])
            ]
            ok = op.get("responses", {}).get("200", {}).get("content", {})
            shape = ok.get("application/json", {}).get("schema", {})
            ref = shape.get("$ref") or shape.get("items", {}).get("$ref", "")
            returns = ref.rsplit("/", 1)[-1] if ref else ""
            if shape.get("type") == "array":
                returns = f"list of {returns}"
            endpoints.append(
                {
                    "method": method.upper(),
                    "path": path,
                    "summary": op.get("summary", ""),
                    "description": op.get("description", ""),
                    "params": params,
                    "returns": returns,
                }
            )
    models = schema.get("components", {}).get("schemas", {})
    page = {"endpoints": endpoints, "models": models}
    return _render(request, "api_docs.html", page, "API")
