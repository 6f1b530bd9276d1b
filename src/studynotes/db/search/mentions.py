"""Notes that mention a phrase: the unlinked mentions on a note page, and a term's uses."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, or_, select

from studynotes.cjk import has_cjk
from studynotes.db.models import Link, Note
from studynotes.db.search.pg_mentions import pg_mention_ids
from studynotes.db.search.pg_sync import has_pg_search
from studynotes.db.search.pieces import HAS_PIECES
from studynotes.db.search.portable import window_snippets
from studynotes.db.search.query import quote
from studynotes.db.search.schema import BODY, has_fts, run
from studynotes.db.search.snippets import MARKS, as_text, marked, text_snippets, word_snippets

__all__ = ["Found", "mention_ids", "mention_snippets", "mentions"]

# A note that mentions a phrase, and the phrase that found it (every phrase looked for, when
# the LIKE search found it): what its snippet quotes.
Found = tuple[int, tuple[str, ...]]


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
    found = mention_ids(conn, phrases, unlinked_from=unlinked_from, limit=limit)
    snippets = mention_snippets(conn, found)
    return [(nid, snippets.get(nid, "")) for nid, _ in found]


def mention_ids(
    conn: Connection,
    phrases: Sequence[str],
    *,
    unlinked_from: int | None = None,
    limit: int = 50,
) -> list[Found]:
    """The notes ``mentions`` finds, in its order, each with the phrase that found it (all
    of them, for the LIKE search): ``mention_snippets`` quotes them, which a caller that
    shows the place in the note's HTML needs only where that is missing."""
    wanted = [p.strip() for p in phrases if len(p.strip()) >= 3]
    if not wanted:
        return []
    # Once seen, the index stays for the life of the connection (migrations make it before
    # any page is served); looking it up again cost each note page's first view ~60 µs.
    if conn.info.get("search_fts") or has_fts(conn):
        conn.info["search_fts"] = True
        return _fts_ids(conn, wanted, unlinked_from, limit)
    if conn.info.get("search_pg") or has_pg_search(conn):
        conn.info["search_pg"] = True
        return pg_mention_ids(conn, wanted, unlinked_from, limit)
    skip: set[int] = set()
    if unlinked_from is not None:
        skip = {unlinked_from, *conn.execute(
            select(Link.source_id).where(Link.target_id == unlinked_from)
        ).scalars()}  # fmt: skip
    likes = [Note.text.ilike(f"%{p}%") for p in wanted]
    ids = conn.execute(select(Note.id).where(or_(*likes)).limit(limit + len(skip))).scalars()
    every = tuple(wanted)
    return [(nid, every) for nid in ids if nid not in skip][:limit]


def _fts_ids(
    conn: Connection, wanted: list[str], unlinked_from: int | None, limit: int
) -> list[Found]:
    # The note and the notes linking to it are left out by the statement itself, a bound
    # parameter and not the id in the text: one statement for every note, which SQLAlchemy
    # and SQLite prepare once instead of once per note page.
    linked = (
        " AND rowid != :me AND rowid NOT IN (SELECT source_id FROM links WHERE target_id = :me)"
        if unlinked_from is not None
        else ""
    )
    found: dict[int, tuple[str, ...]] = {}
    for phrase in wanted:
        params: dict[str, Any] = {"m": f"body : {quote(phrase)}", "n": limit}
        if unlinked_from is not None:
            params["me"] = unlinked_from
        sql = _CJK_IDS if has_cjk(phrase) else _WORD_IDS
        for nid in run(conn, f"{sql}{linked} LIMIT :n", params).scalars():
            found.setdefault(nid, (phrase,))
    return list(found.items())[:limit]


def mention_snippets(conn: Connection, found: Sequence[Found]) -> dict[int, str]:
    """The plain-text snippets of notes ``mention_ids`` found, each around its phrase."""
    by_phrase: dict[tuple[str, ...], list[int]] = {}
    for nid, phrase in found:
        by_phrase.setdefault(phrase, []).append(nid)
    out: dict[int, str] = {}
    for phrase, ids in by_phrase.items():
        if conn.info.get("search_fts") or has_fts(conn):
            out.update(_fts_snippets(conn, phrase[0], ids))
        else:  # PostgreSQL quotes the text around a phrase, as the LIKE search does
            snippets = window_snippets(conn, ids, list(phrase))
            out.update((nid, as_text(snippet)) for nid, snippet in snippets.items())
    return out


def _fts_snippets(conn: Connection, phrase: str, ids: list[int]) -> dict[int, str]:
    if has_cjk(phrase):  # the runs hold CJK only: the snippet comes from the body
        return {nid: as_text(s) for nid, s in text_snippets(conn, ids, [phrase], [phrase]).items()}
    # Short notes are quoted by snippet() in the query; long ones from a piece (``pieces``).
    params = {"m": f"body : {quote(phrase)}", "ids": ids, **_MARKS}
    out: dict[int, str] = {}
    late: list[int] = []
    for nid, snippet in run(conn, _WORD_SNIPPETS, params):
        if snippet is None:
            late.append(nid)
        else:
            out[nid] = as_text(marked(snippet))
    for nid, snippet in word_snippets(conn, [quote(phrase)], late).items():
        out[nid] = as_text(snippet)
    return out


_CJK_IDS = "SELECT rowid FROM search_cjk WHERE search_cjk MATCH :m"
_WORD_IDS = "SELECT rowid FROM search_fts WHERE search_fts MATCH :m"
_WORD_SNIPPETS = (
    f"SELECT rowid, CASE WHEN NOT {HAS_PIECES.format(table='search_fts')} "
    f"THEN snippet(search_fts, {BODY}, :open, :close, :dots, :tokens) END "
    "FROM search_fts WHERE search_fts MATCH :m AND rowid IN :ids"
)
_MARKS = {**MARKS, "open": "", "close": ""}
