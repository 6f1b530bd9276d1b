"""Pages about the vault as a whole: home, folders, broken links, counts, near misses."""

from __future__ import annotations

import posixpath
from collections import Counter
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from studynotes.db.models import Attachment, Board, Link, Note, Tag, Term
from studynotes.web import schemas as s
from studynotes.web.views.boards import folder_boards
from studynotes.web.views.common import SUMMARY, NotFound, summaries
from studynotes.web.views.glossary import term_list
from studynotes.web.views.tags import tag_counts


def broken_links(db: Session) -> list[s.BrokenLink]:
    rows = db.execute(
        select(Note.slug, Note.path, Link.raw_target, Link.line, Link.kind)
        .join(Note, Note.id == Link.source_id)
        .where(Link.resolved.is_(False))
        .order_by(Note.path, Link.line)
    )
    return [
        s.BrokenLink(
            source_slug=r.slug,
            source_path=r.path,
            target=r.raw_target,
            line=r.line,
            kind="embed" if r.kind == "embed" else "link",
        )
        for r in rows
    ]


def stats(db: Session) -> s.Stats:
    def count(*cols: Any) -> int:
        return int(db.execute(select(func.count()).select_from(*cols)).scalar_one())

    return s.Stats(
        notes=count(Note),
        links=count(Link),
        unresolved=int(
            db.execute(select(func.count(Link.id)).where(Link.resolved.is_(False))).scalar_one()
        ),
        # A name with no definition yet is listed apart; it is not a glossary term.
        terms=int(
            db.execute(select(func.count(Term.id)).where(Term.empty.is_(False))).scalar_one()
        ),
        tags=count(Tag),
        attachments=count(Attachment),
    )


def home(db: Session) -> s.Home:
    recent = summaries(db, select(*SUMMARY).order_by(Note.updated.desc(), Note.path).limit(10))
    folders: Counter[str] = Counter(
        posixpath.dirname(p) for p in db.execute(select(Note.path)).scalars()
    )
    tags = sorted(tag_counts(db), key=lambda t: (-t.count, t.name))[:30]
    glossary = [t for t in term_list(db) if not t.empty]
    glossary.sort(key=lambda t: (-len(t.definition) // 80, t.term.casefold()))
    return s.Home(
        recent=recent,
        folders=[s.FolderCount(folder=f, count=c) for f, c in sorted(folders.items())],
        tags=tags,
        glossary=sorted(glossary[:12], key=lambda t: t.term.casefold()),
        stats=stats(db),
    )


def folder_page(db: Session, folder: str) -> s.FolderPage:
    folder = folder.strip("/")
    prefix = folder + "/" if folder else ""
    paths = [p for p in db.execute(select(Note.path)).scalars() if p.startswith(prefix)]
    boards = [p for p in db.execute(select(Board.path)).scalars() if p.startswith(prefix)]
    if not paths and not boards:
        raise NotFound(f"no folder {folder!r} in the vault")
    direct = [p for p in paths if "/" not in p[len(prefix) :]]
    below: Counter[str] = Counter(
        prefix + p[len(prefix) :].split("/", 1)[0]
        for p in [*paths, *boards]
        if "/" in p[len(prefix) :]
    )
    return s.FolderPage(
        folder=folder,
        notes=summaries(db, select(*SUMMARY).where(Note.path.in_(direct)).order_by(Note.title)),
        boards=folder_boards(db, folder),
        subfolders=[s.FolderCount(folder=f, count=c) for f, c in sorted(below.items())],
    )


def similar_notes(db: Session, slugs: list[str]) -> list[s.NoteSummary]:
    """The notes of ``slugs`` (close to a wrong address; see ``similar``), in that order."""
    found = {n.slug: n for n in summaries(db, select(*SUMMARY).where(Note.slug.in_(slugs)))}
    return [found[sl] for sl in slugs if sl in found]
