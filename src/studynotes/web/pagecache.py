"""Finished note pages kept in memory, so a page read twice is rendered once.

The index changes only when the vault does, so a rendered page stays right until the next
index run. Each entry carries an ETag (for 304 answers) and a gzip copy. The cache is
bounded by bytes and forgets the least recently read pages first; any index run, by the
watcher or by another process (seen through the index's own timestamp), empties it.
"""

from __future__ import annotations

import gzip
import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import Engine, select

from studynotes.db.models import Meta

CHECK_SECONDS = 1.0


@dataclass(slots=True, frozen=True)
class CachedPage:
    body: bytes
    gzipped: bytes
    etag: str


class PageCache:
    def __init__(self, engine: Engine, *, max_bytes: int = 64 * 1024 * 1024) -> None:
        self._engine = engine
        self._max = max_bytes
        self._pages: OrderedDict[str, CachedPage] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()
        self._stamp: str | None = None

    def _indexed_at(self) -> str | None:
        with self._engine.connect() as conn:
            return conn.execute(select(Meta.value).where(Meta.key == "indexed_at")).scalar()

    def check(self) -> None:
        """Empty the cache when the index was rewritten since we last looked. Blocking: the
        app calls it from a thread every ``CHECK_SECONDS``, never on the event loop."""
        stamp = self._indexed_at()
        if stamp != self._stamp:
            self.clear()
            self._stamp = stamp

    def clear(self) -> None:
        with self._lock:
            self._pages.clear()
            self._bytes = 0

    def get(self, key: str) -> CachedPage | None:
        with self._lock:
            page = self._pages.get(key)
            if page is not None:
                self._pages.move_to_end(key)
            return page

    def fill(self, key: str, render: Callable[[], bytes]) -> CachedPage:
        body = render()
        digest = hashlib.blake2b(body, digest_size=12).hexdigest()
        page = CachedPage(body, gzip.compress(body, compresslevel=5), f'"{digest}"')
        size = len(page.body) + len(page.gzipped)
        if size > self._max // 4:
            return page
        with self._lock:
            old = self._pages.pop(key, None)
            if old is not None:
                self._bytes -= len(old.body) + len(old.gzipped)
            self._pages[key] = page
            self._bytes += size
            while self._bytes > self._max and self._pages:
                _, dropped = self._pages.popitem(last=False)
                self._bytes -= len(dropped.body) + len(dropped.gzipped)
        return page

    @property
    def size(self) -> int:
        return len(self._pages)
