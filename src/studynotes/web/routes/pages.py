"""HTML pages. Each one renders the model its JSON twin in ``api.py`` returns."""

from __future__ import annotations

import json
import mimetypes
import stat
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, HTMLResponse, Response
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from studynotes.urls import term_url
from studynotes.web import deps, views
from studynotes.web import schemas as s
from studynotes.web.deps import GlossaryDep, SessionDep
from studynotes.web.pagecache import CachedPage, PageCache
from studynotes.web.search import run_search

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


def terms_json(glossary: views.Glossary, html: str) -> str:
    """Definitions of the terms marked in ``html``, for tooltips without a round trip."""
    data = {
        t.slug: {
            "term": t.term,
            "definition_html": t.definition_html,
            "url": term_url(t.slug),
            "note_title": t.note_title,
            "source": f"/notes/{t.note_slug}" + (f"#{t.anchor}" if t.anchor else ""),
        }
        for t in glossary.used_in(html)
    }
    # Inside <script type="application/json">: no `<` at all, so neither `</script>` nor
    # `<!--` can end or derail the element (a term may be named anything).
    text = json.dumps(data, ensure_ascii=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


@router.get("/", response_class=HTMLResponse)
def home_page(request: Request, db: SessionDep) -> HTMLResponse:
    return _render(request, "index.html", views.home(db), "Home")


_INTO = "\N{SINGLE RIGHT-POINTING ANGLE QUOTATION MARK}"  # between a note and its heading


def _link_name(link: s.LinkOut) -> str:
    """How a link's target is named on the page: the path as written, without ``.md``."""
    name = link.target.replace("../", "")
    name = name.removeprefix("./")
    return name[:-3] if name.lower().endswith(".md") else name


def _note_links(note: s.NoteDetail) -> dict[str, Any]:
    """For note.html: ``outgoing``, each link target once with its label, and
    ``neighbours``, the notes linked either way. Worked out here: in the template, the same
    loops (a macro call and a list copy per link) took a third of its time."""
    outgoing: list[tuple[s.LinkOut, str]] = []
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
            outgoing.append((link, label))
    neighbours: dict[str, str] = {}
    for b in note.backlinks:
        if b.slug != note.slug:
            neighbours.setdefault(b.slug, b.title)
    for link in note.links_out:
        if link.resolved_slug and link.resolved_slug != note.slug:
            neighbours.setdefault(link.resolved_slug, _link_name(link))
    return {"outgoing": outgoing, "neighbours": list(neighbours.items())}


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
        page = await run_in_threadpool(_note_page, request, slug, page, gzip)
    return cached_response(request, page)


def _note_page(request: Request, slug: str, page: CachedPage | None, gzip: bool) -> CachedPage:
    """The page from the cache or rendered now, with its gzip copy only if this client takes
    gzip: compressing cost a first view ~0.4 ms, for nothing when the client reads it plain."""
    cache: PageCache = request.app.state.page_cache
    if page is None:
        generation = cache.generation
        with Session(request.app.state.engine) as db:
            glossary = deps.glossary(request, db)
            note = views.note_detail(db, slug)
        html: str = request.app.state.render_text(
            "note.html",
            note,
            note.title,
            terms_json=terms_json(glossary, note.html),
            current_slug=note.slug,
            **_note_links(note),
        )
        page = cache.fill(slug, html.encode(), generation=generation)
    return cache.compress(slug, page) if gzip else page


@router.get("/folders/{folder:path}", response_class=HTMLResponse)
def folder_page(request: Request, folder: str, db: SessionDep) -> HTMLResponse:
    page = views.folder_page(db, folder)
    return _render(request, "folder.html", page, page.folder or "Vault")


@router.get("/glossary", response_class=HTMLResponse)
def glossary_page(request: Request, db: SessionDep) -> HTMLResponse:
    return _render(request, "glossary.html", views.term_list(db), "Glossary")


@router.get("/glossary/{slug}", response_class=HTMLResponse)
def term_page(request: Request, slug: str, db: SessionDep, glossary: GlossaryDep) -> HTMLResponse:
    term = views.term_detail(db, slug)
    return _render(
        request, "term.html", term, term.term, terms_json=terms_json(glossary, term.definition_html)
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


@router.get("/files/{path:path}")
def file(request: Request, path: str) -> Response:
    """An attachment, only from inside the vault; never one that could run script here."""
    root = Path(request.app.state.settings.vault).resolve()
    wanted = _vault_file(root, path)
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


def _vault_file(root: Path, path: str) -> Path | None:
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
