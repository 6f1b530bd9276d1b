"""Search: glossary terms by name, notes by relevance.

On SQLite, notes are found through two FTS5 indexes over one copy of their text
(``search_docs``, created by migration 0002): ``search_fts`` holds words, ranked with BM25
and matched by prefix as the user types; ``search_trigram`` holds three-character
substrings, which is how CJK text (written without spaces) and fragments inside words are
found. Other databases get a LIKE/ILIKE search over the concept-graph tables. Queries are
user input: every query, however malformed, returns results (empty at worst).
"""

from __future__ import annotations

import html
import re
import unicodedata
import weakref
from bisect import bisect_left
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from rapidfuzz import fuzz, process
from sqlalchemy import (
    ColumnElement,
    Connection,
    Engine,
    Text,
    and_,
    bindparam,
    case,
    column,
    false,
    func,
    literal_column,
    or_,
    select,
    table,
    text,
)
from sqlalchemy.exc import OperationalError

from studynotes.db.models import (
    Alias,
    Heading,
    Link,
    Meta,
    Note,
    NoteTag,
    Tag,
    Term,
    TermAlias,
)

__all__ = [
    "NoteHit",
    "SearchResults",
    "TermHit",
    "include_in_schema",
    "is_search_table",
    "search",
    "sync_search_index",
]

MAX_QUERY_CHARS = 200
MAX_LIMIT = 200

# Schema objects owned by migration 0002, not by the models: Alembic must not compare them.
_FTS_TABLES = ("search_fts", "search_trigram")
_SHADOW_SUFFIXES = ("_data", "_idx", "_content", "_docsize", "_config")
SEARCH_TABLES = frozenset(
    ["search_docs", *_FTS_TABLES, *(t + s for t in _FTS_TABLES for s in _SHADOW_SUFFIXES)]
)

# BM25 weights per column, in table order: a word in the title counts ten times one in the body.
_WEIGHTS = (10.0, 8.0, 5.0, 5.0, 1.0)
_COLUMNS = ("title", "aliases", "headings", "tags", "body")
_BODY = _COLUMNS.index("body")

# Private-use characters mark matches in snippet(); the text is escaped before they become
# <mark> tags, so nothing from a note ever reaches the page as markup.
_OPEN, _CLOSE = "\ue000", "\ue001"
_ELLIPSIS = "\u2026"
_SNIPPET_CHARS = 160
_FUZZY_CUTOFF = 75.0
_WORD_FUZZ = 0.9  # one word of a longer name matching counts a little less
_CJK = re.compile(
    "[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\U00020000-\U0003ffff]"
)
_EDGE_PUNCT = re.compile(r"^[\W_]+|[\W_]+$")
_WORD = re.compile(r"[^\W_]+")
_TAG_EDGE = re.compile(r"[^\w/-]+$")  # "#prompting," asks for the tag "prompting"
_DROP = frozenset({"Cc", "Cf", "Cs"})  # control, format (zero-width), lone surrogates

_docs = table("search_docs", *(column(c, Text()) for c in ("note_id", *_COLUMNS)))


@dataclass(slots=True)
class TermHit:
    slug: str
    term: str
    aliases: list[str]
    definition: str
    note_slug: str
    anchor: str | None
    match: str  # "exact" | "prefix" | "fuzzy"


@dataclass(slots=True)
class NoteHit:
    slug: str
    title: str
    path: str
    snippet_html: str
    score: float  # higher is better; never increases down the list
    tags: list[str]


@dataclass(slots=True)
class SearchResults:
    query: str
    terms: list[TermHit]
    notes: list[NoteHit]


# --- schema helpers -------------------------------------------------------------------------


def is_search_table(name: str) -> bool:
    """True for the search index tables, which migrations own but the models do not."""
    return name in SEARCH_TABLES


def include_in_schema(name: str | None, type_: str, parent_names: Mapping[str, Any]) -> bool:
    """Alembic ``include_name`` hook: leave the FTS tables out of schema comparison."""
    if type_ == "table":
        return name is None or not is_search_table(name)
    table_name = parent_names.get("table_name")
    return not (isinstance(table_name, str) and is_search_table(table_name))


