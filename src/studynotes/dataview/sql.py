"""The part of a query SQL can answer exactly: ``FROM``, then as many of the first steps
as compare stored values the way the Python evaluator does.

What runs as SQL:

- ``FROM``: tags (with their sub-tags), folders and notes, ``[[links]]`` and
  ``outgoing([[links]])``, combined with ``and``, ``or`` and ``-``;
- ``WHERE``, conjunct by conjunct from the left while each can be expressed: a field or
  ``file.name|path|folder|size|day|ext`` on its own (true when truthy), compared with a
  constant (``= != < > <= >=``, a constant being a number, text, boolean, null, a
  ``date(...)``/``dur(...)`` of constants), ``contains(field, "text")`` while the field
  holds no lists, ``!``, ``and``, ``or``; in ``TASK`` queries ``completed``, ``checked``
  and ``fullyCompleted`` too;
- ``SORT`` on such values while no note holds a list or object under the key;
- ``length(file.outlinks)`` and ``length(file.inlinks)``, as counts of the notes linked;
- ``LIMIT`` when every step before it ran as SQL.

Everything after the first step that cannot run as SQL runs in Python over the rows
fetched (``evaluate``); so do ``GROUP BY``, ``FLATTEN``, ``this``, links compared with
links, ``file.mtime``, ``file.ctime`` and every other function.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Boolean, ColumnElement, and_, false, func, not_, or_, true
from sqlalchemy.sql.elements import BindParameter, Null

from studynotes.dataview.functions import FUNCTIONS
from studynotes.dataview.stored import FILE_KEYS, seconds
from studynotes.dataview.syntax import (
    Binary,
    Call,
    Expr,
    Get,
    Limit,
    Lit,
    Name,
    Query,
    Sort,
    Step,
    Unary,
    Where,
)  # fmt: skip
from studynotes.dataview.values import arithmetic, normal_key, sort_key, truthy

_TASK_BOOLS = {"completed", "checked", "fullycompleted"}
_TASK_KEYS = {"text", "completed", "checked", "fullycompleted", "status", "line", "path", "link"}
_FLIP = {"<": ">", ">": "<", "<=": ">=", ">=": "<=", "=": "=", "!=": "!="}
_SCALAR = ("null", "bool", "number", "date", "text", "link")


class NoPush(Exception):
    """This part of the query runs in Python."""


@dataclass(slots=True)
class Slot:
    """A value as SQL columns (``stored.typed``); missing fields read as null."""

    kind: ColumnElement[Any]
    rank: ColumnElement[Any]
    num: ColumnElement[Any]
    fold: ColumnElement[Any]
    text: ColumnElement[Any]
    key: str | None = None  # the stored key, when it is one


@dataclass(slots=True)
class Plan:
    """What SQL does: the filter, the order (before the path), the limit; and the steps
    left to Python."""

    where: list[ColumnElement[bool]] = field(default_factory=list)
    order: list[tuple[Slot, bool]] = field(default_factory=list)
    limit: int | None = None
    steps: list[Step] = field(default_factory=list)


def _safe(expr: ColumnElement[Any]) -> ColumnElement[bool]:
    """Never null: a missing field makes a comparison false, not unknown."""
    return func.coalesce(expr, false(), type_=Boolean)


class Compiler:
    """Turns expressions into SQL over the note row; ``slot_of`` joins a stored key."""

    def __init__(
        self,
        slot_of: Callable[[str], Slot],
        kinds: Callable[[str], set[str]],
        *,
        task: Slot | None,
        count: Callable[[str], Slot] | None = None,
        collate: Callable[[ColumnElement[Any]], ColumnElement[Any]],
        find: Callable[[ColumnElement[Any], str], ColumnElement[Any]],
    ) -> None:
        self.slot_of, self.kinds, self.task, self.collate = slot_of, kinds, task, collate
        self.count = count  # ``length(file.outlinks)``/``inlinks`` as a count of links
        self.find = find  # the place of text in a column, 0 when absent

    # -- values ----------------------------------------------------------------------------

    def const(self, expr: Expr) -> Any:
        """The value of an expression that reads no row, else ``NoPush``."""
        if isinstance(expr, Lit):
            if expr.value is None or isinstance(expr.value, bool | int | float | str):
                return expr.value
            raise NoPush
        if isinstance(expr, Unary) and expr.op == "-":
            return arithmetic("*", self.const(expr.expr), -1)
        if isinstance(expr, Call) and expr.name in ("date", "dur") and len(expr.args) == 1:
            arg = expr.args[0]
            if expr.name == "date" and isinstance(arg, Name):
                raise NoPush  # date(today): Python reads the clock once per query
            value = self.const(arg)
            fn = FUNCTIONS[expr.name][0]
            return fn(value)
        raise NoPush

    def slot(self, expr: Expr) -> Slot:
        if isinstance(expr, Name):
            key = normal_key(expr.name)
            if key in ("file", "this", "rows", "key") or expr.name.casefold() == "this":
                raise NoPush
            if self.task is not None and key in _TASK_KEYS:
                if key in _TASK_BOOLS:
                    return self.task
                raise NoPush
            return self.slot_of(key)
        if (
            isinstance(expr, Get)
            and isinstance(expr.obj, Name)
            and expr.obj.name == "file"
            and expr.name in FILE_KEYS
        ):
            return self.slot_of(FILE_KEYS[expr.name])
        if (
            self.count is not None
            and isinstance(expr, Call)
            and expr.name == "length"
            and len(expr.args) == 1
            and isinstance(arg := expr.args[0], Get)
            and isinstance(arg.obj, Name)
            and arg.obj.name == "file"
            and arg.name in ("outlinks", "inlinks")
        ):
            return self.count(arg.name)
        raise NoPush

    def scalar(self, slot: Slot) -> None:
        """Only keys holding single values compare and sort in SQL as in Python."""
        if slot.key is not None and not self.kinds(slot.key) <= set(_SCALAR):
            raise NoPush

    # -- predicates ------------------------------------------------------------------------

    def predicate(self, expr: Expr) -> ColumnElement[bool]:
        try:
            value = self.const(expr)
        except NoPush:
            pass
        else:
            return true() if truthy(value) else false()
        if isinstance(expr, Binary) and expr.op in ("and", "or"):
            left, right = self.predicate(expr.left), self.predicate(expr.right)
            return and_(left, right) if expr.op == "and" else or_(left, right)
        if isinstance(expr, Unary) and expr.op == "!":
            return not_(self.predicate(expr.expr))
        if isinstance(expr, Binary) and expr.op in _FLIP:
            return self.comparison(expr)
        if isinstance(expr, Call) and expr.name == "contains" and len(expr.args) == 2:
            return self.contains(self.slot(expr.args[0]), self.const(expr.args[1]))
        return self.truthy(self.slot(expr))

    def truthy(self, s: Slot) -> ColumnElement[bool]:
        if s.key is not None and "other" in self.kinds(s.key):
            raise NoPush
        return _safe(
            or_(
                s.kind.in_(("text", "date", "link")),
                and_(s.kind.in_(("bool", "number", "list", "object")), s.num != 0),
            )
        )

    def comparison(self, expr: Binary) -> ColumnElement[bool]:
        op = expr.op
        try:
            value = self.const(expr.right)
            s = self.slot(expr.left)
        except NoPush:
            value = self.const(expr.left)
            s = self.slot(expr.right)
            op = _FLIP[op]
        if s.key is not None and "other" in self.kinds(s.key):
            raise NoPush
        if op == "=":
            return self.equal(s, value)
        if op == "!=":
            return not_(self.equal(s, value))
        rank, val = sort_key(value)
        if rank in (6, 7, 8, 9):
            raise NoPush
        below = s.rank < rank
        same = s.rank == rank
        if rank in (1, 2, 4):
            val = seconds(val) if rank == 4 else float(val)
            less, tie = and_(same, s.num < val), and_(same, s.num == val)
        elif rank == 5:
            folded = self.collate(s.fold)
            less, tie = and_(same, folded < val), and_(same, folded == val)
        elif rank == 0:
            less, tie = false(), same
        else:  # a duration: no stored value is one
            less, tie = false(), false()
        if op == "<":
            return _safe(or_(below, less))
        if op == "<=":
            return _safe(or_(below, less, tie))
        if op == ">":
            return _safe(not_(or_(below, less, tie)))
        return _safe(not_(or_(below, less)))

    def equal(self, s: Slot, value: Any) -> ColumnElement[bool]:
        """``values.equal(stored, value)``."""
        if value is None:
            return _safe(or_(s.kind.is_(None), s.kind == "null"))
        if isinstance(value, bool):
            return _safe(and_(s.kind == "bool", s.num == float(value)))
        if isinstance(value, int | float):
            return _safe(and_(s.kind == "number", s.num == float(value)))
        if isinstance(value, dt.datetime):
            return _safe(and_(s.kind == "date", s.num == seconds(value)))
        if isinstance(value, str) and value and not value.endswith(".md"):
            # A link equals text naming its target, or its path (which ends in .md).
            return _safe(
                or_(
                    and_(s.kind == "text", s.text == value),
                    and_(s.kind == "link", s.text == value.casefold()),
                )
            )
        raise NoPush

    def contains(self, s: Slot, needle: Any) -> ColumnElement[bool]:
        """``contains(field, "text")`` on single values: a substring of text, or what
        ``=`` says of any other value."""
        self.scalar(s)
        if not isinstance(needle, str) or s.key is None:
            raise NoPush
        inside = self.find(s.text, needle) > 0
        other = and_(s.kind != "text", self.equal(s, needle))
        return _safe(or_(and_(s.kind == "text", inside), other))

    # -- sort keys -------------------------------------------------------------------------

    def sort_slot(self, expr: Expr) -> Slot:
        s = self.slot(expr)
        self.scalar(s)
        if s is self.task:
            raise NoPush
        return s


def conjuncts(expr: Expr) -> list[Expr]:
    if isinstance(expr, Binary) and expr.op == "and":
        return conjuncts(expr.left) + conjuncts(expr.right)
    return [expr]


def _chain(parts: list[Expr]) -> Expr:
    out = parts[0]
    for part in parts[1:]:
        out = Binary("and", out, part)
    return out


def plan(query: Query, compiler: Compiler) -> Plan:
    """The longest run of leading steps SQL answers; the rest are left in ``steps``."""
    out = Plan()
    task = query.kind == "task"
    steps = list(query.steps)
    for i, step in enumerate(steps):
        if isinstance(step, Where):
            parts = conjuncts(step.expr)
            done = 0
            for part in parts:
                try:
                    out.where.append(compiler.predicate(part))
                except NoPush:
                    break
                done += 1
            if done < len(parts):
                rest: list[Step] = [Where(_chain(parts[done:]))]
                out.steps = rest + steps[i + 1 :]
                return out
            continue
        if isinstance(step, Sort) and not task:
            try:
                keys = [(compiler.sort_slot(e), desc) for e, desc in step.keys]
            except NoPush:
                out.steps = steps[i:]
                return out
            out.order = keys + out.order  # a later sort comes first; ties keep the earlier
            continue
        if isinstance(step, Limit):
            out.limit = step.count
            out.steps = steps[i + 1 :]
            return out
        out.steps = steps[i:]
        return out
    return out


def order_by(order: list[tuple[Slot, bool]], collate: Callable[[Any], Any]) -> list[Any]:
    """ORDER BY terms for ``values.sort_key``: the kind's rank, then the value within it
    (constants left out: they order nothing, and a number there would name a column)."""
    terms: list[Any] = []
    for s, desc in order:
        fold = None if isinstance(s.fold, Null) else collate(s.fold)
        for column in (s.rank, s.num, fold):
            if column is None or isinstance(column, BindParameter | Null):
                continue
            terms.append(column.desc() if desc else column.asc())
    return terms
