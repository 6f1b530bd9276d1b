"""Everything an index holds, keyed by vault paths instead of row ids, so two indexes of the
same files compare equal exactly when a reader could not tell them apart."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import Connection, Engine, text
from sqlalchemy.orm import Session

from studynotes.db.search.pieces import SPAN as PIECE_SPAN
from studynotes.web.views.queries import Results

Snapshot = dict[str, list[tuple[Any, ...]]]

# Per table: the columns to keep (ids become paths through ``notes``), and the sort key.
_NOTE_COLUMNS = "path, slug, title, frontmatter, content_hash, size, created, html, text, warnings"


def _rows(conn: Connection, sql: str) -> list[tuple[Any, ...]]:
    return sorted((tuple(r) for r in conn.execute(text(sql))), key=repr)


def _query_results(conn: Connection) -> list[tuple[Any, ...]]:
    """Each page holding a query, with the results the server shows in it (they are worked
    out when a page is read, not stored with it)."""
    pages = conn.execute(text("SELECT path, html FROM notes WHERE html LIKE '%data-sn-source%'"))
    with Session(bind=conn) as db:
        results = Results()
        return sorted(((path, results.fill(db, html)) for path, html in pages), key=repr)


def snapshot(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    """The index's contents a reader sees: pages, links and where they land, backlinks (the
    same rows read the other way), terms, tags, aliases, headings, blocks and search rows."""
    with engine.connect() as conn:
        tables = {
            r[0] for r in conn.execute(text("SELECT name FROM sqlite_master WHERE type = 'table'"))
        }
        out = {
            "notes": _rows(conn, f"SELECT {_NOTE_COLUMNS} FROM notes"),
            "links": _rows(
                conn,
                "SELECT s.path, l.position, t.path, l.target_file, l.raw_target, l.heading, "
                "l.block, l.anchor, l.missing_anchor, l.display, l.kind, l.context, l.line, "
                "l.resolved, l.via_alias, l.ambiguous FROM links l "
                "JOIN notes s ON s.id = l.source_id LEFT JOIN notes t ON t.id = l.target_id",
            ),
            "headings": _rows(
                conn,
                "SELECT n.path, h.position, h.level, h.text, h.anchor, h.line "
                "FROM headings h JOIN notes n ON n.id = h.note_id",
            ),
            "blocks": _rows(
                conn,
                "SELECT n.path, b.block_id, b.line FROM blocks b JOIN notes n ON n.id = b.note_id",
            ),
            "aliases": _rows(
                conn, "SELECT n.path, a.name FROM aliases a JOIN notes n ON n.id = a.note_id"
            ),
            "tags": _rows(conn, "SELECT name, parent FROM tags"),
            "note_tags": _rows(
                conn,
                "SELECT n.path, t.name, nt.line FROM note_tags nt "
                "JOIN notes n ON n.id = nt.note_id JOIN tags t ON t.id = nt.tag_id",
            ),
            "terms": _rows(
                conn,
                "SELECT t.slug, t.name, t.definition, t.definition_html, n.path, t.anchor, "
                "t.line, t.shape, t.empty FROM terms t JOIN notes n ON n.id = t.note_id",
            ),
            "term_aliases": _rows(
                conn,
                "SELECT t.slug, a.name FROM term_aliases a JOIN terms t ON t.id = a.term_id",
            ),
            "attachments": _rows(conn, "SELECT path, size FROM attachments"),
            "boards": _rows(conn, "SELECT path, name, text, fold, error FROM boards"),
            "board_links": _rows(
                conn,
                "SELECT b.path, l.position, l.node, l.kind, l.raw_target, t.path, "
                "l.target_file, l.context FROM board_links l "
                "JOIN boards b ON b.id = l.board_id LEFT JOIN notes t ON t.id = l.target_id",
            ),
            "note_fields": _rows(
                conn,
                "SELECT n.path, f.key, f.kind, f.rank, f.num, f.fold, f.text, f.raw "
                "FROM note_fields f JOIN notes n ON n.id = f.note_id",
            ),
            "note_tasks": _rows(
                conn,
                "SELECT n.path, t.position, t.text, t.done, t.line "
                "FROM note_tasks t JOIN notes n ON n.id = t.note_id",
            ),
            "query_results": _query_results(conn),
            "cards": _rows(
                conn,
                "SELECT n.path, c.key, c.kind, c.deck, c.front, c.back, c.front_html, "
                "c.back_html, c.line FROM cards c JOIN notes n ON n.id = c.note_id",
            ),
        }
        if "search_docs" in tables:
            columns = [
                r[1] for r in conn.execute(text("PRAGMA table_info(search_docs)"))
                if r[1] != "note_id"
            ]  # fmt: skip
            out["search_docs"] = _rows(
                conn,
                f"SELECT n.path, {', '.join('d.' + c for c in columns)} FROM search_docs d "
                "LEFT JOIN notes n ON n.id = d.note_id",
            )
        if "search_cjk" in tables:
            out["search_cjk"] = _rows(
                conn,
                "SELECT n.path, c.title, c.aliases, c.headings, c.tags, c.body "
                "FROM search_cjk c LEFT JOIN notes n ON n.id = c.rowid",
            )
        if "search_pieces" in tables:  # long notes' text again, in pieces
            out["search_pieces"] = _rows(
                conn,
                f"SELECT n.path, p.rowid % {PIECE_SPAN}, p.body FROM search_pieces p "
                f"LEFT JOIN notes n ON n.id = p.rowid / {PIECE_SPAN}",
            )
        if "search_vocab" in tables:
            out["search_vocab"] = _rows(conn, "SELECT * FROM search_vocab")
        if "search_fts" in tables:  # the full-text index agrees with the rows it indexes
            conn.execute(text("INSERT INTO search_fts(search_fts) VALUES ('integrity-check')"))
    return out


def differences(
    got: dict[str, list[tuple[Any, ...]]], want: dict[str, list[tuple[Any, ...]]]
) -> list[str]:
    """A readable account of what differs, table by table (empty when equal)."""
    out: list[str] = []
    for table in sorted(set(got) | set(want)):
        a, b = got.get(table, []), want.get(table, [])
        if a == b:
            continue
        extra = [r for r in a if r not in b]
        missing = [r for r in b if r not in a]
        out.append(f"{table}: {len(extra)} rows only incremental, {len(missing)} only full")
        out += [f"  + {r!r}"[:400] for r in extra[:5]]
        out += [f"  - {r!r}"[:400] for r in missing[:5]]
    return out


@pytest.fixture(scope="session")
def index_snapshot() -> Callable[[Engine], Snapshot]:
    return snapshot


@pytest.fixture(scope="session")
def index_differences() -> Callable[[Snapshot, Snapshot], list[str]]:
    return differences
