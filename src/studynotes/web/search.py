"""The search used by both the search page and ``/api/search``."""

from __future__ import annotations

from sqlalchemy.orm import Session

from studynotes.db.search import search
from studynotes.web import schemas as s
from studynotes.web.views.boards import find_boards

MAX_QUERY = 200


def run_search(db: Session, q: str, *, limit: int = 20) -> s.SearchOut:
    """Any string is a valid query: it is bounded and the search itself never raises."""
    q = q[:MAX_QUERY]
    found = search(db.connection(), q, limit=limit)
    return s.SearchOut(
        query=q,
        terms=[
            s.TermHitOut(
                slug=t.slug,
                term=t.term,
                aliases=t.aliases,
                definition=t.definition,
                note_slug=t.note_slug,
                anchor=t.anchor,
                match=t.match,
            )
            for t in found.terms
        ],
        notes=[
            s.NoteHitOut(
                slug=n.slug, title=n.title, path=n.path, snippet_html=n.snippet_html, tags=n.tags
            )
            for n in found.notes
        ],
        notes_for=found.notes_for,
        boards=find_boards(db, q, limit=limit),
    )
