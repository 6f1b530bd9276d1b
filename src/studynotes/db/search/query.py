"""What the user typed, cleaned up, and the same words as the word index keeps them.

Queries are user input: every string, however malformed, parses, and nothing in it can
become FTS5 syntax (``_quote``).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

__all__ = [
    "MAX_QUERY_CHARS",
    "WORD",
    "Query",
    "all_of",
    "any_of",
    "fold",
    "key",
    "loose",
    "parse",
    "quote",
    "word_parts",
    "words_match",
]

MAX_QUERY_CHARS = 200

_EDGE_PUNCT = re.compile(r"^[\W_]+|[\W_]+$")
WORD = re.compile(r"[^\W_]+")
_TAG_EDGE = re.compile(r"[^\w/-]+$")  # "#prompting," asks for the tag "prompting"
_NON_ASCII = re.compile(r"[^\x00-\x7f]+")
_DROP = frozenset({"Cc", "Cf", "Cs"})  # control, format (zero-width), lone surrogates


@dataclass(slots=True)
class Query:
    text: str  # cleaned and bounded: what the results are for
    words: list[str]  # free-text words, edge punctuation trimmed
    tags: list[str]  # from ``#tag`` tokens, case-folded


def parse(q: str) -> Query:
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
    return Query(cleaned, words, tags)


def key(name: str) -> str:
    """Case and spacing folded: how names are compared."""
    folded = name if name.isascii() else unicodedata.normalize("NFKC", name)
    return " ".join(folded.casefold().split())


def loose(name: str) -> str:
    """Words only: ``Self-Attention`` and ``self attention`` compare equal."""
    return " ".join(WORD.findall(key(name)))


def fold(word: str) -> str:
    """A word as the word index keeps it: lower case, without diacritics."""
    lowered = word.lower()
    if lowered.isascii():
        return lowered
    decomposed = unicodedata.normalize("NFKD", lowered)
    # Only characters past ASCII can be combining marks: a note's text is mostly ASCII, and
    # looking at each of its characters in Python cost the site's search index 0.3 s.
    return _NON_ASCII.sub(_without_marks, decomposed)


def _without_marks(m: re.Match[str]) -> str:
    return "".join(c for c in m[0] if not unicodedata.combining(c))


def quote(word: str) -> str:
    """An FTS5 string: no operator, column filter or syntax error can come from user text."""
    return '"' + word.replace('"', '""') + '"'


def word_parts(words: list[str]) -> list[str]:
    """One FTS5 string per word; the last as a prefix too, as it may be unfinished (unless
    it is one letter, which would stand for most words of the vault)."""
    parts = [quote(w) for w in words]
    if len(words[-1]) > 1:
        parts[-1] += "*"
    return parts


def all_of(parts: list[str]) -> str:
    """An FTS5 query for notes with every part (a group joins what follows only by AND)."""
    return " AND ".join(parts)


def any_of(parts: list[str]) -> str:
    return " OR ".join(parts)


def words_match(words: list[str]) -> str:
    """Every word, the last maybe unfinished: see ``word_parts``."""
    return all_of(word_parts(words))
