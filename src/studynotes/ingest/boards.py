"""Canvas boards in an index run: each board read as facts (a pure function of its bytes,
kept by their hash), its cards and links resolved by the rules a note's links follow, and
its rows written with the run, so the pages around a board read it from the index."""

from __future__ import annotations

import hashlib
import posixpath
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Connection, delete, insert

from studynotes.canvas import MAX_BYTES, CanvasError, RefKind, board_refs, canvas_text, parse_canvas
from studynotes.db.models import Board, BoardLink
from studynotes.ingest.discover import FileInfo
from studynotes.ingest.parse import ParsedNote
from studynotes.ingest.resolve import ResolvedLink, resolve_link
from studynotes.markdown.facts import RawLink
from studynotes.media import suffix
from studynotes.paths import Resolver, VaultPath, is_note_path

__all__ = ["BoardFacts", "IndexedBoard", "index_boards", "read_board", "write_boards"]

BOARD_SUFFIX = ".canvas"


@dataclass(frozen=True, slots=True)
class BoardFacts:
    """What one board's file says: its words, what it points at, or why it is malformed."""

    text: str = ""
    error: str = ""
    refs: tuple[tuple[str, RefKind, RawLink], ...] = ()


@dataclass(frozen=True, slots=True)
class IndexedBoard:
    path: VaultPath
    facts: BoardFacts
    links: tuple[tuple[str, RefKind, ResolvedLink], ...]

    @property
    def name(self) -> str:
        return posixpath.basename(self.path)[: -len(BOARD_SUFFIX)]


_BY_HASH: dict[str, BoardFacts] = {}  # a board's facts by the hash of its bytes
_KEEP = 2_000


def read_board(data: bytes) -> BoardFacts:
    """The facts of a board whose file holds ``data``; a malformed one has only its error."""
    key = hashlib.sha256(data).hexdigest()
    found = _BY_HASH.get(key)
    if found is not None:
        return found
    try:
        if len(data) > MAX_BYTES:
            raise CanvasError(f"the file is larger than {MAX_BYTES // 1_000_000} MB")
        board = parse_canvas(data.decode("utf-8"))
        facts = BoardFacts(canvas_text(board), "", tuple(board_refs(board)))
    except UnicodeDecodeError:
        facts = BoardFacts(error="the file is not UTF-8 text")
    except CanvasError as exc:
        facts = BoardFacts(error=str(exc))
    if len(_BY_HASH) >= _KEEP:
        _BY_HASH.clear()
    _BY_HASH[key] = facts
    return facts


def index_boards(
    root: Path,
    attachments: Sequence[FileInfo],
    resolver: Resolver,
    notes: dict[VaultPath, ParsedNote],
) -> list[IndexedBoard]:
    """Every board among ``attachments``, read and resolved (from its own folder)."""
    out: list[IndexedBoard] = []
    for f in attachments:
        if suffix(f.path) != BOARD_SUFFIX:
            continue
        try:
            facts = read_board((root / f.path).read_bytes())
        except OSError as exc:
            facts = BoardFacts(error=f"the file cannot be read ({exc.strerror or exc})")
        links = tuple(
            (node, kind, resolve_link(raw, f.path, resolver, notes))
            for node, kind, raw in facts.refs
        )
        out.append(IndexedBoard(f.path, facts, links))
    return out


def write_boards(
    conn: Connection, note_ids: Mapping[VaultPath, int], boards: Sequence[IndexedBoard]
) -> None:
    """Replace the index's boards with ``boards`` (few and small: written whole each run)."""
    conn.execute(delete(BoardLink))
    conn.execute(delete(Board))
    if not boards:
        return
    rows = [
        {"path": b.path, "name": b.name, "text": b.facts.text, "error": b.facts.error,
         "fold": f"{b.name}\n{b.facts.text}".casefold()}
        for b in boards
    ]  # fmt: skip
    ids = dict((p, i) for i, p in conn.execute(insert(Board).returning(Board.id, Board.path), rows))
    links = [
        _link_row(ids[b.path], i, node, kind, found, note_ids)
        for b in boards
        for i, (node, kind, found) in enumerate(b.links)
    ]
    if links:
        conn.execute(insert(BoardLink), links)


def _link_row(
    board_id: int,
    position: int,
    node: str,
    kind: RefKind,
    found: ResolvedLink,
    note_ids: Mapping[VaultPath, int],
) -> dict[str, object]:
    """One ``board_links`` row: a note it lands on by id, any other file by its path."""
    note = found.path is not None and is_note_path(found.path)
    return {
        "board_id": board_id, "position": position, "node": node, "kind": kind,
        "raw_target": found.raw.target, "context": found.raw.context,
        "target_id": note_ids.get(found.path) if note and found.path is not None else None,
        "target_file": None if note else found.path,
    }  # fmt: skip
