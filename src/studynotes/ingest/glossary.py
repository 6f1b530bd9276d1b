"""Which notes are one-concept glossary entries, and the vault's terms from all notes.

A note is a glossary entry (its title the term, its first paragraph the definition) when
its frontmatter, a glossary tag or a glossary folder says so, or when its folder reads as a
glossary: most of at least ``_MIN_NOTES`` notes are short and open with a definition of
their title (``_reads_as_entry``). The folder ``/`` declares the whole vault.
"""

from __future__ import annotations

import posixpath
import re
from collections import defaultdict

from studynotes.glossary.collect import (
    Decision,
    GlossaryNote,
    GlossaryTerm,
    collect_terms,
    term_key,
)
from studynotes.glossary.extract import TermCandidate
from studynotes.ingest.parse import ParsedNote
from studynotes.paths import VaultPath

_MIN_NOTES = 20  # fewer notes than this never make a folder a glossary by their looks
_SHARE = 0.7  # the share of a folder's notes that must read as entries
_MAX_WORDS = 400
# How a definition of a note's own title opens: a noun phrase, a field, or a pointer.
_OPENING = re.compile(
    r"(?:an?|the|any|each|one|some|two|in|within|for|abbreviation|acronym|short|synonym"
    r"|also|see|a\s+type|a\s+kind)\b",
    re.IGNORECASE,
)
_BE = r"\s+(?:is|are|was|refers\s+to|means|describes|denotes)\b"
_DATED = re.compile(r"\d{4}-\d{2}-\d{2}|\d{1,2}[./-]\d{1,2}[./-]\d{2,4}")
_EXPANSION = re.compile(r"^(?P<name>[^()]+?)\s*\((?P<alias>[^()]+)\)$")


def _reads_as_entry(note: ParsedNote) -> bool:
    """Short, and opening with a sentence that defines the note's title."""
    first = note.first_paragraph
    if first is None or not note.opens_with_paragraph or note.words > _MAX_WORDS:
        return False
    if len(note.title.split()) > 6 or _DATED.match(note.title):  # a journal, not a term
        return False
    text = first.text.strip()
    if len(text.split()) < 3:
        return False
    if _OPENING.match(text):
        return True
    name = _EXPANSION.match(note.title)
    names = [note.title, *(name.groups() if name else ()), *note.aliases]
    head = text[: 40 + max(len(n) for n in names)].casefold()
    return any(re.match(re.escape(n.casefold()) + _BE, head) for n in names)


def _name_and_expansion(title: str) -> tuple[str, list[str]]:
    """ "AUC (Area under the ROC curve)" names AUC, also known by its expansion; "node
    (decision tree)" is one of several nodes and keeps its whole title."""
    split = _EXPANSION.match(title)
    if split and (_acronym(split["name"]) or _acronym(split["alias"])):
        return split["name"], [split["alias"]]
    return title, []


def _acronym(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return 2 <= len(letters) <= 10 and sum(c.isupper() for c in letters) >= len(letters) - 1


def glossary_folders(notes: dict[VaultPath, ParsedNote]) -> set[str]:
    """The folders (``""`` the vault's top) that read as one note per term."""
    by_folder: dict[str, list[ParsedNote]] = defaultdict(list)
    for note in notes.values():
        by_folder[posixpath.dirname(note.path)].append(note)
    return {
        folder
        for folder, group in by_folder.items()
        if len(group) >= _MIN_NOTES and sum(map(_reads_as_entry, group)) >= _SHARE * len(group)
    }


def is_glossary_note(
    note: ParsedNote, *, folders: list[str], tags: list[str], detected: set[str] | None = None
) -> bool:
    """Frontmatter says so, or a glossary tag, or a glossary folder anywhere in its path
    (``/`` for the whole vault), or its folder reads as a glossary."""
    if note.glossary_flag:
        return True
    wanted_tags = {t.casefold().lstrip("#") for t in tags}
    if any(t.name.casefold() in wanted_tags for t in note.tags):
        return True
    wanted_folders = {f.casefold().strip("/") for f in folders}
    if "" in wanted_folders or "." in wanted_folders:
        return True
    parts = note.path.split("/")[:-1]
    if any(p.casefold() in wanted_folders for p in parts):
        return True
    # A folder that reads as a glossary is one, as if declared: its notes' first
    # paragraphs are definitions even where they open unlike the rest ("Grouping ...").
    return detected is not None and posixpath.dirname(note.path) in detected


def vault_terms(
    notes: dict[VaultPath, ParsedNote],
    *,
    folders: list[str],
    tags: list[str],
    ignore: list[str] | None = None,
    decisions: list[Decision] | None = None,
) -> list[GlossaryTerm]:
    """The vault's terms. The owner's word wins: a note with ``glossary: false`` defines
    none, and a phrase in ``ignore`` is never a term, wherever it is written."""
    never = {term_key(phrase) for phrase in ignore or []}
    detected = glossary_folders(notes)
    entries: list[GlossaryNote] = []
    for note in notes.values():
        if note.glossary_off or term_key(note.title) in never:
            continue
        glossary = is_glossary_note(note, folders=folders, tags=tags, detected=detected)
        if note.first_paragraph and glossary:
            # "AUC (Area under the ROC curve)": the term and its expansion, each a name.
            title, aliases = _name_and_expansion(note.title)
            entries.append(
                GlossaryNote(
                    path=note.path,
                    title=title,
                    aliases=[*aliases, *note.aliases],
                    first_paragraph_text=note.first_paragraph.text,
                    first_paragraph_html=note.first_paragraph.html,
                )
            )
    candidates: dict[str, list[TermCandidate]] = {}
    for path, note in notes.items():
        kept = [c for c in note.terms if term_key(c.name) not in never]
        if decisions is not None:
            for c in note.terms:
                if note.glossary_off or c not in kept:
                    why = (
                        "the note says glossary: false"
                        if note.glossary_off
                        else "listed in the glossary ignore setting"
                    )
                    decisions.append(Decision(path, c.line, c.name, False, why))
        if kept and not note.glossary_off:
            candidates[path] = kept
    terms = collect_terms(candidates, glossary_notes=entries, decisions=decisions)
    for term in terms:  # no block id at the definition: land on the heading above it
        if term.anchor is None:
            above = [h for h in notes[VaultPath(term.note_path)].headings if h.line <= term.line]
            term.anchor = above[-1].anchor if above else None
    return terms
