"""This process among the others serving one database (``serve --workers N``, or two
servers over one PostgreSQL database): one of them watches the vault and re-indexes, and
every one of them tells its open pages what changed.

The watcher is whoever holds the ``watch`` lock (``db.locks``); the others try again every
few seconds, so when the watching process ends another takes over. Runs are announced
through ``db.changes``: on PostgreSQL a ``NOTIFY`` wakes the others at once; on SQLite they
read the index's stamp every second.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable

from sqlalchemy import Engine

from studynotes.config import Settings
from studynotes.db import changes, locks
from studynotes.db.session import page_reader
from studynotes.ingest.report import IndexReport
from studynotes.ingest.watch import watch_vault
from studynotes.web.live import Broker
from studynotes.web.pagecache import CHECK_SECONDS, PageCache

log = logging.getLogger("studynotes.peers")

RETRY_WATCH_SECONDS = 5.0


class Peers:
    def __init__(
        self,
        settings: Settings,
        engine: Engine,
        cache: PageCache,
        broker: Broker,
        *,
        after: Callable[[list[str] | None], None] | None = None,
    ) -> None:
        self._settings = settings
        # Blocking work after each index run, off the event loop (the pages it changed;
        # None: all of them): ``views.queries.warm``.
        self._after = after
        self._after_tasks: set[asyncio.Task[None]] = set()
        self._engine = engine
        # The stamp read every second runs outside a transaction, like a page's reads: on
        # PostgreSQL ending a transaction drops the connection's prepared statements, and
        # pages then planned their statements anew (a third of the server's work a page).
        self._reader = page_reader(engine)
        self._cache = cache
        self._broker = broker
        self._own: set[str] = set()  # runs this process announced (its pages know already)
        self._seen: str | None = None
        self._held: locks.Held | None = None
        self._watcher: asyncio.Task[None] | None = None
        self._announcing: set[asyncio.Task[None]] = set()

    @property
    def watching(self) -> bool:
        return self._held is not None

    def _publish(self, report: IndexReport) -> None:
        """After a run by this process's watcher: its own pages now, the others' next."""
        self._cache.clear()
        self._broker.publish(changed=report.changed, deleted=report.deleted)
        self._then(report.changed)
        if report.changed or report.deleted:
            task = asyncio.create_task(self._announce(report.changed, report.deleted))
            self._announcing.add(task)
            task.add_done_callback(self._announcing.discard)

    async def _announce(self, changed: list[str], deleted: list[str]) -> None:
        try:
            at = await asyncio.to_thread(changes.announce, self._engine, changed, deleted)
        except Exception:
            log.exception("could not tell the other workers about a re-index")
            return
        if at is not None:
            self._own.add(at)

    def _read(self) -> changes.Changes | None:
        """Blocking: notice runs by other processes (empties the cache), and what they
        changed."""
        self._cache.check()
        with self._reader.connect() as conn:
            return changes.last_changes(conn)

    async def run(self, stop: asyncio.Event, *, watch: bool) -> None:
        """Until ``stop``: watch the vault if no other process does, and follow the index."""
        listener: changes.Listener | None = None
        with contextlib.suppress(Exception):
            listener = await asyncio.to_thread(changes.Listener, self._engine)
        with contextlib.suppress(Exception):
            first = await asyncio.to_thread(self._read)
            self._seen = first.at if first else None
        self._then(None)
        since_try = RETRY_WATCH_SECONDS
        try:
            while not stop.is_set():
                if watch and self._held is None and since_try >= RETRY_WATCH_SECONDS:
                    since_try = 0.0
                    with contextlib.suppress(Exception):
                        self._held = await asyncio.to_thread(
                            locks.try_hold, self._engine, locks.WATCH
                        )
                    if self._held is not None:
                        self._watcher = asyncio.create_task(
                            watch_vault(self._settings, self._engine, self._publish, stop)
                        )
                with contextlib.suppress(Exception):
                    self._follow(await asyncio.to_thread(self._read))
                if listener is not None and listener.listening:
                    await asyncio.to_thread(listener.wait, CHECK_SECONDS)
                else:
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(stop.wait(), CHECK_SECONDS)
                since_try += CHECK_SECONDS
        finally:
            await self._close(listener)

    def _follow(self, last: changes.Changes | None) -> None:
        if last is None or last.at == self._seen:
            return
        self._seen = last.at
        if last.at not in self._own:
            self._cache.clear()
            self._broker.publish(changed=last.changed, deleted=last.deleted)
            self._then(last.changed)

    def _then(self, changed: list[str] | None) -> None:
        if self._after is None:
            return
        task = asyncio.create_task(asyncio.to_thread(self._after_safely, changed))
        self._after_tasks.add(task)
        task.add_done_callback(self._after_tasks.discard)

    def _after_safely(self, changed: list[str] | None) -> None:
        try:
            assert self._after is not None
            self._after(changed)
        except Exception:
            log.exception("could not work out the changed pages' query results")

    async def _close(self, listener: changes.Listener | None) -> None:
        for task in [self._watcher, *self._announcing, *self._after_tasks]:
            if task is not None:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await task
        if listener is not None:
            listener.close()
        if self._held is not None:
            self._held.release()
            self._held = None
