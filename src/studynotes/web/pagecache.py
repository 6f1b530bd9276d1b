"""Finished note pages kept in memory, so a page read twice is rendered once.

The index changes only when the vault does, so a rendered page stays right until the next
index run. Each entry carries an ETag (for 304 answers) and, once a client asks for it, a
gzip copy. The cache is bounded by bytes and forgets the least recently read pages first;
any index run, by the watcher or by another process (seen through the index's own
timestamp), empties it. ``PerIndex`` keeps what every page shares (the glossary) for as
long as the index it came from.
"""

from __future__ import annotations

import gzip
import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

from sqlalchemy import Engine, select

from studynotes.db.models import Meta

CHECK_SECONDS = 1.0

T = TypeVar("T")


@dataclass(slots=True)
class CachedPage:
    body: bytes
    etag: str
    gzipped: bytes | None = None  # made on the first request that accepts gzip

    @property
    def size(self) -> int:
        return len(self.body) + len(self.gzipped or b"")


class PageCache:
    def __init__(self, engine: Engine, *, max_bytes: int = 64 * 1024 * 1024) -> None:
        self._engine = engine
        self._max = max_bytes
        self._pages: OrderedDict[str, CachedPage] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()
        self._stamp: str | None = None
        self._generation = 0

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
            self._generation += 1

    @property
    def generation(self) -> int:
        """Changes with every ``clear``: read it before reading the index for a page."""
        return self._generation

    def get(self, key: str) -> CachedPage | None:
        with self._lock:
            page = self._pages.get(key)
            if page is not None:
                self._pages.move_to_end(key)
            return page

    def fill(self, key: str, body: bytes, *, generation: int) -> CachedPage:
        """Keep ``body``, unless the cache was emptied since ``generation`` was read: the
        page may then come from the index as it was before the run that emptied it."""
        digest = hashlib.blake2b(body, digest_size=12).hexdigest()
        page = CachedPage(body, f'"{digest}"')
        if page.size > self._max // 4:
            return page
        with self._lock:
            if generation != self._generation:
                return page
            old = self._pages.pop(key, None)
            if old is not None:
                self._bytes -= old.size
            self._pages[key] = page
            self._bytes += page.size
            self._shrink()
        return page

    def compress(self, key: str, page: CachedPage) -> CachedPage:
        """``page`` with its gzip copy, made now if it has none yet. Blocking."""
        if page.gzipped is not None:
            return page
        zipped = gzip.compress(page.body, compresslevel=5)
        with self._lock:
            if page.gzipped is None:
                page.gzipped = zipped
                if self._pages.get(key) is page:
                    self._bytes += len(zipped)
                    self._shrink()
        return page

    def _shrink(self) -> None:
        while self._bytes > self._max and self._pages:
            _, dropped = self._pages.popitem(last=False)
            self._bytes -= dropped.size

    @property
    def size(self) -> int:
        return len(self._pages)


class PerIndex(Generic[T]):
    """One value derived from the whole index, kept until the index changes.

    Callers pass the stamp they read (``views.indexed_at``) in the same session as the rest
    of their data, so a value never outlives its index run, however soon after a run they
    ask. The last two are kept: requests that began just before a run still finish."""

    def __init__(self, *, keep: int = 2) -> None:
        self._keep = keep
        self._values: OrderedDict[str | None, T] = OrderedDict()
        self._lock = threading.Lock()
        # One build at a time: the first views after a run come together, and each would
        # otherwise build the same value.
        self._building = threading.Lock()

    def get(self, stamp: str | None, build: Callable[[], T]) -> T:
        """The value for the index run ``stamp``; ``build`` makes it when it is new."""
        with self._lock:
            if stamp in self._values:
                return self._values[stamp]
        with self._building:
            with self._lock:
                if stamp in self._values:
                    return self._values[stamp]
            value = build()
            with self._lock:
                self._values[stamp] = value
                while len(self._values) > self._keep:
                    self._values.popitem(last=False)
        return value
