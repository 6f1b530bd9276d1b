"""The parsed form of a query: expressions, sources and the query's steps."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, Union

Kind = Literal["list", "table", "task"]


@dataclass(slots=True, frozen=True)
class Lit:
    value: object


@dataclass(slots=True, frozen=True)
class Name:
    name: str


@dataclass(slots=True, frozen=True)
class Get:
    obj: Expr
    name: str


@dataclass(slots=True, frozen=True)
class Index:
    obj: Expr
    index: Expr


@dataclass(slots=True, frozen=True)
class Call:
    name: str
    args: tuple[Expr, ...]
    pos: int = 0


@dataclass(slots=True, frozen=True)
class Unary:
    op: str  # "-" or "!"
    expr: Expr


@dataclass(slots=True, frozen=True)
class Binary:
    op: str
    left: Expr
    right: Expr


@dataclass(slots=True, frozen=True)
class ListLit:
    items: tuple[Expr, ...]


@dataclass(slots=True, frozen=True)
class LinkLit:
    target: str
    display: str | None


Expr = Union[Lit, Name, Get, Index, Call, Unary, Binary, ListLit, LinkLit]  # noqa: UP007


@dataclass(slots=True, frozen=True)
class Tag:
    tag: str  # without '#', casefolded


@dataclass(slots=True, frozen=True)
class Folder:
    path: str  # a folder, or a note's path


@dataclass(slots=True, frozen=True)
class Linked:
    target: str
    outgoing: bool  # the notes it links to; else the notes linking to it


@dataclass(slots=True, frozen=True)
class Not:
    source: Source


@dataclass(slots=True, frozen=True)
class And:
    left: Source
    right: Source


@dataclass(slots=True, frozen=True)
class Or:
    left: Source
    right: Source


Source = Union[Tag, Folder, Linked, Not, And, Or]  # noqa: UP007


@dataclass(slots=True, frozen=True)
class Where:
    expr: Expr


@dataclass(slots=True, frozen=True)
class Sort:
    keys: tuple[tuple[Expr, bool], ...]  # (expression, descending)


@dataclass(slots=True, frozen=True)
class Group:
    expr: Expr
    name: str


@dataclass(slots=True, frozen=True)
class Flatten:
    expr: Expr
    name: str


@dataclass(slots=True, frozen=True)
class Limit:
    count: int


Step = Union[Where, Sort, Group, Flatten, Limit]  # noqa: UP007


@dataclass(slots=True)
class Query:
    kind: Kind
    columns: list[tuple[Expr, str]] = field(default_factory=list)  # TABLE; LIST's one value
    without_id: bool = False
    source: Source | None = None
    steps: list[Step] = field(default_factory=list)
