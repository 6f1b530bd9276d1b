"""The search index of a static site: JSON shards the browser loads as the reader types
(static/js/sitesearch.js reads them; it searches as ``db/search`` does).

- ``search/meta.json``: counts, and the shards that exist (a missing one is never asked);
- ``search/terms.json``: every glossary term, its names and a short definition;
- ``search/n/<k>.json``: the notes, ``CHUNK`` a file (slug, title, path, tags, opening);
- ``search/w/<key>.json``: words by their first two letters, each with its postings
  (note, weight, whether the title or an alias has it), the heaviest ``MAX_POSTINGS``;
- ``search/c/<key>.json``: CJK runs as one- and two-character pieces, by their first;
- ``search/tags.json``: each tag and its notes; ``search/titles.json``: titles, for typos;
- ``search/boards.json``: the canvas boards, with the words on them (when there are any).

Words are folded as ``db.search.query.fold`` folds them; weights are those of the server's
ranking (title 10, aliases 8, headings and tags 5, body 1).
"""

from __future__ import annotations

import heapq
import json
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from studynotes.cjk import CJK_CLASS
from studynotes.db.models import Alias, Board, Heading, Note, NoteTag, Tag, Term, TermAlias
from studynotes.db.search.query import fold, loose
from studynotes.urls import canvas_url

__all__ = ["CHUNK", "MAX_POSTINGS", "SearchShard", "search_shards", "shard_key"]

CHUNK = 32  # notes a file: a search reads the chunks of its best few notes
MAX_POSTINGS = 400  # notes kept per word: the best-weighted, as results show the best
OPENING = 240  # characters of a note's text kept for its snippet
DEFINITION = 200

_WEIGHTS = {"title": 10, "aliases": 8, "headings": 5, "tags": 5, "body": 1}
_WORD = re.compile(r"[^\W_]+")
_CJK_RUN = re.compile(f"{CJK_CLASS}+")


@dataclass(frozen=True, slots=True)
class SearchShard:
    file: str
    data: bytes


def shard_key(word: str) -> str:
    """The shard a word is kept in: its first two characters as hex code points."""
    return "-".join(f"{ord(c):x}" for c in word[:2])


@dataclass(slots=True)
class _Doc:
    slug: str
    title: str
    path: str
    text: str
    aliases: list[str] = field(default_factory=list)
    headings: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)


def _docs(db: Session) -> list[_Doc]:
    docs: dict[int, _Doc] = {}
    for nid, slug, title, path, text in db.execute(
        select(Note.id, Note.slug, Note.title, Note.path, Note.text).order_by(Note.path)
    ):
        docs[nid] = _Doc(slug, title, path, text or "")
    for nid, name in db.execute(select(Alias.note_id, Alias.name).order_by(Alias.id)):
        docs[nid].aliases.append(name)
    rows = select(Heading.note_id, Heading.text).order_by(Heading.note_id, Heading.position)
    for nid, text in db.execute(rows):
        docs[nid].headings.append(text)
    tagged = select(NoteTag.note_id, Tag.name).join(Tag, Tag.id == NoteTag.tag_id)
    for nid, name in db.execute(tagged.order_by(Tag.name)):
        docs[nid].tags.append(name)
    return list(docs.values())


def _pieces(text: str) -> tuple[Counter[str], Counter[str]]:
    """How often each folded word, and each CJK run's characters and pairs, occur."""
    folded = fold(text)
    words = _WORD.findall(folded)
    if not _CJK_RUN.search(folded):  # most text: counted in one go
        return Counter(words), Counter()
    plain: Counter[str] = Counter()
    cjk: Counter[str] = Counter()
    for word in words:
        runs = _CJK_RUN.findall(word)
        if not runs:
            plain[word] += 1
            continue
        plain.update(rest for rest in _CJK_RUN.split(word) if rest)
        for run in runs:
            cjk.update(run)
            cjk.update(run[i : i + 2] for i in range(len(run) - 1))
    return plain, cjk


def _json(value: object) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()


