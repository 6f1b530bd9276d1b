"""Query results in the pages that hold them, worked out when a page is read.

Results depend on the whole index, so they are not stored with the page: each is run over
the index (``dataview.sqltable``) the first time a page shows it after an index run, and
kept for that run: ``Results`` belongs to one run's stamp (``PerIndex``), and two pages
showing one query (a note, and a note embedding it) run it once.
"""

from __future__ import annotations

import threading

from sqlalchemy.orm import Session

from studynotes.dataview.render import fill_queries, query_html
from studynotes.dataview.sqltable import Directory, SqlTable, load_directory
from studynotes.sanitize import sanitize

_MAX_KEPT = 2000  # results per index run; past this the oldest are dropped


class Results:
    """The results of queries over one index run."""

    def __init__(self) -> None:
        self._directory: Directory | None = None
        self._html: dict[tuple[str, str], str] = {}
        self._lock = threading.Lock()

    def fill(self, db: Session, html: str) -> str:
        """``html`` with its queries' results in place. ``db`` must read this run's index."""
        if "data-sn-source" not in html:
            return html
        conn = db.connection()
        table: SqlTable | None = None

        def results(this: str, source: str) -> str:
            nonlocal table
            found = self._html.get((this, source))
            if found is None:
                if table is None:
                    if self._directory is None:
                        self._directory = load_directory(conn)
                    table = SqlTable(conn, self._directory)
                found = sanitize(query_html(source, table, this))
                with self._lock:
                    if len(self._html) >= _MAX_KEPT:
                        self._html.pop(next(iter(self._html)))
                    self._html[(this, source)] = found
            return found

        return fill_queries(html, results)
