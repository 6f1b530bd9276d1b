"""The explorer's HTML: the folder tree as nested lists, open along the path to a note.

Written with string joins rather than a Jinja macro: it is on every note page, and a
recursive macro cost more than the rest of the page's template. Markup follows the ARIA
navigation tree (``li role=none``, ``a role=treeitem``, ``ul role=group``); without
JavaScript it is a nested list of links, folders leading to their folder pages. The script
(``static/js/explorer.js``) adds keyboard moves, opening and closing, and loads a closed
folder's children from ``/api/tree`` when it opens.
"""

from __future__ import annotations

import hashlib
import posixpath
from html import escape

from studynotes.web.views.tree import FolderTree, TreeEntry

__all__ = ["explorer_html"]


def _group_id(folder: str) -> str:
    # Stable across processes and unique per folder, whatever characters its name has.
    return "tree-" + hashlib.blake2b(folder.encode(), digest_size=6).hexdigest()


def _folder_item(entry: TreeEntry, inner: str | None) -> str:
    name = escape(entry.name)
    path = escape(entry.path, quote=True)
    if inner is None:
        return (
            f'<li role="none" class="tree-folder"><a role="treeitem" aria-expanded="false" '
            f'href="{escape(entry.url, quote=True)}" data-folder="{path}">{name}</a></li>'
        )
    gid = _group_id(entry.path)
    return (
        f'<li role="none" class="tree-folder"><a role="treeitem" aria-expanded="true" '
        f'aria-owns="{gid}" href="{escape(entry.url, quote=True)}" data-folder="{path}">'
        f'{name}</a><ul role="group" id="{gid}">{inner}</ul></li>'
    )


def _note_item(entry: TreeEntry, current: bool) -> str:
    """A note, or a canvas board (marked as one, as Obsidian's explorer marks it)."""
    mark = ' aria-current="page"' if current else ""
    cls, kind = "tree-note", ""
    if entry.kind == "canvas":
        cls, kind = "tree-note tree-canvas", ' <span class="tree-kind">canvas</span>'
    return (
        f'<li role="none" class="{cls}"><a role="treeitem" '
        f'href="{escape(entry.url, quote=True)}"{mark}>{escape(entry.name)}{kind}</a></li>'
    )


# Entries of one open folder written into a page; the rest come from /api/tree when the
# reader asks ("N more"), so a note in a folder of hundreds stays a light page.
ON_PAGE = 40


def _items(tree: FolderTree, folder: str, opened: list[str], current: str) -> str:
    parts: list[str] = []
    entries = tree.page(folder, limit=ON_PAGE)
    for entry in entries:
        if entry.kind == "folder":
            inner = _items(tree, entry.path, opened, current) if entry.path in opened else None
            parts.append(_folder_item(entry, inner))
        else:
            parts.append(_note_item(entry, entry.path == current))
    where = tree.position.get(current)
    if where is not None and where >= len(entries) and posixpath.dirname(current) == folder:
        # The current note sits past the first page of a large folder: show it anyway.
        parts.append(_note_item(tree.children[folder][where], True))
    more = tree.count(folder) - len(entries)
    if more > 0:
        url = escape(f"/folders/{folder}" if folder else "/", quote=True)
        parts.append(
            f'<li role="none" class="tree-more"><a href="{url}" data-folder="{escape(folder)}"'
            f' data-offset="{len(entries)}">{more:,} more</a></li>'
        )
    return "".join(parts)


def explorer_html(tree: FolderTree, path: str) -> str:
    """The explorer for the note at ``path``: the vault's top, and each folder above the
    note open (its children listed); every other folder closed, its children not sent.
    Kept with the tree (one index run), so a page's second reader pays nothing."""
    cached = tree.pages.get(path)
    if cached is None:
        opened = tree.open_on(path)
        cached = (
            f'<ul class="tree" role="tree" aria-label="Files">{_items(tree, "", opened, path)}</ul>'
        )
        if len(tree.pages) < 20_000:
            tree.pages[path] = cached
    return cached
