"""Search: glossary terms by name, notes by relevance.

On SQLite, notes are found through FTS5 over one copy of their text (``search_docs``,
migration 0002). ``search_fts`` holds their words, ranked with BM25 and matched by prefix as
the user types; a fragment inside a word (``ression``) is looked up in that index's own
vocabulary (``search_vocab``) and searched as the words that contain it. ``search_cjk``
(migration 0003) holds trigrams of the notes' CJK runs only: CJK is written without spaces,
so its words are substrings, while trigrams of all the Latin text were most of the index's
size and build time and found nothing the vocabulary does not. Other databases get a
LIKE/ILIKE search over the concept-graph tables. Queries are user input: every query,
however malformed, returns results (empty at worst).
"""

from __future__ import annotations

import html
import re
import unicodedata
import weakref
from bisect import bisect_left
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Protocol, TypeVar

from rapidfuzz import fuzz, process
from sqlalchemy import (
    ColumnElement,
    Connection,
    CursorResult,
    Engine,
    Row,
    TextClause,
    and_,
    bindparam,
    case,
    func,
    or_,
    select,
    text,
)
from sqlalchemy.exc import OperationalError

from studynotes.cjk import CJK_CHAR, CJK_CLASS
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

# Schema objects owned by migrations, not by the models: Alembic must not compare them.
# ``search_trigram`` is revision 0002's, still found in databases not yet upgraded.
_FTS_TABLES = ("search_fts", "search_cjk", "search_trigram")
_SHADOW_SUFFIXES = ("_data", "_idx", "_content", "_docsize", "_config")
SEARCH_TABLES = frozenset(
    [
        "search_docs",
        "search_vocab",
        *_FTS_TABLES,
        *(t + s for t in _FTS_TABLES for s in _SHADOW_SUFFIXES),
    ]
)

# BM25 weights per column, in table order: a word in the title counts ten times one in the body.
_WEIGHTS = (10.0, 8.0, 5.0, 5.0, 1.0)
_COLUMNS = ("title", "aliases", "headings", "tags", "body")
_BODY = _COLUMNS.index("body")
_RANK = f"bm25({', '.join(map(str, _WEIGHTS))})"

# Private-use characters mark matches in snippet(); the text is escaped before they become
# <mark> tags, so nothing from a note ever reaches the page as markup.
_OPEN, _CLOSE = "\ue000", "\ue001"
_ELLIPSIS = "\u2026"
_SNIPPET_CHARS = 160
_SNIPPET_TOKENS = 24
_FUZZY_CUTOFF = 75.0
_WORD_FUZZ = 0.9  # one word of a longer name matching counts a little less
# A fragment stands for at most this many words, the shortest first: each one more makes
# BM25 slower on every note, and one as loose as "ing" is in hundreds of them.
_FRAGMENT_WORDS = 8
_CJK = CJK_CHAR
_CJK_WORD = re.compile(rf"(?<!\S)\S*?{CJK_CLASS}\S*")  # a whitespace-separated word with CJK
_EDGE_PUNCT = re.compile(r"^[\W_]+|[\W_]+$")
_WORD = re.compile(r"[^\W_]+")
_SPACE = re.compile(r"\s")
_TAG_EDGE = re.compile(r"[^\w/-]+$")  # "#prompting," asks for the tag "prompting"
_DROP = frozenset({"Cc", "Cf", "Cs"})  # control, format (zero-width), lone surrogates


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
    # When no note matched the query as typed, the glossary term it was taken for (a typo):
    # the notes are that term's.
    notes_for: str | None = None


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


_HAS_FTS = text("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'search_fts'")


def _has_fts(conn: Connection) -> bool:
    if conn.dialect.name != "sqlite":
        return False
    return conn.execute(_HAS_FTS).first() is not None


@lru_cache(maxsize=256)
def _statement(sql: str, lists: tuple[str, ...]) -> TextClause:
    return text(sql).bindparams(*(bindparam(name, expanding=True) for name in lists))