def _has_fts(conn: Connection) -> bool:
    if conn.dialect.name != "sqlite":
        return False
    found = conn.execute(
        text("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'search_fts'")
    ).first()
    return found is not None


# --- keeping the index in step ---------------------------------------------------------------

_DOC_ROWS = """
    INSERT INTO search_docs (note_id, title, aliases, headings, tags, body)
    SELECT n.id, n.title,
        coalesce((SELECT group_concat(a.name, char(10)) FROM aliases a
                  WHERE a.note_id = n.id), ''),
        coalesce((SELECT group_concat(h.text, char(10)) FROM headings h
                  WHERE h.note_id = n.id), ''),
        coalesce((SELECT group_concat(t.name, ' ') FROM note_tags nt
                  JOIN tags t ON t.id = nt.tag_id WHERE nt.note_id = n.id), ''),
        n.text
    FROM notes n
"""
_COLS = ", ".join(_COLUMNS)
_INSERT_ALL = text(_DOC_ROWS)
_INSERT_SOME = text(_DOC_ROWS + " WHERE n.id IN :ids").bindparams(bindparam("ids", expanding=True))
_CHUNK = 500


def sync_search_index(conn: Connection, *, note_ids: Sequence[int] | None) -> None:
    """Re-index these notes (gone ones are dropped); ``None`` rebuilds the whole index.

    Call it inside the transaction that wrote the notes, after their aliases, headings and
    tags. An empty index over a non-empty vault (a database that predates the index) is
    rebuilt whole whatever ``note_ids`` says. A no-op where there is no FTS5 index.
    """
    if not _has_fts(conn):
        return
    if note_ids is None or _index_missing(conn):
        for fts in _FTS_TABLES:
            conn.execute(text(f"INSERT INTO {fts}({fts}) VALUES ('delete-all')"))
        conn.execute(text("DELETE FROM search_docs"))
        conn.execute(_INSERT_ALL)
        for fts in _FTS_TABLES:
            conn.execute(text(f"INSERT INTO {fts}({fts}) VALUES ('rebuild')"))
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
    # External-content FTS5 forgets a row only when told its old text, so that goes first.
    for fts in _FTS_TABLES:
        conn.execute(
            text(
                f"INSERT INTO {fts}({fts}, rowid, {_COLS}) "
                f"SELECT 'delete', note_id, {_COLS} FROM search_docs WHERE note_id IN :ids"
            ).bindparams(bindparam("ids", expanding=True)),
            {"ids": ids},
        )
    conn.execute(
        text("DELETE FROM search_docs WHERE note_id IN :ids").bindparams(
            bindparam("ids", expanding=True)
        ),
        {"ids": ids},
    )
    conn.execute(_INSERT_SOME, {"ids": ids})
    for fts in _FTS_TABLES:
        conn.execute(
            text(
                f"INSERT INTO {fts}(rowid, {_COLS}) "
                f"SELECT note_id, {_COLS} FROM search_docs WHERE note_id IN :ids"
            ).bindparams(bindparam("ids", expanding=True)),
            {"ids": ids},
        )


# --- the query ------------------------------------------------------------------------------


@dataclass(slots=True)
class _Query:
    text: str  # cleaned and bounded: what the results are for
    words: list[str]  # free-text words, edge punctuation trimmed
    tags: list[str]  # from ``#tag`` tokens, case-folded


def _parse(q: str) -> _Query:
    raw = q[: MAX_QUERY_CHARS * 4]
    raw = "".join(" " if unicodedata.category(c) in _DROP else c for c in raw)
    cleaned = " ".join(unicodedata.normalize("NFKC", raw).split())[:MAX_QUERY_CHARS].strip()
    words: list[str] = []
    tags: list[str] = []
    for token in cleaned.split():
        tag = _TAG_EDGE.sub("", token.lstrip("#")).strip("/")
        if token.startswith("#") and any(c.isalpha() for c in tag):
            tags.append(tag.casefold())
            continue
        word = _EDGE_PUNCT.sub("", token)
        if word:
            words.append(word)
    return _Query(cleaned, words, tags)


