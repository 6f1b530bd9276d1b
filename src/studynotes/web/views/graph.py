"""The link graph: of the whole vault in levels of detail, and of one note's neighbours.

A vault of up to ``NOTES_UP_TO`` notes is drawn note by note. A larger one is first drawn as
its folders (a node per folder, sized by its notes, an edge per pair of folders that link,
weighted by their links); a folder, a tag or a note's neighbourhood is then drawn note by
note, at most ``NOTES_UP_TO`` of them (the most linked first). Whatever the vault's size,
an answer stays within a few thousand nodes: at 50,000 notes the whole graph was 45 MB.
"""

from __future__ import annotations

import posixpath
from bisect import bisect_left
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import islice, takewhile
from typing import Literal, Protocol

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from studynotes.db.models import Board, BoardLink, Link, Note, NoteTag, Tag
from studynotes.urls import canvas_url
from studynotes.web import schemas as s
from studynotes.web.views.common import NotFound, tags_by_note
from studynotes.web.views.notes import note_row

NOTES_UP_TO = 2_000
FOLDERS_UP_TO = 400
_LINKS = (
    select(Link.source_id, Link.target_id)
    .where(Link.target_id.is_not(None), Link.source_id != Link.target_id)
    .distinct()
)


@dataclass(frozen=True, slots=True)
class _NoteRow:
    id: int
    slug: str
    title: str
    path: str


def _drawn(
    notes: list[_NoteRow],
    links: Iterable[tuple[int, int]],
    tags: dict[int, list[str]],
    *,
    total: int,
    level: Literal["notes", "folders"],
) -> s.Graph:
    """``notes`` (in order of id) and those of ``links`` (in order) that join two of them."""
    place = {n.id: i for i, n in enumerate(notes)}
    degree: Counter[int] = Counter()
    pairs: list[tuple[int, int]] = []
    for src, dst in links:
        if src not in place or dst not in place:
            continue
        degree[src] += 1
        degree[dst] += 1
        pairs.append((place[src], place[dst]))
    nodes = [
        s.GraphNode(
            id=n.slug,
            title=n.title,
            folder=posixpath.dirname(n.path),
            tags=tags.get(n.id, []),
            degree=degree[n.id],
        )
        for n in notes
    ]
    return s.Graph(nodes=nodes, edges=[], links=pairs, level=level, total_notes=total)


def _note_graph(
    db: Session,
    ids: set[int] | None,
    *,
    total: int,
    level: Literal["notes", "folders"],
    around: int | None = None,
) -> s.Graph:
    """The notes of ``ids`` (every note when None) and the links among them."""
    query = select(Note.id, Note.slug, Note.title, Note.path).order_by(Note.id)
    if ids is not None:
        query = query.where(Note.id.in_(ids))
    notes = [_NoteRow(*row) for row in db.execute(query)]
    links = _LINKS if ids is None else _LINKS.where(Link.source_id.in_(ids))
    pairs = (
        (a, b)
        for a, b in db.execute(links.order_by(Link.source_id, Link.target_id))
        if b is not None
    )
    found = _drawn(notes, pairs, tags_by_note(db, [n.id for n in notes]), total=total, level=level)
    boards = _read_boards(db)
    slugs = {n.id: n.slug for n in notes}
    _add_canvases(boards, found, slugs, every=ids is None, around=around)
    return found


@dataclass(slots=True)
class _Boards:
    """The boards (path -> name), the notes that link to each, and the notes on each."""

    names: dict[str, str]
    linking: list[tuple[int, str]]  # note id, board path
    holding: list[tuple[str, int]]  # board path, note id


def _read_boards(db: Session) -> _Boards:
    names: dict[str, str] = {p: name for p, name in db.execute(select(Board.path, Board.name))}
    if not names:
        return _Boards(names, [], [])
    linking = [
        (nid, board)
        for nid, board in db.execute(
            select(Link.source_id, Link.target_file)
            .where(Link.target_file.in_(list(names)))
            .distinct()
        )
        if board is not None
    ]
    holding = [
        (board, held)
        for board, held in db.execute(
            select(Board.path, BoardLink.target_id)
            .join(BoardLink, BoardLink.board_id == Board.id)
            .where(BoardLink.target_id.is_not(None))
            .distinct()
        )
        if held is not None
    ]
    return _Boards(names, linking, holding)


