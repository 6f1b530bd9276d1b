"""The rows queries run over: one ``Page`` per note, and a ``Table`` of them with the
indexes that ``FROM`` reads (tags, folders, links), built once per index run.

This in-memory table is the reference the SQL one (``dataview.sqltable``) must agree with:
the tests run both. A page the SQL table makes is filled lazily: ``pending`` names the parts
(``keys``, ``meta``, ``tasks``, ``links``, ``frontmatter``) its ``loader`` has not read
yet.
"""

from __future__ import annotations

import datetime as dt
import posixpath
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from studynotes.dataview.syntax import And, Folder, Linked, Not, Or, Query, Source, Step, Tag
from studynotes.dataview.values import Link, convert, normal_key, parse_date

_DAY = re.compile(r"(\d{4}-\d{2}-\d{2})")


@dataclass(slots=True)
class Page:
    path: str
    name: str
    fields: dict[str, Any]  # converted values, properties then inline fields
    etags: list[str]  # as written, '#'-prefixed
    aliases: list[str]
    tasks: list[list[Any]]  # [text, done, line]
    outlinks: list[str]  # paths, in order, once each
    inlinks: list[str] = field(default_factory=list)
    mtime_ns: int = 0
    size: int = 0
    created: str | None = None
    frontmatter: dict[str, Any] = field(default_factory=dict)  # as written, unconverted
    keys: dict[str, Any] = field(default_factory=dict)  # ``fields`` by ``normal_key``
    _tasks: list[dict[str, Any]] | None = None
    _file: dict[str, Any] | None = None
    loader: Any = None  # fills the parts in ``pending`` (``sqltable.Loader``)
    pending: set[str] = field(default_factory=set)
    asked: set[str] = field(default_factory=set)  # keys read already, found or not

    def need(self, part: str) -> None:
        if part in self.pending:
            self.loader.fill([self], part)

    def value(self, key: str) -> Any:
        """The field under ``key`` (a ``normal_key``), read from the store if need be."""
        found = self.keys.get(key, _MISSING)
        if found is not _MISSING:
            return found
        if "keys" in self.pending and key not in self.asked:
            self.need("keys")
        return self.keys.get(key)

    @property
    def link(self) -> Link:
        return Link(self.path, self.name)

    def tags(self) -> list[str]:
        """Each tag with its parents: ``#a/b`` is also ``#a``."""
        self.need("meta")
        out: list[str] = []
        for tag in self.etags:
            parts = tag.split("/")
            for i in range(1, len(parts) + 1):
                name = "/".join(parts[:i])
                if name not in out:
                    out.append(name)
        return out

    def file_field(self, name: str) -> Any:
        """One implicit ``file.*`` field; most queries read one or two of them, so the
        rest are not made for every page."""
        if self._file is not None:
            return self._file.get(name)
        make = _FILE_FIELDS.get(name)
        return make(self) if make is not None else self.file().get(name)

    def task_rows(self) -> list[dict[str, Any]]:
        """``file.tasks``, made once: every TASK query reads them."""
        if self._tasks is None:
            self.need("tasks")
            link = self.link
            self._tasks = [
                {"text": text, "completed": done, "checked": done, "fullyCompleted": done,
                 "status": "x" if done else " ", "line": line, "path": self.path, "link": link}
                for text, done, line in self.tasks
            ]  # fmt: skip
        return self._tasks

    def part(self, name: str) -> Page:
        self.need(name)
        return self

    def mtime(self) -> dt.datetime:
        return dt.datetime.fromtimestamp(self.mtime_ns / 1e9).replace(microsecond=0)

    def file(self) -> dict[str, Any]:
        """The implicit ``file.*`` fields, made on first use."""
        if self._file is None:
            for part in ("meta", "links", "tasks", "frontmatter"):
                self.need(part)
            mtime = dt.datetime.fromtimestamp(self.mtime_ns / 1e9).replace(microsecond=0)
            day = _DAY.search(self.name)
            ctime = (parse_date(self.created) if self.created else None) or mtime
            link = self.link
            self._file = {
                "name": self.name,
                "path": self.path,
                "folder": posixpath.dirname(self.path),
                "ext": "md",
                "link": link,
                "size": self.size,
                "mtime": mtime,
                "ctime": ctime,
                "cday": _day(ctime),
                "mday": _day(mtime),
                "tags": self.tags(),
                "etags": list(self.etags),
                "aliases": list(self.aliases),
                "inlinks": [Link(p, _name(p)) for p in self.inlinks],
                "outlinks": [Link(p, _name(p)) for p in self.outlinks],
                "tasks": self.task_rows(),
                "frontmatter": dict(self.frontmatter),
                "day": parse_date(day.group(1)) if day else None,
            }
        return self._file


@dataclass(slots=True, frozen=True)
class FileRef:
    """The value of ``file``: its fields are read one at a time (``Page.file_field``)."""

    page: Page

    def __str__(self) -> str:
        return self.page.name


