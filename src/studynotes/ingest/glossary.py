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
from dataclasses import replace

from studynotes.glossary.collect import (
    Decision,
    GlossaryNote,
    GlossaryTerm,
    collect_terms,
    term_key,
)
from studynotes.glossary.evidence import Setting, VaultNames, weigh_vault
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


def vault_names(notes: dict[VaultPath, ParsedNote]) -> VaultNames:
    """The names notes go by, and what the vault's links point at."""
    titles: set[str] = set()
    linked: set[str] = set()
    for note in notes.values():
        titles.add(term_key(note.title))
        titles.update(term_key(alias) for alias in note.aliases)
        for link in note.links:
            linked.add(term_key(posixpath.basename(link.target)))
            if link.display:
                linked.add(term_key(link.display))
    return VaultNames(frozenset(titles - {""}), frozenset(linked - {""}))


def _setting(note: ParsedNote, line: int) -> Setting:
    above = [h for h in note.headings if h.line <= line]
    return Setting(above[-1].text, above[-1].line) if above else Setting()


def _with_evidence(
    decisions: list[Decision],
    evidence: dict[tuple[str, int, str], str],
    terms: list[GlossaryTerm],
) -> None:
    """Each kept phrase's decision says what spoke for it, and whether it is dotted."""
    quiet = {(t.note_path, t.line, t.name) for t in terms if not t.marked}
    for i, d in enumerate(decisions):
        why = evidence.get((d.path, d.line, d.phrase))
        if not d.kept or why is None:
            continue
        reason = f"{d.reason}: {why}"
        if (d.path, d.line, d.phrase) in quiet:
            reason += "; not dotted in the text: an everyday word without strong evidence"
        decisions[i] = replace(d, reason=reason)


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
        glossary = note.opens_with_definition or is_glossary_note(
            note, folders=folders, tags=tags, detected=detected
        )
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
    weights: dict[tuple[str, int, str], int] = {}
    evidence: dict[tuple[str, int, str], str] = {}
    listed: dict[str, list[tuple[TermCandidate, Setting]]] = {
        path: [(c, _setting(note, c.line)) for c in note.terms if term_key(c.name) not in never]
        for path, note in notes.items()
        if not note.glossary_off
    }
    verdicts = weigh_vault(listed, vault_names(notes))
    for path, note in notes.items():
        kept: list[TermCandidate] = []
        pairs = zip(listed.get(path, []), verdicts.get(path, []), strict=True)
        judged = {id(c): v for (c, _), v in pairs}
        for c in note.terms:
            verdict = judged.get(id(c))
            if verdict is not None and verdict.kept:
                kept.append(c)
                weights[path, c.line, c.name] = verdict.score
                evidence[path, c.line, c.name] = verdict.why()
                continue
            if decisions is None:
                continue
            if verdict is not None:
                why = f"not enough evidence that it names a term: {verdict.why()}"
            elif note.glossary_off:
                why = "the note says glossary: false"
            else:
                why = "listed in the glossary ignore setting"
            decisions.append(Decision(path, c.line, c.name, False, why))
        if kept:
            candidates[path] = kept
    leads = {str(path): note.leads for path, note in notes.items()}
    terms = collect_terms(
        candidates, glossary_notes=entries, decisions=decisions, weights=weights, leads=leads
    )
    if decisions is not None:
        _with_evidence(decisions, evidence, terms)
    for term in terms:  # no block id at the definition: land on the heading above it
        if term.anchor is None:
            above = [h for h in notes[VaultPath(term.note_path)].headings if h.line <= term.line]
            term.anchor = above[-1].anchor if above else None
    return terms
