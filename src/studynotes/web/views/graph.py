"""The link graph of the whole vault, and of one note's neighbours."""

from __future__ import annotations

import posixpath
from collections import Counter

from sqlalchemy import select
from sqlalchemy.orm import Session

from studynotes.db.models import Attachment, Link, Note
from studynotes.urls import canvas_url
from studynotes.web import schemas as s
from studynotes.web.views.canvas import canvas_notes
from studynotes.web.views.common import tags_by_note
from studynotes.web.views.notes import note_row


def graph(db: Session) -> s.Graph:
    notes = db.execute(select(Note.id, Note.slug, Note.title, Note.path)).all()
    tags = tags_by_note(db, [n.id for n in notes])
    slug_of = {n.id: n.slug for n in notes}
    pairs = db.execute(
        select(Link.source_id, Link.target_id)
        .where(Link.target_id.is_not(None), Link.source_id != Link.target_id)
        .distinct()
    ).all()
    degree: Counter[int] = Counter()
    edges: list[s.GraphEdge] = []
    for src, dst in pairs:
        if dst is None or src not in slug_of or dst not in slug_of:
            continue
        degree[src] += 1
        degree[dst] += 1
        edges.append(s.GraphEdge(source=slug_of[src], target=slug_of[dst]))
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
    _add_canvases(db, nodes, edges, {n.path: n.slug for n in notes})
    return s.Graph(nodes=nodes, edges=edges)


def _add_canvases(
    db: Session, nodes: list[s.GraphNode], edges: list[s.GraphEdge], slugs: dict[str, str]
) -> None:
    """Canvas boards as nodes: linked from the notes that link to them, and linking to the
    notes on them (read from the index: the links and the boards' own files)."""
    boards = [p for (p,) in db.execute(select(Attachment.path)) if p.endswith(".canvas")]
    if not boards:
        return
    linking = db.execute(
        select(Note.slug, Link.target_file).join(Link, Link.source_id == Note.id)
        .where(Link.target_file.in_(boards)).distinct()
    ).all()  # fmt: skip
    on_board = canvas_notes(db, boards)
    degree: Counter[str] = Counter()
    for slug, board in linking:
        if board is None:
            continue
        edges.append(s.GraphEdge(source=slug, target=_canvas_id(board)))
        degree[board] += 1
    for board, paths in on_board.items():
        for path in paths:
            if path in slugs:
                edges.append(s.GraphEdge(source=_canvas_id(board), target=slugs[path]))
                degree[board] += 1
    for board in boards:
        name = posixpath.basename(board).removesuffix(".canvas")
        nodes.append(
            s.GraphNode(
                id=_canvas_id(board), title=f"{name} (canvas)", folder=posixpath.dirname(board),
                tags=[], degree=degree[board], url=canvas_url(board),
            )
        )  # fmt: skip


def _canvas_id(path: str) -> str:
    return "canvas:" + path


def local_graph(db: Session, slug: str) -> s.Graph:
    """The note, its neighbours, and the links among them."""
    note = note_row(db, slug)
    full = graph(db)
    near = {note.slug}
    for e in full.edges:
        if note.slug in (e.source, e.target):
            near.update((e.source, e.target))
    return s.Graph(
        nodes=[n for n in full.nodes if n.id in near],
        edges=[e for e in full.edges if e.source in near and e.target in near],
    )
