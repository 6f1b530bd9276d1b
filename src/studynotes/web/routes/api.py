"""The JSON API: a stable contract, described at /docs. Unknown slugs are 404 with a body."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import StreamingResponse

from studynotes.web import schemas as s
from studynotes.web import views
from studynotes.web.deps import GlossaryDep, ReaderDep, SessionDep
from studynotes.web.search import run_search

# 422 is ours too: the app answers invalid input with {"detail": "..."} (see web/app.py).
router = APIRouter(
    prefix="/api", responses={404: {"model": s.ErrorOut}, 422: {"model": s.ErrorOut}}
)


@router.get("/reader", response_model=s.ReaderOut)
def get_reader(reader: ReaderDep) -> s.ReaderOut:
    return s.ReaderOut(reader=reader)


@router.get("/notes", response_model=list[s.NoteSummary])
def list_notes(db: SessionDep) -> list[s.NoteSummary]:
    return views.note_list(db)


@router.get("/notes/{slug:path}", response_model=s.NoteDetail)
def get_note(slug: str, db: SessionDep, glossary: GlossaryDep) -> s.NoteDetail:
    return views.note_detail(db, slug, glossary)


@router.get("/terms", response_model=list[s.TermSummary])
def list_terms(db: SessionDep) -> list[s.TermSummary]:
    return views.term_list(db)


@router.get("/terms/{slug}", response_model=s.TermDetail)
def get_term(slug: str, db: SessionDep) -> s.TermDetail:
    return views.term_detail(db, slug)


@router.get("/tags", response_model=list[s.TagCount])
def list_tags(db: SessionDep) -> list[s.TagCount]:
    return views.tag_index(db)


@router.get("/tags/{tag:path}", response_model=s.TagPage)
def get_tag(tag: str, db: SessionDep) -> s.TagPage:
    return views.tag_page(db, tag)


@router.get("/folders/{folder:path}", response_model=s.FolderPage)
def get_folder(folder: str, db: SessionDep) -> s.FolderPage:
    return views.folder_page(db, folder)


@router.get("/home", response_model=s.Home)
def get_home(db: SessionDep) -> s.Home:
    return views.home(db)


@router.get("/preview/{slug:path}", response_model=s.Preview)
def get_preview(
    slug: str,
    db: SessionDep,
    heading: Annotated[str | None, Query(max_length=1000)] = None,
    block: Annotated[str | None, Query(max_length=255)] = None,
) -> s.Preview:
    return views.preview(db, slug, heading=heading or None, block=block or None)


@router.get("/search", response_model=s.SearchOut)
def search(
    db: SessionDep,
    q: str = "",
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
) -> s.SearchOut:
    return run_search(db, q, limit=limit)


@router.get("/graph", response_model=s.Graph)
def get_graph(
    db: SessionDep, slug: Annotated[str | None, Query(max_length=1024)] = None
) -> s.Graph:
    return views.local_graph(db, slug) if slug else views.graph(db)


@router.get("/broken-links", response_model=list[s.BrokenLink])
def get_broken_links(db: SessionDep) -> list[s.BrokenLink]:
    return views.broken_links(db)


@router.get("/events", include_in_schema=False)
async def events(request: Request) -> StreamingResponse:
    """Server-sent events: ``{"slugs": [...], "deleted": [...]}`` after each re-index."""

    async def frames() -> AsyncIterator[str]:
        async for frame in request.app.state.broker.stream():
            yield frame
            if await request.is_disconnected():
                break

    return StreamingResponse(
        frames(),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )
