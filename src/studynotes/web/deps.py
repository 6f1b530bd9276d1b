"""Request-scoped dependencies: a read session per request, the glossary it reads, and the
reader (``readers``) the request is for."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from studynotes.web import views
from studynotes.web.pagecache import PerIndex
from studynotes.web.readers import LOCAL_READER


def get_db(request: Request) -> Iterator[Session]:
    with Session(request.app.state.engine) as session:
        yield session


SessionDep = Annotated[Session, Depends(get_db)]


def glossary(request: Request, db: Session) -> views.Glossary:
    """The glossary of the index ``db`` reads, loaded once per index run."""
    loaded: PerIndex[views.Glossary] = request.app.state.glossary
    return loaded.get(views.indexed_at(db), lambda: views.load_glossary(db))


def get_glossary(request: Request, db: SessionDep) -> views.Glossary:
    return glossary(request, db)


GlossaryDep = Annotated[views.Glossary, Depends(get_glossary)]


def get_reader(request: Request) -> str:
    """Who reads: ``local`` unless a proxy's trusted header names someone (``ReaderGate``).
    Per-reader state (study history) keys on it."""
    return str(getattr(request.state, "reader", LOCAL_READER))


ReaderDep = Annotated[str, Depends(get_reader)]
