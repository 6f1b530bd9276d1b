"""Which notes are one-concept glossary entries, and the vault's terms from all notes."""

from __future__ import annotations

from studynotes.glossary.collect import GlossaryNote, GlossaryTerm, collect_terms
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
    notes: dict[VaultPath, ParsedNote], *, folders: list[str], tags: list[str]
) -> list[GlossaryTerm]:
    entries: list[GlossaryNote] = []
    for note in notes.values():
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
    candidates: dict[str, list[TermCandidate]] = {
        path: note.terms for path, note in notes.items() if note.terms
    }
    terms = collect_terms(candidates, glossary_notes=entries)
    for term in terms:  # no block id at the definition: land on the heading above it
        if term.anchor is None:
            above = [h for h in notes[VaultPath(term.note_path)].headings if h.line <= term.line]
            term.anchor = above[-1].anchor if above else None
    return terms
