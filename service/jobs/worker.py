"""The ingestion worker: claims queued articles and runs each through the pipeline."""

from __future__ import annotations

import asyncio
import contextlib
import os
from concurrent.futures import Executor

import asyncpg
import httpx
import structlog

from service import log
from service.articles import ingest
from service.config import Settings
from service.jobs import queue

logger = log.get(__name__)

# How much lower than the event loop's the parse processes' CPU priority is (0..19).
POOL_NICENESS = 10


def lower_priority() -> None:
    """Initialiser of the parse/extract processes: the event loop gets the CPU first, so API
    requests and queue work stay quick while every core parses; idle cores still go to parsing."""
    with contextlib.suppress(OSError):
        os.nice(POOL_NICENESS)


class Worker:
    """Runs up to `settings.worker_concurrency` jobs at once until `stop()`.

    LISTEN/NOTIFY wakes it as soon as an article is queued; polling every
    `poll_interval` seconds is the fallback when a notification is lost.
    """

    def __init__(
        self,
        *,
        pool: asyncpg.Pool,
        client: httpx.AsyncClient,
        executor: Executor,
        settings: Settings,
    ) -> None:
        self.pool = pool
        self.client = client
        self.executor = executor
        self.settings = settings
        self._wake = asyncio.Event()
        self._stopping = asyncio.Event()
        self._running: set[asyncio.Task[None]] = set()
        self._listener: asyncpg.Connection | None = None

    def _notified(self, *_: object) -> None:
        self._wake.set()

    async def _listen(self) -> None:
        try:
            self._listener = await self.pool.acquire()
            await self._listener.add_listener(queue.CHANNEL, self._notified)
        except (OSError, asyncpg.PostgresError) as exc:
            logger.warning("listen unavailable, polling only", error=str(exc))
            self._listener = None

    async def _unlisten(self) -> None:
        if self._listener is not None:
            with contextlib.suppress(Exception):
                await self._listener.remove_listener(queue.CHANNEL, self._notified)
            await self.pool.release(self._listener)
            self._listener = None

    async def run(self) -> None:
        await self._listen()
        settings = self.settings
        try:
            while not self._stopping.is_set():
                self._wake.clear()
                free = settings.worker_concurrency - len(self._running)
                jobs: list[queue.Job] = []
                if free > 0:
                    try:
                        async with self.pool.acquire() as conn:
                            await queue.reap(conn)
                            jobs = await queue.claim(
                                conn, limit=free, lease_seconds=settings.lease_seconds
                            )
                    except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError) as exc:
                        logger.warning("claim failed", error=str(exc))
                for job in jobs:
                    task = asyncio.create_task(self._run_job(job))
                    self._running.add(task)
                    task.add_done_callback(self._job_done)
                if jobs and len(jobs) == free:
                    continue
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(settings.poll_interval):
                        await self._wake.wait()
        finally:
            await self._unlisten()
            if self._running:
                await asyncio.gather(*self._running, return_exceptions=True)

    def _job_done(self, task: asyncio.Task[None]) -> None:
        self._running.discard(task)
        self._wake.set()

    async def _run_job(self, job: queue.Job) -> None:
        with structlog.contextvars.bound_contextvars(
            article_id=job.article_id, attempt=job.attempt
        ):
            heartbeat = asyncio.create_task(self._heartbeat(job))
            try:
                await ingest.process(
                    pool=self.pool,
                    client=self.client,
                    executor=self.executor,
                    settings=self.settings,
                    article_id=job.article_id,
                    lease=job.lease,
                )
            except asyncio.CancelledError:
                with contextlib.suppress(Exception):
                    async with self.pool.acquire() as conn:
                        await queue.release(conn, job)
                raise
            except Exception:
                # The lease runs out and the job is tried again; the worker goes on.
                logger.exception("job crashed")
            finally:
                heartbeat.cancel()

    async def _heartbeat(self, job: queue.Job) -> None:
        interval = self.settings.lease_seconds / 3
        while True:
            await asyncio.sleep(interval)
            with contextlib.suppress(Exception):
                async with self.pool.acquire() as conn:
                    await queue.renew(conn, job, lease_seconds=self.settings.lease_seconds)

    def stop(self) -> None:
        self._stopping.set()
        self._wake.set()
