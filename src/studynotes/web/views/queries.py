"""Query results in the pages that hold them, worked out over the stored index.

Results depend on the whole index, so they are not stored with the page: each is run over
the index (``dataview.sqltable``) once per index run and kept for that run: ``Results``
belongs to one run's stamp (``PerIndex``), and two pages showing one query (a note, and a
note embedding it) run it once. ``warm`` runs them as soon as a run is written, off the
request path, so a page's first view finds them ready; a page asked for sooner waits for
the query being run, then runs what is left itself.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from studynotes.dataview.render import fill_queries, query_html
from studynotes.dataview.sqltable import Directory, SqlTable, load_directory
from studynotes.db.models import Note, Term, TermAlias
from studynotes.glossary.marks import MarkMode, MarkTerm, TermMatcher
from studynotes.sanitize import sanitize
from studynotes.web.pagecache import PerIndex
from studynotes.web.views.common import indexed_at

_MAX_KEPT = 2000  # results per index run; past this the oldest are dropped
_MARKER = "data-sn-source"


class Results:
    """The results of queries over one index run, their glossary terms marked as the page
    around them is (``mode``)."""

    def __init__(self, mode: MarkMode = "first-per-section") -> None:
        self._mode = mode
        self._directory: Directory | None = None
        self._matcher: TermMatcher | None = None
        self._html: dict[tuple[str, str], str] = {}
        self._lock = threading.Lock()
        self._running = threading.Lock()  # one query at a time: a page and ``warm`` agree

    def fill(self, db: Session, html: str) -> str:
        """``html`` with its queries' results in place. ``db`` must read this run's index."""
        if _MARKER not in html:
            return html
        table: SqlTable | None = None

        def results(this: str, source: str) -> str:
            nonlocal table
            found = self._html.get((this, source))
            if found is not None:
                return found
            with self._running:
                found = self._html.get((this, source))
                if found is not None:
                    return found
                conn = db.connection()
                if self._directory is None:
                    self._directory = load_directory(conn)
                    self._matcher = _matcher(db)
                if table is None:
                    table = SqlTable(conn, self._directory)
                found = sanitize(query_html(source, table, this))
                if self._matcher is not None:
                    found = self._matcher.mark(found, note_path=this, mode=self._mode)
                with self._lock:
                    if len(self._html) >= _MAX_KEPT:
                        self._html.pop(next(iter(self._html)))
                    self._html[(this, source)] = found
            return found

        return fill_queries(html, results)


def warm(
    engine: Engine, kept: PerIndex[Results], mode: MarkMode, slugs: Iterable[str] | None
) -> None:
    """Run the queries of the pages ``slugs`` names (None: every page) over the index as it
    now stands. Blocking; for a thread."""
    with Session(engine) as db:
        results = kept.get(indexed_at(db), lambda: Results(mode))
        stmt = select(Note.html).where(Note.html.contains(_MARKER))
        if slugs is not None:
            wanted = list(slugs)
            if not wanted:
                return
            stmt = stmt.where(Note.slug.in_(wanted))
        for html in db.scalars(stmt):
            results.fill(db, html)


# The last matcher built, by the terms it marks: compiling it costs more than a query, and
# most index runs leave the glossary as it was.
_built: tuple[object, TermMatcher] | None = None
_building = threading.Lock()


def _matcher(db: Session) -> TermMatcher | None:
    """The glossary's matcher as the index run marked pages with (``ingest.pipeline``)."""
    global _built
    names: dict[int, list[str]] = {}
    for term_id, name in db.execute(
        select(TermAlias.term_id, TermAlias.name).order_by(TermAlias.id)
    ):
        names.setdefault(term_id, []).append(name)
    rows = db.execute(
        select(Term.id, Term.slug, Term.name, Term.line, Note.path)
        .join(Note, Note.id == Term.note_id)
        .where(Term.marked.is_(True), Term.empty.is_(False))
        .order_by(Term.id)
    ).all()
    marks = [MarkTerm(r.slug, [r.name, *names.get(r.id, ())], r.path, r.line) for r in rows]
    if not marks:
        return None
    key = tuple((m.slug, tuple(m.names)) for m in marks)
    with _building:
        if _built is not None and _built[0] == key:
            return _built[1].with_owners(marks)
        matcher = TermMatcher.build(marks)
        _built = (key, matcher)
    return matcher