def search(conn: Connection, q: str, *, limit: int = 20) -> SearchResults:
    """Glossary terms matching ``q`` (exact, prefix, then fuzzy) and the best notes for it.

    ``#tag`` tokens restrict notes to that tag or tags nested under it.
    """
    query = _parse(q)
    limit = max(0, min(limit, MAX_LIMIT))
    if limit == 0 or not (query.words or query.tags):
        return SearchResults(query.text, [], [])
    terms = _search_terms(conn, query.words, limit) if query.words else []
    return SearchResults(query.text, terms, _search_notes(conn, query, limit))


# --- glossary terms -------------------------------------------------------------------------


def _key(name: str) -> str:
    folded = name if name.isascii() else unicodedata.normalize("NFKC", name)
    return " ".join(folded.casefold().split())


def _loose(name: str) -> str:
    """Words only: ``Self-Attention`` and ``self attention`` compare equal."""
    return " ".join(_WORD.findall(_key(name)))


@dataclass(slots=True, frozen=True)
class _TermNames:
    """Every term name and alias, prepared for matching; built once per index version."""

    version: tuple[Any, ...]
    term: list[int]  # per name: the term it names
    key: list[str]
    loose: list[str]
    empty: dict[int, bool]
    first: dict[int, str]  # the term's own name, for ordering
    words: list[str]  # the words of multi-word names ...
    word_of: list[int]  # ... and the name each belongs to
    # Sorted (text, name index) pairs: exact and prefix lookups by bisection, not a scan.
    keys_sorted: list[tuple[str, int]] = field(default_factory=list)
    loose_sorted: list[tuple[str, int]] = field(default_factory=list)
    words_sorted: list[tuple[str, int]] = field(default_factory=list)


# Keyed by engine, so that each database has its own; weak, so engines can still be freed.
_TERM_NAMES: weakref.WeakKeyDictionary[Engine, _TermNames] = weakref.WeakKeyDictionary()


def _term_names(conn: Connection) -> _TermNames:
    version = tuple(
        conn.execute(
            select(
                select(func.count(Term.id)).scalar_subquery(),
                select(func.max(Term.id)).scalar_subquery(),
                select(Meta.value).where(Meta.key == "indexed_at").scalar_subquery(),
            )
        ).one()
    )
    cached = _TERM_NAMES.get(conn.engine)
    if cached is not None and cached.version == version:
        return cached
    empty: dict[int, bool] = {}
    first: dict[int, str] = {}
    pairs: list[tuple[int, str]] = []
    for tid, name, is_empty in conn.execute(select(Term.id, Term.name, Term.empty)):
        empty[tid], first[tid] = bool(is_empty), name
        pairs.append((tid, name))
    pairs += [(tid, name) for tid, name in conn.execute(select(TermAlias.term_id, TermAlias.name))]
    names = _TermNames(version, [], [], [], empty, first, [], [])
    for tid, name in pairs:
        if tid not in empty:
            continue
        loose = _loose(name)
        names.term.append(tid)
        names.key.append(_key(name))
        names.loose.append(loose)
        parts = loose.split()
        if len(parts) > 1:
            names.words.extend(parts)
            names.word_of.extend([len(names.term) - 1] * len(parts))
    names.keys_sorted.extend(sorted((k, i) for i, k in enumerate(names.key)))
    names.loose_sorted.extend(sorted((k, i) for i, k in enumerate(names.loose)))
    names.words_sorted.extend(
        sorted((w, i) for i, lo in enumerate(names.loose) for w in set(lo.split()[1:]))
    )
    _TERM_NAMES[conn.engine] = names
    return names


def _starting(pairs: list[tuple[str, int]], prefix: str) -> list[tuple[str, int]]:
    """The pairs whose text starts with ``prefix`` (``pairs`` is sorted)."""
    start = bisect_left(pairs, (prefix, -1))
    end = bisect_left(pairs, (prefix + "\U0010ffff", -1))
    return pairs[start:end]