_FILE_FIELDS: dict[str, Any] = {
    "name": lambda p: p.name,
    "path": lambda p: p.path,
    "folder": lambda p: posixpath.dirname(p.path),
    "ext": lambda p: "md",
    "link": lambda p: p.link,
    "size": lambda p: p.size,
    "mtime": lambda p: p.mtime(),
    "mday": lambda p: _day(p.mtime()),
    "tags": lambda p: p.tags(),
    "etags": lambda p: list(p.part("meta").etags),
    "aliases": lambda p: list(p.part("meta").aliases),
    "inlinks": lambda p: [Link(q, _name(q)) for q in p.part("links").inlinks],
    "outlinks": lambda p: [Link(q, _name(q)) for q in p.part("links").outlinks],
    "tasks": lambda p: p.task_rows(),
    # Dataview's ``file.frontmatter``: the properties as the YAML gives them, not typed as
    # fields are (a date stays text, ``"[[x]]"`` no link), so a query sees what was written.
    "frontmatter": lambda p: dict(p.part("frontmatter").frontmatter),
}
_MISSING = object()


def _day(moment: dt.datetime) -> dt.datetime:
    """``file.cday``, ``file.mday``: the day of a moment, as Dataview gives it (midnight)."""
    return moment.replace(hour=0, minute=0, second=0, microsecond=0)


def _name(path: str) -> str:
    return posixpath.basename(path).removesuffix(".md")


@dataclass(slots=True)
class Start:
    """A query's rows before the steps left to run: pages, or (for TASK) each task with its
    page when the table worked them out itself (None: every task of ``pages``)."""

    pages: list[Page]
    tasks: list[tuple[Page, dict[str, Any]]] | None
    steps: list[Step]


class QueryTable(Protocol):
    """What queries run over: ``Table`` in memory, ``sqltable.SqlTable`` over the index."""

    @property
    def pages(self) -> Mapping[str, Page]: ...

    @property
    def slugs(self) -> Mapping[str, str]: ...

    def resolve(self, target: str) -> str | None: ...

    def begin(self, query: Query) -> Start: ...


class Table:
    """Every note as a query row, with the indexes ``FROM`` reads."""

    def __init__(self, pages: dict[str, Page], slugs: Mapping[str, str]) -> None:
        self.pages = pages
        self.slugs = dict(slugs)
        self.by_tag: dict[str, set[str]] = {}
        self.names: dict[str, str] = {}
        for path in sorted(pages):
            page = pages[path]
            for tag in page.tags():
                self.by_tag.setdefault(tag[1:].casefold(), set()).add(path)
            self.names.setdefault(page.name.casefold(), path)
            self.names.setdefault(path.removesuffix(".md").casefold(), path)
            for alias in page.aliases:
                self.names.setdefault(alias.casefold(), path)

    def resolve(self, target: str) -> str | None:
        """The note a link by name lands in (path, name or alias; first by path wins)."""
        key = target.strip().removesuffix(".md").casefold()
        return self.names.get(key)

    def begin(self, query: Query) -> Start:
        """Where a query starts: the pages its ``FROM`` names, and every step still to run."""
        return Start(self.select(query.source), None, list(query.steps))

    def select(self, source: Source | None) -> list[Page]:
        """The pages a ``FROM`` names, in path order."""
        if source is None:
            return [self.pages[p] for p in sorted(self.pages)]
        return [self.pages[p] for p in sorted(self._paths(source))]

    def _paths(self, source: Source) -> set[str]:
        if isinstance(source, Tag):
            return set(self.by_tag.get(source.tag, ()))
        if isinstance(source, Folder):
            if source.path in ("", "."):
                return set(self.pages)
            exact = source.path if source.path.endswith(".md") else source.path + ".md"
            prefix = source.path + "/"
            return {p for p in self.pages if p == exact or p.startswith(prefix)}
        if isinstance(source, Linked):
            target = self.resolve(source.target)
            if target is None:
                return set()
            page = self.pages[target]
            return set(page.outlinks if source.outgoing else page.inlinks)
        if isinstance(source, Not):
            return set(self.pages) - self._paths(source.source)
        if isinstance(source, And):
            return self._paths(source.left) & self._paths(source.right)
        if isinstance(source, Or):
            return self._paths(source.left) | self._paths(source.right)
        raise AssertionError(source)


def build_table(
    notes: Iterable[tuple[str, Any, Iterable[str | None], int, int]],
    slugs: Mapping[str, str],
) -> Table:
    """The table from each note's (path, parse facts, where its links land, mtime, size)."""
    pages: dict[str, Page] = {}
    raw: dict[str, Any] = {}
    for path, note, targets, mtime_ns, size in notes:
        out: list[str] = []
        for target in targets:
            if target is not None and target.endswith(".md") and target not in out:
                out.append(target)
        pages[path] = Page(
            path, _name(path), {}, ["#" + t.name for t in note.tags], list(note.aliases),
            note.tasks, out, mtime_ns=mtime_ns, size=size, created=note.created,
            frontmatter=dict(note.frontmatter),
        )  # fmt: skip
        raw[path] = note.fields
    for path, page in pages.items():
        for target in page.outlinks:
            if target in pages and path not in pages[target].inlinks:
                pages[target].inlinks.append(path)
    table = Table(pages, slugs)
    for path, fields in raw.items():
        page = pages[path]
        page.fields = convert(fields, table.resolve)
        for key, value in page.fields.items():
            page.keys.setdefault(normal_key(key), value)
    return table