def _add_canvases(
    boards: _Boards,
    graph: s.Graph,
    slugs: dict[int, str],
    *,
    every: bool,
    around: int | None = None,
) -> None:
    """Canvas boards as nodes, linked from the notes that link to them and linking to the
    notes on their cards and in their links. ``every``: each board of the vault, else only
    those touching a note of the graph (``around``: touching that one note)."""
    if not boards.names:
        return
    touching = set(slugs) if around is None else {around}
    linked: Counter[str] = Counter()
    pairs: set[tuple[str, str]] = set()
    for nid, board in boards.linking:
        if nid in slugs and nid in touching:
            pairs.add((slugs[nid], _canvas_id(board)))
    for board, held in boards.holding:
        if held in slugs and held in touching:
            pairs.add((_canvas_id(board), slugs[held]))
    by_id = {n.id: n for n in graph.nodes}
    for source, target in sorted(pairs):
        graph.edges.append(s.GraphEdge(source=source, target=target))
        linked[source] += 1
        linked[target] += 1
        note = by_id.get(target if source.startswith("canvas:") else source)
        if note is not None:
            note.degree += 1
    for board, name in sorted(boards.names.items()):
        if not every and not linked[_canvas_id(board)]:
            continue
        graph.nodes.append(
            s.GraphNode(
                id=_canvas_id(board), title=f"{name} (canvas)", folder=posixpath.dirname(board),
                tags=[], degree=linked[_canvas_id(board)], kind="canvas", url=canvas_url(board),
            )
        )  # fmt: skip


def _canvas_id(path: str) -> str:
    return "canvas:" + path


def _in_tag(name: str, tag: str) -> bool:
    """Whether the tag ``name`` is ``tag`` or one nested in it (``a/b`` is in ``a``)."""
    return name == tag or name.startswith(tag + "/")


def _most_linked(ids: set[int], links: Iterable[tuple[int, int]], limit: int) -> set[int]:
    """At most ``limit`` of ``ids``, the most linked first, then the lowest ids: ``links``
    (every link) is read only when there are more."""
    if len(ids) <= limit:
        return set(ids)
    counts = dict.fromkeys(ids, 0)
    for src, dst in links:
        if src in counts:
            counts[src] += 1
        if dst in counts:
            counts[dst] += 1
    return set(sorted(counts, key=lambda i: (-counts[i], i))[:limit])


def _top_folder(path: str, depth: int) -> str:
    parts = posixpath.dirname(path).split("/") if posixpath.dirname(path) else []
    return "/".join(parts[:depth])


def _folder_graph(
    rows: list[tuple[int, str]], links: Iterable[tuple[int, int]], within: str, *, total: int
) -> s.Graph:
    """Each folder one level below ``within`` as a node (at most ``FOLDERS_UP_TO``, the
    largest first, then by name), from the notes under it (``rows``: id and path) and every
    link; notes directly in it as their own folder ``within`` (shown as "notes here")."""
    depth = len(within.split("/")) + 1 if within else 1
    cluster = {nid: _top_folder(path, depth) for nid, path in rows}
    sizes = Counter(cluster.values())
    kept = set(sorted(sizes, key=lambda name: (-sizes[name], name))[:FOLDERS_UP_TO])
    weights: Counter[tuple[str, str]] = Counter()
    for src, dst in links:
        a, b = cluster.get(src), cluster.get(dst)
        if a is None or b is None or a == b or a not in kept or b not in kept:
            continue
        weights[min(a, b), max(a, b)] += 1
    degree: Counter[str] = Counter()
    for (a, b), w in weights.items():
        degree[a] += w
        degree[b] += w
    nodes = [
        s.GraphNode(
            id=f"folder:{name}",
            title=(posixpath.basename(name) or "Vault") if name != within else "Notes here",
            folder=name,
            tags=[],
            degree=degree[name],
            kind="folder",
            count=sizes[name],
        )
        for name in sorted(kept)
    ]
    edges = [
        s.GraphEdge(source=f"folder:{a}", target=f"folder:{b}", weight=w)
        for (a, b), w in sorted(weights.items())
    ]
    return s.Graph(nodes=nodes, edges=edges, level="folders", folder=within, total_notes=total)


