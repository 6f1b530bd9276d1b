"""Running a parsed query over the table: expressions compiled once to closures, then
FROM, WHERE, SORT, GROUP BY, FLATTEN and LIMIT applied in the order written."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from studynotes.dataview.errors import QueryError
from studynotes.dataview.functions import FUNCTIONS
from studynotes.dataview.pages import FileRef, Page, QueryTable
from studynotes.dataview.syntax import (
    Binary,
    Call,
    Expr,
    Flatten,
    Get,
    Group,
    Index,
    Limit,
    LinkLit,
    ListLit,
    Lit,
    Name,
    Query,
    Sort,
    Unary,
    Where,
)  # fmt: skip
from studynotes.dataview.values import (
    Link,
    arithmetic,
    compare,
    field_of,
    link_from,
    normal_key,
    sort_key,
    truthy,
)  # fmt: skip

_MAX_ROWS = 10_000  # FLATTEN can multiply rows; past this a query says so


@dataclass(slots=True)
class Row:
    """One result row: a page, a task of a page, or a group (``key`` and ``rows``)."""

    page: Page | None
    extra: dict[str, Any] = field(default_factory=dict)

    def get(self, name: str, key: str) -> Any:
        """The field ``name`` (``key``: its ``normal_key``): a group's or task's own first,
        then the page's implicit ``file``, properties and inline fields."""
        if name in self.extra:
            return self.extra[name]
        if self.page is None:
            return field_of(self.extra, name)
        if key == "file":
            return FileRef(self.page)
        found = field_of(self.extra, name) if self.extra else None
        return found if found is not None else self.page.value(key)


@dataclass(slots=True)
class Result:
    kind: str
    headers: list[str]
    rows: list[tuple[Any, list[Any]]]  # (the row's id: a link or a group key, its values)
    grouped: bool = False
    tasks: list[tuple[Any, list[dict[str, Any]]]] = field(default_factory=list)


Compiled = Callable[[Row], Any]


class _Compiler:
    def __init__(self, table: QueryTable, this: Page | None) -> None:
        self.table, self.this = table, this

    def get(self, obj: Any, name: str) -> Any:
        if isinstance(obj, FileRef):
            return obj.page.file_field(name)
        if isinstance(obj, Row):
            return obj.get(name, normal_key(name))
        if isinstance(obj, dict):
            return field_of(obj, name)
        if isinstance(obj, list):
            return [self.get(item, name) for item in obj]
        if isinstance(obj, Link):
            page = self.table.pages.get(obj.path or "")
            if page is None:
                return None
            key = normal_key(name)
            return FileRef(page) if key == "file" else page.value(key)
        if hasattr(obj, "year") and name in ("year", "month", "day", "hour", "minute", "second"):
            return getattr(obj, name)
        return None

    def compile(self, expr: Expr) -> Compiled:
        if isinstance(expr, Lit):
            value = expr.value
            return lambda row: value
        if isinstance(expr, LinkLit):
            link = link_from(f"[[{expr.target}]]", self.table.resolve)
            link = Link(link.path, link.target, expr.display)
            return lambda row: link
        if isinstance(expr, Name):
            name = expr.name
            if name.casefold() == "this":
                this = self.this
                return lambda row: Row(this) if this else None
            key = normal_key(name)
            return lambda row: row.get(name, key)
        if isinstance(expr, Get):
            inner, name = self.compile(expr.obj), expr.name
            return lambda row: self.get(inner(row), name)
        if isinstance(expr, Index):
            obj, index = self.compile(expr.obj), self.compile(expr.index)
            return lambda row: _index(self, obj(row), index(row))
        if isinstance(expr, ListLit):
            items = [self.compile(e) for e in expr.items]
            return lambda row: [item(row) for item in items]
        if isinstance(expr, Unary):
            inner = self.compile(expr.expr)
            if expr.op == "!":
                return lambda row: not truthy(inner(row))
            return lambda row: arithmetic("*", inner(row), -1)
        if isinstance(expr, Binary):
            return self.binary(expr)
        if isinstance(expr, Call):
            return self.call(expr)
        raise AssertionError(expr)

    def binary(self, expr: Binary) -> Compiled:
        left, right, op = self.compile(expr.left), self.compile(expr.right), expr.op
        if op == "and":
            return lambda row: truthy(left(row)) and truthy(right(row))
        if op == "or":
            return lambda row: truthy(left(row)) or truthy(right(row))
        if op in ("=", "!=", "<", ">", "<=", ">="):
            return lambda row: compare(op, left(row), right(row))
        return lambda row: arithmetic(op, left(row), right(row))

    def call(self, expr: Call) -> Compiled:
        if expr.name == "date" and expr.args and isinstance(expr.args[0], Name):
            word = expr.args[0].name.lower()  # date(today), as well as date("today")
            if word in ("today", "now", "tomorrow", "yesterday"):
                expr = Call("date", (Lit(word), *expr.args[1:]), expr.pos)
        args = [self.compile(a) for a in expr.args]
        if expr.name == "link":
            if not 1 <= len(args) <= 2:
                raise QueryError("link takes a path and, optionally, the text to show")
            resolve = self.table.resolve

            def make_link(row: Row) -> Any:
                target = args[0](row)
                if isinstance(target, Link) or target is None:
                    return target
                shown = args[1](row) if len(args) > 1 else None
                found = link_from(f"[[{target}]]", resolve)
                return Link(found.path, found.target, str(shown) if shown else None)

            return make_link
        spec = FUNCTIONS.get(expr.name)
        if spec is None:
            raise QueryError(f"there is no function named {expr.name!r}")
        fn, fewest, most = spec
        if not fewest <= len(args) <= most:
            want = str(fewest) if fewest == most else f"{fewest} to {most}"
            raise QueryError(f"{expr.name} takes {want} arguments, not {len(args)}")
        if all(isinstance(a, Lit) for a in expr.args):  # worked out once, not per row
            value = fn(*(a.value for a in expr.args if isinstance(a, Lit)))
            return lambda row: value
        return lambda row: fn(*(a(row) for a in args))


