"""Keeping the search index in step with the notes, inside the transaction that wrote them."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import Connection, Row, select, text

from studynotes.cjk import CJK_CLASS, has_cjk
from studynotes.db.models import Note
from studynotes.db.search.pg_sync import has_pg_search, pg_sync
from studynotes.db.search.pieces import LONG_BODY, drop_pieces, store_pieces
from studynotes.db.search.schema import BODY, COLS, COLUMNS, has_fts, run

__all__ = ["sync_search_index"]

_CJK_WORD = re.compile(rf"(?<!\S)\S*?{CJK_CLASS}\S*")  # a whitespace-separated word with CJK

# Each list in a fixed order (group_concat alone follows the rows' storage, which differs
# between a full index and an edit), as PostgreSQL's string_agg(... ORDER BY) has it.
_DOC_ROWS = """
    INSERT INTO search_docs (note_id, title, aliases, headings, tags, body)
    SELECT n.id, n.title,
        coalesce((SELECT group_concat(v, char(10)) FROM (SELECT a.name AS v FROM aliases a
                  WHERE a.note_id = n.id ORDER BY a.id)), ''),
        coalesce((SELECT group_concat(v, char(10)) FROM (SELECT h.text AS v FROM headings h
                  WHERE h.note_id = n.id ORDER BY h.position)), ''),
        coalesce((SELECT group_concat(v, ' ') FROM (SELECT t.name AS v FROM note_tags nt
                  JOIN tags t ON t.id = nt.tag_id WHERE nt.note_id = n.id ORDER BY t.name)), ''),
        n.text
    FROM notes n
"""
_DOCS = f"SELECT note_id, {COLS} FROM search_docs"
_INSERT_CJK = f"INSERT INTO search_cjk(rowid, {COLS}) VALUES (:id, :{', :'.join(COLUMNS)})"
_CHUNK = 500


def sync_search_index(conn: Connection, *, note_ids: Sequence[int] | None) -> None:
    """Re-index these notes (gone ones are dropped); ``None`` rebuilds the whole index.

    Call it inside the transaction that wrote the notes, after their aliases, headings and
    tags. An empty index over a non-empty vault (a database that predates the index) is
    rebuilt whole whatever ``note_ids`` says. On PostgreSQL, its own table (``pg_sync``).
    """
    if has_pg_search(conn):
        pg_sync(conn, note_ids=note_ids)
        return
    if not has_fts(conn):
        return
    if note_ids is None or _index_missing(conn):
        conn.execute(text("INSERT INTO search_fts(search_fts) VALUES ('delete-all')"))
        conn.execute(text("DELETE FROM search_cjk"))
        drop_pieces(conn, None)
        conn.execute(text("DELETE FROM search_docs"))
        run(conn, _DOC_ROWS, {})
        conn.execute(text("INSERT INTO search_fts(search_fts) VALUES ('rebuild')"))
        _index_apart(conn, run(conn, _DOCS, {}))
        return
    orphans = conn.execute(
        text("SELECT note_id FROM search_docs WHERE note_id NOT IN (SELECT id FROM notes)")
    ).scalars()
    ids = sorted({*note_ids, *orphans})
    for start in range(0, len(ids), _CHUNK):
        _reindex(conn, ids[start : start + _CHUNK])


def _index_missing(conn: Connection) -> bool:
    has_docs = conn.execute(text("SELECT 1 FROM search_docs LIMIT 1")).first() is not None
    return not has_docs and conn.execute(select(Note.id).limit(1)).first() is not None


def _reindex(conn: Connection, ids: list[int]) -> None:
    some = {"ids": ids}
    # External-content FTS5 forgets a row only when told its old text, so that goes first.
    run(
        conn,
        f"INSERT INTO search_fts(search_fts, rowid, {COLS}) "
        f"SELECT 'delete', note_id, {COLS} FROM search_docs WHERE note_id IN :ids",
        some,
    )
    run(conn, "DELETE FROM search_cjk WHERE rowid IN :ids", some)
    drop_pieces(conn, ids)
    run(conn, "DELETE FROM search_docs WHERE note_id IN :ids", some)
    run(conn, _DOC_ROWS + " WHERE n.id IN :ids", some)
    run(
        conn,
        f"INSERT INTO search_fts(rowid, {COLS}) "
        f"SELECT note_id, {COLS} FROM search_docs WHERE note_id IN :ids",
        some,
    )
    _index_apart(conn, run(conn, _DOCS + " WHERE note_id IN :ids", some))


def _index_apart(conn: Connection, docs: Iterable[Row[*tuple[Any, ...]]]) -> None:
    """Put the CJK runs of these ``search_docs`` rows into ``search_cjk``, and the bodies of
    the long ones in pieces into ``search_pieces``."""
    rows = []
    long: list[tuple[int, str]] = []
    for note_id, *values in docs:
        runs = [_cjk_runs(v) for v in values]
        if any(runs):
            rows.append({"id": note_id, **dict(zip(COLUMNS, runs, strict=True))})
        body = values[BODY]
        if len(body) > LONG_BODY:
            long.append((note_id, body))
    if rows:
        conn.execute(text(_INSERT_CJK), rows)
    store_pieces(conn, long)


def _cjk_runs(value: str) -> str:
    """The runs of whitespace-separated words with a CJK character in them, one a line.

    Whitespace inside a run is kept, so a phrase matches only where it stood.
    """
    if not has_cjk(value):
        return ""
    runs: list[str] = []
    start = end = -1
    for m in _CJK_WORD.finditer(value):
        if start >= 0 and value[end : m.start()].isspace():
            end = m.end()
            continue
        if start >= 0:
            runs.append(value[start:end])
        start, end = m.start(), m.end()
    if start >= 0:
        runs.append(value[start:end])
    return "\n".join(runs)