class _Source(Protocol):
    """What a graph is drawn from: the database (``_FromDb``), or the graph read once
    (``GraphData``), so that both draw the same graph by the same steps."""

    def total(self) -> int:
        """How many notes the vault has."""
        ...

    def tagged(self, tag: str) -> set[int]:
        """The notes of ``tag`` and of the tags nested in it."""
        ...

    def under(self, prefix: str) -> list[tuple[int, str]]:
        """The id and path of each note whose path starts with ``prefix``."""
        ...

    def links(self) -> Iterator[tuple[int, int]]:
        """Every link from a note to another, read only as it is iterated."""
        ...

    def drawn(self, ids: set[int] | None, *, total: int) -> s.Graph:
        """The notes of ``ids`` (every note, and every board, when None) and their links."""
        ...


@dataclass(frozen=True, slots=True)
class _FromDb:
    db: Session

    def total(self) -> int:
        return self.db.execute(select(func.count(Note.id))).scalar_one()

    def tagged(self, tag: str) -> set[int]:
        query = select(NoteTag.note_id, Tag.name).join(Tag, Tag.id == NoteTag.tag_id)
        query = query.where(or_(Tag.name == tag, Tag.name.startswith(tag + "/", autoescape=True)))
        return {nid for nid, name in self.db.execute(query) if _in_tag(name, tag)}

    def under(self, prefix: str) -> list[tuple[int, str]]:
        query = select(Note.id, Note.path).where(Note.path.startswith(prefix, autoescape=True))
        # SQLite's LIKE ignores case: the path must start with the prefix as written.
        return [(nid, path) for nid, path in self.db.execute(query) if path.startswith(prefix)]

    def links(self) -> Iterator[tuple[int, int]]:
        for src, dst in self.db.execute(_LINKS):
            if dst is not None:
                yield src, dst

    def drawn(self, ids: set[int] | None, *, total: int) -> s.Graph:
        return _note_graph(self.db, ids, total=total, level="notes")


def _graph(source: _Source, folder: str | None, tag: str | None) -> s.Graph:
    total = source.total()
    if tag:
        ids = source.tagged(tag.strip("#/"))
        return source.drawn(_most_linked(ids, source.links(), NOTES_UP_TO), total=total)
    if folder is None and total <= NOTES_UP_TO:
        return source.drawn(None, total=total)
    folder = (folder or "").strip("/")
    prefix = folder + "/" if folder else ""
    rows = source.under(prefix)
    ids = {nid for nid, _ in rows}
    if len(ids) > NOTES_UP_TO:
        if any("/" in path[len(prefix) :] for _, path in rows):
            return _folder_graph(rows, source.links(), folder, total=total)
        ids = _most_linked(ids, source.links(), NOTES_UP_TO)  # one flat folder: the most linked
    found = source.drawn(ids, total=total)
    found.folder = folder or None
    return found


def graph(db: Session, *, folder: str | None = None, tag: str | None = None) -> s.Graph:
    """The vault's graph at the detail its size allows (see the module's docstring)."""
    return _graph(_FromDb(db), folder, tag)


def local_graph(db: Session, slug: str) -> s.Graph:
    """The note, its neighbours, and the links among them: read from the note's own links,
    never from the whole graph."""
    note = note_row(db, slug)
    touching = _LINKS.where(or_(Link.source_id == note.id, Link.target_id == note.id))
    near = {note.id}
    for src, dst in db.execute(touching):
        near.update(i for i in (src, dst) if i is not None)
    total = db.execute(select(func.count(Note.id))).scalar_one()
    return _note_graph(db, near, total=total, level="notes", around=note.id)


