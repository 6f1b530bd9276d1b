"""Notes that mention a phrase: the unlinked mentions on a note page, and a term's uses."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, or_, select

from studynotes.cjk import has_cjk
from studynotes.db.models import Link, Note
from studynotes.db.search.pg_mentions import pg_mentions
from studynotes.db.search.pg_sync import has_pg_search
from studynotes.db.search.pieces import HAS_PIECES
from studynotes.db.search.portable import window_snippets
from studynotes.db.search.query import quote
from studynotes.db.search.schema import BODY, has_fts, run
from studynotes.db.search.snippets import MARKS, as_text, marked, text_snippets, word_snippets

__all__ = ["mentions"]


def mentions(
    conn: Connection,
    phrases: Sequence[str],
    *,
    unlinked_from: int | None = None,
    limit: int = 50,
) -> list[tuple[int, str]]:
    """``(note id, plain-text snippet)`` for notes whose body contains one of ``phrases`` as
    words; with ``unlinked_from``, only other notes that do not link to that note. The index
    answers, so no note's text is scanned."""
    wanted = [p.strip() for p in phrases if len(p.strip()) >= 3]
    if not wanted:
        return []
    found: dict[int, str] = {}
    # Once seen, the index stays for the life of the connection (migrations make it before
    # any page is served); looking it up again cost each note page's first view ~60 µs.
    if conn.info.get("search_fts") or has_fts(conn):
        conn.info["search_fts"] = True
        # The note and the notes linking to it are left out by the statement itself, a bound
        # parameter and not the id in the text: one statement for every note, which
        # SQLAlchemy and SQLite prepare once instead of once per note page.
        linked = (
            " AND rowid != :me AND rowid NOT IN (SELECT source_id FROM links WHERE target_id = :me)"
            if unlinked_from is not None
            else ""
        )
        for phrase in wanted:
            params: dict[str, Any] = {"m": f"body : {quote(phrase)}", "n": limit}
            if unlinked_from is not None:
                params["me"] = unlinked_from
            if has_cjk(phrase):  # the runs hold CJK only: the snippet comes from the body
                ids = run(conn, f"{_CJK_IDS}{linked} LIMIT :n", params).scalars()
                new = [nid for nid in ids if nid not in found]
                for nid, snippet in text_snippets(conn, new, [phrase], [phrase]).items():
                    found[nid] = as_text(snippet)
                continue
            rows = run(conn, f"{_WORD_SNIPPETS}{linked} LIMIT :n", {**params, **_MARKS})
            late: list[int] = []
            for nid, snippet in rows:
                if snippet is None:
                    late.append(nid)
                else:
                    found.setdefault(nid, as_text(marked(snippet)))
            for nid, snippet in word_snippets(conn, [quote(phrase)], late).items():
                found.setdefault(nid, as_text(snippet))
        return list(found.items())[:limit]
    if conn.info.get("search_pg") or has_pg_search(conn):
        conn.info["search_pg"] = True
        return pg_mentions(conn, wanted, unlinked_from, limit)
    skip: set[int] = set()
    if unlinked_from is not None:
        skip = {unlinked_from, *conn.execute(
            select(Link.source_id).where(Link.target_id == unlinked_from)
        ).scalars()}  # fmt: skip
    likes = [Note.text.ilike(f"%{p}%") for p in wanted]
    ids = conn.execute(select(Note.id).where(or_(*likes)).limit(limit + len(skip))).scalars()
    kept = [nid for nid in ids if nid not in skip]
    snippets = window_snippets(conn, kept, wanted)
    return [(nid, as_text(snippets[nid])) for nid in kept][:limit]


_CJK_IDS = "SELECT rowid FROM search_cjk WHERE search_cjk MATCH :m"
# Short notes are quoted by snippet() in the query; long ones from a piece (``pieces``).
_WORD_SNIPPETS = (
    f"SELECT rowid, CASE WHEN NOT {HAS_PIECES.format(table='search_fts')} "
    f"THEN snippet(search_fts, {BODY}, :open, :close, :dots, :tokens) END "
    "FROM search_fts WHERE search_fts MATCH :m"
)
_MARKS = {**MARKS, "open": "", "close": ""}