def _run(conn: Connection, sql: str, params: dict[str, Any]) -> CursorResult[*tuple[Any, ...]]:
    """Raw SQL with named parameters; a list parameter fills an ``IN :name``."""
    lists = tuple(sorted(k for k, v in params.items() if isinstance(v, list)))
    return conn.execute(_statement(sql, lists), params)


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
_DOCS = f"SELECT note_id, {_COLS} FROM search_docs"
_INSERT_CJK = f"INSERT INTO search_cjk(rowid, {_COLS}) VALUES (:id, :{', :'.join(_COLUMNS)})"
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
        conn.execute(text("INSERT INTO search_fts(search_fts) VALUES ('delete-all')"))
        conn.execute(text("DELETE FROM search_cjk"))
        conn.execute(text("DELETE FROM search_docs"))
        _run(conn, _DOC_ROWS, {})
        conn.execute(text("INSERT INTO search_fts(search_fts) VALUES ('rebuild')"))
        _index_cjk(conn, _run(conn, _DOCS, {}))
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
    _run(
        conn,
        f"INSERT INTO search_fts(search_fts, rowid, {_COLS}) "
        f"SELECT 'delete', note_id, {_COLS} FROM search_docs WHERE note_id IN :ids",
        some,
    )
    _run(conn, "DELETE FROM search_cjk WHERE rowid IN :ids", some)
    _run(conn, "DELETE FROM search_docs WHERE note_id IN :ids", some)
    _run(conn, _DOC_ROWS + " WHERE n.id IN :ids", some)
    _run(
        conn,
        f"INSERT INTO search_fts(rowid, {_COLS}) "
        f"SELECT note_id, {_COLS} FROM search_docs WHERE note_id IN :ids",
        some,
    )
    _index_cjk(conn, _run(conn, _DOCS + " WHERE note_id IN :ids", some))


def _index_cjk(conn: Connection, docs: Iterable[Row[*tuple[Any, ...]]]) -> None:
    """Put the CJK runs of these ``search_docs`` rows into ``search_cjk``."""
    rows = []
    for note_id, *values in docs:
        runs = [_cjk_runs(v) for v in values]
        if any(runs):
            rows.append({"id": note_id, **dict(zip(_COLUMNS, runs, strict=True))})
    if rows:
        conn.execute(text(_INSERT_CJK), rows)


def _cjk_runs(value: str) -> str:
    """The runs of whitespace-separated words with a CJK character in them, one a line.

    Whitespace inside a run is kept, so a phrase matches only where it stood.
    """
    if value.isascii() or not _CJK.search(value):
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
    notes = _search_notes(conn, query, limit)
    if notes or not query.words:
        return SearchResults(query.text, terms, notes)
    # A typo: "ruoge" finds the term ROUGE but no note, "transfromer" nothing at all. Show
    # the notes for the term it was taken for, or else for the nearest note title.
    if terms and terms[0].match == "fuzzy":
        meant: str | None = terms[0].term
    elif not terms and not _any_known_word(conn, query.words):
        meant = _nearest_title(conn, " ".join(query.words))
    else:
        meant = None
    if meant is None:
        return SearchResults(query.text, terms, notes)
    corrected = _parse(" ".join([meant, *(f"#{tag}" for tag in query.tags)]))
    notes = _search_notes(conn, corrected, limit) if corrected.words else []
    return SearchResults(query.text, terms, notes, meant if notes else None)


@dataclass(slots=True, frozen=True)
class _Titles:
    version: tuple[Any, ...]
    titles: list[str]
    loose: list[str]


_TITLES: weakref.WeakKeyDictionary[Engine, _Titles] = weakref.WeakKeyDictionary()


def _any_known_word(conn: Connection, words: list[str]) -> bool:
    """Whether some word of the query is in the word index: then the query asked for notes
    with all its words ("quantization 注意力"), not for a misspelt title."""
    if not _has_fts(conn):
        return True  # no word index to tell by: no guessing
    for known in dict.fromkeys(w for word in words for w in _loose(word).split()):
        params = {"m": f"body : {_quote(known)}"}
        if _run(conn, "SELECT 1 FROM search_fts WHERE search_fts MATCH :m LIMIT 1", params).first():
            return True
    return False


