"""Notes by relevance from the FTS5 index: words, then fragments of words; CJK apart.

``search_fts`` holds the notes' words, ranked with BM25 and matched by prefix as the user
types. ``search_cjk`` holds trigrams of the notes' CJK runs only: CJK is written without
spaces, so its words are substrings.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, Row, bindparam, select

from studynotes.cjk import has_cjk
from studynotes.db.models import Note
from studynotes.db.search.hits import Hit
from studynotes.db.search.pieces import HAS_PIECES
from studynotes.db.search.query import all_of, loose, quote, word_parts, words_match
from studynotes.db.search.schema import BODY, COLUMNS, run
from studynotes.db.search.snippets import MARKS, marked, text_snippets, word_snippets
from studynotes.db.search.tags import TagMatch, scope
from studynotes.db.search.vocabulary import fragments_match

__all__ = ["fts_notes"]

# BM25 weights per column, in table order: a word in the title counts ten times one in the body.
_WEIGHTS = (10.0, 8.0, 5.0, 5.0, 1.0)
_RANK = f"bm25({', '.join(map(str, _WEIGHTS))})"


def fts_notes(conn: Connection, words: list[str], tags: list[TagMatch], limit: int) -> list[Hit]:
    """Words (the note named so first), then fragments of words; CJK goes its own way."""
    if any(has_cjk(w) for w in words):
        return _cjk_notes(conn, words, tags, limit)
    hits = _word_notes(conn, word_parts(words), tags, [], limit)
    named = loose(" ".join(words))
    for hit in hits:
        if loose(hit.title) == named:  # the note named so comes first
            hit.score += 1.0
    hits.sort(key=lambda h: -h.score)
    if len(hits) < limit and any(len(w) >= 3 for w in words):
        fragments = fragments_match(conn, words)
        if fragments is not None:
            seen = [h.id for h in hits]
            hits += _word_notes(conn, fragments, tags, seen, limit - len(hits))
    return hits


def _ranked(
    conn: Connection,
    fts: str,
    match: str,
    where: str,
    params: dict[str, Any],
    limit: int,
    *,
    snippets: bool,
) -> list[tuple[int, float, str | None]]:
    """``(note id, score, snippet)``: notes whose title or aliases match, then the others.

    BM25 orders each tier: FTS5's BM25 adds the column weights up before saturating term
    frequency, so a word repeated in a body can outscore the same word in a title; the tiers
    settle that. The first tier is the same query limited to the title and alias columns
    (a column filter, not a second lookup per row). Both tiers are limited in SQL, and
    ``ORDER BY rank`` lets FTS5 sort, so snippet() costs only the rows returned (asked for
    afterwards, it would re-run the match for each); it quotes short notes only, and the
    snippet is None for the others (long notes: ``pieces``) and for the first tier.
    """
    sql = (
        f"SELECT {fts}.rowid, rank{{}} FROM {fts} WHERE {fts} MATCH :m AND rank MATCH :rank"
        f"{where} ORDER BY rank LIMIT :n"
    )
    short = "NOT " + HAS_PIECES.format(table=fts)
    snippet = f", CASE WHEN {short} THEN snippet({fts}, {BODY}, :open, :close, :dots, :tokens) END"
    args = {**params, "rank": _RANK, "n": limit}
    out: list[tuple[int, float, str | None]] = [
        (nid, 1.0 + _squash(rank), None)
        for nid, rank in run(conn, sql.format(""), {**args, "m": f"{{title aliases}} : ({match})"})
    ]
    if len(out) < limit:
        named = {nid for nid, _, _ in out}
        found: dict[int, str | None] = {}
        marks = MARKS if snippets else {}
        rows = run(conn, sql.format(snippet if snippets else ""), {**args, **marks, "m": match})
        for nid, rank, *snip in rows:
            found[nid] = snip[0] if snip else None
            if nid not in named and len(out) < limit:
                out.append((nid, _squash(rank), found[nid]))
        out = [(nid, score, found.get(nid, snip)) for nid, score, snip in out]
    return out


def _squash(rank: float) -> float:
    """FTS5's rank (lower is better) as a score in [0, 1) (higher is better)."""
    bm25 = max(0.0, -float(rank))
    return bm25 / (1.0 + bm25)


_NOTES = select(Note.id, Note.slug, Note.title, Note.path).where(
    Note.id.in_(bindparam("ids", expanding=True))
)


def _notes_by_id(conn: Connection, ids: list[int]) -> dict[int, Row[int, str, str, str]]:
    return {row.id: row for row in conn.execute(_NOTES, {"ids": ids})}


def _word_notes(
    conn: Connection, parts: list[str], tags: list[TagMatch], seen: list[int], limit: int
) -> list[Hit]:
    where, params = scope("search_fts", tags, seen)
    ranked = _ranked(conn, "search_fts", all_of(parts), where, params, limit, snippets=True)
    notes = _notes_by_id(conn, [nid for nid, _, _ in ranked])
    late = word_snippets(conn, parts, [nid for nid, _, snip in ranked if snip is None])
    return [
        Hit(nid, n.slug, n.title, n.path, late[nid] if snip is None else marked(snip), score)
        for nid, score, snip in ranked
        if (n := notes.get(nid)) is not None
    ]


def _like_pattern(word: str) -> str:
    escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _cjk_notes(conn: Connection, words: list[str], tags: list[TagMatch], limit: int) -> list[Hit]:
    """CJK words as substrings of the CJK runs, other words as words; trigrams need three
    characters, so shorter CJK words are matched with LIKE over the (short) runs."""
    cjk = [w for w in words if has_cjk(w)]
    latin = [w for w in words if not has_cjk(w)]
    long = [w for w in cjk if len(w) >= 3]
    where, params = scope("search_cjk", tags, [])
    named: list[str] = []
    for i, word in enumerate(w for w in cjk if len(w) < 3):
        like = [f"search_cjk.{c} LIKE :s{i} ESCAPE '\\'" for c in COLUMNS]
        where += f" AND ({' OR '.join(like)})"
        named += like[:2]  # title, aliases
        params[f"s{i}"] = _like_pattern(word)
    if latin:
        where += (
            " AND +search_cjk.rowid IN (SELECT rowid FROM search_fts WHERE search_fts MATCH :w)"
        )
        params["w"] = words_match(latin)
    if long:
        match = " ".join(quote(w) for w in long)
        ranked = _ranked(conn, "search_cjk", match, where, params, limit, snippets=False)
    else:  # no trigram to rank by: the note naming it first, then the shortest title
        rows = run(
            conn,
            f"SELECT search_cjk.rowid, {' OR '.join(named)} AS named FROM search_cjk "
            "JOIN search_docs d ON d.note_id = search_cjk.rowid "
            f"WHERE 1 = 1{where} ORDER BY named DESC, length(d.title), d.title, d.note_id "
            "LIMIT :n",
            {**params, "n": limit},
        )
        ranked = [(nid, 1.5 if is_named else 0.5, None) for nid, is_named in rows]
    ids = [nid for nid, _, _ in ranked]
    notes = _notes_by_id(conn, ids)
    snippets = text_snippets(conn, ids, cjk + [w for w in latin if len(w) >= 3], cjk)
    return [
        Hit(nid, n.slug, n.title, n.path, snippets.get(nid, ""), score)
        for nid, score, _ in ranked
        if (n := notes.get(nid)) is not None
    ]
