"""The whole-vault step: where every raw link lands, by Obsidian's rules."""

from __future__ import annotations

from dataclasses import dataclass

from studynotes.ingest.parse import ParsedNote
from studynotes.markdown.facts import RawLink
from studynotes.paths import Resolver, VaultPath, is_note_path, match_heading


@dataclass(slots=True)
class ResolvedLink:
    raw: RawLink
    path: VaultPath | None  # a note or an attachment; None when unresolved
    anchor: str | None = None  # heading anchor or ``^block`` in the target note
    via_alias: bool = False
    ambiguous: bool = False
    missing_anchor: bool = False  # the note exists but the heading or block does not

    @property
    def is_note(self) -> bool:
        return self.path is not None and is_note_path(self.path)


def resolve_link(
    link: RawLink, source: VaultPath, resolver: Resolver, notes: dict[VaultPath, ParsedNote]
) -> ResolvedLink:
    if not link.target:  # [[#Heading]] or [[^block]] inside the same note
        resolution_path: VaultPath | None = source
        out = ResolvedLink(link, source)
    else:
        found = resolver.resolve(link.target, source)
        resolution_path = found.path
        out = ResolvedLink(link, found.path, via_alias=found.via_alias, ambiguous=found.ambiguous)
    if resolution_path is None or not is_note_path(resolution_path):
        return out
    target = notes.get(resolution_path)
    if target is None:
        return out
    if link.heading:
        heading = match_heading(target.headings, link.heading)
        if heading is None:
            out.missing_anchor = True
        else:
            out.anchor = heading.anchor
    elif link.block:
        if any(b.id == link.block for b in target.blocks):
            out.anchor = f"^{link.block}"
        else:
            out.missing_anchor = True
    return out


def build_resolver(notes: dict[VaultPath, ParsedNote], attachments: list[VaultPath]) -> Resolver:
    aliases = {path: note.aliases for path, note in notes.items() if note.aliases}
    return Resolver.build([*notes, *attachments], aliases)


def resolve_all(
    notes: dict[VaultPath, ParsedNote],
    attachments: list[VaultPath],
    resolver: Resolver | None = None,
) -> dict[VaultPath, list[ResolvedLink]]:
    """Every note's links; ``resolver``, if given, must be built from these notes' names."""
    resolver = resolver or build_resolver(notes, attachments)
    return {
        path: [resolve_link(link, path, resolver, notes) for link in note.links]
        for path, note in notes.items()
    }
