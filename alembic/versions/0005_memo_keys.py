"""a note's parse stored as facts and body; the keys of what was derived from them

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-04 10:30:00.000000

``notes.parsed`` keeps the facts record of a note's parse (links, names, headings, blocks,
tags, term candidates) and ``notes.body`` the rest that rendering reads (the placeholder
HTML, its sections and blocks), so a run reads every note's facts without its pages.
``links_fp`` fingerprints where the note's links land; ``render_deps`` names each input its
page was rendered from, with that input's fingerprint. The parser version changes with this
revision, so every note is parsed again and these columns are filled.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("notes") as batch:
        batch.add_column(sa.Column("body", sa.JSON(), nullable=False, server_default="{}"))
        batch.add_column(
            sa.Column("links_fp", sa.String(length=64), nullable=False, server_default="")
        )
        batch.add_column(sa.Column("render_deps", sa.JSON(), nullable=False, server_default="{}"))


def downgrade() -> None:
    with op.batch_alter_table("notes") as batch:
        batch.drop_column("render_deps")
        batch.drop_column("links_fp")
        batch.drop_column("body")
