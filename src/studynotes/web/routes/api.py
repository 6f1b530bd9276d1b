"""The JSON API: a stable contract, described at /docs. Unknown slugs are 404 with a body."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import StreamingResponse

from studynotes.web import paging, views
from studynotes.web import schemas as s
from studynotes.web.deps import (
    GlossaryDep,
    ReaderDep,
    ResultsDep,
    SessionDep,
    SettingsDep,
    TreeDep,
)
from studynotes.web.search import run_search
from studynotes.web.views.tree import PAGE_ITEMS

# 422 is ours too: the app answers invalid input with {"detail": "..."} (see web/app.py).
router = APIRouter(
    prefix="/api", responses={404: {"model": s.ErrorOut}, 422: {"model": s.ErrorOut}}
)


@router.get("/reader", response_model=s.ReaderOut)
def get_reader(reader: ReaderDep) -> s.ReaderOut:
    return s.ReaderOut(reader=reader)


@router.get("/notes", response_model=list[s.NoteSummary])
def list_notes(
    request: Request,
    response: Response,
    db: SessionDep,
    limit: paging.Limit = paging.DEFAULT_LIMIT,
    cursor: paging.Cursor = None,
) -> list[s.NoteSummary]:
    """Notes by path, a page at a time: the ``Link`` header points at the next page."""
    notes, last = views.note_list(db, after=_after(cursor), limit=limit)
    paging.link_next(request, response, last, limit)
    return notes


def _after(cursor: str | None) -> str | None:
    try:
        return paging.decode(cursor)
    except paging.BadCursor as exc:
        raise RequestValidationError([{"loc": ("query", "cursor"), "msg": str(exc)}]) from exc


@router.get("/notes/{slug:path}", response_model=s.NoteDetail)
def get_note(slug: str, db: SessionDep, glossary: GlossaryDep, results: ResultsDep) -> s.NoteDetail:
    return views.note_detail(db, slug, glossary, results)


@router.get("/mentions/{slug:path}", response_model=s.Mentions)
def get_mentions(slug: str, db: SessionDep) -> s.Mentions:
    """The twin of ``/mentions/{slug}``: notes naming this one without linking to it."""
    return views.mentions_of(db, slug)


@router.get("/terms", response_model=list[s.TermSummary])
def list_terms(
    request: Request,
    response: Response,
    glossary: GlossaryDep,
    limit: paging.Limit = paging.DEFAULT_LIMIT,
    cursor: paging.Cursor = None,
) -> list[s.TermSummary]:
    """The glossary A to Z, a page at a time: the ``Link`` header points at the next page."""
    terms = list(glossary.terms.values())
    chunk, last = paging.page_of(terms, views.term_order, _after(cursor), limit)
    paging.link_next(request, response, last, limit)
    return chunk


@router.get("/terms/{slug}", response_model=s.TermDetail)
def get_term(slug: str, db: SessionDep) -> s.TermDetail:
    return views.term_detail(db, slug)


@router.get("/tags", response_model=list[s.TagCount])
def list_tags(
    request: Request,
    response: Response,
    db: SessionDep,
    limit: paging.Limit = paging.DEFAULT_LIMIT,
    cursor: paging.Cursor = None,
) -> list[s.TagCount]:
    """Tags A to Z, a page at a time: the ``Link`` header points at the next page."""
    tags = sorted(views.tag_index(db), key=_tag_order)
    chunk, last = paging.page_of(tags, _tag_order, _after(cursor), limit)
    paging.link_next(request, response, last, limit)
    return chunk


def _tag_order(tag: s.TagCount) -> str:
    return f"{tag.name.casefold()}\x00{tag.name}"


@router.get("/tags/{tag:path}", response_model=s.TagPage)
def get_tag(tag: str, db: SessionDep) -> s.TagPage:
    return views.tag_page(db, tag)


@router.get("/folders/{folder:path}", response_model=s.FolderPage)
def get_folder(folder: str, db: SessionDep) -> s.FolderPage:
    return views.folder_page(db, folder)


@router.get("/canvas/{path:path}", response_model=s.BoardDetail)
def get_canvas(path: str, db: SessionDep) -> s.BoardDetail:
    """A canvas board as the index holds it: the notes linking to it, what its cards and
    links point at, and why it cannot be drawn if it cannot (the page at ``/canvas/``)."""
    return views.board_detail(db, path)


@router.get("/tree", response_model=list[s.TreeEntryOut])
def get_tree(
    tree: TreeDep,
    folder: Annotated[str, Query(description="a folder of the vault; empty for its top")] = "",
    offset: Annotated[int, Query(ge=0)] = 0,
    limit: Annotated[int, Query(ge=1, le=PAGE_ITEMS)] = PAGE_ITEMS,
) -> list[s.TreeEntryOut]:
    """A folder's children for the explorer: folders first, names in natural order."""
    if not tree.has(folder):
        raise views.NotFound(f"no folder {folder!r} in the vault")
    return [
        s.TreeEntryOut(name=e.name, kind=e.kind, path=e.path, url=e.url, notes=e.notes)
        for e in tree.page(folder, offset=offset, limit=limit)
    ]