def _opening(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= OPENING else flat[:OPENING].rsplit(" ", 1)[0] + "…"


_Postings = dict[str, dict[int, int]]  # token -> note -> weight (uncapped), notes in order


def _postings(docs: list[_Doc]) -> tuple[_Postings, _Postings, dict[str, set[int]]]:
    """Words and CJK pieces with their notes' weights, and the notes whose title or an alias
    has each token."""
    words: _Postings = defaultdict(dict)
    cjk: _Postings = defaultdict(dict)
    named: dict[str, set[int]] = defaultdict(set)
    for i, doc in enumerate(docs):
        fields = {
            "title": [doc.title],
            "aliases": doc.aliases,
            "headings": doc.headings,
            "tags": doc.tags,
            "body": [doc.text],
        }
        for name, values in fields.items():
            weight, is_named = _WEIGHTS[name], name in ("title", "aliases")
            for value in values:
                for counts, postings in zip(_pieces(value), (words, cjk), strict=True):
                    for token, n in counts.items():
                        notes = postings[token]
                        notes[i] = notes.get(i, 0) + weight * n
                        if is_named:
                            named[token].add(i)
    return words, cjk, named


def _flat(posts: dict[int, int], named: set[int]) -> list[int]:
    """The heaviest ``MAX_POSTINGS`` of a token's notes, in order of note: note, weight
    (at most 255), whether the title or an alias has it."""
    kept: Iterable[tuple[int, int]] = posts.items()
    if len(posts) > MAX_POSTINGS:
        kept = sorted(heapq.nsmallest(MAX_POSTINGS, kept, key=lambda p: (-min(p[1], 255), p[0])))
    flat: list[int] = []
    for note, weight in kept:
        flat += (note, min(weight, 255), int(note in named))
    return flat


def search_shards(db: Session) -> Iterator[SearchShard]:
    docs = _docs(db)
    words, cjk, named = _postings(docs)
    shards: dict[str, dict[str, list[int]]] = defaultdict(dict)
    none: set[int] = set()
    for postings, prefix in ((words, "w"), (cjk, "c")):
        for token, posts in postings.items():
            key = shard_key(token) if prefix == "w" else shard_key(token[:1])
            flat = _flat(posts, named.get(token, none))
            shards[f"{prefix}/{key}"][token] = [len(posts), *flat]
    for name, shard in sorted(shards.items()):
        yield SearchShard(f"search/{name}.json", _json(dict(sorted(shard.items()))))
    for k in range(0, len(docs), CHUNK):
        chunk = [[d.slug, d.title, d.path, d.tags, _opening(d.text)] for d in docs[k : k + CHUNK]]
        yield SearchShard(f"search/n/{k // CHUNK}.json", _json(chunk))
    tags: dict[str, list[int]] = defaultdict(list)
    for i, doc in enumerate(docs):
        for tag in doc.tags:
            tags[tag.casefold()].append(i)
    yield SearchShard("search/tags.json", _json(dict(sorted(tags.items()))))
    yield SearchShard("search/titles.json", _json([[d.title, loose(d.title)] for d in docs]))
    yield SearchShard("search/terms.json", _json(_terms(db)))
    boards = [[name, text, canvas_url(path)] for path, name, text in _boards(db)]
    if boards:
        yield SearchShard("search/boards.json", _json(boards))
    meta = {"notes": len(docs), "chunk": CHUNK, "shards": sorted(shards), "boards": len(boards)}
    yield SearchShard("search/meta.json", _json(meta))


def _boards(db: Session) -> list[tuple[str, str, str]]:
    """The canvas boards: path, name, and their words (a card a line), as search reads them."""
    rows = db.execute(select(Board.path, Board.name, Board.text).order_by(Board.path))
    return [(path, name, text or "") for path, name, text in rows]


def _terms(db: Session) -> list[list[object]]:
    aliases: dict[int, list[str]] = defaultdict(list)
    for tid, name in db.execute(select(TermAlias.term_id, TermAlias.name).order_by(TermAlias.id)):
        aliases[tid].append(name)
    rows = db.execute(
        select(Term.id, Term.slug, Term.name, Term.definition, Term.anchor, Term.empty, Note.slug)
        .join(Note, Note.id == Term.note_id)
        .order_by(Term.slug)
    )
    out: list[list[object]] = []
    for tid, slug, name, definition, anchor, empty, note_slug in rows:
        text = " ".join((definition or "").split())
        if len(text) > DEFINITION:
            text = text[:DEFINITION].rsplit(" ", 1)[0] + "…"
        out.append([slug, name, aliases[tid], text, note_slug, anchor, int(bool(empty))])
    return out
