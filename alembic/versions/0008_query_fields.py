"""queries as SQL: each note's field values and tasks as rows

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-04 16:00:00.000000

``note_fields`` holds one row per property or inline field of a note (by its normalised
key) and per file fact a query reads (``$name``, ``$folder``, ``$path``, ``$size``,
``$day``), typed so that ``WHERE`` and ``SORT`` compare them in SQL as the Python evaluator
would; ``note_tasks`` the note's tasks. Both are rewritten with their note. The parser
version changes with this revision, so every note is parsed again and its rows written.
``terms.marked`` says whether pages mark a term, so the server marks terms in query
results, which it works out itself, as the index run marked the rest of the page.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "note_fields",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("note_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=255), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("rank", sa.Integer(), nullable=False),
        sa.Column("num", sa.Float(), nullable=True),
        sa.Column("fold", sa.Text(), nullable=True),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("raw", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["note_id"], ["notes.id"], name=op.f("fk_note_fields_note_id_notes"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_note_fields")),
    )  # fmt: skip
    op.create_index(op.f("ix_note_fields_note_id"), "note_fields", ["note_id"])
    op.create_index("ix_note_fields_key_note", "note_fields", ["key", "note_id"])
    op.create_table(
        "note_tasks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("note_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("done", sa.Boolean(), nullable=False),
        sa.Column("line", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["note_id"], ["notes.id"], name=op.f("fk_note_tasks_note_id_notes"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_note_tasks")),
    )  # fmt: skip
    op.create_index(op.f("ix_note_tasks_note_id"), "note_tasks", ["note_id"])
    op.add_column(
        "terms", sa.Column("marked", sa.Boolean(), nullable=False, server_default=sa.true())
    )


def downgrade() -> None:
    with op.batch_alter_table("terms") as batch:
        batch.drop_column("marked")
    op.drop_table("note_tasks")
    op.drop_table("note_fields")
