"""The canvas page: a board read from the vault, its file nodes filled from the index."""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, field
from html import escape
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from studynotes.canvas import (
    MAX_BYTES,
    CanvasError,
    Node,
    board_html,
    canvas_text,
    parse_canvas,
    thumbnail_svg,
)
from studynotes.db.models import Attachment, Link, Meta, Note
from studynotes.media import IMAGE, suffix
from studynotes.urls import canvas_url, file_url, note_url
from studynotes.web import schemas as s
from studynotes.web.views.board_links import board_links

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
    page = CanvasPage(path, posixpath.basename(path).removesuffix(".canvas"), file_url(path))
    linking = (
        select(Note.title, Note.slug)
        .join(Link, Link.source_id == Note.id)
        .where(Link.target_file == path)
        .distinct()
        .order_by(Note.title)
    )
    page.backlinks = [(title, note_url(slug)) for title, slug in db.execute(linking)]
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


def vault_root(db: Session) -> Path | None:
    """The vault the index was built from (the index records it)."""
    found = db.execute(select(Meta.value).where(Meta.key == "vault")).scalar()
    return Path(found) if found else None


def canvas_notes(db: Session, boards: list[str]) -> dict[str, list[str]]:
    """The note paths on each board's file nodes; a board that cannot be read has none."""
    root = vault_root(db)
    stamps = {p: m for p, m in db.execute(select(Attachment.path, Attachment.mtime_ns))}
    return {board: _board(root, board, stamps.get(board, 0))[1] for board in boards}


def boards_holding(db: Session, path: str) -> list[s.BoardRef]:
    """The boards with ``path`` on one of their cards: a note's backlinks from boards."""
    rows = db.execute(
        select(Attachment.path, Attachment.mtime_ns).where(Attachment.path.like("%.canvas"))
    ).all()
    if not rows:
        return []
    root = vault_root(db)
    return [
        s.BoardRef(name=posixpath.basename(b).removesuffix(".canvas"), url=canvas_url(b))
        for b, mtime_ns in rows
        if path in _board(root, b, mtime_ns)[1]
    ]


def boards_by_note(db: Session) -> dict[str, list[s.BoardRef]]:
    """``boards_holding`` for every note at once, by note path: what a note page reads,
    kept per index run (boards change only with one) instead of two queries a first view."""
    rows = db.execute(
        select(Attachment.path, Attachment.mtime_ns).where(Attachment.path.like("%.canvas"))
    ).all()
    root = vault_root(db) if rows else None
    held: dict[str, list[s.BoardRef]] = {}
    for board, mtime_ns in rows:
        ref = s.BoardRef(
            name=posixpath.basename(board).removesuffix(".canvas"), url=canvas_url(board)
        )
        for path in dict.fromkeys(_board(root, board, mtime_ns)[1]):
            held.setdefault(path, []).append(ref)
    return held


# board path -> (mtime_ns, its words, the notes on its cards): boards are read once a change
_BOARDS: dict[str, tuple[int, str, list[str]]] = {}
_MAX_BOARDS = 500  # searched by reading their files; a vault of more is not searched


def find_boards(db: Session, query: str, *, limit: int) -> list[s.BoardHitOut]:
    """Boards whose name or words hold every word of ``query`` (case ignored). Boards are
    few and small, so their files are read (once per change) rather than indexed."""
    words = query.casefold().split()
    if not words:
        return []
    rows = db.execute(select(Attachment.path, Attachment.mtime_ns)).all()
    boards = [(p, m) for p, m in rows if p.endswith(".canvas")][:_MAX_BOARDS]
    root = vault_root(db) if boards else None
    out: list[s.BoardHitOut] = []
    for path, mtime_ns in boards:
        text = _board_text(root, path, mtime_ns)
        name = posixpath.basename(path).removesuffix(".canvas")
        haystack = f"{name}\n{text}".casefold()
        if not all(w in haystack for w in words):
            continue
        at = text.casefold().find(words[0])
        snippet = text[max(0, at - 60) : at + 140].replace("\n", " ").strip() if at >= 0 else ""
        out.append(s.BoardHitOut(name=name, path=path, url=canvas_url(path), snippet=snippet))
        if len(out) >= limit:
            break
    return out


def _board_text(root: Path | None, path: str, mtime_ns: int) -> str:
    return _board(root, path, mtime_ns)[0]


def _board(root: Path | None, path: str, mtime_ns: int) -> tuple[str, list[str]]:
    """A board's words and the notes on its cards, read once per change of its file."""
    cached = _BOARDS.get(path)
    if cached is not None and cached[0] == mtime_ns:
        return cached[1], cached[2]
    text, notes = "", []
    try:
        if root is not None and (root / path).stat().st_size <= MAX_BYTES:
            board = parse_canvas((root / path).read_bytes().decode("utf-8"))
            text = canvas_text(board)
            notes = [n.file for n in board.nodes if n.type == "file" and n.file.endswith(".md")]
    except (OSError, UnicodeDecodeError, CanvasError):
        pass
    _BOARDS[path] = (mtime_ns, text, notes)
    return text, notes


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
