"""a note's inline fields in a column of their own

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-04 19:00:00.000000

A note page lists the note's inline fields (``key:: value``) with its properties. They were
read out of the stored parse, a JSON document of several kilobytes that PostgreSQL decoded
whole on every first view; a column of their own is read as it is. Existing rows get theirs
from the stored parse.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "notes", sa.Column("inline_fields", sa.JSON(), nullable=False, server_default="[]")
    )
    if op.get_bind().dialect.name == "postgresql":
        found = "coalesce(parsed -> 'inline_fields', '[]'::json)"
    else:
        found = "coalesce(json_extract(parsed, '$.inline_fields'), '[]')"
    op.execute(f"UPDATE notes SET inline_fields = {found}")


def downgrade() -> None:
    with op.batch_alter_table("notes") as batch:
        batch.drop_column("inline_fields")
