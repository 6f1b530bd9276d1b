"""Notes that mention a phrase, on PostgreSQL: the phrase as words of the body (weight D of
the ``tsvector``), or, in CJK, as a substring of the body (pg_trgm's index); never a scan
of every note's text, which cost a note page 50 ms per phrase on a 1,000-note vault."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection

from studynotes.cjk import has_cjk
from studynotes.db.search.query import WORD, fold
from studynotes.db.search.schema import run

__all__ = ["pg_mention_ids"]

_UNLINKED = (
    " AND d.note_id != :me AND d.note_id NOT IN (SELECT source_id FROM links WHERE target_id = :me)"
)


def _like(phrase: str) -> str:
    return "%" + phrase.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def pg_mention_ids(
    conn: Connection, wanted: Sequence[str], unlinked_from: int | None, limit: int
) -> list[tuple[int, tuple[str, ...]]]:
    """As ``mentions.mention_ids``: ``(note id, (the phrase that found it,))``, in the order
    found."""
    found: dict[int, tuple[str, ...]] = {}
    for phrase in wanted:
        params: dict[str, Any] = {"n": limit}
        if has_cjk(phrase):
            where = "d.body ILIKE :p"
            params["p"] = _like(phrase)
        else:
            tokens = WORD.findall(fold(phrase))
            if not tokens:
                continue
            where = "d.doc @@ to_tsquery('simple', :q)"
            params["q"] = " <-> ".join(f"{t}:D" for t in tokens)
        if unlinked_from is not None:
            where += _UNLINKED
            params["me"] = unlinked_from
        # ``+ 0``: ordered by the key's index, the planner read every row to filter it
        # (13 ms at 3,000 notes); this way the GIN index finds the few, then they are sorted.
        sql = f"SELECT d.note_id FROM search_docs d WHERE {where} ORDER BY d.note_id + 0 LIMIT :n"
        for nid in run(conn, sql, params).scalars():
            found.setdefault(nid, (phrase,))
        if len(found) >= limit:
            break
    return list(found.items())[:limit]
