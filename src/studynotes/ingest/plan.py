"""The plan: what an index run must redo, decided from fingerprints alone.

Every derived value is keyed by the fingerprints of exactly the inputs it read, and is
worked out again if and only if one of them changed. The inputs, by name:

``note:P``   the content hash of note P's file: its parse (facts and placeholder HTML).
``links:P``  where P's links land, with the slugs of the notes they land in.
``marks``    the glossary's names and slugs, in order: what every page's term marks read.
``owned:P``  the terms P itself defines, with their lines (a definition is never marked).
``config``   the parser version and the settings rendering and the glossary read.
``dataview`` every note's content hash, where its links land and its file stamps: all a
             query can read of it. Read by every page holding a ``dataview`` query.

The rules, for ``studynotes index`` and the server's watcher alike:

1. Parse P when its bytes may differ from those last parsed: its size or modification time
   changed, or the parser version did. A file whose hash is unchanged is not parsed again.
2. Resolve P's links when P was parsed anew, or the vault's names changed (a note or an
   attachment came, went or was renamed, an alias changed), or a note P links into was
   parsed anew (its headings and blocks may have moved). Without last run's resolution in
   memory, every note is resolved.
3. Collect the glossary when the set of notes changed or a note parsed anew changed
   anything terms are made from (``glossary_facts``).
4. Render P when it has no page yet, or an input recorded when its page was rendered
   (``render_deps``; ``ingest.render.Vault`` records them) now has another fingerprint.
5. Rewrite P's link rows when ``links:P`` changed; its other rows (its flashcards among
   them) when P was parsed anew; its search rows when P was parsed anew or went away. A
   glossary term's two cards are rewritten with the terms, or when the note defining it
   was parsed anew (the cards' deck is that note's). Review history is never rewritten.
"""

from __future__ import annotations

import hashlib
from collections.abc import Collection, Iterable, Mapping
from dataclasses import astuple

from studynotes.config import Settings
from studynotes.ingest.discover import FileInfo, Inventory
from studynotes.ingest.memo import Memo
from studynotes.ingest.parse import ParsedNote
from studynotes.ingest.resolve import ResolvedLink
from studynotes.markdown import PARSER_VERSION
from studynotes.paths import VaultPath


def fingerprint(value: object) -> str:
    """A stable digest of a value built from strings, numbers, None and tuples of them."""
    return hashlib.blake2b(repr(value).encode(), digest_size=16).hexdigest()


def config_fp(settings: Settings) -> str:
    """The settings that what an index holds depends on: rendering's and the glossary's."""
    return fingerprint(
        (
            PARSER_VERSION, settings.embed_depth, settings.term_marks,
            tuple(settings.glossary_folders), tuple(settings.glossary_tags),
            tuple(settings.glossary_ignore),
        )
    )  # fmt: skip


def unchanged(inventory: Inventory, memo: Memo, config: str) -> bool:
    """Nothing to do: the same files with the same stamps, parsed and rendered alike."""
    if memo.version != PARSER_VERSION or memo.config != config:
        return False
    if len(memo.notes) != len(inventory.notes) or len(memo.attachments) != len(
        inventory.attachments
    ):
        return False
    for f in inventory.notes:
        old = memo.notes.get(f.path)
        if old is None or (old.mtime_ns, old.size) != (f.mtime_ns, f.size):
            return False
    return all(memo.attachments.get(a.path) == (a.mtime_ns, a.size) for a in inventory.attachments)


def to_parse(inventory: Inventory, memo: Memo) -> list[tuple[FileInfo, str | None]]:
    """Rule 1: each file that may have changed, with the hash of its last parse (None: parse
    it whatever its hash)."""
    every = memo.version != PARSER_VERSION
    out: list[tuple[FileInfo, str | None]] = []
    for f in inventory.notes:
        old = memo.notes.get(f.path)
        if old is not None and not every and (old.mtime_ns, old.size) == (f.mtime_ns, f.size):
            continue
        out.append((f, None if every or old is None else old.content_hash))
    return out


def names_fp(notes: Mapping[VaultPath, ParsedNote], attachments: Iterable[VaultPath]) -> str:
    """Everything a link can land on by name: note paths with their aliases, attachments."""
    return fingerprint(
        (sorted((p, tuple(n.aliases)) for p, n in notes.items()), sorted(attachments))
    )


def to_resolve(
    notes: Mapping[VaultPath, ParsedNote],
    fresh: Iterable[VaultPath],
    names: str,
    memo: Memo,
) -> set[VaultPath] | None:
    """Rule 2: the notes whose links must be resolved again; None: all of them."""
    last = memo.resolved
    if last is None or names != memo.names_fp:
        return None
    fresh = set(fresh)
    out = set(fresh)
    for path in notes:
        links = last.get(path)
        if links is None or any(link.path in fresh for link in links):
            out.add(path)
    return out


