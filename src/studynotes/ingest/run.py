"""The worker processes and scratch folder of one index run.

Small runs (a note edited, the server's watcher) parse and render in the calling process;
a run of at least ``POOL_THRESHOLD`` notes spreads both over a pool of worker processes
and keeps whole parses in scratch files, so the calling process holds only facts.
"""

from __future__ import annotations

import pickle
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from itertools import islice
from pathlib import Path
from typing import TypeVar

from sqlalchemy import Engine

from studynotes.ingest.pool import make_pool
from studynotes.ingest.report import Progress
from studynotes.ingest.resolve import ResolvedLink
from studynotes.ingest.scratch import Scratch
from studynotes.ingest.work import (
    Parsed,
    ParseJob,
    RenderChunk,
    Rendered,
    Renderer,
    parse_file,
    parse_in_worker,
    render_chunk,
)
from studynotes.paths import VaultPath

POOL_THRESHOLD = 64
_RENDER_CHUNK = 32
_T = TypeVar("_T")
_R = TypeVar("_R")


class Run:
    """The worker pool and scratch folder of one index run, made only when the run is big
    enough to need them, and gone when it ends."""

    def __init__(self, workers: int, engine: Engine) -> None:
        self.workers = workers
        self.engine = engine
        self._pool: ProcessPoolExecutor | None = None
        self._scratch: Scratch | None = None

    def __enter__(self) -> Run:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)
        if self._scratch is not None:
            self._scratch.remove()

    @property
    def scratch(self) -> Scratch:
        if self._scratch is None:
            url = self.engine.url
            db = url.database if url.get_backend_name() == "sqlite" else None
            if _in_memory(self.engine) or not db:
                near = None
            else:  # the database's own folder (see index_lock for file: URLs)
                near = Path(db.removeprefix("file:").split("?")[0]).expanduser().parent
            self._scratch = Scratch.create(near)
        return self._scratch

    def pool(self) -> ProcessPoolExecutor:
        if self._pool is None:
            self._pool = make_pool(self.workers)
        return self._pool

    def parallel(self, count: int) -> bool:
        return self.workers > 1 and count >= POOL_THRESHOLD

    def parse(self, jobs: list[ParseJob], progress: Progress | None) -> Iterator[Parsed]:
        """Parse ``jobs``; a big run keeps whole parses in scratch files and returns facts."""
        total = len(jobs)
        big = total >= POOL_THRESHOLD
        if self.parallel(total):
            folder = self.scratch.folder
            for job in jobs:
                job.scratch = folder
            chunk = max(1, min(64, total // (self.workers * 8)))
            outcomes = self.pool().map(parse_in_worker, jobs, chunksize=chunk)
        else:
            scratch = self.scratch if big else None
            outcomes = (parse_file(job, scratch) for job in jobs)
        for done, outcome in enumerate(outcomes, 1):
            if progress:
                progress(done, total)
            yield outcome

    def render(
        self,
        renderer: Renderer,
        paths: Sequence[VaultPath],
        fresh: set[VaultPath],
        resolved: dict[VaultPath, list[ResolvedLink]],
    ) -> Iterator[Rendered]:
        """Every note in ``paths`` rendered, in order, spread over the workers when many."""
        chunks = [paths[i : i + _RENDER_CHUNK] for i in range(0, len(paths), _RENDER_CHUNK)]
        depth = renderer.context.embed_depth
        if not self.parallel(len(paths)) or _in_memory(self.engine):
            for part in chunks:
                links = _links_for(part, resolved, depth)
                yield from renderer.render(part, [p in fresh for p in part], links)
            return
        context = renderer.context
        renderer.attach(self.scratch)
        for path, note in renderer.take_fresh().items():  # workers read them from scratch
            context.where[path] = self.scratch.put(note)
        context.scratch = self.scratch.folder
        context.db_url = self.engine.url.render_as_string(hide_password=False)
        file = Path(self.scratch.folder) / f"context-{time.monotonic_ns()}.pickle"
        file.write_bytes(pickle.dumps(context, protocol=pickle.HIGHEST_PROTOCOL))
        tasks = (
            RenderChunk(str(file), list(part), [p in fresh for p in part],
                        _links_for(part, resolved, depth))
            for part in chunks
        )  # fmt: skip
        for done in _bounded_map(self.pool(), render_chunk, tasks, self.workers * 4):
            yield from done


def _bounded_map(
    pool: ProcessPoolExecutor, fn: Callable[[_T], _R], items: Iterable[_T], window: int
) -> Iterator[_R]:
    """``pool.map`` that keeps at most ``window`` items in flight, so results wait in memory
    only as long as the consumer (the database writer) is behind by that much."""
    pending: deque[Future[_R]] = deque()
    todo = iter(items)
    for item in islice(todo, window):
        pending.append(pool.submit(fn, item))
    while pending:
        result = pending.popleft().result()
        for item in islice(todo, 1):
            pending.append(pool.submit(fn, item))
        yield result


def _in_memory(engine: Engine) -> bool:
    """Workers cannot read an in-memory database's stored parses."""
    url = engine.url
    return url.get_backend_name() == "sqlite" and url.database in (None, "", ":memory:")


def _links_for(
    paths: Iterable[VaultPath], resolved: dict[VaultPath, list[ResolvedLink]], depth: int
) -> dict[VaultPath, list[ResolvedLink]]:
    """The links of ``paths`` and of the notes they embed, as deep as embeds are followed."""
    out: dict[VaultPath, list[ResolvedLink]] = {}
    frontier = list(paths)
    for _ in range(depth + 1):
        following: list[VaultPath] = []
        for path in frontier:
            if path in out:
                continue
            links = out[path] = resolved.get(path, [])
            following += [
                link.path for link in links
                if link.raw.kind == "embed" and link.path is not None and link.is_note
            ]  # fmt: skip
        frontier = following
    return out
