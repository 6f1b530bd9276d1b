"""Queries over the stored index: ``FROM`` and the leading steps run as SQL (``dataview.sql``),
the rest in Python over pages loaded from the rows fetched, a part at a time.

``Directory`` is what every query of one index run shares (note ids, paths, slugs, the names
links resolve by, the kinds each key holds); ``SqlTable`` serves the queries of one page
over one connection, and gives the evaluator the same view of a note as ``pages.Table``.
"""

from __future__ import annotations

import json
import posixpath
import threading
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    and_,
    bindparam,
    case,
    false,
    func,
    literal,
    not_,
    null,
    or_,
    select,
    true,
)

from studynotes.dataview import sql
from studynotes.dataview.pages import Page, Start
from studynotes.dataview.stored import ALIASES, CREATED, ETAGS, FILE_PREFIX
from studynotes.dataview.syntax import (
    And,
    Binary,
    Call,
    Expr,
    Flatten,
    Folder,
    Get,
    Group,
    Index,
    Linked,
    ListLit,
    Lit,
    Name,
    Not,
    Or,
    Query,
    Sort,
    Source,
    Step,
    Tag,
    Unary,
    Where,
)  # fmt: skip
from studynotes.dataview.values import convert, normal_key
from studynotes.db.models import Alias, Link, Note, NoteField, NoteTag, NoteTask
from studynotes.db.models import Tag as TagRow

_NOTES = Note.__table__
_FIELDS = NoteField.__table__
_TASKS = NoteTask.__table__
_ALL_PARTS = ("keys", "meta", "tasks", "links", "frontmatter")
_BULK = 800  # past this many pages, read a part for every note and keep the ones asked


def _name(path: str) -> str:
    return posixpath.basename(path).removesuffix(".md")


@dataclass
class Directory:
    """The index's notes as queries name them, read once per index run."""

    ids: dict[str, int]
    paths: dict[int, str]
    slugs: dict[str, str]
    names_of: dict[str, str]  # each note's name, by path
    _names: dict[str, str] | None = None
    _kinds: dict[str, set[str]] = field(default_factory=dict)
    _tags: list[tuple[int, str]] | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def names(self, conn: Connection) -> dict[str, str]:
        """A link's target by name, path or alias, casefolded; the first note by path wins
        (as ``pages.Table.resolve``)."""
        if self._names is None:
            aliases: dict[int, list[str]] = {}
            for nid, alias in conn.execute(select(Alias.note_id, Alias.name)):
                aliases.setdefault(nid, []).append(alias)
            names: dict[str, str] = {}
            for path in sorted(self.ids):
                names.setdefault(self.names_of[path].casefold(), path)
                names.setdefault(path.removesuffix(".md").casefold(), path)
                for alias in aliases.get(self.ids[path], ()):
                    names.setdefault(alias.casefold(), path)
            self._names = names
        return self._names

    def kinds(self, conn: Connection, key: str) -> set[str]:
        found = self._kinds.get(key)
        if found is None:
            stmt = select(_FIELDS.c.kind).where(_FIELDS.c.key == key).distinct()
            found = self._kinds[key] = set(conn.execute(stmt).scalars())
        return found

    def tags(self, conn: Connection) -> list[tuple[int, str]]:
        if self._tags is None:
            rows = conn.execute(select(TagRow.id, TagRow.name))
            self._tags = [(tid, name.casefold()) for tid, name in rows]
        return self._tags


def load_directory(conn: Connection) -> Directory:
    rows = conn.execute(
        select(_NOTES.c.id, _NOTES.c.path, _NOTES.c.slug).where(_NOTES.c.path.endswith(".md"))
    ).all()
    return Directory(
        {path: nid for nid, path, _ in rows},
        {nid: path for nid, path, _ in rows},
        {path: slug for _, path, slug in rows},
        {path: _name(path) for _, path, _ in rows},
    )


class _Pages(Mapping[str, Page]):
    """Pages by path, made on first use (a link a query follows, the page holding it)."""

    def __init__(self, table: SqlTable) -> None:
        self._table = table
        self.made: dict[str, Page] = {}

    def __getitem__(self, path: str) -> Page:
        page = self.made.get(path)
        if page is None:
            if path not in self._table.directory.ids:
                raise KeyError(path)
            row = self._table.conn.execute(
                select(_NOTES.c.mtime_ns, _NOTES.c.size).where(_NOTES.c.path == path)
            ).one()
            page = self._table.page(path, row[0], row[1])
        return page

    def __iter__(self) -> Iterator[str]:
        return iter(sorted(self._table.directory.ids))

    def __len__(self) -> int:
        return len(self._table.directory.ids)