def _nearest_title(conn: Connection, words: str) -> str | None:
    """The note title closest to ``words`` (a misspelling of it), if one is close enough."""
    loose = _loose(words)
    if len(loose) < 4:  # shorter, and nearly every title is a near miss
        return None

    def read(version: tuple[Any, ...]) -> _Titles:
        titles = sorted(set(conn.execute(select(Note.title)).scalars()))
        return _Titles(version, titles, [_loose(t) for t in titles])

    cached = _per_index(_TITLES, conn, read)
    best = process.extractOne(loose, cached.loose, scorer=fuzz.ratio, score_cutoff=_FUZZY_CUTOFF)
    return cached.titles[best[2]] if best else None


# What the per-database caches below were built from: any index run changes it.
_VERSION = select(
    select(func.count(Term.id)).scalar_subquery(),
    select(func.max(Term.id)).scalar_subquery(),
    select(Meta.value).where(Meta.key == "indexed_at").scalar_subquery(),
)


def _version(conn: Connection) -> tuple[Any, ...]:
    return tuple(conn.execute(_VERSION).one())


class _Versioned(Protocol):
    @property
    def version(self) -> tuple[Any, ...]: ...


_V = TypeVar("_V", bound=_Versioned)


def _per_index(
    cache: weakref.WeakKeyDictionary[Engine, _V],
    conn: Connection,
    read: Callable[[tuple[Any, ...]], _V],
) -> _V:
    """This database's entry in ``cache``, read again once the index has changed."""
    version = _version(conn)
    cached = cache.get(conn.engine)
    if cached is not None and cached.version == version:
        return cached
    fresh = cache[conn.engine] = read(version)
    return fresh


# --- glossary terms -------------------------------------------------------------------------


def _key(name: str) -> str:
    folded = name if name.isascii() else unicodedata.normalize("NFKC", name)
    return " ".join(folded.casefold().split())


def _loose(name: str) -> str:
    """Words only: ``Self-Attention`` and ``self attention`` compare equal."""
    return " ".join(_WORD.findall(_key(name)))


@dataclass(slots=True, frozen=True)
class _TermInfo:
    slug: str
    name: str
    definition: str
    anchor: str | None
    note_slug: str
    empty: bool
    aliases: list[str]


@dataclass(slots=True, frozen=True)
class _TermNames:
    """Every term, its names and aliases prepared for matching; built once per index version."""

    version: tuple[Any, ...]
    info: dict[int, _TermInfo]
    term: list[int] = field(default_factory=list)  # per name: the term it names
    key: list[str] = field(default_factory=list)
    loose: list[str] = field(default_factory=list)
    # The distinct words of multi-word names, and the names each occurs in: a typo is
    # compared with each word once, not once per name that uses it.
    words: list[str] = field(default_factory=list)
    word_names: list[list[int]] = field(default_factory=list)
    # Sorted (text, name index) pairs: exact and prefix lookups by bisection, not a scan.
    keys_sorted: list[tuple[str, int]] = field(default_factory=list)
    loose_sorted: list[tuple[str, int]] = field(default_factory=list)
    words_sorted: list[tuple[str, int]] = field(default_factory=list)


# Keyed by engine, so that each database has its own; weak, so engines can still be freed.
_TERM_NAMES: weakref.WeakKeyDictionary[Engine, _TermNames] = weakref.WeakKeyDictionary()


def _term_names(conn: Connection) -> _TermNames:
    return _per_index(_TERM_NAMES, conn, lambda version: _read_term_names(conn, version))


