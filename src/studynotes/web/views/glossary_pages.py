"""The glossary page: every term on one page for a small vault, one letter a page for a
large one (9,000 terms made one 4.2 MB page), the A-Z index on each."""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field

from studynotes.web import schemas as s

__all__ = ["ONE_PAGE_UP_TO", "GlossaryPage", "LetterGroup", "glossary_page", "letter_of"]

ONE_PAGE_UP_TO = 400  # defined terms shown on one page; more, and each letter has its own
LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
OTHER = "#"  # digits, symbols and scripts without A-Z


def letter_of(term: str) -> str:
    """The index letter a term is filed under: its first letter without accents, else #."""
    first = unicodedata.normalize("NFKD", term.strip()[:1]).upper()[:1]
    return first if first in LETTERS and first else OTHER


@dataclass(slots=True)
class LetterGroup:
    letter: str
    terms: list[s.TermSummary] = field(default_factory=list)


@dataclass(slots=True)
class GlossaryPage:
    total: int  # defined terms in the whole glossary
    counts: dict[str, int]  # letter -> defined terms filed under it, A-Z then #
    groups: list[LetterGroup]  # shown on this page
    undefined: list[s.TermSummary]  # names without a definition yet (every page lists them)
    letter: str | None  # the letter this page shows; None: the whole glossary
    split: bool  # whether the glossary is one letter a page


def glossary_page(terms: Sequence[s.TermSummary], letter: str | None) -> GlossaryPage:
    """``terms`` in glossary order; ``letter`` asks for one letter's page (A-Z or #)."""
    defined = [t for t in terms if not t.empty]
    by_letter: dict[str, LetterGroup] = {}
    for term in defined:
        key = letter_of(term.term)
        by_letter.setdefault(key, LetterGroup(key)).terms.append(term)
    order = [c for c in LETTERS + OTHER if c in by_letter]
    counts = {c: len(by_letter[c].terms) for c in order}
    split = len(defined) > ONE_PAGE_UP_TO
    wanted = (letter or "").strip().upper()[:1] or None
    if split and wanted is None and order:
        wanted = order[0]
    if wanted is not None:
        groups = [by_letter[wanted]] if wanted in by_letter else []
    else:
        groups = [by_letter[c] for c in order]
    undefined = [t for t in terms if t.empty]
    return GlossaryPage(len(defined), counts, groups, undefined, wanted, split)
