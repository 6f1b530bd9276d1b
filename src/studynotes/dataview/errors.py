"""The one error a query reports: what went wrong, and where in the query."""

from __future__ import annotations


class QueryError(Exception):
    """A query that cannot be parsed or run; its message is shown to the reader."""

    def __init__(self, message: str, position: int | None = None, source: str = "") -> None:
        if position is not None and source:
            line = source.count("\n", 0, position) + 1
            column = position - (source.rfind("\n", 0, position) + 1) + 1
            message = f"{message} (line {line}, column {column})"
        super().__init__(message)
        self.message = message
