"""The worker pool of a big index run, whose processes never outlive the process that made it.

Who holds whom, with the forkserver start method: the index process starts a fork server
(its child) and a resource tracker (its child); the workers are forked by the fork server,
so they are its children, not ours. The fork server stops when a pipe whose write end the
index process holds reaches end of file, but every worker inherits a copy of that write
end, and a worker waits on a task queue for ever. So when the index process was killed
with SIGKILL (the out-of-memory killer, a service manager), nothing ever ended: the
workers kept the fork server alive, the fork server and workers kept the tracker alive.

The remedy is on the workers' side, since nothing runs in a process that was SIGKILLed:
each worker watches the process that started it (``multiprocessing.parent_process()``,
whose sentinel is a pipe only that process writes to, so the kernel closes it however
that process ends) from a thread, and exits when it is gone. With the workers gone the
fork server's pipe and the tracker's reach end of file and both stop on their own.

``PR_SET_PDEATHSIG`` would not help: it follows the fork server, which outlives us here,
and killing the workers when the fork server alone dies would break a run that is fine.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import forkserver
from multiprocessing.process import BaseProcess
from typing import Any

# Workers fork from a server that has the parser loaded, not a fresh interpreter.
INDEXER_MODULES = ("studynotes.ingest.work",)
_PRELOAD = list(INDEXER_MODULES)


def start_server(preload: Sequence[str] = tuple(_PRELOAD)) -> None:
    """Start the fork server now, loading ``preload``, so that a pool made later (with the
    same modules) forks its workers at once instead of waiting for those imports: the
    caller goes on with other work meanwhile. Does nothing when the server is running."""
    multiprocessing.get_context("forkserver").set_forkserver_preload(list(preload))
    forkserver.ensure_running()


def make_pool(
    workers: int,
    *,
    preload: Sequence[str] = tuple(_PRELOAD),
    init: Callable[..., None] | None = None,
    initargs: tuple[Any, ...] = (),
) -> ProcessPoolExecutor:
    """``workers`` processes that end when the calling process ends, however it ends;
    each runs ``init(*initargs)`` first, when given."""
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(list(preload))
    if init is None:
        return ProcessPoolExecutor(workers, mp_context=ctx, initializer=_end_with_starter)
    return ProcessPoolExecutor(
        workers, mp_context=ctx, initializer=_start, initargs=(init, initargs)
    )


def _start(init: Callable[..., None], initargs: tuple[Any, ...]) -> None:
    _end_with_starter()
    init(*initargs)


def _end_with_starter() -> None:
    """Worker initializer: a thread that ends this worker once its starter has ended."""
    starter = multiprocessing.parent_process()
    if starter is None:  # not a child process: nothing to follow
        return
    threading.Thread(
        target=_exit_after, args=(starter,), name="end-with-starter", daemon=True
    ).start()


def _exit_after(starter: BaseProcess) -> None:
    starter.join()  # returns when the starter's end of the sentinel pipe is closed
    os._exit(1)  # at once: no one is left to want this worker's results