class SqlTable:
    """The stored index as ``evaluate.run_query`` reads it."""

    def __init__(self, conn: Connection, directory: Directory) -> None:
        self.conn = conn
        self.directory = directory
        self.slugs = directory.slugs
        self.pages = _Pages(self)
        self.postgres = conn.dialect.name == "postgresql"

    # -- what the evaluator reads ----------------------------------------------------------

    def resolve(self, target: str) -> str | None:
        key = target.strip().removesuffix(".md").casefold()
        return self.directory.names(self.conn).get(key)

    def page(self, path: str, mtime_ns: int, size: int) -> Page:
        page = self.pages.made.get(path)
        if page is None:
            name = self.directory.names_of.get(path) or _name(path)
            page = Page(path, name, {}, [], [], [], [], mtime_ns=mtime_ns, size=size)
            page.loader, page.pending = self, set(_ALL_PARTS)
            self.pages.made[path] = page
        return page

    def begin(self, query: Query) -> Start:
        joined: dict[str, Any] = {}
        counts: dict[str, Any] = {}
        tasks = _TASKS.alias("t") if query.kind == "task" else None

        def count_of(which: str) -> sql.Slot:
            c = counts.get(which)
            if c is None:
                c = counts[which] = self._link_counts(which)
            num = func.coalesce(c.c.n, 0)
            return sql.Slot(literal("number"), literal(2), num, null(), null())

        def slot_of(key: str) -> sql.Slot:
            f = joined.get(key)
            if f is None:
                f = joined[key] = _FIELDS.alias(f"f{len(joined)}")
            rank = func.coalesce(f.c.rank, 0)
            return sql.Slot(f.c.kind, rank, f.c.num, f.c.fold, f.c.text, key)

        task_slot = None
        if tasks is not None:
            done = case((tasks.c.done, 1.0), else_=0.0)
            task_slot = sql.Slot(literal("bool"), literal(1), done, null(), null())
        compiler = sql.Compiler(
            slot_of,
            lambda key: self.directory.kinds(self.conn, key),
            task=task_slot,
            count=count_of,
            collate=self._collate,
            find=self._find,
        )
        plan = sql.plan(query, compiler)
        n = _NOTES
        columns: list[Any] = [n.c.path, n.c.mtime_ns, n.c.size]
        source: Any = n
        if tasks is not None:
            columns += [tasks.c.text, tasks.c.done, tasks.c.line]
            source = source.join(tasks, tasks.c.note_id == n.c.id)
        for key, f in joined.items():
            source = source.outerjoin(f, and_(f.c.note_id == n.c.id, f.c.key == key))
        for c in counts.values():
            source = source.outerjoin(c, c.c.note_id == n.c.id)
        stmt = select(*columns).select_from(source).where(n.c.path.endswith(".md"))
        stmt = stmt.where(self._source(query.source), *plan.where)
        order = [*sql.order_by(plan.order, self._collate), self._collate(n.c.path)]
        if tasks is not None:
            order.append(tasks.c.position)
        stmt = stmt.order_by(*order)
        if plan.limit is not None:
            stmt = stmt.limit(plan.limit)
        rows = self.conn.execute(stmt).all()
        pages: list[Page] = []
        task_rows: list[tuple[Page, dict[str, Any]]] | None = None
        if tasks is None:
            pages = [self.page(r[0], r[1], r[2]) for r in rows]
        else:
            task_rows = []
            for r in rows:
                page = self.page(r[0], r[1], r[2])
                if not pages or pages[-1] is not page:
                    pages.append(page)
                task_rows.append((page, _task(page, r[3], r[4], r[5])))
        self._prefetch(pages, query, plan.steps)
        return Start(pages, task_rows, plan.steps)

    # -- SQL pieces ------------------------------------------------------------------------

    def _collate(self, column: Any) -> Any:
        """Text compared by code point, as Python compares it."""
        return column.collate("C") if self.postgres else column

    def _link_counts(self, which: str) -> Any:
        """How many notes each note links to (``outlinks``) or is linked from
        (``inlinks``), each once, as ``Page.outlinks``/``inlinks`` hold them: a link's
        source is a note and its ``target_id`` is set only when it lands in one
        (``ingest.store``), so the links alone say it. Counted for every note in one
        pass, then joined: counting note by note took ~10 times as long on PostgreSQL."""
        link = Link.__table__
        mine, theirs = link.c.source_id, link.c.target_id
        if which == "inlinks":
            mine, theirs = theirs, mine
        return (
            select(mine.label("note_id"), func.count(func.distinct(theirs)).label("n"))
            .where(theirs.is_not(None), mine.is_not(None))
            .group_by(mine)
            .subquery(f"c_{which}")
        )

    def _find(self, column: Any, needle: str) -> ColumnElement[Any]:
        if self.postgres:
            return func.strpos(column, needle)
        return func.instr(column, needle)

    def _source(self, source: Source | None) -> ColumnElement[bool]:
        n = _NOTES
        if source is None:
            return true()
        if isinstance(source, Tag):
            want = source.tag
            ids = [
                tid
                for tid, name in self.directory.tags(self.conn)
                if name == want or name.startswith(want + "/")
            ]
            if not ids:
                return false()
            tagged = select(NoteTag.note_id).where(NoteTag.tag_id.in_(ids))
            return n.c.id.in_(tagged)
        if isinstance(source, Folder):
            if source.path in ("", "."):
                return true()
            exact = source.path if source.path.endswith(".md") else source.path + ".md"
            prefix = source.path + "/"
            return or_(n.c.path == exact, func.substr(n.c.path, 1, len(prefix)) == prefix)
        if isinstance(source, Linked):
            target = self.resolve(source.target)
            if target is None:
                return false()
            tid = self.directory.ids[target]
            if source.outgoing:
                found = select(Link.target_id).where(
                    Link.source_id == tid, Link.target_id.is_not(None)
                )
            else:
                found = select(Link.source_id).where(Link.target_id == tid)
            return n.c.id.in_(found)
        if isinstance(source, Not):
            return not_(self._source(source.source))
        if isinstance(source, And):
            return and_(self._source(source.left), self._source(source.right))
        if isinstance(source, Or):
            return or_(self._source(source.left), self._source(source.right))
        raise AssertionError(source)

    # -- loading pages ---------------------------------------------------------------------

    def _prefetch(self, pages: list[Page], query: Query, steps: list[Step]) -> None:
        """Read at once, for every page fetched, the parts the rest of the query reads; a
        part it reads unforeseen is read when first asked (``Page.need``)."""
        if not pages:
            return
        names, gets, bare_file = _names(query, steps)
        keys = {normal_key(n) for n in names if n != "file"}
        if keys:
            self.fill(pages, "keys", keys=keys)
        parts = set(_ALL_PARTS[1:]) if bare_file else set()
        if gets & {"tags", "etags", "aliases", "ctime"}:
            parts.add("meta")
        if gets & {"inlinks", "outlinks"}:
            parts.add("links")
        if "frontmatter" in gets:
            parts.add("frontmatter")
        if "tasks" in gets or (query.kind == "task" and any(isinstance(s, Group) for s in steps)):
            parts.add("tasks")
        for part in sorted(parts):
            self.fill(pages, part)

    def fill(self, pages: Iterable[Page], part: str, *, keys: set[str] | None = None) -> None:
        todo = {self.directory.ids[p.path]: p for p in pages if part in p.pending}
        if not todo:
            return
        if part == "keys":
            self._fill_keys(todo, keys)
        elif part == "meta":
            f = _FIELDS.c
            meta = f.key.in_((ETAGS, ALIASES, CREATED))
            for nid, key, text in self._rows(todo, f.note_id, [f.key, f.raw], meta):
                page, raw = todo[nid], json.loads(text)
                if key == ETAGS:
                    page.etags = list(raw or [])
                elif key == ALIASES:
                    page.aliases = list(raw or [])
                else:
                    page.created = raw
        elif part == "tasks":
            for page in todo.values():
                page.tasks = []
            rows = self._rows(todo, _TASKS.c.note_id, [_TASKS.c.text, _TASKS.c.done, _TASKS.c.line],
                              order=[_TASKS.c.note_id, _TASKS.c.position])  # fmt: skip
            for nid, text, done, line in rows:
                todo[nid].tasks.append([text, bool(done), line])
        elif part == "links":
            self._fill_links(todo)
        elif part == "frontmatter":  # the note's own column: the properties as written
            for nid, data in self._rows(todo, _NOTES.c.id, [_NOTES.c.frontmatter]):
                todo[nid].frontmatter = dict(data or {})
        for page in todo.values():
            if part != "keys" or keys is None:
                page.pending.discard(part)

    def _rows(
        self, todo: dict[int, Page], owner: Any, columns: list[Any], *where: Any,
        order: list[Any] | None = None,
    ) -> list[Any]:  # fmt: skip
        stmt = select(owner, *columns).where(*where)
        if len(todo) <= _BULK:
            stmt = stmt.where(owner.in_(bindparam("ids", expanding=True)))
        if order:
            stmt = stmt.order_by(*order)
        rows = self.conn.execute(stmt, {"ids": list(todo)} if len(todo) <= _BULK else {}).all()
        return [r for r in rows if r[0] in todo]

    def _fill_keys(self, todo: dict[int, Page], keys: set[str] | None) -> None:
        f = _FIELDS.c
        if keys is None:
            where: Any = not_(f.key.startswith(FILE_PREFIX))
        else:
            where = f.key.in_(sorted(keys))
        for nid, key, raw in self._rows(todo, f.note_id, [f.key, f.raw], where):
            page = todo[nid]
            if key not in page.keys:
                page.keys[key] = convert(json.loads(raw), self.resolve)
        for page in todo.values():
            if keys is None:
                page.asked.clear()
            else:
                page.asked |= keys

    def _fill_links(self, todo: dict[int, Page]) -> None:
        paths = self.directory.paths
        for page in todo.values():
            page.outlinks, page.inlinks = [], []
        out = self._rows(todo, Link.source_id, [Link.target_id], Link.target_id.is_not(None),
                         order=[Link.source_id, Link.position])  # fmt: skip
        for nid, target in out:
            path = paths.get(target)
            page = todo[nid]
            if path is not None and path not in page.outlinks:
                page.outlinks.append(path)
        inbound = self._rows(todo, Link.target_id, [Link.source_id])
        sources: dict[int, set[str]] = {}
        for nid, source in inbound:
            path = paths.get(source)
            if path is not None:
                sources.setdefault(nid, set()).add(path)
        for nid, found in sources.items():
            todo[nid].inlinks = sorted(found)


