"""Keeping PostgreSQL's search table (migration 0007) in step with the notes.

Words are folded and split here, in Python, exactly as ``query`` folds and splits what the
user types, and only then handed to ``to_tsvector('simple', ...)``: both engines then agree
on what a word is (no stemming, no stop words, diacritics dropped) whatever the server's
text search configuration.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, text

from studynotes.db.search.query import WORD, fold
from studynotes.db.search.schema import run

__all__ = ["has_pg_search", "pg_sync", "words_of"]

# A tsvector holds at most 1 MB: the body's words past this many characters are not
# indexed (the notes themselves keep every word; snippets and pages are unaffected).
_MAX_BODY_WORDS = 200_000
_CHUNK = 500

_ROWS = """
    SELECT n.id, n.title,
        coalesce((SELECT string_agg(a.name, E'\\n' ORDER BY a.id) FROM aliases a
                  WHERE a.note_id = n.id), ''),
        coalesce((SELECT string_agg(h.text, E'\\n' ORDER BY h.position) FROM headings h
                  WHERE h.note_id = n.id), ''),
        coalesce((SELECT string_agg(t.name, ' ' ORDER BY t.name) FROM note_tags nt
                  JOIN tags t ON t.id = nt.tag_id WHERE nt.note_id = n.id), ''),
        n.text
    FROM notes n
"""
_INSERT = text(
    "INSERT INTO search_docs (note_id, title, aliases, headings, tags, body, size, doc) "
    "VALUES (:id, :title, :aliases, :headings, :tags, :body, :size, "
    "setweight(to_tsvector('simple', :w_title), 'A') || "
    "setweight(to_tsvector('simple', :w_aliases), 'B') || "
    "setweight(to_tsvector('simple', :w_headings), 'C') || "
    "setweight(to_tsvector('simple', :w_body), 'D'))"
)
_HAS_TABLE = text("SELECT to_regclass('search_docs') IS NOT NULL")


def has_pg_search(conn: Connection) -> bool:
    """Whether this is PostgreSQL with the search table of migration 0007."""
    return conn.dialect.name == "postgresql" and bool(conn.execute(_HAS_TABLE).scalar())


def words_of(value: str) -> str:
    """The words of ``value`` as the index keeps them, space-separated."""
    return " ".join(WORD.findall(fold(value)))


def pg_sync(conn: Connection, *, note_ids: Sequence[int] | None) -> None:
    """Re-index these notes (gone ones are dropped); ``None`` rebuilds the whole table."""
    if note_ids is None or _missing(conn):
        conn.execute(text("DELETE FROM search_docs"))
        _insert(conn, conn.execute(text(_ROWS)).all())
        return
    orphans = conn.execute(
        text("SELECT note_id FROM search_docs WHERE note_id NOT IN (SELECT id FROM notes)")
    ).scalars()
    ids = sorted({*note_ids, *orphans})
    for start in range(0, len(ids), _CHUNK):
        some = {"ids": ids[start : start + _CHUNK]}
        run(conn, "DELETE FROM search_docs WHERE note_id IN :ids", some)
        _insert(conn, run(conn, _ROWS + " WHERE n.id IN :ids", some).all())


def _missing(conn: Connection) -> bool:
    """An empty table over indexed notes: a database migrated after it was indexed."""
    if conn.execute(text("SELECT 1 FROM search_docs LIMIT 1")).first() is not None:
        return False
    return conn.execute(text("SELECT 1 FROM notes LIMIT 1")).first() is not None


def _row(nid: int, title: str, aliases: str, headings: str, tags: str, body: str) -> dict[str, Any]:
    words = {
        "w_title": words_of(title),
        "w_aliases": words_of(aliases),
        "w_headings": words_of(f"{headings}\n{tags}"),
        "w_body": words_of(body[:_MAX_BODY_WORDS]),
    }
    size = sum(len(w.split()) for w in words.values())
    texts = {"title": title, "aliases": aliases, "headings": headings, "tags": tags, "body": body}
    return {"id": nid, "size": size, **texts, **words}


def _insert(conn: Connection, rows: Sequence[Any]) -> None:
    params = [_row(*row) for row in rows]
    for start in range(0, len(params), _CHUNK):
        conn.execute(_INSERT, params[start : start + _CHUNK])
