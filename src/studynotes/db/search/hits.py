"""What a search returns, and the note hit the ranking steps pass along."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Hit", "NoteHit", "SearchResults", "TermHit"]


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


@dataclass(slots=True)
class Hit:
    """A note found by one of the ranking steps, before its tags are attached."""

    id: int
    slug: str
    title: str
    path: str
    snippet_html: str
    score: float
