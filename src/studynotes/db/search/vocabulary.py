"""When the words typed are not words of the index: fragments inside words, and typos.

A fragment (``ression``) is looked up in the word index's own vocabulary (``search_vocab``)
and searched as the words that contain it; a misspelt title (``transfromers``) is compared
with the note titles.
"""

from __future__ import annotations

from dataclasses import dataclass

from rapidfuzz import fuzz, process
from sqlalchemy import Connection, select, text

from studynotes.db.models import Note
from studynotes.db.search.cache import PerIndex
from studynotes.db.search.pg_sync import has_pg_search
from studynotes.db.search.query import WORD, fold, loose, quote, word_parts
from studynotes.db.search.schema import has_fts, run
from studynotes.db.search.terms import FUZZY_CUTOFF

__all__ = ["any_known_word", "fragments_match", "nearest_title", "words_containing"]

# A fragment stands for at most this many words, the shortest first: each one more makes
# BM25 slower on every note, and one as loose as "ing" is in hundreds of them.
_FRAGMENT_WORDS = 8


@dataclass(slots=True, frozen=True)
class _Vocabulary:
    """The words of the word index, one a line."""

    lines: str  # starts and ends with a newline

    def containing(self, part: str) -> list[str]:
        found: set[str] = set()
        at = self.lines.find(part)
        while at != -1:
            end = self.lines.find("\n", at)
            found.add(self.lines[self.lines.rfind("\n", 0, at) + 1 : end])
            at = self.lines.find(part, end)
        return sorted(found, key=lambda w: (len(w), w))[:_FRAGMENT_WORDS]


_WORDS = {
    "sqlite": "SELECT term FROM search_vocab",
    # Every distinct word of the weighted documents (migration 0007), read once per index.
    "postgresql": "SELECT word FROM ts_stat('SELECT doc FROM search_docs')",
}


def _read_vocabulary(conn: Connection) -> _Vocabulary:
    words = conn.execute(text(_WORDS[conn.dialect.name])).scalars()
    return _Vocabulary("\n" + "\n".join(words) + "\n")


_VOCABULARY = PerIndex(_read_vocabulary)


def words_containing(conn: Connection, fragment: str) -> list[str]:
    """The indexed words that contain ``fragment`` (folded), the shortest first."""
    return _VOCABULARY.get(conn).containing(fragment)


def fragments_match(conn: Connection, words: list[str]) -> list[str] | None:
    """The query's words as FTS5 parts, each word of three or more letters standing for
    the indexed words that contain it (``ression``: compression, regression ...); None if
    one has none."""
    vocabulary = _VOCABULARY.get(conn)
    parts: list[str] = []
    for i, word in enumerate(words):
        tokens = WORD.findall(fold(word))
        if len(tokens) == 1 and len(tokens[0]) >= 3:
            found = vocabulary.containing(tokens[0])
            if not found:
                return None
            parts.append("(" + " OR ".join(quote(t) for t in found) + ")")
        else:
            parts.append(word_parts(words[i:])[0] if i == len(words) - 1 else quote(word))
    return parts


def any_known_word(conn: Connection, words: list[str]) -> bool:
    """Whether some word of the query is in the word index: then the query asked for notes
    with all its words ("quantization 注意力"), not for a misspelt title."""
    if conn.dialect.name == "postgresql" and has_pg_search(conn):
        return any_known_pg_word(conn, words)
    if not has_fts(conn):
        return True  # no word index to tell by: no guessing
    for known in dict.fromkeys(w for word in words for w in loose(word).split()):
        params = {"m": f"body : {quote(known)}"}
        if run(conn, "SELECT 1 FROM search_fts WHERE search_fts MATCH :m LIMIT 1", params).first():
            return True
    return False


def any_known_pg_word(conn: Connection, words: list[str]) -> bool:
    """``any_known_word`` on PostgreSQL: a word of some note's body (weight D)."""
    for known in dict.fromkeys(w for word in words for w in WORD.findall(fold(word))):
        found = conn.execute(
            text("SELECT 1 FROM search_docs WHERE doc @@ to_tsquery('simple', :q) LIMIT 1"),
            {"q": f"{known}:D"},
        ).first()
        if found:
            return True
    return False


@dataclass(slots=True, frozen=True)
class _Titles:
    titles: list[str]
    loose: list[str]


def _read_titles(conn: Connection) -> _Titles:
    titles = sorted(set(conn.execute(select(Note.title)).scalars()))
    return _Titles(titles, [loose(t) for t in titles])


_TITLES = PerIndex(_read_titles)


def nearest_title(conn: Connection, words: str) -> str | None:
    """The note title closest to ``words`` (a misspelling of it), if one is close enough."""
    wanted = loose(words)
    if len(wanted) < 4:  # shorter, and nearly every title is a near miss
        return None
    titles = _TITLES.get(conn)
    best = process.extractOne(wanted, titles.loose, scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF)
    return titles.titles[best[2]] if best else None
