"""trigrams for CJK text only; the word index's vocabulary for fragments

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-29 03:00:00.000000

0002 kept every character of every note twice: once as words (``search_fts``), once as
trigrams (``search_trigram``). The trigram copy was most of the index's size and of its
build time, yet only CJK text (written without spaces) needs substrings; a fragment inside
a Latin word is found through the word index's own vocabulary (``search_vocab``, which
stores nothing). So ``search_cjk`` holds trigrams of the CJK runs of each note and nothing
else, in its own content table: runs of whitespace-separated words that contain a CJK
character, one run a line, per column.

Only SQLite gets these objects. As in 0002, everything is written out here (not imported
from ``studynotes.db.search``) so that this revision keeps meaning what it meant.
"""

import re
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_COLUMNS = ("title", "aliases", "headings", "tags", "body")
_COLS = ", ".join(_COLUMNS)
_CJK_CLASS = (
    "[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\U00020000-\U0003ffff]"
)
_CJK = re.compile(_CJK_CLASS)
_CJK_WORD = re.compile(rf"(?<!\S)\S*?{_CJK_CLASS}\S*")


def _cjk_runs(value: str) -> str:
    if value.isascii() or not _CJK.search(value):
        return ""
    runs: list[str] = []
    start = end = -1
    for m in _CJK_WORD.finditer(value):
        if start >= 0 and value[end : m.start()].isspace():
            end = m.end()
            continue
        if start >= 0:
            runs.append(value[start:end])
        start, end = m.start(), m.end()
    if start >= 0:
        runs.append(value[start:end])
    return "\n".join(runs)


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        return
    op.execute("DROP TABLE IF EXISTS search_trigram")
    op.execute(f"CREATE VIRTUAL TABLE search_cjk USING fts5({_COLS}, tokenize='trigram')")
    op.execute("CREATE VIRTUAL TABLE search_vocab USING fts5vocab(search_fts, row)")
    rows = []
    for note_id, *values in bind.execute(sa.text(f"SELECT note_id, {_COLS} FROM search_docs")):
        runs = [_cjk_runs(v) for v in values]
        if any(runs):
            rows.append({"id": note_id, **dict(zip(_COLUMNS, runs, strict=True))})
    if rows:
        names = ", ".join(f":{c}" for c in _COLUMNS)
        bind.execute(sa.text(f"INSERT INTO search_cjk(rowid, {_COLS}) VALUES (:id, {names})"), rows)


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    op.execute("DROP TABLE IF EXISTS search_vocab")
    op.execute("DROP TABLE IF EXISTS search_cjk")
    # 0002's trigram index, as 0002 created it, filled from the text it indexes.
    op.execute(
        f"""
        CREATE VIRTUAL TABLE search_trigram USING fts5(
            {_COLS},
            content='search_docs', content_rowid='note_id',
            tokenize='trigram'
        )
        """
    )
    op.execute("INSERT INTO search_trigram(search_trigram) VALUES ('rebuild')")
