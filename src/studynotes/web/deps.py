"""Request-scoped dependencies: a read session per request, the glossary it reads, and the
reader (``readers``) the request is for."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from studynotes.config import Settings
from studynotes.db.models import LOCAL_READER
from studynotes.web import views
from studynotes.web.pagecache import PerIndex
from studynotes.web.schemas import BoardRef


def get_db(request: Request) -> Iterator[Session]:
    with Session(request.app.state.engine) as session:
        yield session


SessionDep = Annotated[Session, Depends(get_db)]


def glossary(request: Request, db: Session, stamp: str | None = None) -> views.Glossary:
    """The glossary of the index ``db`` reads, loaded once per index run."""
    loaded: PerIndex[views.Glossary] = request.app.state.glossary
    at = stamp if stamp is not None else views.indexed_at(db)
    return loaded.get(at, lambda: views.load_glossary(db))


def results(request: Request, db: Session, stamp: str | None = None) -> views.Results:
    """The query results of the index ``db`` reads: worked out as pages ask, kept per run."""
    kept: PerIndex[views.Results] = request.app.state.results
    at = stamp if stamp is not None else views.indexed_at(db)
    mode = request.app.state.settings.term_marks
    return kept.get(at, lambda: views.Results(mode))


def get_results(request: Request, db: SessionDep) -> views.Results:
    return results(request, db)


ResultsDep = Annotated[views.Results, Depends(get_results)]


def tree(request: Request, db: Session, stamp: str | None = None) -> views.FolderTree:
    """The vault's folder tree, built once per index run (``stamp``: that run's, when the
    caller read it already in this session; a note page reads it once for both)."""
    loaded: PerIndex[views.FolderTree] = request.app.state.tree
    at = stamp if stamp is not None else views.indexed_at(db)
    return loaded.get(at, lambda: views.load_tree(db))


def boards(request: Request, db: Session, stamp: str | None) -> dict[str, list[BoardRef]]:
    """Which boards hold each note, worked out once per index run ``stamp``."""
    loaded: PerIndex[dict[str, list[BoardRef]]] = request.app.state.boards
    return loaded.get(stamp, lambda: views.boards_by_note(db))


def carded(request: Request, db: Session, stamp: str | None) -> frozenset[int]:
    """The notes holding flashcards, once per index run ``stamp``."""
    loaded: PerIndex[frozenset[int]] = request.app.state.carded
    return loaded.get(stamp, lambda: views.notes_with_cards(db))


def get_tree(request: Request, db: SessionDep) -> views.FolderTree:
    return tree(request, db)


TreeDep = Annotated[views.FolderTree, Depends(get_tree)]


def get_glossary(request: Request, db: SessionDep) -> views.Glossary:
    return glossary(request, db)


GlossaryDep = Annotated[views.Glossary, Depends(get_glossary)]


def get_reader(request: Request) -> str:
    """Whose reviews these are. Served locally there is one reader; a deployment that names
    its readers (serving beyond one machine) answers here, and each gets their own history."""
    reader = getattr(request.state, "reader", None)
    return reader if isinstance(reader, str) and reader else LOCAL_READER


ReaderDep = Annotated[str, Depends(get_reader)]


def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


SettingsDep = Annotated[Settings, Depends(get_settings)]
