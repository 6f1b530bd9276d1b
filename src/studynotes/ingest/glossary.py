"""Which notes are one-concept glossary entries, and the vault's terms from all notes."""

from __future__ import annotations

from studynotes.glossary.collect import GlossaryNote, GlossaryTerm, collect_terms, term_key
from studynotes.glossary.extract import TermCandidate
from studynotes.ingest.parse import ParsedNote
from studynotes.paths import VaultPath


def is_glossary_note(note: ParsedNote, *, folders: list[str], tags: list[str]) -> bool:
    """Frontmatter says so, or a glossary tag, or a glossary folder anywhere in its path."""
    if note.glossary_flag:
        return True
    wanted_tags = {t.casefold().lstrip("#") for t in tags}
    if any(t.name.casefold() in wanted_tags for t in note.tags):
        return True
    wanted_folders = {f.casefold().strip("/") for f in folders}
    parts = note.path.split("/")[:-1]
    return any(p.casefold() in wanted_folders for p in parts)


def vault_terms(
    notes: dict[VaultPath, ParsedNote],
    *,
    folders: list[str],
    tags: list[str],
    ignore: list[str] | None = None,
) -> list[GlossaryTerm]:
    """The vault's terms. The owner's word wins: a note with ``glossary: false`` defines
    none, and a phrase in ``ignore`` is never a term, wherever it is written."""
    never = {term_key(phrase) for phrase in ignore or []}
    entries: list[GlossaryNote] = []
    for note in notes.values():
        if note.glossary_off or term_key(note.title) in never:
            continue
        if note.first_paragraph and is_glossary_note(note, folders=folders, tags=tags):
            entries.append(
                GlossaryNote(
                    path=note.path,
                    title=note.title,
                    aliases=list(note.aliases),
                    first_paragraph_text=note.first_paragraph.text,
                    first_paragraph_html=note.first_paragraph.html,
                )
            )
    candidates: dict[str, list[TermCandidate]] = {}
    for path, note in notes.items():
        kept = [c for c in note.terms if term_key(c.name) not in never]
        if kept and not note.glossary_off:
            candidates[path] = kept
    terms = collect_terms(candidates, glossary_notes=entries)
    for term in terms:  # no block id at the definition: land on the heading above it
        if term.anchor is None:
            above = [h for h in notes[VaultPath(term.note_path)].headings if h.line <= term.line]
            term.anchor = above[-1].anchor if above else None
    return terms