def _index(compiler: _Compiler, obj: Any, index: Any) -> Any:
    if isinstance(obj, list) and isinstance(index, int) and not isinstance(index, bool):
        return obj[index] if -len(obj) <= index < len(obj) else None
    if isinstance(index, str):
        return compiler.get(obj, index)
    return None


def run_query(query: Query, table: QueryTable, this_path: str | None = None) -> Result:
    """The query's result over ``table``, as seen from the note ``this_path``."""
    c = _Compiler(table, table.pages.get(this_path or ""))
    start = table.begin(query)
    if start.tasks is not None:
        rows = [Row(p, t) for p, t in start.tasks]
    elif query.kind == "task":
        rows = [Row(p, t) for p in start.pages for t in p.task_rows()]
    else:
        rows = [Row(p) for p in start.pages]
    grouped = False
    for step in start.steps:
        if isinstance(step, Where):
            test = c.compile(step.expr)
            rows = [r for r in rows if truthy(test(r))]
        elif isinstance(step, Sort):
            for expr, desc in reversed(step.keys):
                key = c.compile(expr)
                rows.sort(key=lambda r, key=key: sort_key(key(r)), reverse=desc)  # type: ignore[misc]
        elif isinstance(step, Group):
            key = c.compile(step.expr)
            groups: dict[Any, list[Row]] = {}
            for r in rows:
                value = key(r)
                groups.setdefault(_hashable(value), []).append(r)
            rows = [Row(None, {step.name: k, "key": k, "rows": g}) for k, g in groups.items()]
            grouped = True
        elif isinstance(step, Flatten):
            value_of = c.compile(step.expr)
            out: list[Row] = []
            for r in rows:
                value = value_of(r)
                for item in value if isinstance(value, list) and value else [value]:
                    out.append(Row(r.page, {**r.extra, step.name: item}))
                if len(out) > _MAX_ROWS:
                    raise QueryError(f"FLATTEN made more than {_MAX_ROWS} rows")
            rows = out
        elif isinstance(step, Limit):
            rows = rows[: step.count]
    return _result(query, c, rows, grouped)


def _hashable(value: Any) -> Any:
    if isinstance(value, list):
        return tuple(_hashable(v) for v in value)
    if isinstance(value, dict):
        return tuple(sorted((k, _hashable(v)) for k, v in value.items()))
    return value


def _result(query: Query, c: _Compiler, rows: list[Row], grouped: bool) -> Result:
    columns = [(c.compile(e), name) for e, name in query.columns]
    if query.kind == "task":
        tasks: list[tuple[Any, list[dict[str, Any]]]] = []
        for r in rows:
            if grouped:
                tasks.append((r.extra["key"], [t.extra for t in r.extra["rows"]]))
            elif tasks and r.page is not None and tasks[-1][0] == r.page.link:
                tasks[-1][1].append(r.extra)
            elif r.page is not None:
                tasks.append((r.page.link, [r.extra]))
        return Result("task", [], [], grouped, tasks)
    id_name = "Group" if grouped else "File"
    headers = ([] if query.without_id else [id_name]) + [name for _, name in columns]
    out = []
    for r in rows:
        ident = r.extra["key"] if grouped else (r.page.link if r.page else None)
        if grouped and not columns:
            values: list[Any] = [[x.page.link for x in r.extra["rows"] if x.page]]
        else:
            values = [fn(r) for fn, _ in columns]
        out.append((ident, values))
    return Result(query.kind, headers, out, grouped)