def _task(page: Page, text: str, done: Any, line: int) -> dict[str, Any]:
    done = bool(done)
    return {"text": text, "completed": done, "checked": done, "fullyCompleted": done,
            "status": "x" if done else " ", "line": line, "path": page.path,
            "link": page.link}  # fmt: skip


def _names(query: Query, steps: list[Step]) -> tuple[set[str], set[str], bool]:
    """The names, the fields read with ``.``, and whether ``file`` is read whole, in the
    columns and the steps left to Python."""
    names: set[str] = set()
    gets: set[str] = set()
    bare = [False]

    def walk(expr: Expr, under_get: bool = False) -> None:
        if isinstance(expr, Name):
            names.add(expr.name)
            if expr.name == "file" and not under_get:
                bare[0] = True
        elif isinstance(expr, Get):
            gets.add(expr.name)
            names.add(expr.name)
            walk(expr.obj, True)
        elif isinstance(expr, Index):
            if isinstance(expr.index, Lit) and isinstance(expr.index.value, str):
                names.add(expr.index.value)
                gets.add(expr.index.value)
                walk(expr.obj, True)
            else:
                bare[0] = True
                walk(expr.obj)
                walk(expr.index)
        elif isinstance(expr, Call):
            for arg in expr.args:
                walk(arg)
        elif isinstance(expr, Unary):
            walk(expr.expr)
        elif isinstance(expr, Binary):
            walk(expr.left)
            walk(expr.right)
        elif isinstance(expr, ListLit):
            for item in expr.items:
                walk(item)

    for expr, _ in query.columns:
        walk(expr)
    for step in steps:
        if isinstance(step, Where | Group | Flatten):
            walk(step.expr)
        elif isinstance(step, Sort):
            for expr, _ in step.keys:
                walk(expr)
    return names, gets, bare[0]
