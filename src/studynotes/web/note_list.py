"""The HTML of a list of notes (a tag's, a folder's, the home page's recent notes): title,
date, folder and tags of each.

Written with string joins rather than a Jinja macro, as the explorer is: a tag or folder
page of a big vault lists thousands of notes, and the macro's calls per item cost ten times
what the strings do (1 s of a 5,000-note site's build went to them).
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

from markupsafe import Markup, escape

from studynotes.urls import note_url, tag_url
from studynotes.web.schemas import NoteSummary

__all__ = ["note_list_html"]


def note_list_html(
    notes: Iterable[NoteSummary], show_date: bool = True, show_path: bool = True
) -> Markup:
    """``<ul class="note-list">`` of ``notes``; ``show_path``: the folder of each note."""
    items = "".join(_item(n, show_date, show_path) for n in notes)
    return Markup(f'<ul class="note-list">\n{items}</ul>')


def _item(note: NoteSummary, show_date: bool, show_path: bool) -> str:
    parts = [
        f'<li class="note-item">\n  <a class="note-item-title" '
        f'href="{escape(note_url(note.slug))}">{escape(note.title)}</a>'
    ]
    if show_date:
        when = note.updated
        parts.append(
            f'\n  <span class="note-item-date"><time datetime="{when.isoformat()}">'
            f"{when.strftime('%Y-%m-%d')}</time></span>"
        )
    folder = note.path.rsplit("/", 1)[0] if show_path and "/" in note.path else None
    if folder is not None or note.tags:
        parts.append('\n  <div class="note-item-meta">')
        if folder is not None:
            parts.append(f'<span class="path">{escape(folder)}</span>')
        if folder is not None and note.tags:
            parts.append(" ")
        parts.extend(map(_tag_link, note.tags))
        parts.append("</div>")
    parts.append("\n</li>\n")
    return "".join(parts)


@lru_cache(maxsize=4096)  # a vault has a few hundred tags, each on many notes
def _tag_link(tag: str) -> str:
    return f'<a class="tag" href="{escape(tag_url(tag))}">#{escape(tag)}</a>'
