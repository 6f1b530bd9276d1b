"""study mode: the vault's flashcards, and each reader's schedules and reviews

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-04 13:00:00.000000

``cards`` is derived from the vault, rewritten with its note like its links. The schedules
and reviews are the reader's own and no index run touches them: they are keyed by the card's
``key`` (a digest of its question), not by a row id, so a card that leaves the vault keeps
its history. ``reader`` is ``local`` for the one reader of a vault served on its owner's
machine. The parser version changes with this revision, so every note is parsed again and
its cards found.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "cards",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("note_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=32), nullable=False),
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column("deck", sa.String(length=512), nullable=False),
        sa.Column("front", sa.Text(), nullable=False),
        sa.Column("back", sa.Text(), nullable=False),
        sa.Column("front_html", sa.Text(), nullable=False),
        sa.Column("back_html", sa.Text(), nullable=False),
        sa.Column("line", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["note_id"], ["notes.id"], name=op.f("fk_cards_note_id_notes"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cards")),
    )
    op.create_index(op.f("ix_cards_note_id"), "cards", ["note_id"])
    op.create_index(op.f("ix_cards_key"), "cards", ["key"])
    op.create_index("ix_cards_deck_key", "cards", ["deck", "key"])
    op.create_table(
        "card_schedules",
        sa.Column("reader", sa.String(length=64), server_default="local", nullable=False),
        sa.Column("card_key", sa.String(length=32), nullable=False),
        sa.Column("state", sa.Integer(), nullable=False),
        sa.Column("step", sa.Integer(), nullable=True),
        sa.Column("stability", sa.Float(), nullable=True),
        sa.Column("difficulty", sa.Float(), nullable=True),
        sa.Column("due", sa.DateTime(), nullable=False),
        sa.Column("last_review", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("reader", "card_key", name=op.f("pk_card_schedules")),
    )
    op.create_index("ix_card_schedules_reader_due", "card_schedules", ["reader", "due"])
    op.create_table(
        "card_reviews",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reader", sa.String(length=64), server_default="local", nullable=False),
        sa.Column("card_key", sa.String(length=32), nullable=False),
        sa.Column("rating", sa.Integer(), nullable=False),
        sa.Column("reviewed_at", sa.DateTime(), nullable=False),
        sa.Column("state_before", sa.Integer(), nullable=False),
        sa.Column("before", sa.JSON(), nullable=True),
        sa.Column("state", sa.Integer(), nullable=False),
        sa.Column("due", sa.DateTime(), nullable=False),
        sa.Column("stability", sa.Float(), nullable=True),
        sa.Column("difficulty", sa.Float(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_card_reviews")),
    )
    op.create_index(op.f("ix_card_reviews_card_key"), "card_reviews", ["card_key"])
    op.create_index("ix_card_reviews_reader_at", "card_reviews", ["reader", "reviewed_at"])


def downgrade() -> None:
    op.drop_table("card_reviews")
    op.drop_table("card_schedules")
    op.drop_table("cards")
