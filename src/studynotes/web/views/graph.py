"""The link graph of the whole vault, and of one note's neighbours."""

from __future__ import annotations

import posixpath
from collections import Counter

from sqlalchemy import select
from sqlalchemy.orm import Session

from studynotes.db.models import Link, Note
from studynotes.web import schemas as s
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
    return s.Graph(nodes=nodes, edges=edges)


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
