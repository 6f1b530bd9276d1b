"""long notes' text in pieces, so that a snippet reads a piece and not the whole note

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01 09:00:00.000000

FTS5's snippet() reads and scores the whole column it quotes, and its cost grows faster
than the text: a 4 MB note cost about a second per query. ``search_pieces`` holds the
body of each note longer than 16,000 characters again, cut at line breaks into pieces of
about 4,000 characters, under the rowid ``note_id * 2**20 + piece number``; a snippet of
a long note is taken from the first piece that matches. Short notes (nearly all) are not
copied.

Only SQLite gets this table. As in 0002 and 0003, everything is written out here (not
imported from ``studynotes.db.search``) so that this revision keeps meaning what it meant.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_LONG = 16_000
_PIECE = 4_000
_SPAN = 1 << 20


def _pieces(body: str) -> list[str]:
    out: list[str] = []
    start = 0
    while len(body) - start > _PIECE:
        end = start + _PIECE
        cut = body.rfind("\n", start + _PIECE // 2, end)
        if cut == -1:
            cut = body.rfind(" ", start + _PIECE // 2, end)
        if cut != -1:
            end = cut + 1
        out.append(body[start:end])
        start = end
    out.append(body[start:])
    return out


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        return
    op.execute(
        "CREATE VIRTUAL TABLE search_pieces USING fts5("
        "body, tokenize='unicode61 remove_diacritics 2', prefix='2 3')"
    )
    long = sa.text("SELECT note_id, body FROM search_docs WHERE length(body) > :n")
    insert = sa.text("INSERT INTO search_pieces(rowid, body) VALUES (:id, :body)")
    for note_id, body in bind.execute(long, {"n": _LONG}).all():
        rows = [{"id": note_id * _SPAN + i, "body": p} for i, p in enumerate(_pieces(body))]
        bind.execute(insert, rows)


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    op.execute("DROP TABLE IF EXISTS search_pieces")
