"""Turn per-note term candidates into the vault's glossary.

This is the one glossary step that sees the whole vault: a phrase "defined" in several
notes is a label the author reuses (``**Limitations**:``), not a term.
"""

from __future__ import annotations

import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, replace

from studynotes.glossary._labels import is_plain_word, label_key, normalise_space
from studynotes.glossary.common import COMMON_WORDS
from studynotes.glossary.extract import TermCandidate
from studynotes.paths import slugify

__all__ = ["GlossaryNote", "GlossaryTerm", "collect_terms", "term_key", "term_slug"]


@dataclass(slots=True)
class GlossaryNote:
    """A one-concept note marked as a glossary entry: its title and aliases are the term."""

    path: str
    title: str
    aliases: list[str]
    first_paragraph_text: str
    first_paragraph_html: str


@dataclass(slots=True)
class GlossaryTerm:
    slug: str
    name: str
    aliases: list[str]
    definition: str
    definition_html: str
    note_path: str
    anchor: str | None
    line: int
    shape: str
    empty: bool
    # Dotted where it occurs: an everyday word ("prompt", "memory") only on strong
    # evidence, or a reader sees dots on every line; it stays in the glossary either way.
    marked: bool = True


STRONG = 3  # evidence enough for a phrase defined in several notes to stay a term
# Notes using a phrase (defining it, or opening a line with it in bold and a colon) from
# which a phrase one note defines is a reused label rather than that note's term.
LEAD_NOTES = 3
MARK_EVERYDAY_AT = 4  # evidence enough to dot an everyday word wherever it occurs


def term_key(name: str) -> str:
    """How names are compared: case-insensitive, surrounding punctuation ignored."""
    return label_key(name)


def term_slug(name: str) -> str:
    """Readable lower-case slug; Unicode letters kept, everything else becomes ``-``."""
    return slugify(unicodedata.normalize("NFKC", name)) or "term"


@dataclass(slots=True)
class _Entry:
    note_path: str
    order: int  # position in the note: the glossary note's own entry comes first
    candidate: TermCandidate
    from_glossary_note: bool
    weight: int = 0  # the evidence it names a term (``evidence.weigh``)


@dataclass(slots=True, frozen=True)
class Decision:
    """Why a phrase is, or is not, one of the vault's terms (``studynotes glossary``)."""

    path: str
    line: int
    phrase: str
    kept: bool
    reason: str


def collect_terms(
    candidates_by_note: dict[str, list[TermCandidate]],
    *,
    glossary_notes: list[GlossaryNote],
    decisions: list[Decision] | None = None,
    weights: dict[tuple[str, int, str], int] | None = None,
    leads: dict[str, list[str]] | None = None,
) -> list[GlossaryTerm]:
    """Build the vault glossary, sorted by note path then line, with unique slugs; with
    ``decisions``, say there why each candidate was kept or dropped."""
    glossary_paths = {note.path for note in glossary_notes}
    per_note: dict[str, list[_Entry]] = defaultdict(list)
    for note in glossary_notes:
        per_note[note.path].append(_Entry(note.path, -1, _note_candidate(note), True))
    for path, candidates in candidates_by_note.items():
        ordered = sorted(candidates, key=lambda c: c.line)
        per_note[path].extend(
            _Entry(path, i, c, False, (weights or {}).get((path, c.line, c.name), 0))
            for i, c in enumerate(ordered)
        )

    kept_by_note = {path: _first_definitions(entries) for path, entries in per_note.items()}
    kept = _drop_repeated_labels(kept_by_note, glossary_paths, leads or {})
    kept.sort(key=lambda e: (e.note_path, e.candidate.line, e.order))
    if decisions is not None:
        _explain(per_note, kept_by_note, kept, decisions)
    # A glossary note's title and aliases are its own: other terms may not use them as aliases.
    reserved = {key for e in kept if e.from_glossary_note for key in _keys(e)}
    return list(_with_slugs(kept, reserved))


def _explain(
    per_note: dict[str, list[_Entry]],
    first: dict[str, list[_Entry]],
    kept: list[_Entry],
    out: list[Decision],
) -> None:
    def key(e: _Entry) -> tuple[str, int, bool]:
        return e.note_path, e.order, e.from_glossary_note

    survived = {key(e) for e in kept}
    firsts = {key(e) for entries in first.values() for e in entries}
    for path, entries in per_note.items():
        for e in entries:
            c = e.candidate
            if key(e) in survived:
                why = (
                    "glossary note: its title, defined by its first paragraph"
                    if (e.from_glossary_note)
                    else f"written as a definition ({c.shape})"
                )
                out.append(Decision(path, max(c.line, 1), c.name, True, why))
            elif key(e) not in firsts:
                out.append(Decision(path, c.line, c.name, False, "defined earlier in this note"))
            else:
                out.append(
                    Decision(path, max(c.line, 1), c.name, False,
                             "also a term or a bold label in other notes, none of which owns it")
                )  # fmt: skip