def _search_terms(conn: Connection, words: list[str], limit: int) -> list[TermHit]:
    """Exact names and aliases first, then names starting so, then near misses (typos)."""
    phrase = " ".join(words)
    key, loose = _key(phrase), _loose(phrase)
    names = _term_names(conn)
    best: dict[int, tuple[int, float]] = {}  # term -> (group, order within the group)

    def offer(i: int, rank: tuple[int, float]) -> None:
        tid = names.term[i]
        if tid not in best or rank < best[tid]:
            best[tid] = rank

    for k, i in _starting(names.keys_sorted, key):
        offer(i, (0 if k == key else 1, 0.0))
    if loose:
        for lo, i in _starting(names.loose_sorted, loose):
            offer(i, (0 if lo == loose else 1, 0.0))
        first = loose.split()[0]
        for _, i in _starting(names.words_sorted, first):
            if f" {loose}" in f" {names.loose[i]}":
                offer(i, (1, 1.0))  # the start of a later word: "attention" in "Self-Attention"
    if len(loose) >= 3:
        for _, score, i in process.extract(
            loose, names.loose, scorer=fuzz.ratio, score_cutoff=_FUZZY_CUTOFF, limit=None
        ):
            offer(i, (2, -score))
        cutoff = _FUZZY_CUTOFF / _WORD_FUZZ
        for _, score, j in process.extract(
            loose, names.words, scorer=fuzz.ratio, score_cutoff=cutoff, limit=None
        ):
            offer(names.word_of[j], (2, -score * _WORD_FUZZ))

    def order(tid: int) -> tuple[int, bool, float, int, str]:
        group, within = best[tid]
        name = names.first[tid]
        return (group, names.empty[tid], within, len(name), name.casefold())

    chosen = sorted(best, key=order)[:limit]
    if not chosen:
        return []
    aliases: dict[int, list[str]] = {tid: [] for tid in chosen}
    for tid, name in conn.execute(
        select(TermAlias.term_id, TermAlias.name)
        .where(TermAlias.term_id.in_(chosen))
        .order_by(TermAlias.id)
    ):
        aliases[tid].append(name)
    rows = conn.execute(
        select(Term.id, Term.slug, Term.name, Term.definition, Term.anchor, Note.slug)
        .join(Note, Note.id == Term.note_id)
        .where(Term.id.in_(chosen))
    )
    by_id = {row[0]: row for row in rows}
    return [
        TermHit(
            slug=by_id[tid][1],
            term=by_id[tid][2],
            aliases=aliases[tid],
            definition=by_id[tid][3],
            note_slug=by_id[tid][5],
            anchor=by_id[tid][4],
            match=("exact", "prefix", "fuzzy")[best[tid][0]],
        )
        for tid in chosen
        if tid in by_id
    ]


# --- notes ----------------------------------------------------------------------------------


@dataclass(slots=True)
class _Hit:
    id: int
    slug: str
    title: str
    path: str
    snippet_html: str
    score: float


@dataclass(slots=True)
class _TagMatch:
    ids: list[int]  # the tag, the tags nested under it
    exact: list[int]  # the tag itself


def _match_tags(conn: Connection, wanted: list[str]) -> list[_TagMatch]:
    """Tags are compared case-insensitively; ``#prompt`` falls back to tags starting so."""
    known = [(tid, name.casefold()) for tid, name in conn.execute(select(Tag.id, Tag.name))]
    out: list[_TagMatch] = []
    for tag in wanted:
        exact = [tid for tid, name in known if name == tag]
        ids = exact + [tid for tid, name in known if name.startswith(tag + "/")]
        if not ids:  # typing: the tag is not complete yet
            ids = [tid for tid, name in known if name.startswith(tag)]
        out.append(_TagMatch(ids, exact))
    return out


def _tag_filter(tags: list[_TagMatch]) -> ColumnElement[bool]:
    if any(not t.ids for t in tags):
        return false()
    return and_(
        *(Note.id.in_(select(NoteTag.note_id).where(NoteTag.tag_id.in_(t.ids))) for t in tags)
    )


