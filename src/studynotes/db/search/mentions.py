"""Notes that mention a phrase: the unlinked mentions on a note page, and a term's uses."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, or_, select

from studynotes.cjk import has_cjk
from studynotes.db.models import Link, Note
from studynotes.db.search.query import quote
from studynotes.db.search.schema import BODY, has_fts, run
from studynotes.db.search.snippets import ELLIPSIS, plain_text

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
                ids = run(
                    conn,
                    f"SELECT rowid FROM search_cjk WHERE search_cjk MATCH :m{linked} LIMIT :n",
                    params,
                ).scalars()
                new = [nid for nid in ids if nid not in found]
                if not new:
                    continue
                bodies = run(
                    conn,
                    "SELECT note_id, body FROM search_docs WHERE note_id IN :ids",
                    {"ids": new},
                )
                texts: dict[int, str] = {nid: body for nid, body in bodies}
                for nid in new:
                    found[nid] = plain_text(texts.get(nid, ""), [phrase])
                continue
            rows = run(
                conn,
                f"SELECT rowid, snippet(search_fts, {BODY}, '', '', '{ELLIPSIS}', 24) "
                f"FROM search_fts WHERE search_fts MATCH :m{linked} LIMIT :n",
                params,
            )
            for nid, snippet in rows:
                found.setdefault(nid, " ".join((snippet or "").split()))
        return list(found.items())[:limit]
    skip: set[int] = set()
    if unlinked_from is not None:
        skip = {unlinked_from, *conn.execute(
            select(Link.source_id).where(Link.target_id == unlinked_from)
        ).scalars()}  # fmt: skip
    likes = [Note.text.ilike(f"%{p}%") for p in wanted]
    rows = conn.execute(select(Note.id, Note.text).where(or_(*likes)).limit(limit + len(skip)))
    for nid, body in rows:
        if nid not in skip:
            found[nid] = plain_text(body, wanted)
    return list(found.items())[:limit]
