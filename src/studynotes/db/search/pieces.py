"""Long notes in pieces: bounded text for snippets, whatever the size of the note.

FTS5's snippet() reads and scores the whole column it quotes, at a cost that grows faster
than the text (a 4 MB note: about a second), and SQLite reads a whole value even to cut a
few characters from it. So the body of a note longer than ``LONG_BODY`` characters is kept
again in ``search_pieces`` (migration 0004), cut at line breaks into pieces of about
``PIECE_CHARS``, under the rowid ``note_id * SPAN + piece number``. A long note's snippet
comes from its first piece that matches: one rowid range, one piece read.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Connection, text

from studynotes.db.search.schema import run

__all__ = [
    "HAS_PIECES",
    "LONG_BODY",
    "PIECE_CHARS",
    "SPAN",
    "drop_pieces",
    "first_piece",
    "first_piece_with",
    "long_notes",
    "opening_pieces",
    "split",
    "store_pieces",
]

LONG_BODY = 16_000
PIECE_CHARS = 4_000
SPAN = 1 << 20  # rowids per note: pieces enough for 4 GB of text

# Whether the note ``{table}.rowid`` has pieces: a rowid range, one seek.
HAS_PIECES = (
    "EXISTS (SELECT 1 FROM search_pieces p WHERE p.rowid "
    f"BETWEEN {{table}}.rowid * {SPAN} AND {{table}}.rowid * {SPAN} + {SPAN - 1})"
)


def split(body: str) -> list[str]:
    """``body`` in pieces of at most ``PIECE_CHARS``, cut after a line break where there is
    one in the second half of the piece, else after a space."""
    out: list[str] = []
    start = 0
    while len(body) - start > PIECE_CHARS:
        end = start + PIECE_CHARS
        cut = body.rfind("\n", start + PIECE_CHARS // 2, end)
        if cut == -1:
            cut = body.rfind(" ", start + PIECE_CHARS // 2, end)
        if cut != -1:
            end = cut + 1
        out.append(body[start:end])
        start = end
    out.append(body[start:])
    return out


def store_pieces(conn: Connection, bodies: Iterable[tuple[int, str]]) -> None:
    """Index the long ones of these ``(note id, body)`` pairs in pieces (their old pieces
    must be gone already)."""
    rows = [
        {"id": note_id * SPAN + i, "body": piece}
        for note_id, body in bodies
        if len(body) > LONG_BODY
        for i, piece in enumerate(split(body))
    ]
    if rows:
        conn.execute(text("INSERT INTO search_pieces(rowid, body) VALUES (:id, :body)"), rows)


def drop_pieces(conn: Connection, note_ids: list[int] | None) -> None:
    """Forget the pieces of these notes; of every note for ``None``."""
    if note_ids is None:
        conn.execute(text("DELETE FROM search_pieces"))
    elif note_ids:
        conn.execute(
            text("DELETE FROM search_pieces WHERE rowid BETWEEN :lo AND :hi"),
            [{"lo": nid * SPAN, "hi": nid * SPAN + SPAN - 1} for nid in note_ids],
        )


def long_notes(conn: Connection, note_ids: list[int]) -> set[int]:
    """Those of ``note_ids`` kept in pieces."""
    if not note_ids:
        return set()
    rows = run(
        conn,
        "SELECT note_id FROM search_docs WHERE note_id IN :ids AND "
        + HAS_PIECES.format(table="search_docs"),
        {"ids": note_ids},
    )
    return set(rows.scalars())


_SNIPPET = (
    "SELECT rowid, snippet(search_pieces, 0, :open, :close, :dots, :tokens) FROM search_pieces "
    "WHERE search_pieces MATCH :m AND rowid BETWEEN :lo AND :hi ORDER BY rowid LIMIT 1"
)
_CONTAINING = (
    "SELECT rowid, body FROM search_pieces WHERE rowid BETWEEN :lo AND :hi AND ({}) "
    "ORDER BY rowid LIMIT 1"
)


def first_piece(
    conn: Connection, note_id: int, matches: list[str], marks: dict[str, str | int]
) -> tuple[int, str] | None:
    """``(piece number, snippet())`` of the note's first piece matching the first of the
    FTS5 ``matches`` that any piece matches; None if none does."""
    span = {"lo": note_id * SPAN, "hi": note_id * SPAN + SPAN - 1}
    for match in matches:
        row = run(conn, _SNIPPET, {**marks, **span, "m": match}).first()
        if row is not None:
            return row[0] - note_id * SPAN, row[1]
    return None


def first_piece_with(conn: Connection, note_id: int, parts: list[str]) -> tuple[int, str] | None:
    """``(piece number, text)`` of the note's first piece holding one of ``parts`` as a
    substring (CJK words, which the word index holds only as whole runs)."""
    if not parts:
        return None
    where = " OR ".join(f"instr(body, :p{i}) > 0" for i in range(len(parts)))
    params = {f"p{i}": p for i, p in enumerate(parts)}
    span = {"lo": note_id * SPAN, "hi": note_id * SPAN + SPAN - 1}
    row = run(conn, _CONTAINING.format(where), {**params, **span}).first()
    return (row[0] - note_id * SPAN, row[1]) if row is not None else None


def opening_pieces(conn: Connection, note_ids: list[int]) -> dict[int, str]:
    """The first piece of each of these long notes."""
    if not note_ids:
        return {}
    rows = run(
        conn,
        "SELECT rowid, body FROM search_pieces WHERE rowid IN :ids",
        {"ids": [nid * SPAN for nid in note_ids]},
    )
    return {rowid // SPAN: body for rowid, body in rows}