def _search_notes(conn: Connection, query: _Query, limit: int) -> list[NoteHit]:
    tags = _match_tags(conn, query.tags) if query.tags else []
    where = _tag_filter(tags) if tags else None
    if not query.words:
        hits = _tagged_notes(conn, tags, limit)
    elif _has_fts(conn):
        try:
            hits = _fts_notes(conn, query, where, limit)
        except OperationalError:  # an index we cannot read: still answer
            hits = _like_notes(conn, query.words, where, limit)
    else:
        hits = _like_notes(conn, query.words, where, limit)
    return _finish(conn, hits)


def _fts_notes(
    conn: Connection, query: _Query, where: ColumnElement[bool] | None, limit: int
) -> list[_Hit]:
    words = query.words
    filters = [] if where is None else [where]
    if any(_CJK.search(w) for w in words):
        return _trigram_notes(conn, words, filters, limit, seen=set())
    match = " ".join(_quote(w) for w in words)
    if len(words[-1]) > 1:  # the last word may be unfinished; one letter would match most
        match += "*"
    hits = _tiered(conn, "search_fts", match, filters, limit, seen=set(), snippet_tokens=24)
    named = _loose(" ".join(words))
    for hit in hits:
        if _loose(hit.title) == named:  # the note named so comes first
            hit.score += 1.0
    hits.sort(key=lambda h: -h.score)
    if len(hits) < limit and any(len(w) >= 3 for w in words):
        seen = {h.id for h in hits}
        hits += _trigram_notes(conn, words, filters, limit - len(hits), seen=seen)
    return hits


def _quote(word: str) -> str:
    """An FTS5 string: no operator, column filter or syntax error can come from user text."""
    return '"' + word.replace('"', '""') + '"'


def _tiered(
    conn: Connection,
    fts: str,
    match: str,
    filters: list[ColumnElement[bool]],
    limit: int,
    *,
    seen: set[int],
    snippet_tokens: int,
) -> list[_Hit]:
    """Notes whose title or aliases match, then the others; BM25 orders each tier.

    FTS5's BM25 adds the column weights up before saturating term frequency, so a word
    repeated in a body can outscore the same word in a title; the tiers settle that.
    """
    index = table(fts, column("rowid"))
    ref: ColumnElement[Any] = literal_column(fts)
    hits: list[_Hit] = []
    taken = set(seen)
    # The first tier is the same query limited to the title and alias columns (a column
    # filter, not a second lookup per row); the index ranks alone and is joined afterwards,
    # and snippets are cut only for the notes shown.
    for tier, tier_match in ((1.0, f"{{title aliases}} : ({match})"), (0.0, match)):
        if len(hits) >= limit:
            break
        inner = select(index.c.rowid, func.bm25(ref, *_WEIGHTS).label("relevance")).where(
            ref.match(tier_match)
        )
        ranked_q = inner.subquery("ranked")
        stmt = (
            select(Note.id, ranked_q.c.relevance)
            .select_from(ranked_q.join(Note, Note.id == ranked_q.c.rowid))
            .where(*filters)
            .order_by(ranked_q.c.relevance, Note.id)
            .limit(limit - len(hits) + len(taken))
        )
        ranked: list[tuple[int, float]] = []
        for nid, relevance in conn.execute(stmt):
            if nid not in taken and len(hits) + len(ranked) < limit:
                taken.add(nid)
                bm25 = max(0.0, -float(relevance))
                ranked.append((nid, tier + bm25 / (1.0 + bm25)))
        if not ranked:
            continue
        rows = conn.execute(
            select(
                Note.id,
                Note.slug,
                Note.title,
                Note.path,
                func.snippet(ref, _BODY, _OPEN, _CLOSE, _ELLIPSIS, snippet_tokens).label("snip"),
            )
            .select_from(index.join(Note, Note.id == index.c.rowid))
            .where(ref.match(match), index.c.rowid.in_([nid for nid, _ in ranked]))
        )
        found = {r.id: r for r in rows}
        for nid, score in ranked:
            r = found.get(nid)
            if r is not None:
                hits.append(_Hit(r.id, r.slug, r.title, r.path, _marked(r.snip), score))
    return hits


