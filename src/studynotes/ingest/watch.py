"""Watch the vault and re-index what changed, telling open pages about it."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

from sqlalchemy import Engine
from watchfiles import awatch

from studynotes.config import Settings
from studynotes.ingest.pipeline import IndexState, index_vault, warm_state
from studynotes.ingest.report import IndexReport

log = logging.getLogger("studynotes.watch")

Publish = Callable[[IndexReport], None]


def _relevant(change: tuple[object, str]) -> bool:
    """Hidden files and folders (.obsidian, .git, editors' swap files) never matter."""
    path = change[1]
    return not any(part.startswith(".") for part in path.replace("\\", "/").split("/")[1:])


async def watch_vault(
    settings: Settings, engine: Engine, publish: Publish, stop: asyncio.Event
) -> None:
    """Re-index after each burst of changes; never lets a failed run stop the watcher."""
    root = settings.vault.resolve()
    state = IndexState()
    warming = asyncio.create_task(asyncio.to_thread(warm_state, settings, engine, state))
    async for changes in awatch(root, stop_event=stop, debounce=50, step=20, recursive=True):
        if not any(_relevant((c, p[len(str(root)) :])) for c, p in changes):
            continue
        try:
            await warming  # changes seen meanwhile are handled right after
        except Exception:  # a cold state only makes this re-index slower
            log.exception("could not prepare for fast re-indexing")
            state = IndexState()
        try:
            report = await asyncio.to_thread(index_vault, settings, engine, state=state)
        except Exception:  # keep serving the last good index
            log.exception("re-indexing after a change failed")
            continue
        publish(report)