def _read_term_names(conn: Connection, version: tuple[Any, ...]) -> _TermNames:
    aliases: dict[int, list[str]] = {}
    for tid, name in conn.execute(select(TermAlias.term_id, TermAlias.name).order_by(TermAlias.id)):
        aliases.setdefault(tid, []).append(name)
    info = {
        tid: _TermInfo(slug, name, definition, anchor, note_slug, bool(empty), aliases.get(tid, []))
        for tid, slug, name, definition, anchor, empty, note_slug in conn.execute(
            select(
                Term.id, Term.slug, Term.name, Term.definition, Term.anchor, Term.empty, Note.slug
            ).join(Note, Note.id == Term.note_id)
        )
    }
    names = _TermNames(version, info)
    by_word: dict[str, list[int]] = {}
    pairs = [(tid, t.name) for tid, t in info.items()]
    pairs += [(tid, alias) for tid, t in info.items() for alias in t.aliases]
    for tid, name in pairs:
        loose = _loose(name)
        names.term.append(tid)
        names.key.append(_key(name))
        names.loose.append(loose)
        parts = loose.split()
        if len(parts) > 1:
            for part in dict.fromkeys(parts):
                by_word.setdefault(part, []).append(len(names.term) - 1)
    names.words.extend(by_word)
    names.word_names.extend(by_word.values())
    names.keys_sorted.extend(sorted((k, i) for i, k in enumerate(names.key)))
    names.loose_sorted.extend(sorted((k, i) for i, k in enumerate(names.loose)))
    names.words_sorted.extend(
        sorted((w, i) for i, lo in enumerate(names.loose) for w in set(lo.split()[1:]))
    )
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
            for i in names.word_names[j]:
                offer(i, (2, -score * _WORD_FUZZ))

    def order(tid: int) -> tuple[int, bool, float, int, str]:
        group, within = best[tid]
        name = names.info[tid].name
        return (group, names.info[tid].empty, within, len(name), name.casefold())

    hits: list[TermHit] = []
    for tid in sorted(best, key=order)[:limit]:
        t = names.info[tid]
        match = ("exact", "prefix", "fuzzy")[best[tid][0]]
        hits.append(
            TermHit(t.slug, t.name, list(t.aliases), t.definition, t.note_slug, t.anchor, match)
        )
    return hits


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
    return and_(
        *(Note.id.in_(select(NoteTag.note_id).where(NoteTag.tag_id.in_(t.ids))) for t in tags)
    )


def _search_notes(conn: Connection, query: _Query, limit: int) -> list[NoteHit]:
    tags = _match_tags(conn, query.tags) if query.tags else []
    if any(not t.ids for t in tags):  # a tag no note has
        return []
    if not query.words:
        hits = _tagged_notes(conn, tags, limit)
    elif _has_fts(conn):
        try:
            hits = _fts_notes(conn, query.words, tags, limit)
        except OperationalError:  # an index we cannot read: still answer
            hits = _like_notes(conn, query.words, tags, limit)
    else:
        hits = _like_notes(conn, query.words, tags, limit)
    return _finish(conn, hits)


def _quote(word: str) -> str:
    """An FTS5 string: no operator, column filter or syntax error can come from user text."""
    return '"' + word.replace('"', '""') + '"'


def _words_match(words: list[str]) -> str:
    """Every word; the last as a prefix too, as it may be unfinished (unless it is one
    letter, which would stand for most words of the vault)."""
    match = " ".join(_quote(w) for w in words)
    return match + "*" if len(words[-1]) > 1 else match


def _scope(table: str, tags: list[_TagMatch], seen: Sequence[int]) -> tuple[str, dict[str, Any]]:
    """SQL that keeps an FTS query to notes with the tags asked for and not found already.

    The unary ``+`` keeps SQLite from handing the rowid test to FTS5, which would then run
    the whole match once for every note carrying the tag.
    """
    sql: list[str] = []
    params: dict[str, Any] = {}
    for i, tag in enumerate(tags):
        sql.append(
            f" AND +{table}.rowid IN (SELECT note_id FROM note_tags WHERE tag_id IN :tag{i})"
        )
        params[f"tag{i}"] = tag.ids
    if seen:
        sql.append(f" AND +{table}.rowid NOT IN :seen")
        params["seen"] = list(seen)
    return "".join(sql), params


