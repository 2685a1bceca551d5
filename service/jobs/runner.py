"""A worker with everything it needs: the fetcher, the parse process pool, the pipeline."""

from __future__ import annotations

import asyncio
import functools
import multiprocessing
import os
from collections.abc import AsyncIterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import asynccontextmanager

import asyncpg

from service.articles import ingest
from service.config import Settings
from service.fetch import Fetcher
from service.jobs.worker import Worker


async def parse_pool(processes: int) -> ProcessPoolExecutor:
    """A started pool of parse processes."""
    context = multiprocessing.get_context("forkserver")
    # Parse processes fork from a server that has the parser imported already.
    context.set_forkserver_preload(["service.articles.ingest"])
    executor = ProcessPoolExecutor(max_workers=processes, mp_context=context)
    # Start one now, so the first job (and a job racing a shutdown) does not pay for it.
    await asyncio.get_running_loop().run_in_executor(executor, ingest.ready)
    return executor


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