@dataclass(slots=True)
class GraphData:
    """Every note, link, tag and board of the index, read once: a site build draws each
    note's neighbourhood (``local_graph_of``), and each folder's and tag's graph
    (``graph_of``), the same as the server would, without a query each."""

    notes: dict[int, _NoteRow]
    ids: dict[str, int]  # slug -> id
    out: dict[int, list[int]]  # the notes each note links to, in order of id
    into: dict[int, list[int]]  # the notes that link to each note
    tags: dict[int, list[str]]
    boards: _Boards
    boards_of: dict[int, _Boards]  # each note's own links to and places on boards
    tagged_by: dict[str, set[int]]  # each tag's own notes (not those of the tags inside it)
    paths: list[tuple[str, int]]  # each note's path and id, in order of path

    # What ``_graph`` reads (``_Source``), answered from memory.

    def total(self) -> int:
        return len(self.notes)

    def tagged(self, tag: str) -> set[int]:
        return {i for name, ids in self.tagged_by.items() if _in_tag(name, tag) for i in ids}

    def under(self, prefix: str) -> list[tuple[int, str]]:
        after = islice(self.paths, bisect_left(self.paths, (prefix,)), None)
        return [(i, path) for path, i in takewhile(lambda row: row[0].startswith(prefix), after)]

    def links(self) -> Iterator[tuple[int, int]]:
        return ((src, dst) for src, targets in self.out.items() for dst in targets)

    def drawn(self, ids: set[int] | None, *, total: int) -> s.Graph:
        chosen = sorted(self.notes if ids is None else ids)
        notes = [self.notes[i] for i in chosen if i in self.notes]
        links = ((src, dst) for src in chosen for dst in self.out.get(src, ()))
        found = _drawn(notes, links, self.tags, total=total, level="notes")
        _add_canvases(self.boards, found, {n.id: n.slug for n in notes}, every=ids is None)
        return found


def load_graph_data(db: Session) -> GraphData:
    notes = {
        row.id: row
        for row in (
            _NoteRow(*r) for r in db.execute(select(Note.id, Note.slug, Note.title, Note.path))
        )
    }
    out: dict[int, list[int]] = defaultdict(list)
    into: dict[int, list[int]] = defaultdict(list)
    for src, dst in db.execute(_LINKS.order_by(Link.source_id, Link.target_id)):
        if dst is not None:
            out[src].append(dst)
            into[dst].append(src)
    boards = _read_boards(db)
    boards_of: dict[int, _Boards] = {}
    for nid, board in boards.linking:
        boards_of.setdefault(nid, _Boards(boards.names, [], [])).linking.append((nid, board))
    for board, held in boards.holding:
        boards_of.setdefault(held, _Boards(boards.names, [], [])).holding.append((board, held))
    tags = tags_by_note(db, list(notes))
    tagged_by: dict[str, set[int]] = defaultdict(set)
    for nid, names in tags.items():
        for name in names:
            tagged_by[name].add(nid)
    return GraphData(
        notes,
        {n.slug: i for i, n in notes.items()},
        out,
        into,
        tags,
        boards,
        boards_of,
        tagged_by,
        sorted((n.path, i) for i, n in notes.items()),
    )


def graph_of(data: GraphData, *, folder: str | None = None, tag: str | None = None) -> s.Graph:
    """``graph`` drawn from ``data``."""
    return _graph(data, folder, tag)


def local_graph_of(data: GraphData, slug: str) -> s.Graph:
    """``local_graph`` drawn from ``data``."""
    nid = data.ids.get(slug)
    if nid is None:
        raise NotFound(f"no note with slug {slug!r}")
    near = sorted({nid, *data.out.get(nid, ()), *data.into.get(nid, ())})
    notes = [data.notes[i] for i in near if i in data.notes]
    links = ((src, dst) for src in near for dst in data.out.get(src, ()))
    found = _drawn(notes, links, data.tags, total=len(data.notes), level="notes")
    own = data.boards_of.get(nid, _Boards(data.boards.names, [], []))
    _add_canvases(own, found, {n.id: n.slug for n in notes}, every=False, around=nid)
    return found