def _note_candidate(note: GlossaryNote) -> TermCandidate:
    return TermCandidate(
        name=normalise_space(note.title),
        aliases=list(note.aliases),
        definition=note.first_paragraph_text.strip(),
        definition_html=note.first_paragraph_html.strip(),
        line=1,
        shape="note",
        anchor=None,
    )


def _first_definitions(entries: list[_Entry]) -> list[_Entry]:
    """Within one note, a term defined twice keeps its first non-empty definition."""
    chosen: dict[str, _Entry] = {}
    claimed: set[str] = set()  # aliases a glossary note declares for its own term
    for entry in sorted(entries, key=lambda e: e.order):
        key = term_key(entry.candidate.name)
        if not key or key in claimed:
            continue
        current = chosen.get(key)
        if current is None or (
            not current.candidate.definition.strip() and entry.candidate.definition.strip()
        ):
            chosen[key] = entry
        if entry.from_glossary_note:
            claimed.update(_keys(entry) - {key})
    return sorted(chosen.values(), key=lambda e: e.order)


def _keys(entry: _Entry) -> set[str]:
    """Phrases an entry claims: its name, plus the aliases a glossary note declares."""
    keys = {term_key(entry.candidate.name)}
    if entry.from_glossary_note:
        keys.update(term_key(alias) for alias in entry.candidate.aliases)
    return {key for key in keys if key}


def _drop_repeated_labels(
    kept_by_note: dict[str, list[_Entry]], glossary_paths: set[str], leads: dict[str, list[str]]
) -> list[_Entry]:
    """A phrase in two or more notes is a label, unless one note owns it: the one glossary
    note among them, or, among several glossary notes, the one named by it (``DQN.md`` owns
    "DQN"; ``Deep Q-Network (DQN).md`` keeps its own name and loses that alias). So is a
    phrase one note defines that ``LEAD_NOTES`` notes in all use as a bold lead-in."""
    led_by: dict[str, set[str]] = defaultdict(set)
    for path, keys in leads.items():
        for key in keys:
            led_by[key].add(path)
    notes_by_key: dict[str, set[str]] = defaultdict(set)
    named_by: dict[str, set[str]] = defaultdict(set)
    weight: dict[tuple[str, str], int] = {}
    for path, entries in kept_by_note.items():
        for entry in entries:
            for key in _keys(entry):
                notes_by_key[key].add(path)
                weight[key, path] = max(weight.get((key, path), entry.weight), entry.weight)
            if entry.from_glossary_note:
                named_by[term_key(entry.candidate.name)].add(path)

    def owner(key: str) -> str | None:
        paths = notes_by_key[key]
        if len(paths) == 1 and len(paths | led_by.get(key, set())) < LEAD_NOTES:
            return next(iter(paths))
        for pool in (named_by.get(key, set()) & glossary_paths, paths & glossary_paths):
            if len(pool) == 1:
                return next(iter(pool))
        # Written as a definition in several notes, with strong evidence: the note with the
        # most evidence owns it (then the first path); weak ones are a reused label.
        strong = sorted(p for p in paths if weight.get((key, p), 0) >= STRONG)
        if strong:
            return max(strong, key=lambda p: (weight[key, p], -strong.index(p)))
        return None

    out: list[_Entry] = []
    for path, entries in kept_by_note.items():
        for entry in entries:
            if owner(term_key(entry.candidate.name)) != path:
                continue
            if entry.from_glossary_note:
                aliases = [a for a in entry.candidate.aliases if owner(term_key(a)) == path]
                if aliases != entry.candidate.aliases:
                    entry = replace(entry, candidate=replace(entry.candidate, aliases=aliases))
            out.append(entry)
    return out


def _with_slugs(entries: Iterable[_Entry], reserved: set[str]) -> Iterable[GlossaryTerm]:
    taken: set[str] = set()
    for entry in entries:
        candidate = entry.candidate
        base = term_slug(candidate.name)
        slug, n = base, 1
        while slug in taken:
            n += 1
            slug = f"{base}-{n}"
        taken.add(slug)
        seen = {term_key(candidate.name)}
        aliases: list[str] = []
        for alias in candidate.aliases:
            key = term_key(alias)
            if not key or key in seen or (key in reserved and not entry.from_glossary_note):
                continue
            seen.add(key)
            aliases.append(normalise_space(alias))
        definition = candidate.definition.strip()
        marked = (
            entry.from_glossary_note
            or entry.weight >= MARK_EVERYDAY_AT
            or not is_plain_word(candidate.name)
            or term_key(candidate.name) not in COMMON_WORDS
        )
        yield GlossaryTerm(
            slug=slug,
            name=candidate.name,
            aliases=aliases,
            definition=definition,
            definition_html=candidate.definition_html.strip() if definition else "",
            note_path=entry.note_path,
            anchor=candidate.anchor,
            line=candidate.line,
            shape=candidate.shape,
            empty=not definition,
            marked=marked,
        )
