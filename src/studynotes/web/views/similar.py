"""Notes whose name is close to a wrong address, for the 404 page, from an index.

Scoring every note's name against the address took 0.6 s on a 50,000-note vault. The
index maps each three-letter piece of a note's slug and title to the notes that have it;
the rarest pieces of the address pick a few hundred candidates, and only those are scored.
Built once per index run, on the first wrong address.
"""

from __future__ import annotations

import heapq
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process
from sqlalchemy import select
from sqlalchemy.orm import Session

from studynotes.db.models import Note

__all__ = ["NameIndex", "load_names"]

_RAREST = 12  # pieces of the address that pick candidates
_CANDIDATES = 300


def _pieces(text: str) -> set[str]:
    padded = f"  {' '.join(text.casefold().replace('-', ' ').replace('/', ' ').split())} "
    return {padded[i : i + 3] for i in range(len(padded) - 2)}


@dataclass(slots=True)
class NameIndex:
    names: list[str] = field(default_factory=list)  # per note: "title slug"
    slugs: list[str] = field(default_factory=list)
    postings: dict[str, list[int]] = field(default_factory=dict)

    @classmethod
    def build(cls, notes: list[tuple[str, str]]) -> NameIndex:
        """From ``(slug, title)`` pairs."""
        index = cls()
        postings: dict[str, list[int]] = defaultdict(list)
        for number, (slug, title) in enumerate(notes):
            index.slugs.append(slug)
            index.names.append(f"{title} {slug.replace('-', ' ').replace('/', ' ')}")
            for piece in _pieces(f"{title} {slug}"):
                postings[piece].append(number)
        index.postings = dict(postings)
        return index

    def similar(self, text: str, *, limit: int = 5) -> list[str]:
        """The slugs of up to ``limit`` notes whose names are closest to ``text``."""
        wanted = text.replace("-", " ").replace("/", " ").strip()
        if not wanted or not self.slugs:
            return []
        known = [p for p in _pieces(wanted) if p in self.postings]
        rarest = heapq.nsmallest(_RAREST, known, key=lambda p: len(self.postings[p]))
        votes: Counter[int] = Counter()
        for piece in rarest:
            votes.update(self.postings[piece])
        candidates = {n: self.names[n] for n, _ in votes.most_common(_CANDIDATES)}
        best = process.extract(wanted, candidates, scorer=fuzz.WRatio, limit=limit, score_cutoff=50)
        return [self.slugs[number] for _, _, number in best]


def load_names(db: Session) -> NameIndex:
    rows = db.execute(select(Note.slug, Note.title))
    return NameIndex.build([(slug, title) for slug, title in rows])
