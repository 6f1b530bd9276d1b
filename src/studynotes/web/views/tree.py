"""The vault as a folder tree, for the explorer beside every note.

Built once per index run from the notes' paths (``PerIndex``): each folder's children are
sorted as Obsidian's file explorer sorts them, folders first and names in natural order
("Week 2" before "Week 10"). A page gets only the folders that are open on it, the
vault's top and the folders above its note; the rest is asked for when a folder opens.
"""

from __future__ import annotations

import posixpath
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from studynotes.db.models import Board, Note
from studynotes.urls import canvas_url, note_url
from studynotes.web.urls import folder_url

__all__ = ["PAGE_ITEMS", "FolderTree", "TreeEntry", "load_tree", "natural_key"]

PAGE_ITEMS = 200  # entries of one folder sent at once; the rest on its folder page

_DIGITS = re.compile(r"(\d+)")


def natural_key(name: str) -> tuple[tuple[int, int | str], ...]:
    """Sort key that reads runs of digits as numbers: "Week 2" < "Week 10"."""
    parts = _DIGITS.split(name.casefold())
    return tuple((1, int(p)) if p.isdigit() else (0, p) for p in parts if p)


@dataclass(frozen=True, slots=True)
class TreeEntry:
    name: str  # as the explorer shows it: the folder's or the file's name
    kind: Literal["folder", "note", "canvas"]
    path: str  # the folder, or the note's or board's file, inside the vault
    url: str
    notes: int = 0  # for a folder: the notes and boards anywhere below it


@dataclass(slots=True)
class FolderTree:
    children: dict[str, list[TreeEntry]] = field(default_factory=dict)
    position: dict[str, int] = field(default_factory=dict)  # path -> index in its folder
    pages: dict[str, str] = field(default_factory=dict)  # note path -> its explorer HTML

    @classmethod
    def build(cls, notes: Iterable[tuple[str, str]], boards: Iterable[str] = ()) -> FolderTree:
        """The tree of the notes' ``(path, slug)`` pairs and the boards' paths (shown among
        the notes, as Obsidian's explorer shows them)."""
        files: dict[str, list[TreeEntry]] = defaultdict(list)
        below: dict[str, int] = defaultdict(int)
        entries = [
            *(_entry(path, "note", note_url(slug)) for path, slug in notes),
            *(_entry(path, "canvas", canvas_url(path)) for path in boards),
        ]
        for entry in entries:
            folder = posixpath.dirname(entry.path)
            files[folder].append(entry)
            while folder:
                below[folder] += 1
                folder = posixpath.dirname(folder)
        folders: dict[str, list[TreeEntry]] = defaultdict(list)
        for folder, count in below.items():
            entry = TreeEntry(posixpath.basename(folder), "folder", folder, folder_url(folder))
            folders[posixpath.dirname(folder)].append(
                TreeEntry(entry.name, entry.kind, entry.path, entry.url, count)
            )
        tree = cls()
        for parent in set(files) | set(folders):
            subfolders = sorted(folders.get(parent, []), key=lambda e: natural_key(e.name))
            notes_here = sorted(files.get(parent, []), key=lambda e: natural_key(e.name))
            tree.children[parent] = [*subfolders, *notes_here]
            for i, entry in enumerate(tree.children[parent]):
                tree.position[entry.path] = i
        return tree

    def page(self, folder: str, *, offset: int = 0, limit: int = PAGE_ITEMS) -> list[TreeEntry]:
        """One page of a folder's children (``""`` is the vault's top); unknown: empty."""
        return self.children.get(folder.strip("/"), [])[offset : offset + limit]

    def count(self, folder: str) -> int:
        return len(self.children.get(folder.strip("/"), []))

    def has(self, folder: str) -> bool:
        return folder.strip("/") in self.children

    def open_on(self, path: str) -> list[str]:
        """The folders a note's page shows open: the top, and each folder above it."""
        opened = [""]
        folder = posixpath.dirname(path)
        parts = folder.split("/") if folder else []
        for i in range(1, len(parts) + 1):
            opened.append("/".join(parts[:i]))
        return opened


def _entry(path: str, kind: Literal["note", "canvas"], url: str) -> TreeEntry:
    name = posixpath.basename(path)
    end = ".md" if kind == "note" else ".canvas"
    return TreeEntry(name[: -len(end)] if name.lower().endswith(end) else name, kind, path, url)


def load_tree(db: Session) -> FolderTree:
    notes = [(path, slug) for path, slug in db.execute(select(Note.path, Note.slug))]
    return FolderTree.build(notes, db.execute(select(Board.path)).scalars())
