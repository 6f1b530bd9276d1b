"""``search``: glossary terms and notes for one query, and what a misspelt query meant."""

from __future__ import annotations

from sqlalchemy import Connection, bindparam, select
from sqlalchemy.exc import OperationalError

from studynotes.db.models import NoteTag, Tag
from studynotes.db.search.hits import Hit, NoteHit, SearchResults
from studynotes.db.search.notes import fts_notes
from studynotes.db.search.pg_notes import pg_notes
from studynotes.db.search.pg_sync import has_pg_search
from studynotes.db.search.portable import like_notes
from studynotes.db.search.query import Query, parse
from studynotes.db.search.schema import has_fts
from studynotes.db.search.tags import match_tags, tagged_notes
from studynotes.db.search.terms import search_terms
from studynotes.db.search.vocabulary import any_known_word, nearest_title

__all__ = ["MAX_LIMIT", "search"]

MAX_LIMIT = 200


def search(conn: Connection, q: str, *, limit: int = 20) -> SearchResults:
    """Glossary terms matching ``q`` (exact, prefix, then fuzzy) and the best notes for it.

    ``#tag`` tokens restrict notes to that tag or tags nested under it.
    """
    query = parse(q)
    limit = max(0, min(limit, MAX_LIMIT))
    if limit == 0 or not (query.words or query.tags):
        return SearchResults(query.text, [], [])
    terms = search_terms(conn, query.words, limit) if query.words else []
    notes = _search_notes(conn, query, limit)
    if notes or not query.words:
        return SearchResults(query.text, terms, notes)
    # A typo: "ruoge" finds the term ROUGE but no note, "transfromer" nothing at all. Show
    # the notes for the term it was taken for, or else for the nearest note title.
    if terms and terms[0].match == "fuzzy":
        meant: str | None = terms[0].term
    elif not terms and not any_known_word(conn, query.words):
        meant = nearest_title(conn, " ".join(query.words))
    else:
        meant = None
    if meant is None:
        return SearchResults(query.text, terms, notes)
    corrected = parse(" ".join([meant, *(f"#{tag}" for tag in query.tags)]))
    notes = _search_notes(conn, corrected, limit) if corrected.words else []
    return SearchResults(query.text, terms, notes, meant if notes else None)


def _search_notes(conn: Connection, query: Query, limit: int) -> list[NoteHit]:
    tags = match_tags(conn, query.tags) if query.tags else []
    if any(not t.ids for t in tags):  # a tag no note has
        return []
    if not query.words:
        hits = tagged_notes(conn, tags, limit)
    elif has_pg_search(conn):
        hits = pg_notes(conn, query.words, tags, limit)
    elif has_fts(conn):
        try:
            hits = fts_notes(conn, query.words, tags, limit)
        except OperationalError:  # an index we cannot read: still answer
            hits = like_notes(conn, query.words, tags, limit)
    else:
        hits = like_notes(conn, query.words, tags, limit)
    return _finish(conn, hits)


_TAGS_OF = (
    select(NoteTag.note_id, Tag.name)
    .join(Tag, Tag.id == NoteTag.tag_id)
    .where(NoteTag.note_id.in_(bindparam("ids", expanding=True)))
    .order_by(Tag.name)
)


def _finish(conn: Connection, hits: list[Hit]) -> list[NoteHit]:
    """Attach tags; make scores fall monotonically, as the order does."""
    tags: dict[int, list[str]] = {h.id: [] for h in hits}
    if hits:
        for nid, name in conn.execute(_TAGS_OF, {"ids": list(tags)}):
            tags[nid].append(name)
    out: list[NoteHit] = []
    for hit in hits:
        score = hit.score if not out else min(hit.score, out[-1].score)
        out.append(NoteHit(hit.slug, hit.title, hit.path, hit.snippet_html, score, tags[hit.id]))
    return out
