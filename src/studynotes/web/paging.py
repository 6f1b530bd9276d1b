"""Pages of the JSON lists: ``limit`` (bounded), an opaque ``cursor``, and a ``Link`` header.

A list answers at most ``MAX_LIMIT`` items, whatever the vault's size; the ``Link`` header's
``rel="next"`` URL asks for the items after the last one sent. The cursor is the sort key
of that item, so a page stays right when notes come and go between two requests.
"""

from __future__ import annotations

import base64
import binascii
from bisect import bisect_right
from collections.abc import Callable, Sequence
from typing import Annotated, TypeVar

from fastapi import Query, Request, Response

__all__ = [
    "DEFAULT_LIMIT",
    "MAX_LIMIT",
    "BadCursor",
    "Cursor",
    "Limit",
    "decode",
    "encode",
    "link_next",
    "page_of",
]

DEFAULT_LIMIT = 500
MAX_LIMIT = 1000

T = TypeVar("T")

Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT, description="items per page")]
# Unpadded URL-safe base64: anything of this shape decodes, so the schema says it all.
_CURSOR = r"^(?:[A-Za-z0-9_-]{4})*(?:[A-Za-z0-9_-]{2,3})?$"
Cursor = Annotated[
    str | None,
    Query(max_length=2048, pattern=_CURSOR, description="from the previous page's Link header"),
]


class BadCursor(ValueError):
    """A cursor this server did not hand out."""


def encode(key: str) -> str:
    return base64.urlsafe_b64encode(key.encode()).decode().rstrip("=")


def decode(cursor: str | None) -> str | None:
    if cursor is None:
        return None
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        return raw.decode(errors="replace")  # a key, only compared: never fails on bytes
    except (binascii.Error, ValueError) as exc:
        raise BadCursor(f"not a cursor: {cursor[:40]!r}") from exc


def page_of(
    items: Sequence[T], key: Callable[[T], str], after: str | None, limit: int
) -> tuple[list[T], str | None]:
    """The ``limit`` items after ``after`` in ``items`` (sorted by ``key``), and the key to
    continue from when more remain."""
    start = 0 if after is None else bisect_right([key(i) for i in items], after)
    chunk = list(items[start : start + limit])
    more = start + limit < len(items)
    return chunk, (key(chunk[-1]) if more and chunk else None)


def link_next(request: Request, response: Response, last: str | None, limit: int) -> None:
    """Say where the next page is, when there is one."""
    if last is None:
        return
    url = request.url.include_query_params(cursor=encode(last), limit=limit)
    response.headers["Link"] = f'<{url.path}?{url.query}>; rel="next"'