def _fts_notes(conn: Connection, words: list[str], tags: list[_TagMatch], limit: int) -> list[_Hit]:
    """Words (the note named so first), then fragments of words; CJK goes its own way."""
    if any(_CJK.search(w) for w in words):
        return _cjk_notes(conn, words, tags, limit)
    hits = _word_notes(conn, _words_match(words), tags, [], limit)
    named = _loose(" ".join(words))
    for hit in hits:
        if _loose(hit.title) == named:  # the note named so comes first
            hit.score += 1.0
    hits.sort(key=lambda h: -h.score)
    if len(hits) < limit and any(len(w) >= 3 for w in words):
        fragments = _fragments_match(conn, words)
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
    (a column filter, not a second lookup per row). ``ORDER BY rank`` lets FTS5 sort, and
    then snippet() costs only the rows returned: asked for afterwards, it would re-run the
    match for each.
    """
    sql = (
        f"SELECT {fts}.rowid, rank{{}} FROM {fts} WHERE {fts} MATCH :m AND rank MATCH :rank"
        f"{where} ORDER BY rank LIMIT :n"
    )
    snippet = f", snippet({fts}, {_BODY}, :open, :close, :dots, {_SNIPPET_TOKENS})"
    marks = {"open": _OPEN, "close": _CLOSE, "dots": _ELLIPSIS} if snippets else {}
    args = {**params, "rank": _RANK, "n": limit}
    out: list[tuple[int, float, str | None]] = [
        (nid, 1.0 + _squash(rank), None)
        for nid, rank in _run(conn, sql.format(""), {**args, "m": f"{{title aliases}} : ({match})"})
    ]
    if len(out) < limit:
        named = {nid for nid, _, _ in out}
        found: dict[int, str | None] = {}
        rows = _run(conn, sql.format(snippet if snippets else ""), {**args, **marks, "m": match})
        for nid, rank, *snip in rows:
            found[nid] = snip[0] if snip else None
            if nid not in named and len(out) < limit:
                out.append((nid, _squash(rank), found[nid]))
        out = [(nid, score, found.get(nid, snip)) for nid, score, snip in out]
    missing = [nid for nid, _, snip in out if snip is None]
    if snippets and missing:  # named notes the second tier did not reach
        rows = _run(
            conn,
            f"SELECT rowid, {snippet[2:]} FROM {fts} WHERE {fts} MATCH :m AND rowid IN :ids",
            {**marks, "m": match, "ids": missing},
        )
        late: dict[int, str] = {nid: snip for nid, snip in rows}
        out = [(nid, score, late.get(nid, snip)) for nid, score, snip in out]
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
    conn: Connection, match: str, tags: list[_TagMatch], seen: list[int], limit: int
) -> list[_Hit]:
    where, params = _scope("search_fts", tags, seen)
    ranked = _ranked(conn, "search_fts", match, where, params, limit, snippets=True)
    notes = _notes_by_id(conn, [nid for nid, _, _ in ranked])
    return [
        _Hit(nid, n.slug, n.title, n.path, _marked(snip), score)
        for nid, score, snip in ranked
        if (n := notes.get(nid)) is not None
    ]


def _fold(word: str) -> str:
    """A word as the word index keeps it: lower case, without diacritics."""
    lowered = word.lower()
    if lowered.isascii():
        return lowered
    decomposed = unicodedata.normalize("NFKD", lowered)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _fragments_match(conn: Connection, words: list[str]) -> str | None:
    """The query with each word of three or more letters standing for the indexed words
    that contain it (``ression``: compression, regression ...); None if one has none."""
    vocabulary = _vocabulary(conn)
    parts: list[str] = []
    for i, word in enumerate(words):
        tokens = _WORD.findall(_fold(word))
        if len(tokens) == 1 and len(tokens[0]) >= 3:
            found = vocabulary.containing(tokens[0])
            if not found:
                return None
            parts.append("(" + " OR ".join(_quote(t) for t in found) + ")")
        else:
            parts.append(_words_match(words[i : i + 1]) if i == len(words) - 1 else _quote(word))
    return " AND ".join(parts)  # FTS5 joins a group to what follows only by an explicit AND


@dataclass(slots=True, frozen=True)
class _Vocabulary:
    """The words of the word index, one a line, read once per index version."""

    version: tuple[Any, ...]
    lines: str  # starts and ends with a newline

    def containing(self, part: str) -> list[str]:
        found: set[str] = set()
        at = self.lines.find(part)
        while at != -1:
            end = self.lines.find("\n", at)
            found.add(self.lines[self.lines.rfind("\n", 0, at) + 1 : end])
            at = self.lines.find(part, end)
        return sorted(found, key=lambda w: (len(w), w))[:_FRAGMENT_WORDS]


_VOCABULARY: weakref.WeakKeyDictionary[Engine, _Vocabulary] = weakref.WeakKeyDictionary()


def _vocabulary(conn: Connection) -> _Vocabulary:
    def read(version: tuple[Any, ...]) -> _Vocabulary:
        words = conn.execute(text("SELECT term FROM search_vocab")).scalars()
        return _Vocabulary(version, "\n" + "\n".join(words) + "\n")

    return _per_index(_VOCABULARY, conn, read)


def _like_pattern(word: str) -> str:
    escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _cjk_notes(conn: Connection, words: list[str], tags: list[_TagMatch], limit: int) -> list[_Hit]:
    """CJK words as substrings of the CJK runs, other words as words; trigrams need three
    characters, so shorter CJK words are matched with LIKE over the (short) runs."""
    cjk = [w for w in words if _CJK.search(w)]
    latin = [w for w in words if not _CJK.search(w)]
    long = [w for w in cjk if len(w) >= 3]
    where, params = _scope("search_cjk", tags, [])
    named: list[str] = []
    for i, word in enumerate(w for w in cjk if len(w) < 3):
        like = [f"search_cjk.{c} LIKE :s{i} ESCAPE '\\'" for c in _COLUMNS]
        where += f" AND ({' OR '.join(like)})"
        named += like[:2]  # title, aliases
        params[f"s{i}"] = _like_pattern(word)
    if latin:
        where += (
            " AND +search_cjk.rowid IN (SELECT rowid FROM search_fts WHERE search_fts MATCH :w)"
        )
        params["w"] = _words_match(latin)
    if long:
        match = " ".join(_quote(w) for w in long)
        ranked = _ranked(conn, "search_cjk", match, where, params, limit, snippets=False)
    else:  # no trigram to rank by: the note naming it first, then the shortest title
        rows = _run(
            conn,
            f"SELECT search_cjk.rowid, {' OR '.join(named)} AS named FROM search_cjk "
            "JOIN search_docs d ON d.note_id = search_cjk.rowid "
            f"WHERE 1 = 1{where} ORDER BY named DESC, length(d.title), d.title, d.note_id "
            "LIMIT :n",
            {**params, "n": limit},
        )
        ranked = [(nid, 1.5 if is_named else 0.5, None) for nid, is_named in rows]
    rows = _run(
        conn,
        "SELECT n.id, n.slug, n.title, n.path, d.body FROM notes n "
        "JOIN search_docs d ON d.note_id = n.id WHERE n.id IN :ids",
        {"ids": [nid for nid, _, _ in ranked]},
    )
    found = {row.id: row for row in rows}
    marked = cjk + [w for w in latin if len(w) >= 3]
    return [
        _Hit(nid, n.slug, n.title, n.path, _plain_snippet(n.body, marked), score)
        for nid, score, _ in ranked
        if (n := found.get(nid)) is not None
    ]


def _like_notes(
    conn: Connection, words: list[str], tags: list[_TagMatch], limit: int
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
    if tags:
        stmt = stmt.where(_tag_filter(tags))
    return [
        _Hit(r.id, r.slug, r.title, r.path, _plain_snippet(r.text, words), float(r.rank))
        for r in conn.execute(stmt)
    ]


def _tagged_notes(conn: Connection, tags: list[_TagMatch], limit: int) -> list[_Hit]:
    """Notes carrying every tag asked for; those with the tag itself before nested ones."""
    exact = [tid for t in tags for tid in t.exact]
    # Rank from note_tags alone, then read only the notes that are ordered by title: a
    # GROUP BY over the notes themselves sorted every tagged note's row.
    tagged = (
        select(
            NoteTag.note_id,
            func.max(case((NoteTag.tag_id.in_(exact), 2.0), else_=1.0)).label("rank"),
        )
        .where(NoteTag.tag_id.in_([tid for t in tags for tid in t.ids]))
        .group_by(NoteTag.note_id)
        .cte("tagged")
    )
    stmt = (
        select(Note.id, Note.slug, Note.title, Note.path, tagged.c.rank)
        .join(tagged, tagged.c.note_id == Note.id)
        .order_by(tagged.c.rank.desc(), func.lower(Note.title), Note.id)
        .limit(limit)
    )
    if len(tags) > 1:  # one tag of each asked for
        stmt = stmt.where(_tag_filter(tags))
    hits = [_Hit(r.id, r.slug, r.title, r.path, "", float(r.rank)) for r in conn.execute(stmt)]
    if hits:
        rows = conn.execute(select(Note.id, Note.text).where(Note.id.in_([h.id for h in hits])))
        texts = {nid: body for nid, body in rows}
        for hit in hits:
            hit.snippet_html = _plain_snippet(texts.get(hit.id, ""), [])
    return hits


_TAGS_OF = (
    select(NoteTag.note_id, Tag.name)
    .join(Tag, Tag.id == NoteTag.tag_id)
    .where(NoteTag.note_id.in_(bindparam("ids", expanding=True)))
    .order_by(Tag.name)
)


def _finish(conn: Connection, hits: list[_Hit]) -> list[NoteHit]:
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
    """A window of ``body`` around the first match, escaped, with every match marked.

    Whitespace counts as one space. Only the stretch around the match is flattened: a
    body can run to many kilobytes, and this runs for every note on a page of results.
    """
    pattern = (
        re.compile(
            "|".join(
                re.escape(w).replace("\\ ", r"\s+") for w in sorted(words, key=len, reverse=True)
            ),
            re.I,
        )
        if words
        else None
    )
    first = pattern.search(body) if pattern else None
    lo = 0
    if first and first.start() > 2 * _SNIPPET_CHARS:
        lo = first.start() - 2 * _SNIPPET_CHARS
        space = _SPACE.search(body, lo, first.start())  # start at a word, not inside one
        lo = space.start() if space else lo
    hi = (first.end() if first else 0) + 2 * _SNIPPET_CHARS
    flat = " ".join(body[lo:hi].split())
    before = lo > 0 and not body[:lo].isspace()
    after = hi < len(body) and not body[hi:].isspace()
    first = pattern.search(flat) if pattern else None
    start = max(0, first.start() - _SNIPPET_CHARS // 3) if first else 0
    if start:
        space_at = flat.find(" ", start, first.start() if first else start)
        start = space_at + 1 if space_at != -1 else start
    end = min(len(flat), start + _SNIPPET_CHARS)
    piece = flat[start:end]
    out = [_ELLIPSIS] if start or before else []
    pos = 0
    for m in pattern.finditer(piece) if pattern else ():
        out += [html.escape(piece[pos : m.start()]), f"<mark>{html.escape(m.group())}</mark>"]
        pos = m.end()
    out.append(html.escape(piece[pos:]))
    if end < len(flat) or after:
        out.append(_ELLIPSIS)
    return "".join(out)


def _plain_text_snippet(body: str, phrases: list[str]) -> str:
    return html.unescape(re.sub("<[^>]+>", "", _plain_snippet(body, phrases)))


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
    answers, so no note's text is scanned."""
    wanted = [p.strip() for p in phrases if len(p.strip()) >= 3]
    if not wanted:
        return []
    found: dict[int, str] = {}
    # Once seen, the index stays for the life of the connection (migrations make it before
    # any page is served); looking it up again cost each note page's first view ~60 µs.
    if conn.info.get("search_fts") or _has_fts(conn):
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
            params: dict[str, Any] = {"m": f"body : {_quote(phrase)}", "n": limit}
            if unlinked_from is not None:
                params["me"] = unlinked_from
            if _CJK.search(phrase):  # the runs hold CJK only: the snippet comes from the body
                ids = _run(
                    conn,
                    f"SELECT rowid FROM search_cjk WHERE search_cjk MATCH :m{linked} LIMIT :n",
                    params,
                ).scalars()
                new = [nid for nid in ids if nid not in found]
                if not new:
                    continue
                bodies = _run(
                    conn,
                    "SELECT note_id, body FROM search_docs WHERE note_id IN :ids",
                    {"ids": new},
                )
                texts: dict[int, str] = {nid: body for nid, body in bodies}
                for nid in new:
                    found[nid] = _plain_text_snippet(texts.get(nid, ""), [phrase])
                continue
            rows = _run(
                conn,
                f"SELECT rowid, snippet(search_fts, {_BODY}, '', '', '{_ELLIPSIS}', 24) "
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
            found[nid] = _plain_text_snippet(body, wanted)
    return list(found.items())[:limit]
