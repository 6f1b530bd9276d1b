"""The JSON the pages' scripts read, as files: what ``/api/...`` answers, asked once per
question a page can ask (static/js/site.js maps each question to its file).

Each answer comes from the server's own API function in ``web/routes/api.py``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel
from sqlalchemy.orm import Session

from studynotes.site.links import SiteFile, SiteLinks, fnv1a
from studynotes.web import schemas as s
from studynotes.web import views
from studynotes.web.routes import api

__all__ = ["JsonFile", "graphs", "preview_file", "previews", "terms", "trees"]

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
    db: Session, links: SiteLinks, wanted: Iterable[tuple[str, str]]
) -> Iterator[JsonFile]:
    """The preview of each link, of the previews' own links too (a preview's links preview
    in turn); a section that is gone has none, as the server answers 404."""
    done: set[tuple[str, str]] = set()
    todo = set(wanted)
    while todo:
        slug, anchor = todo.pop()
        done.add((slug, anchor))
        heading = anchor if anchor and not anchor.startswith("^") else None
        block = anchor[1:] if anchor.startswith("^") else None
        try:
            found = api.get_preview(slug, db, heading=heading, block=block)
        except views.NotFound:
            continue
        yield _json(links, preview_file(slug, anchor), found)
        todo |= links.previews - done
    links.previews |= done


def terms(db: Session, links: SiteLinks, glossary: views.Glossary) -> Iterator[JsonFile]:
    for slug in glossary.terms:
        yield _json(links, _under("api/terms", f"{slug}.json"), api.get_term(slug, db))


def trees(links: SiteLinks, tree: views.FolderTree) -> Iterator[JsonFile]:
    for folder in tree.children:
        yield _json(
            links,
            _under("api/tree", folder, "index.json"),
            api.get_tree(tree, folder=folder, offset=0, limit=_ALL),
        )


def graphs(
    db: Session, links: SiteLinks, folders: Iterable[str], tags: Iterable[str], slugs: list[str]
) -> Iterator[JsonFile]:
    """The whole graph, each folder's and tag's, and each note's neighbourhood."""
    yield _json(links, "api/graph/index.json", api.get_graph(db))
    for folder in folders:
        found: s.Graph = api.get_graph(db, folder=folder)
        yield _json(links, _under("api/graph/folder", folder, "index.json"), found)
    for tag in tags:
        yield _json(links, _under("api/graph/tag", tag, "index.json"), api.get_graph(db, tag=tag))
    for slug in slugs:
        yield _json(
            links, _under("api/graph/note", slug, "index.json"), api.get_graph(db, slug=slug)
        )
