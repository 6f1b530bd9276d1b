"""Glossary terms by name: exact names and aliases, then names starting so, then typos."""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process
from sqlalchemy import Connection, select

from studynotes.db.models import Note, Term, TermAlias
from studynotes.db.search.cache import PerIndex
from studynotes.db.search.hits import TermHit
from studynotes.db.search.query import key, loose

__all__ = ["FUZZY_CUTOFF", "search_terms"]

FUZZY_CUTOFF = 75.0
_WORD_FUZZ = 0.9  # one word of a longer name matching counts a little less


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


def _read_term_names(conn: Connection) -> _TermNames:
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
    names = _TermNames(info)
    by_word: dict[str, list[int]] = {}
    pairs = [(tid, t.name) for tid, t in info.items()]
    pairs += [(tid, alias) for tid, t in info.items() for alias in t.aliases]
    for tid, name in pairs:
        folded = loose(name)
        names.term.append(tid)
        names.key.append(key(name))
        names.loose.append(folded)
        parts = folded.split()
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


_TERM_NAMES = PerIndex(_read_term_names)


def _starting(pairs: list[tuple[str, int]], prefix: str) -> list[tuple[str, int]]:
    """The pairs whose text starts with ``prefix`` (``pairs`` is sorted)."""
    start = bisect_left(pairs, (prefix, -1))
    end = bisect_left(pairs, (prefix + "\U0010ffff", -1))
    return pairs[start:end]


def search_terms(conn: Connection, words: list[str], limit: int) -> list[TermHit]:
    """Exact names and aliases first, then names starting so, then near misses (typos)."""
    phrase = " ".join(words)
    wanted, wanted_loose = key(phrase), loose(phrase)
    names = _TERM_NAMES.get(conn)
    best: dict[int, tuple[int, float]] = {}  # term -> (group, order within the group)

    def offer(i: int, rank: tuple[int, float]) -> None:
        tid = names.term[i]
        if tid not in best or rank < best[tid]:
            best[tid] = rank

    for k, i in _starting(names.keys_sorted, wanted):
        offer(i, (0 if k == wanted else 1, 0.0))
    if wanted_loose:
        for lo, i in _starting(names.loose_sorted, wanted_loose):
            offer(i, (0 if lo == wanted_loose else 1, 0.0))
        first = wanted_loose.split()[0]
        for _, i in _starting(names.words_sorted, first):
            if f" {wanted_loose}" in f" {names.loose[i]}":
                offer(i, (1, 1.0))  # the start of a later word: "attention" in "Self-Attention"
    if len(wanted_loose) >= 3:
        for _, score, i in process.extract(
            wanted_loose, names.loose, scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF, limit=None
        ):
            offer(i, (2, -score))
        cutoff = FUZZY_CUTOFF / _WORD_FUZZ
        for _, score, j in process.extract(
            wanted_loose, names.words, scorer=fuzz.ratio, score_cutoff=cutoff, limit=None
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
