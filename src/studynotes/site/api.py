"""The JSON the pages' scripts read, as files: what ``/api/...`` answers, asked once per
question a page can ask (static/js/site.js maps each question to its file).

Each answer comes from the server's own API function in ``web/routes/api.py``, or from the
view behind it fed what was read once (the graphs).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel
from sqlalchemy.orm import Session

from studynotes.site.links import SiteFile, SiteLinks, fnv1a
from studynotes.web import views
from studynotes.web.routes import api

__all__ = [
    "JsonFile",
    "graph_file",
    "graphs",
    "local_graph",
    "preview_file",
    "previews",
    "terms",
    "trees",
]

_ALL = 10**9  # the explorer's pages are cut in the browser: one file holds a whole folder


@dataclass(frozen=True, slots=True)
class JsonFile:
    file: SiteFile
    data: bytes


def _json(links: SiteLinks, file: str, value: BaseModel | list[Any]) -> JsonFile:
    data: Any = (
        value.model_dump(mode="json")
        if isinstance(value, BaseModel)
        else [v.model_dump(mode="json") if isinstance(v, BaseModel) else v for v in value]
    )
    text = json.dumps(links.data(data), ensure_ascii=False, separators=(",", ":"))
    return JsonFile(SiteFile(file), text.encode())


def _under(*parts: str) -> str:
    return "/".join(p.strip("/") for p in parts if p.strip("/"))


def preview_file(slug: str, anchor: str) -> str:
    """Where the preview of a link to ``slug`` (at ``anchor``: a heading, ``^block`` or
    nothing) is kept."""
    if not anchor:
        return _under("api/preview", slug, "index.json")
    kind = "b" if anchor.startswith("^") else "h"
    return _under("api/preview", slug, f"{kind}-{fnv1a(anchor.removeprefix('^'))}.json")


def previews(
    db: Session, links: SiteLinks, results: views.Results, slug: str, anchors: list[str]
) -> list[JsonFile]:
    """The previews of links to ``slug`` at each of ``anchors`` (a heading, ``^block`` or
    nothing), from one reading of the note (``results``: the queries' results of the index
    run); none for a section that is gone (the server answers 404)."""
    places = [(None, a[1:]) if a.startswith("^") else (a or None, None) for a in anchors]
    try:
        found = views.previews(db, slug, results, places)
    except views.NotFound:
        return []
    return [
        _json(links, preview_file(slug, anchor), one)
        for anchor, one in zip(anchors, found, strict=True)
        if one is not None
    ]


def graph_file(slug: str) -> str:
    """Where a note's neighbourhood graph is kept."""
    return _under("api/graph/note", slug, "index.json")


def local_graph(data: views.GraphData, links: SiteLinks, slug: str) -> JsonFile:
    """What ``/api/graph?slug=`` answers, drawn from the graph read once (``data``)."""
    return _json(links, graph_file(slug), views.local_graph_of(data, slug))


def terms(links: SiteLinks, glossary: views.Glossary) -> Iterator[JsonFile]:
    """What a tooltip shows of a term not defined on its page (one marked in a preview):
    the glossary's summary of it. ``/api/terms/{slug}`` adds where the term is used,
    which no script reads and which costs the most of any answer."""
    for slug, term in glossary.terms.items():
        yield _json(links, _under("api/terms", f"{slug}.json"), term)


def trees(links: SiteLinks, tree: views.FolderTree) -> Iterator[JsonFile]:
    for folder in tree.children:
        yield _json(
            links,
            _under("api/tree", folder, "index.json"),
            api.get_tree(tree, folder=folder, offset=0, limit=_ALL),
        )


def graphs(
    data: views.GraphData,
    links: SiteLinks,
    folders: Iterable[str],
    tags: Iterable[str],
    kept: Callable[[str], bool] = lambda _: False,
) -> Iterator[JsonFile]:
    """The whole graph, and each folder's and tag's (each note's: ``local_graph``), drawn
    from the graph read once (``data``) as ``/api/graph`` draws them; those that ``kept``
    keeps from the last build are not made."""
    yield _json(links, "api/graph/index.json", views.graph_of(data))
    for folder in folders:
        if not kept(file := _under("api/graph/folder", folder, "index.json")):
            yield _json(links, file, views.graph_of(data, folder=folder))
    for tag in tags:
        if not kept(file := _under("api/graph/tag", tag, "index.json")):
            yield _json(links, file, views.graph_of(data, tag=tag))
