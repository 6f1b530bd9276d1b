"""Canvas boards as the index holds them (``boards``, ``board_links``): which boards hold
a note, the boards of a folder, and search over their names and words."""

from __future__ import annotations

import posixpath
import re

from sqlalchemy import and_, select
from sqlalchemy.orm import Session

from studynotes.db.models import Board, BoardLink, Link, Note
from studynotes.urls import canvas_url, note_url
from studynotes.web import schemas as s
from studynotes.web.views.common import NotFound

_SNIPPET = 200  # characters of a board's words a search hit quotes


def _ref(path: str, name: str) -> s.BoardRef:
    return s.BoardRef(name=name, url=canvas_url(path))


def board_detail(db: Session, path: str) -> s.BoardDetail:
    """A board as the index holds it: what its page and ``/api/canvas`` say beside the
    drawing (which is read from its file)."""
    row = db.execute(select(Board.id, Board.name, Board.error).where(Board.path == path)).first()
    if row is None:
        raise NotFound(f"no canvas {path!r} in the vault")
    linking = db.execute(
        select(Note.slug, Note.title)
        .join(Link, Link.source_id == Note.id)
        .where(Link.target_file == path)
        .distinct()
        .order_by(Note.title, Note.slug)
    )
    pointers = db.execute(
        select(BoardLink.node, BoardLink.kind, BoardLink.raw_target, Note.slug,
               BoardLink.target_file)
        .outerjoin(Note, Note.id == BoardLink.target_id)
        .where(BoardLink.board_id == row.id)
        .order_by(BoardLink.position)
    )  # fmt: skip
    return s.BoardDetail(
        name=row.name, path=path, url=canvas_url(path), error=row.error,
        linked_from=[s.NoteRef(slug=sl, title=t, url=note_url(sl)) for sl, t in linking],
        points_at=[
            s.BoardPointer(node=n, kind="card" if k == "card" else "link", target=t, slug=sl,
                           file=f)
            for n, k, t, sl, f in pointers
        ],
    )  # fmt: skip


def boards_holding(db: Session, path: str) -> list[s.BoardRef]:
    """The boards pointing at the note at ``path`` (a card of it, or a link on a card)."""
    rows = db.execute(
        select(Board.path, Board.name)
        .join(BoardLink, BoardLink.board_id == Board.id)
        .join(Note, Note.id == BoardLink.target_id)
        .where(Note.path == path)
        .distinct()
        .order_by(Board.path)
    )
    return [_ref(p, name) for p, name in rows]


def boards_by_note(db: Session) -> dict[str, list[s.BoardRef]]:
    """``boards_holding`` for every note at once, by note path (what note pages read, kept
    per index run)."""
    rows = db.execute(
        select(Note.path, Board.path, Board.name)
        .join(BoardLink, BoardLink.board_id == Board.id)
        .join(Note, Note.id == BoardLink.target_id)
        .distinct()
        .order_by(Note.path, Board.path)
    )
    held: dict[str, list[s.BoardRef]] = {}
    for note, board, name in rows:
        held.setdefault(note, []).append(_ref(board, name))
    return held


def folder_boards(db: Session, folder: str) -> list[s.BoardRef]:
    """The boards directly in ``folder`` ("" is the vault's top), by name."""
    prefix = folder + "/" if folder else ""
    rows = db.execute(select(Board.path, Board.name).where(Board.path.startswith(prefix)))
    found = [(name, p) for p, name in rows if posixpath.dirname(p) == folder]
    return [_ref(p, name) for name, p in sorted(found, key=lambda r: (r[0].casefold(), r[1]))]


def find_boards(db: Session, query: str, *, limit: int) -> list[s.BoardHitOut]:
    """Boards where every word of ``query`` starts a word of their name or of the words on
    them (case ignored); those whose name holds the words first, then by how often."""
    words = query.casefold().split()
    if not words:
        return []
    wanted = and_(*(Board.fold.contains(w, autoescape=True) for w in words))
    rows = db.execute(select(Board.path, Board.name, Board.text).where(wanted)).all()
    starts = [re.compile(r"(?<!\w)" + re.escape(w)) for w in words]
    ranked: list[tuple[tuple[int, int, str, str], s.BoardHitOut]] = []
    for path, name, text in rows:
        folded_name, folded_text = name.casefold(), text.casefold()
        in_name = sum(1 for w in starts if w.search(folded_name))
        in_text = [len(w.findall(folded_text)) for w in starts]
        if any(not w.search(folded_name) and not n for w, n in zip(starts, in_text, strict=True)):
            continue
        hit = s.BoardHitOut(
            name=name, path=path, url=canvas_url(path), snippet=_snippet(text, starts)
        )
        ranked.append(((-in_name, -sum(in_text), name.casefold(), path), hit))
    ranked.sort(key=lambda r: r[0])
    return [hit for _, hit in ranked[:limit]]


def _snippet(text: str, starts: list[re.Pattern[str]]) -> str:
    """The card (a line of the board's words) where the query is first found, cut to
    ``_SNIPPET`` characters around the match; the first card when only the name matched."""
    lines = [line for line in text.splitlines() if line.strip()] or [""]
    line, at = lines[0], 0
    for candidate in lines:
        found = [m.start() for w in starts if (m := w.search(candidate.casefold()))]
        if found:
            line, at = candidate, min(found)
            break
    begin = max(0, min(at - 60, len(line) - _SNIPPET))
    if begin:
        space = line.find(" ", begin)
        begin = space + 1 if 0 <= space < at else begin
    out = line[begin : begin + _SNIPPET]
    return ("…" if begin else "") + out + ("…" if begin + _SNIPPET < len(line) else "")
