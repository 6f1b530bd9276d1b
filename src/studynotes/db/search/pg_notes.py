"""Notes by relevance on PostgreSQL: the weighted ``tsvector`` of migration 0007, then
fragments of words; CJK as substrings (pg_trgm indexes them).

The same steps as ``notes`` takes on SQLite, so that both engines put the same notes
first: notes whose title or aliases have the words, then the others, each tier ranked by
weight (title A, aliases B, headings and tags C, body D); the note named by the query first;
then words the query's fragments are part of.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Row, bindparam, select, text

from studynotes.cjk import has_cjk
from studynotes.db.models import Note
from studynotes.db.search.hits import Hit
from studynotes.db.search.portable import window_snippets
from studynotes.db.search.query import WORD, fold, loose
from studynotes.db.search.schema import run
from studynotes.db.search.tags import TagMatch
from studynotes.db.search.vocabulary import words_containing

__all__ = ["pg_notes"]

# ts_rank's weights for D, C, B, A: as SQLite's BM25 weighs body, headings, aliases, title.
_WEIGHTS = "'{0.1, 0.5, 0.8, 1.0}'::float4[]"
# Divide by 1 + log(the note's length in words): a long note's many mentions weigh less.
_NORMALISE = 1
# ts_rank picks this many candidates for each note asked for; BM25 (``_bm25``) orders them.
_POOL = 5
# BM25 as SQLite's FTS5 computes it: per-column weights, FTS5's k1 and b.
_COLUMN_WEIGHT = {"A": 10.0, "B": 8.0, "C": 5.0, "D": 1.0}
_K1, _B = 1.2, 0.75


@dataclass(slots=True, frozen=True)
class _Part:
    """One word of the query: its alternatives (phrases of folded tokens), the last token
    of each maybe a prefix."""

    phrases: tuple[tuple[str, ...], ...]
    prefix: bool = False

    def alone(self, phrase: tuple[str, ...]) -> _Part:
        return _Part((phrase,), self.prefix)

    def render(self, weights: str) -> str:
        mark = ("*" if self.prefix else "") + weights
        tail = f":{mark}" if mark else ""
        alts = [" <-> ".join((*p[:-1], p[-1] + tail)) for p in self.phrases]
        return "(" + " | ".join(f"({a})" for a in alts) + ")"


def _tsquery(parts: list[_Part], weights: str = "") -> str:
    return " & ".join(p.render(weights) for p in parts)


def _word_parts(words: list[str]) -> list[_Part]:
    """One part per word; the last a prefix too, unless it is one letter."""
    parts: list[_Part] = []
    for i, word in enumerate(words):
        tokens = tuple(WORD.findall(fold(word)))
        if tokens:
            last = i == len(words) - 1
            parts.append(_Part((tokens,), prefix=last and len(word) > 1))
    return parts


def _fragment_parts(conn: Connection, words: list[str]) -> list[_Part] | None:
    """Each word of three or more letters as the indexed words containing it; None if one
    has none (as ``vocabulary.fragments_match``)."""
    parts: list[_Part] = []
    for i, word in enumerate(words):
        tokens = WORD.findall(fold(word))
        if len(tokens) == 1 and len(tokens[0]) >= 3:
            found = words_containing(conn, tokens[0])
            if not found:
                return None
            parts.append(_Part(tuple((w,) for w in found)))
        else:
            parts += _word_parts(words[i:])[:1] if i == len(words) - 1 else _word_parts([word])
    return parts


def _scope(tags: list[TagMatch], seen: list[int]) -> tuple[str, dict[str, Any]]:
    sql: list[str] = []
    params: dict[str, Any] = {}
    for i, tag in enumerate(tags):
        sql.append(f" AND d.note_id IN (SELECT note_id FROM note_tags WHERE tag_id IN :tag{i})")
        params[f"tag{i}"] = tag.ids
    if seen:
        sql.append(" AND d.note_id NOT IN :seen")
        params["seen"] = list(seen)
    return "".join(sql), params


_RANKED = (
    "SELECT d.note_id, ts_rank({weights}, d.doc, q, {norm}) AS r "
    "FROM search_docs d, to_tsquery('simple', :q) q WHERE d.doc @@ q{where} "
    "ORDER BY r DESC, d.note_id LIMIT :n"
)


def _ranked(
    conn: Connection, parts: list[_Part], tags: list[TagMatch], seen: list[int], limit: int
) -> list[tuple[int, float]]:
    """``(note id, score)``: notes whose title or aliases have the words, then the others."""
    if not parts:
        return []
    where, params = _scope(tags, seen)
    sql = _RANKED.format(weights=_WEIGHTS, norm=_NORMALISE, where=where)
    pool = limit * _POOL + 20

    def tier(weights: str) -> list[tuple[int, float]]:
        found = [
            nid for nid, _ in run(conn, sql, {**params, "q": _tsquery(parts, weights), "n": pool})
        ]
        scores = _bm25(conn, found, parts, weights or "ABCD")
        return sorted(((nid, scores[nid]) for nid in found), key=lambda s: (-s[1], s[0]))

    out = [(nid, 1.0 + _squash(score)) for nid, score in tier("AB")[:limit]]
    if len(out) < limit:
        named = {nid for nid, _ in out}
        for nid, score in tier(""):
            if nid not in named and len(out) < limit:
                out.append((nid, _squash(score)))
    return out


def _bm25(conn: Connection, ids: list[int], parts: list[_Part], weights: str) -> dict[int, float]:
    """FTS5's BM25 for these notes: each phrase of the query (each alternative of each
    part) counts its occurrences in the columns ``weights`` names, weighted per column."""
    if not ids:
        return {}
    total, mean = conn.execute(
        text("SELECT count(*), coalesce(avg(size), 0)::float8 FROM search_docs")
    ).one()
    phrases = [(part, phrase) for part in parts for phrase in part.phrases]
    exact = sorted({t for _, ph in phrases for t in ph})
    prefixes = sorted({ph[-1] for part, ph in phrases if part.prefix})
    like = " OR ".join(f"u.lexeme LIKE :p{i}" for i in range(len(prefixes))) or "false"
    rows = run(
        conn,
        "SELECT d.note_id, d.size, u.lexeme, u.weights FROM search_docs d, unnest(d.doc) u "
        f"WHERE d.note_id IN :ids AND (u.lexeme IN :exact OR {like})",
        {"ids": ids, "exact": exact, **{f"p{i}": f"{p}%" for i, p in enumerate(prefixes)}},
    )
    size: dict[int, int] = {nid: 0 for nid in ids}
    counts: dict[int, dict[str, dict[str, int]]] = defaultdict(lambda: defaultdict(dict))
    for nid, n_words, lexeme, letters in rows:
        size[nid] = n_words
        counts[nid][lexeme] = {w: letters.count(w) for w in weights}
    scores = {nid: 0.0 for nid in ids}
    for part, phrase in phrases:
        having = run(
            conn,
            "SELECT count(*) FROM search_docs WHERE doc @@ to_tsquery('simple', :q)",
            {"q": _tsquery([part.alone(phrase)], weights if weights != "ABCD" else "")},
        ).scalar_one()
        idf = math.log((total - having + 0.5) / (having + 0.5))
        idf = idf if idf > 0 else 1e-6
        for nid in ids:
            tf = _frequency(counts[nid], phrase, part.prefix, weights)
            if tf:
                norm = 1 - _B + _B * (size[nid] / mean if mean else 1.0)
                scores[nid] += idf * tf * (_K1 + 1) / (tf + _K1 * norm)
    return scores


def _frequency(
    counts: dict[str, dict[str, int]], phrase: tuple[str, ...], prefix: bool, weights: str
) -> float:
    """A phrase's weighted count in one note: of each column, its rarest word's count."""
    per_token: list[dict[str, int]] = []
    for i, token in enumerate(phrase):
        last = prefix and i == len(phrase) - 1
        found = [
            c
            for lexeme, c in counts.items()
            if lexeme == token or (last and lexeme.startswith(token))
        ]
        per_token.append({w: sum(c.get(w, 0) for c in found) for w in weights})
    return sum(_COLUMN_WEIGHT[w] * min(t[w] for t in per_token) for w in weights)


def _squash(score: float) -> float:
    """A BM25 score (higher is better) as a score in [0, 1), as on SQLite."""
    return score / (1.0 + score)


_NOTES = select(Note.id, Note.slug, Note.title, Note.path).where(
    Note.id.in_(bindparam("ids", expanding=True))
)


def _notes_by_id(conn: Connection, ids: list[int]) -> dict[int, Row[int, str, str, str]]:
    return {row.id: row for row in conn.execute(_NOTES, {"ids": ids})} if ids else {}


def _hits(conn: Connection, ranked: list[tuple[int, float]], shown: list[str]) -> list[Hit]:
    ids = [nid for nid, _ in ranked]
    notes = _notes_by_id(conn, ids)
    snippets = window_snippets(conn, ids, shown)
    return [
        Hit(nid, n.slug, n.title, n.path, snippets.get(nid, ""), score)
        for nid, score in ranked
        if (n := notes.get(nid)) is not None
    ]


def pg_notes(conn: Connection, words: list[str], tags: list[TagMatch], limit: int) -> list[Hit]:
    """Words (the note named so first), then fragments of words; CJK goes its own way."""
    if any(has_cjk(w) for w in words):
        return _cjk_notes(conn, words, tags, limit)
    hits = _hits(conn, _ranked(conn, _word_parts(words), tags, [], limit), words)
    named = loose(" ".join(words))
    for hit in hits:
        if loose(hit.title) == named:  # the note named so comes first
            hit.score += 1.0
    hits.sort(key=lambda h: -h.score)
    if len(hits) < limit and any(len(w) >= 3 for w in words):
        fragments = _fragment_parts(conn, words)
        if fragments is not None:
            seen = [h.id for h in hits]
            more = _ranked(conn, fragments, tags, seen, limit - len(hits))
            hits += _fragment_hits(conn, more, fragments)
    return hits


def _fragment_hits(
    conn: Connection, ranked: list[tuple[int, float]], parts: list[_Part]
) -> list[Hit]:
    """Hits for words found through fragments, each quoting, for each part of the query,
    the first whole word its note has (``zeppelin`` for ``eppeli``)."""
    alternatives = [(i, p[0]) for i, part in enumerate(parts) for p in part.phrases if len(p) == 1]
    ids = [nid for nid, _ in ranked]
    has: dict[int, dict[int, str]] = {}
    if ids and alternatives:
        rows = run(
            conn,
            "SELECT n.id, w.word, w.i FROM notes n, unnest(CAST(:words AS text[]), "
            "CAST(:parts AS int[])) WITH ORDINALITY w(word, i, o) "
            "WHERE n.id IN :ids AND strpos(lower(n.text), w.word) > 0 ORDER BY w.o",
            {
                "ids": ids,
                "words": "{" + ",".join(w for _, w in alternatives) + "}",
                "parts": "{" + ",".join(str(i) for i, _ in alternatives) + "}",
            },
        )
        for nid, word, part in rows:
            has.setdefault(nid, {}).setdefault(part, word)
    hits = _hits(conn, ranked, [w for _, w in alternatives])
    for hit in hits:
        if hit.id in has:
            shown = list(has[hit.id].values())
            hit.snippet_html = window_snippets(conn, [hit.id], shown)[hit.id]
    return hits


def _like(word: str) -> str:
    escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _cjk_notes(conn: Connection, words: list[str], tags: list[TagMatch], limit: int) -> list[Hit]:
    """CJK words as substrings of any field, other words as words: the notes naming the CJK
    words first, then those that use them most, then the shortest title."""
    cjk = [w for w in words if has_cjk(w)]
    latin = [w for w in words if not has_cjk(w)]
    where, params = _scope(tags, [])
    named: list[str] = []
    uses: list[str] = []
    for i, word in enumerate(cjk):
        params[f"s{i}"], params[f"w{i}"] = _like(word), word
        cols = [f"d.{c} ILIKE :s{i}" for c in ("title", "aliases", "headings", "tags", "body")]
        where += f" AND ({' OR '.join(cols)})"
        named.append(f"({cols[0]} OR {cols[1]})")
        uses.append(f"(length(d.body) - length(replace(d.body, :w{i}, ''))) / length(:w{i})")
    parts = _word_parts(latin)
    if parts:
        where += " AND d.doc @@ to_tsquery('simple', :q)"
        params["q"] = _tsquery(parts)
    rows = run(
        conn,
        f"SELECT d.note_id, {' AND '.join(named)} AS named FROM search_docs d "
        f"WHERE true{where} ORDER BY 2 DESC, {' + '.join(uses)} DESC, length(d.title), "
        "d.title, d.note_id LIMIT :n",
        {**params, "n": limit},
    )
    ranked = [(nid, 1.5 if is_named else 0.5) for nid, is_named in rows]
    return _hits(conn, ranked, cjk + [w for w in latin if len(w) >= 3])
