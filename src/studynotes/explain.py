"""``studynotes glossary``: every bold phrase and defined name of a vault, kept or rejected as
a glossary term, with the reason, so an owner can see why a word is dotted (or is not) and
set ``glossary: false`` or the ignore list where they disagree."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from markdown_it.token import Token

from studynotes.config import Settings
from studynotes.glossary._labels import reject_name
from studynotes.glossary.collect import Decision, term_key
from studynotes.ingest.discover import check_vault, discover
from studynotes.ingest.glossary import vault_terms
from studynotes.ingest.parse import ParsedNote, parse_note
from studynotes.ingest.read import read_note
from studynotes.markdown import make_parser
from studynotes.markdown.inline import inline_text
from studynotes.paths import VaultPath

__all__ = ["Decision", "explain_vault"]

# ``reject_name``'s reasons, as an owner reads them.
_WHY = {
    "label": "a label that structures the note (Example, Pros, Step 1)",
    "sentence": "reads as a sentence or a heading",
    "clause": "a clause, not a name",
    "formula": "a formula",
    "numbered": "a numbered step",
    "link": "a link",
    "no letters": "no letters",
    "number": "mostly a number",
    "too long": "too long for a name",
    "bracketed": "has brackets",
    "identifier": "a field or variable name",
    "instruction": "an instruction",
    "place": "a place or platform among options",
}


def _bold_phrases(tokens: list[Token]) -> Iterator[tuple[int, str]]:
    """Each bold phrase with its line (1-based, frontmatter counted)."""
    for token in tokens:
        if token.type != "inline" or not token.map or not token.children:
            continue
        line = token.map[0] + 1
        depth, start = 0, 0
        for i, child in enumerate(token.children):
            if child.type in ("softbreak", "hardbreak") and depth == 0:
                line += 1
            elif child.type == "strong_open":
                depth, start = depth + 1, i + 1
            elif child.type == "strong_close" and depth:
                depth -= 1
                text = " ".join(inline_text(token.children[start:i]).split())
                if text:
                    yield line, text


def explain_vault(settings: Settings) -> list[Decision]:
    """Every decision the glossary takes on the vault, by note path and line."""
    root = check_vault(settings.vault)
    md = make_parser()
    notes: dict[VaultPath, ParsedNote] = {}
    bold: dict[VaultPath, list[tuple[int, str]]] = {}
    for info in discover(root, max_bytes=settings.max_file_bytes).notes:
        read = read_note(Path(root) / info.path, max_bytes=settings.max_file_bytes)
        if read.text is None:
            continue
        notes[info.path] = parse_note(info.path, read.text)
        bold[info.path] = list(_bold_phrases(md.parse(read.text, {})))
    decisions: list[Decision] = []
    vault_terms(
        notes,
        folders=settings.glossary_folders,
        tags=settings.glossary_tags,
        ignore=settings.glossary_ignore,
        decisions=decisions,
    )
    # A bold phrase on a candidate's line was that candidate ("**Exact Match (EM)**"
    # becomes the term "Exact Match"); one named like a candidate is that candidate too.
    lines = {(d.path, d.line) for d in decisions}
    named = {(d.path, term_key(d.phrase)) for d in decisions}
    for path, phrases in bold.items():
        for line, phrase in phrases:
            if (path, line) in lines or (path, term_key(phrase)) in named:
                continue
            why = reject_name(phrase)
            reason = _WHY.get(why, why) if why else "not written as a definition"
            decisions.append(Decision(path, line, phrase, False, reason))
    decisions.sort(key=lambda d: (d.path, d.line, d.phrase))
    return decisions