def _trigram_notes(
    conn: Connection,
    words: list[str],
    filters: list[ColumnElement[bool]],
    limit: int,
    *,
    seen: set[int],
) -> list[_Hit]:
    """Substring search; words under three characters are matched with LIKE instead."""
    where = and_(*filters) if filters else None
    long = [w for w in words if len(w) >= 3]
    if not long:  # the trigram index cannot match fewer than three characters
        return [h for h in _like_notes(conn, words, where, limit + len(seen)) if h.id not in seen][
            :limit
        ]
    short = [w for w in words if len(w) < 3]
    if short:
        docs = Note.id.in_(
            select(_docs.c.note_id).where(
                *(or_(*(_docs.c[c].contains(w, autoescape=True) for c in _COLUMNS)) for w in short)
            )
        )
        filters = [*filters, docs]
    match = " ".join(_quote(w) for w in long)
    return _tiered(conn, "search_trigram", match, filters, limit, seen=seen, snippet_tokens=48)


def _like_notes(
    conn: Connection, words: list[str], where: ColumnElement[bool] | None, limit: int
) -> list[_Hit]:
    """The portable search: every word somewhere in the note, title matches first."""

    # SQLite's LIKE already ignores ASCII case; lower() on every body would only slow it down.
    sqlite = conn.dialect.name == "sqlite"

    def has(col: Any, word: str) -> ColumnElement[bool]:
        if sqlite:
            return col.contains(word, autoescape=True)  # type: ignore[no-any-return]
        return col.icontains(word, autoescape=True)  # type: ignore[no-any-return]

    def anywhere(word: str) -> ColumnElement[bool]:
        return or_(
            has(Note.title, word),
            has(Note.text, word),
            select(Alias.id).where(Alias.note_id == Note.id, has(Alias.name, word)).exists(),
            select(Heading.id).where(Heading.note_id == Note.id, has(Heading.text, word)).exists(),
            select(NoteTag.note_id)
            .join(Tag, Tag.id == NoteTag.tag_id)
            .where(NoteTag.note_id == Note.id, has(Tag.name, word))
            .exists(),
        )

    in_title = case((or_(*(has(Note.title, w) for w in words)), 1.5), else_=0.5).label("rank")
    stmt = (
        select(Note.id, Note.slug, Note.title, Note.path, Note.text, in_title)
        .where(*(anywhere(w) for w in words))
        .order_by(in_title.desc(), func.length(Note.title), Note.title, Note.id)
        .limit(limit)
    )
    if where is not None:
        stmt = stmt.where(where)
    return [
        _Hit(r.id, r.slug, r.title, r.path, _plain_snippet(r.text, words), float(r.rank))
        for r in conn.execute(stmt)
    ]


def _tagged_notes(conn: Connection, tags: list[_TagMatch], limit: int) -> list[_Hit]:
    """Notes carrying every tag asked for; those with the tag itself before nested ones."""
    exact = [tid for t in tags for tid in t.exact]
    direct = func.max(case((NoteTag.tag_id.in_(exact), 2.0), else_=1.0)).label("rank")
    stmt = (
        select(Note.id, Note.slug, Note.title, Note.path, direct)
        .join(NoteTag, NoteTag.note_id == Note.id)
        .where(_tag_filter(tags), NoteTag.tag_id.in_([tid for t in tags for tid in t.ids]))
        .group_by(Note.id, Note.slug, Note.title, Note.path)
        .order_by(direct.desc(), func.lower(Note.title), Note.id)
        .limit(limit)
    )
    hits = [_Hit(r.id, r.slug, r.title, r.path, "", float(r.rank)) for r in conn.execute(stmt)]
    if hits:
        rows = conn.execute(select(Note.id, Note.text).where(Note.id.in_([h.id for h in hits])))
        texts = {nid: body for nid, body in rows}
        for hit in hits:
            hit.snippet_html = _plain_snippet(texts.get(hit.id, ""), [])
    return hits


