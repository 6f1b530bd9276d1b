"""The canvas page: a board read from the vault, its file nodes filled from the index."""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, field
from html import escape
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from studynotes.canvas import MAX_BYTES, CanvasError, Node, board_html, parse_canvas, thumbnail_svg
from studynotes.db.models import Note
from studynotes.media import IMAGE, suffix
from studynotes.urls import canvas_url, file_url, note_url
from studynotes.web.views.board_links import board_links
from studynotes.web.views.boards import board_detail
from studynotes.web.views.common import NotFound

_EXCERPT = 600  # characters of a note's text a file node shows


@dataclass(slots=True)
class CanvasPage:
    path: str
    name: str
    raw_url: str
    board: str = ""
    error: str = ""
    backlinks: list[tuple[str, str]] = field(default_factory=list)  # (title, url)


def canvas_view(db: Session, path: str, file: Path) -> CanvasPage:
    """The board drawn from its file, beside what the index says of it (``board_detail``,
    the page's JSON twin); a board the index has not seen yet is drawn all the same."""
    page = CanvasPage(path, posixpath.basename(path).removesuffix(".canvas"), file_url(path))
    try:
        detail = board_detail(db, path)
        page.backlinks = [(n.title, n.url) for n in detail.linked_from]
    except NotFound:
        pass
    try:
        if file.stat().st_size > MAX_BYTES:
            raise CanvasError(f"the file is larger than {MAX_BYTES // 1_000_000} MB")
        board = parse_canvas(file.read_bytes().decode("utf-8"))
    except UnicodeDecodeError:
        page.error = "the file is not UTF-8 text"
        return page
    except CanvasError as exc:
        page.error = str(exc)
        return page
    page.board = board_html(board, lambda node: _file_node(db, node), board_links(db, path))
    return page


def canvas_preview_svg(file: Path) -> str:
    """The board's thumbnail; a board that cannot be read gets one saying so."""
    try:
        if file.stat().st_size > MAX_BYTES:
            raise CanvasError("too large")
        return thumbnail_svg(parse_canvas(file.read_bytes().decode("utf-8")))
    except (OSError, UnicodeDecodeError, CanvasError):
        return (
            '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 300 80"><text x="150" y="45" '
            'text-anchor="middle" font-family="sans-serif" font-size="14" fill="#c0162f">'
            "this canvas cannot be shown</text></svg>"
        )


def _file_node(db: Session, node: Node) -> str:
    """A note's title and the start of its text; an image; another board; or a file link."""
    name = escape(posixpath.basename(node.file))
    ext = suffix(node.file)
    if ext in IMAGE:
        return f'<img class="canvas-image" src="{escape(file_url(node.file))}" alt="{name}">'
    if ext == ".canvas":
        href = escape(canvas_url(node.file), quote=True)
        return f'<p><a class="internal-link" href="{href}">{name}</a></p>'
    if ext not in ("", ".md"):
        href = escape(file_url(node.file), quote=True)
        return f'<p><a class="internal-link file-link" href="{href}">{name}</a></p>'
    row = db.execute(select(Note.slug, Note.title, Note.text).where(Note.path == node.file)).first()
    if row is None:
        return f'<p class="canvas-missing">{name} <span class="muted">(not in the vault)</span></p>'
    text = (row.text or "").strip()
    if text.startswith(row.title):  # the note's first heading repeats its title
        text = text[len(row.title) :].lstrip()
    excerpt = text[:_EXCERPT] + ("…" if len(text) > _EXCERPT else "")
    href = escape(note_url(row.slug, node.subpath.lstrip("#") or None), quote=True)
    return (
        f'<p class="canvas-file-title"><a class="internal-link" href="{href}" '
        f'data-slug="{escape(row.slug, quote=True)}">{escape(row.title)}</a></p>'
        f'<p class="canvas-file-text">{escape(excerpt)}</p>'
    )
