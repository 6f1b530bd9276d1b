"""full-text search index on PostgreSQL (tsvector with weights, GIN, pg_trgm)

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-04 13:00:00.000000

Only PostgreSQL gets these objects; SQLite has its FTS5 index (0002-0004). ``search_docs``
keeps one row per note: the text the search reads; ``doc``, its words weighted by where
they stand (title A, aliases B, headings and tags C, body D), under a GIN index; and
``size``, its number of words (for BM25). pg_trgm indexes the names (title and aliases) and
the body by trigrams: substrings of CJK text, and words typed only in part.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_CREATE = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    """
    CREATE TABLE search_docs (
        note_id INTEGER PRIMARY KEY,
        title TEXT NOT NULL DEFAULT '',
        aliases TEXT NOT NULL DEFAULT '',
        headings TEXT NOT NULL DEFAULT '',
        tags TEXT NOT NULL DEFAULT '',
        body TEXT NOT NULL DEFAULT '',
        doc TSVECTOR NOT NULL,
        size INTEGER NOT NULL DEFAULT 0
    )
    """,
    "CREATE INDEX search_docs_doc ON search_docs USING gin (doc)",
    "CREATE INDEX search_docs_title_trgm ON search_docs USING gin (title gin_trgm_ops)",
    "CREATE INDEX search_docs_aliases_trgm ON search_docs USING gin (aliases gin_trgm_ops)",
    "CREATE INDEX search_docs_body_trgm ON search_docs USING gin (body gin_trgm_ops)",
]


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for sql in _CREATE:
        op.execute(sql)
    # Filled by the next index run: the parser version is unchanged, so an empty search
    # table over indexed notes is rebuilt whole then (``sync_search_index``).


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP TABLE IF EXISTS search_docs")
