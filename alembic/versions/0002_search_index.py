"""full-text search index (SQLite FTS5)

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-30 10:00:00.000000

Only SQLite gets these objects; other databases search with LIKE/ILIKE over the
concept-graph tables and need nothing here. The SQL is written out in full (not
imported from ``studynotes.db.search``) so that this revision keeps meaning what it
meant when it was written.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_COLUMNS = "title, aliases, headings, tags, body"

_CREATE = [
    # One row per note: the text both FTS indexes read (external content), stored once.
    """
    CREATE TABLE search_docs (
        note_id INTEGER PRIMARY KEY,
        title TEXT NOT NULL DEFAULT '',
        aliases TEXT NOT NULL DEFAULT '',
        headings TEXT NOT NULL DEFAULT '',
        tags TEXT NOT NULL DEFAULT '',
        body TEXT NOT NULL DEFAULT ''
    )
    """,
    # Words: BM25 ranking and prefix queries as you type.
    f"""
    CREATE VIRTUAL TABLE search_fts USING fts5(
        {_COLUMNS},
        content='search_docs', content_rowid='note_id',
        tokenize='unicode61 remove_diacritics 2', prefix='2 3'
    )
    """,
    # Substrings of three or more characters: CJK text and matches inside words.
    f"""
    CREATE VIRTUAL TABLE search_trigram USING fts5(
        {_COLUMNS},
        content='search_docs', content_rowid='note_id',
        tokenize='trigram'
    )
    """,
]

_BACKFILL = [
    """
    INSERT INTO search_docs (note_id, title, aliases, headings, tags, body)
    SELECT n.id, n.title,
        coalesce((SELECT group_concat(a.name, char(10)) FROM aliases a
                  WHERE a.note_id = n.id), ''),
        coalesce((SELECT group_concat(h.text, char(10)) FROM headings h
                  WHERE h.note_id = n.id), ''),
        coalesce((SELECT group_concat(t.name, ' ') FROM note_tags nt
                  JOIN tags t ON t.id = nt.tag_id WHERE nt.note_id = n.id), ''),
        n.text
    FROM notes n
    """,
    "INSERT INTO search_fts(search_fts) VALUES ('rebuild')",
    "INSERT INTO search_trigram(search_trigram) VALUES ('rebuild')",
]


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    for statement in [*_CREATE, *_BACKFILL]:
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    for table in ("search_trigram", "search_fts", "search_docs"):
        op.execute(f"DROP TABLE IF EXISTS {table}")
