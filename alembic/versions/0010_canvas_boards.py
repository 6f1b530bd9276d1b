"""canvas boards in the index: their words and what their cards point at

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-04 21:30:00.000000

Boards were read from their files whenever a page needed them (search, backlinks, the
graph), and never appeared in the explorer or folder pages. An index run now stores each
board (``boards``: name, words, why it cannot be drawn) and where its file cards and
``[[links]]`` land (``board_links``), rewritten with every run. The parser version changes
with this revision, so the next run fills them.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "boards",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("path", sa.String(length=1024), nullable=False),
        sa.Column("name", sa.String(length=512), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("fold", sa.Text(), nullable=False),
        sa.Column("error", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_boards")),
        sa.UniqueConstraint("path", name=op.f("uq_boards_path")),
    )
    op.create_table(
        "board_links",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("board_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("node", sa.String(length=255), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("raw_target", sa.String(length=1024), nullable=False),
        sa.Column("target_id", sa.Integer(), nullable=True),
        sa.Column("target_file", sa.String(length=1024), nullable=True),
        sa.Column("context", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["board_id"], ["boards.id"], name=op.f("fk_board_links_board_id_boards"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["target_id"], ["notes.id"], name=op.f("fk_board_links_target_id_notes"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_board_links")),
    )  # fmt: skip
    op.create_index(op.f("ix_board_links_board_id"), "board_links", ["board_id"])
    op.create_index(op.f("ix_board_links_target_id"), "board_links", ["target_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_board_links_target_id"), table_name="board_links")
    op.drop_index(op.f("ix_board_links_board_id"), table_name="board_links")
    op.drop_table("board_links")
    op.drop_table("boards")