def links_fp(links: list[ResolvedLink], slugs: Mapping[VaultPath, str]) -> str:
    """What ``links:P`` stands for: every field of P's link rows but those P's own bytes
    decide, and the slug of each note a link lands in."""
    return fingerprint(
        [
            (link.path, link.anchor, link.missing_anchor, link.via_alias, link.ambiguous,
             slugs.get(link.path) if link.path is not None else None)
            for link in links
        ]
    )  # fmt: skip


def glossary_facts(note: ParsedNote) -> tuple[object, ...]:
    """What collecting the glossary reads from a note (see ``ingest.glossary``)."""
    first = note.first_paragraph
    return (
        note.title,
        tuple(note.aliases),
        note.glossary_flag,
        note.glossary_off,
        note.opens_with_definition,
        tuple(t.name for t in note.tags),
        tuple(note.leads),  # a phrase many notes open lines with is a label
        (first.text, first.html) if first else None,
        tuple(astuple(t) for t in note.terms),
        tuple((h.line, h.anchor, h.text) for h in note.headings),  # evidence reads their text
        tuple((link.target, link.display) for link in note.links),  # and what links name
    )


def same_glossary(
    notes: Mapping[VaultPath, ParsedNote],
    fresh: Mapping[VaultPath, ParsedNote],
    memo: Memo,
    before: Mapping[VaultPath, ParsedNote],
) -> bool:
    """Rule 3, negated: collecting the glossary again would give last run's terms."""
    if memo.glossary is None or len(notes) != len(before) or any(p not in before for p in notes):
        return False
    return all(glossary_facts(before[path]) == glossary_facts(note) for path, note in fresh.items())


def dataview_fp(
    hashes: Mapping[VaultPath, str],
    links: Mapping[VaultPath, list[ResolvedLink]],
    stamps: Mapping[VaultPath, tuple[int, int]],
) -> str:
    """What ``dataview`` stands for: what a query can read of each note. Its fields, tags,
    tasks and aliases come from its bytes (the content hash); its links' landings and its
    file stamps from elsewhere. Hashes, not the facts themselves: this is worked out on
    every run, and any edit changes a note's stamps anyway."""
    return fingerprint(
        [
            (p, h, tuple(link.path for link in links.get(p, ())), stamps.get(p))
            for p, h in sorted(hashes.items())
        ]
    )


class Inputs:
    """The current fingerprint of each named input (see the module's docstring)."""

    def __init__(
        self,
        hashes: Mapping[VaultPath, str],
        links: Mapping[VaultPath, str],
        marks: str,
        owned: Mapping[str, str],
        config: str,
        dataview: str = "",
    ) -> None:
        self.hashes, self.links, self.marks, self.owned, self.config = (
            hashes, links, marks, owned, config,
        )  # fmt: skip
        self.dataview = dataview

    def get(self, name: str) -> str | None:
        kind, _, path = name.partition(":")
        if kind == "note":
            return self.hashes.get(VaultPath(path))
        if kind == "links":
            return self.links.get(VaultPath(path))
        if kind == "owned":
            return self.owned.get(path, "")
        if kind == "marks":
            return self.marks
        if kind == "config":
            return self.config
        if kind == "dataview":
            return self.dataview
        return None

    def record(self, reads: Iterable[str]) -> dict[str, str]:
        """The dependencies to store with a page rendered from ``reads``."""
        out = {name: self.get(name) or "" for name in sorted(reads)}
        out["config"] = self.config
        return out

    def stale(self, deps: Mapping[str, str]) -> bool:
        return not deps or any(self.get(name) != fp for name, fp in deps.items())


def to_render(
    notes: Iterable[VaultPath], fresh: Collection[VaultPath], memo: Memo, inputs: Inputs
) -> tuple[list[VaultPath], set[VaultPath]]:
    """Rules 4 and 5: the pages to render again, in the order given, and the notes whose
    link rows are written again. A note parsed anew is both (all its rows are rewritten)."""
    old = memo.notes
    pages: list[VaultPath] = []
    relink: set[VaultPath] = set()
    for p in notes:
        before = old.get(p)
        if p in fresh or before is None:
            pages.append(p)
            relink.add(p)
            continue
        if inputs.stale(before.render_deps):
            pages.append(p)
        if before.links_fp != inputs.links.get(p):
            relink.add(p)
    return pages, relink
