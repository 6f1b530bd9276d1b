"""Server-sent events: open pages learn which notes changed and update themselves."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

KEEPALIVE_SECONDS = 15.0


@dataclass(slots=True)
class Broker:
    """Fans each change out to every open page."""

    _queues: set[asyncio.Queue[str]] = field(default_factory=set)
    closed: asyncio.Event = field(default_factory=asyncio.Event)

    def publish(self, *, changed: list[str], deleted: list[str]) -> None:
        if not changed and not deleted:
            return
        message = json.dumps({"slugs": changed, "deleted": deleted}, ensure_ascii=False)
        for queue in list(self._queues):
            queue.put_nowait(message)

    @property
    def listeners(self) -> int:
        return len(self._queues)

    async def stream(self) -> AsyncIterator[str]:
        """SSE frames for one client until the server shuts down or the client leaves."""
        queue: asyncio.Queue[str] = asyncio.Queue(maxsize=100)
        self._queues.add(queue)
        try:
            yield "retry: 2000\n\n"
            while not self.closed.is_set():
                try:
                    message = await asyncio.wait_for(queue.get(), KEEPALIVE_SECONDS)
                except TimeoutError:
                    yield ": keepalive\n\n"
                    continue
                yield f"data: {message}\n\n"
        finally:
            self._queues.discard(queue)

    def close(self) -> None:
        self.closed.set()
        for queue in list(self._queues):
            queue.put_nowait(json.dumps({"slugs": [], "deleted": []}))