def _finish(conn: Connection, hits: list[_Hit]) -> list[NoteHit]:
    """Attach tags; make scores fall monotonically, as the order does."""
    tags: dict[int, list[str]] = {h.id: [] for h in hits}
    if hits:
        for nid, name in conn.execute(
            select(NoteTag.note_id, Tag.name)
            .join(Tag, Tag.id == NoteTag.tag_id)
            .where(NoteTag.note_id.in_(list(tags)))
            .order_by(Tag.name)
        ):
            tags[nid].append(name)
    out: list[NoteHit] = []
    for hit in hits:
        score = hit.score if not out else min(hit.score, out[-1].score)
        out.append(NoteHit(hit.slug, hit.title, hit.path, hit.snippet_html, score, tags[hit.id]))
    return out


# --- snippets -------------------------------------------------------------------------------


def _marked(raw: str | None) -> str:
    """snippet() output as safe HTML: text escaped, marker pairs turned into <mark>."""
    out: list[str] = []
    inside = False
    for part in re.split(f"([{_OPEN}{_CLOSE}])", " ".join((raw or "").split())):
        if part == _OPEN:
            if not inside:
                out.append("<mark>")
                inside = True
        elif part == _CLOSE:
            if inside:
                out.append("</mark>")
                inside = False
        else:
            out.append(html.escape(part))
    if inside:
        out.append("</mark>")
    return "".join(out)


def _plain_snippet(body: str, words: list[str]) -> str:
    """A window of ``body`` around the first match, escaped, with every match marked."""
    flat = " ".join(body.split())
    pattern = (
        re.compile("|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)), re.I)
        if words
        else None
    )
    first = pattern.search(flat) if pattern else None
    start = max(0, first.start() - _SNIPPET_CHARS // 3) if first else 0
    if start:
        space = flat.find(" ", start, first.start() if first else start)
        start = space + 1 if space != -1 else start
    end = min(len(flat), start + _SNIPPET_CHARS)
    piece = flat[start:end]
    out = [_ELLIPSIS] if start else []
    pos = 0
    for m in pattern.finditer(piece) if pattern else ():
        out += [html.escape(piece[pos : m.start()]), f"<mark>{html.escape(m.group())}</mark>"]
        pos = m.end()
    out.append(html.escape(piece[pos:]))
    if end < len(flat):
        out.append(_ELLIPSIS)
    return "".join(out)


# --- notes that mention a phrase ------------------------------------------------------------


def mentions(
    conn: Connection,
    phrases: Sequence[str],
    *,
    unlinked_from: int | None = None,
    limit: int = 50,
) -> list[tuple[int, str]]:
    """``(note id, plain-text snippet)`` for notes whose body contains one of ``phrases`` as
    words; with ``unlinked_from``, only other notes that do not link to that note. The index
    answers with the snippet, so no note's text is read or scanned."""
    wanted = [p.strip() for p in phrases if len(p.strip()) >= 3]
    skip: set[int] = set()
    linked = ""
    if unlinked_from is not None:
        skip = {unlinked_from, *conn.execute(
            select(Link.source_id).where(Link.target_id == unlinked_from)
        ).scalars()}  # fmt: skip
        linked = (
            f" AND rowid != {int(unlinked_from)} AND rowid NOT IN "
            f"(SELECT source_id FROM links WHERE target_id = {int(unlinked_from)})"
        )
    found: dict[int, str] = {}
    if not wanted:
        return []
    if _has_fts(conn):
        for phrase in wanted:
            table = "search_trigram" if _CJK.search(phrase) else "search_fts"
            rows = conn.execute(
                text(
                    f"SELECT rowid, snippet({table}, {_BODY}, '', '', '{_ELLIPSIS}', 24) "
                    f"FROM {table} WHERE {table} MATCH :m{linked} LIMIT :n"
                ),
                {"m": f"body : {_quote(phrase)}", "n": limit},
            )
            for nid, snippet in rows:
                if nid not in skip:
                    found.setdefault(nid, " ".join((snippet or "").split()))
        return list(found.items())[:limit]
    likes = [Note.text.ilike(f"%{p}%") for p in wanted]
    rows = conn.execute(select(Note.id, Note.text).where(or_(*likes)).limit(limit + len(skip)))
    for nid, body in rows:
        if nid not in skip:
            found[nid] = html.unescape(re.sub("<[^>]+>", "", _plain_snippet(body, wanted)))
    return list(found.items())[:limit]
