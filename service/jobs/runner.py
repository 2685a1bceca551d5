"""A worker with everything it needs: the fetcher, the parse process pool, the pipeline."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import multiprocessing
import os
import threading
from collections.abc import AsyncIterator, Callable
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from contextlib import asynccontextmanager
from typing import Any

import asyncpg

from service import db
from service.articles import ingest
from service.config import Settings
from service.fetch import Fetcher
from service.jobs.worker import Worker

# How much lower than the event loop's the parse processes' CPU priority is (0..19).
POOL_NICENESS = 10

# Pages a parse process reads before a fresh one takes over. The parser's caches and the
# allocator's high-water mark after a large page grow a process by tens of MB over
# thousands of pages; a process from the forkserver starts in milliseconds.
PAGES_PER_PROCESS = 500


def lower_priority() -> None:
    """Initialiser of the parse processes: the event loop gets the CPU first, so API requests
    and queue work stay quick while every core parses; idle cores still go to parsing."""
    with contextlib.suppress(OSError):
        os.nice(POOL_NICENESS)


class RenewedPool(Executor):
    """A process pool handed over to fresh processes after every `tasks` submissions.

    The pool being replaced finishes what it was given and then lets its processes go, so no
    job waits for the swap; its jobs are awaited by whoever submitted them, so shutting down
    the current pool is all a stop needs. (ProcessPoolExecutor's own `max_tasks_per_child`
    can hang the pool on Python 3.11 when a process is replaced while others are busy.)
    """

    def __init__(self, make: Callable[[], ProcessPoolExecutor], tasks: int) -> None:
        self._make = make
        self._tasks = tasks
        self._lock = threading.Lock()
        self._current = make()
        self._given = 0

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        with self._lock:
            if self._given >= self._tasks:
                old, self._current, self._given = self._current, self._make(), 0
                old.shutdown(wait=False)
            self._given += 1
            return self._current.submit(fn, *args, **kwargs)

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        with self._lock:
            current = self._current
        current.shutdown(wait=wait, cancel_futures=cancel_futures)


async def parse_pool(processes: int, *, pages_per_process: int = PAGES_PER_PROCESS) -> Executor:
    """A started pool of parse processes, renewed every `pages_per_process` pages each."""
    context = multiprocessing.get_context("forkserver")
    # Parse processes fork from a server that has the parser imported already.
    context.set_forkserver_preload(["service.articles.ingest"])
    executor = RenewedPool(
        functools.partial(
            ProcessPoolExecutor,
            max_workers=processes,
            mp_context=context,
            initializer=lower_priority,
        ),
        tasks=pages_per_process * processes,
    )
    # Start one now, so the first job (and a job racing a shutdown) does not pay for it.
    await asyncio.get_running_loop().run_in_executor(executor, ingest.ready)
    return executor


def worker_pool(
    url: str, settings: Settings
) -> contextlib.AbstractAsyncContextManager[asyncpg.Pool]:
    """The worker's own pool, so that jobs never take the connections requests need: a running
    job's connection and its lease heartbeat each, claiming, and one held for LISTEN (the
    budget in deploy/README.md)."""
    return db.service_pool(url, settings, min_size=1, max_size=settings.worker_concurrency * 2 + 2)


@asynccontextmanager
async def running_worker(pool: asyncpg.Pool, settings: Settings) -> AsyncIterator[Worker]:
    """Start a worker; on exit stop it (grace period included) and close what it used."""
    executor = await parse_pool(settings.parse_processes or os.cpu_count() or 1)
    fetcher = Fetcher.from_settings(settings)
    handle = functools.partial(
        ingest.process, pool=pool, fetcher=fetcher, executor=executor, settings=settings
    )
    worker = Worker(pool=pool, handle=handle, settings=settings)
    worker.executor = executor
    task = worker.start()
    try:
        yield worker
    finally:
        worker.stop()
        await task
        await fetcher.aclose()
        executor.shutdown(wait=True, cancel_futures=True)