@router.get("/home", response_model=s.Home)
def get_home(db: SessionDep) -> s.Home:
    return views.home(db)


@router.get("/preview/{slug:path}", response_model=s.Preview)
def get_preview(
    slug: str,
    db: SessionDep,
    results: ResultsDep,
    heading: Annotated[str | None, Query(max_length=1000)] = None,
    block: Annotated[str | None, Query(max_length=255)] = None,
) -> s.Preview:
    return views.preview(db, slug, results, heading=heading or None, block=block or None)


@router.get("/search", response_model=s.SearchOut)
def search(
    db: SessionDep,
    q: str = "",
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
) -> s.SearchOut:
    return run_search(db, q, limit=limit)


@router.get("/graph", response_model=s.Graph)
def get_graph(
    db: SessionDep,
    slug: Annotated[str | None, Query(max_length=1024, description="one note's neighbours")] = None,
    folder: Annotated[
        str | None, Query(max_length=1024, description="the notes of a folder")
    ] = None,
    tag: Annotated[str | None, Query(max_length=256, description="the notes of a tag")] = None,
) -> s.Graph:
    """The vault's graph: note by note up to 2,000 notes, else its folders; a folder, a tag
    or a note's neighbourhood note by note (at most 2,000, the most linked first)."""
    if slug:
        return views.local_graph(db, slug)
    return views.graph(db, folder=folder, tag=tag)


@router.get("/broken-links", response_model=list[s.BrokenLink])
def get_broken_links(db: SessionDep) -> list[s.BrokenLink]:
    return views.broken_links(db)


@router.get("/decks", response_model=list[s.DeckOut])
def list_decks(db: SessionDep, reader: ReaderDep) -> list[s.DeckOut]:
    """Every deck with its cards and how many are due now (sub-decks included)."""
    return views.study.decks(db, reader=reader)


@router.get("/decks/{deck:path}", response_model=s.DeckPage)
def get_deck(deck: str, db: SessionDep, reader: ReaderDep) -> s.DeckPage:
    """One deck: its counts, the decks below it and its cards."""
    return views.study.deck_page(db, deck, reader=reader)


@router.get("/cards", response_model=list[s.CardOut])
def list_cards(db: SessionDep, note: Annotated[str, Query(max_length=1024)]) -> list[s.CardOut]:
    """The cards a note makes: its own, and those of the glossary terms it defines."""
    return views.study.note_cards(db, note)


_NO_CARD: dict[int | str, dict[str, Any]] = {204: {"description": "nothing is due"}}


@router.get("/review/next", response_model=s.CardOut, responses=_NO_CARD)
def review_next(
    db: SessionDep,
    reader: ReaderDep,
    deck: Annotated[str | None, Query(max_length=512)] = None,
    note: Annotated[str | None, Query(max_length=1024, description="a note's slug")] = None,
) -> s.CardOut | Response:
    """The next card due (overdue first, then new), or 204 when none is due."""
    card = views.study.next_card(db, reader=reader, deck=deck or None, note=note or None)
    return card if card is not None else Response(status_code=204)


@router.post(
    "/review",
    response_model=s.ReviewOut,
    responses={400: {"model": s.ErrorOut, "description": "the body is not JSON"}},
)
def review(
    body: s.ReviewIn, db: SessionDep, reader: ReaderDep, settings: SettingsDep
) -> s.ReviewOut:
    """Rate a card: 1 Again, 2 Hard, 3 Good, 4 Easy. Its new schedule comes back."""
    return views.study.review(
        db, reader=reader, card_id=body.card_id, rating=body.rating, settings=settings
    )


@router.post("/review/undo", response_model=s.CardOut, responses=_NO_CARD)
def review_undo(db: SessionDep, reader: ReaderDep) -> s.CardOut | Response:
    """Take back the last rating; the card comes back to be rated again (204: none to undo)."""
    card = views.study.undo(db, reader=reader)
    return card if card is not None else Response(status_code=204)


@router.get("/stats", response_model=s.StudyStatsOut)
def get_study_stats(db: SessionDep, reader: ReaderDep) -> s.StudyStatsOut:
    """Reviews per day, retention, cards by state and what falls due in the next 30 days."""
    return views.study.stats(db, reader=reader)


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
