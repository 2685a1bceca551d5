"""The worker: claims queued articles and runs each through a handler, surviving what fails.

LISTEN/NOTIFY wakes it as soon as an article is queued; polling every `poll_interval`
seconds is the fallback, so a notification lost with a dropped LISTEN connection costs at
most one interval while the listener reconnects. A heartbeat renews each lease; a job whose
lease is lost is cancelled, since nothing it writes would count. On stop (SIGTERM) it
claims nothing more, lets running jobs finish for `shutdown_grace` seconds, then cancels
the rest and hands them back to the queue.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import os
import socket
from collections.abc import Awaitable, Callable, Coroutine
from concurrent.futures import Executor

import asyncpg
import structlog

from service import log
from service.config import Settings
from service.db import DATABASE_ERRORS
from service.jobs import queue
from service.listen import keep_listening

logger = log.get(__name__)

Handler = Callable[[queue.Job], Awaitable[object]]
_numbers = itertools.count(1)


class Worker:
    """Runs up to `settings.worker_concurrency` jobs at once until `stop()`."""

    def __init__(
        self,
        *,
        pool: asyncpg.Pool,
        handle: Handler,
        settings: Settings,
        name: str | None = None,
    ) -> None:
        self.pool = pool
        self.handle = handle
        self.settings = settings
        # The parse processes the worker runs jobs in, shared with the API's reprocessing.
        self.executor: Executor | None = None
        self.policy = queue.RetryPolicy.of(settings)
        self.name = name or f"{socket.gethostname()}:{os.getpid()}:{next(_numbers)}"
        self._wake = asyncio.Event()
        self._stopping = asyncio.Event()
        self._running: dict[asyncio.Task[None], queue.Job] = {}
        self._loop: asyncio.AbstractEventLoop | None = None
        self.listening = asyncio.Event()  # set while a LISTEN connection is up
        self.task: asyncio.Task[None] | None = None

    def start(self) -> asyncio.Task[None]:
        self.task = asyncio.create_task(self.run())
        return self.task

    # -- stopping -------------------------------------------------------------------------

    def stop(self) -> None:
        """Stop claiming and wind down. Safe to call from a signal handler or another thread."""
        if self._loop is not None and self._loop.is_running():
            self._loop.call_soon_threadsafe(self._stop)
        else:
            self._stop()

    def _stop(self) -> None:
        self._stopping.set()
        self._wake.set()

    # -- the loop -------------------------------------------------------------------------

    async def run(self) -> None:
        self._loop = asyncio.get_running_loop()
        listener = asyncio.create_task(self._keep_listening())
        try:
            while not self._stopping.is_set():
                self._wake.clear()
                claimed = await self._claim()
                if claimed and len(self._running) < self.settings.worker_concurrency:
                    continue  # there may be more waiting: claim again at once
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(self.settings.poll_interval):
                        await self._wake.wait()
        finally:
            listener.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await listener
            await self._wind_down()

    async def _claim(self) -> int:
        free = self.settings.worker_concurrency - len(self._running)
        if free <= 0:
            return 0
        try:
            async with self.pool.acquire(timeout=self.settings.db_acquire_timeout) as conn:
                await queue.reap(conn, max_attempts=self.policy.max_attempts)
                jobs = await queue.claim(
                    conn,
                    limit=free,
                    lease_seconds=self.settings.lease_seconds,
                    worker=self.name,
                )
        except DATABASE_ERRORS as exc:
            # The database is away: keep polling; the pool reconnects when it is back.
            logger.warning("claim failed", error=str(exc) or type(exc).__name__)
            return 0
        for job in jobs:
            task = asyncio.create_task(self._run_job(job))
            self._running[task] = job
            task.add_done_callback(self._job_done)
        return len(jobs)

    def _job_done(self, task: asyncio.Task[None]) -> None:
        self._running.pop(task, None)
        self._wake.set()

    async def _wind_down(self) -> None:
        if not self._running:
            return
        grace = self.settings.shutdown_grace
        logger.info("stopping: waiting for running jobs", jobs=len(self._running), grace=grace)
        _, pending = await asyncio.wait(list(self._running), timeout=grace)
        for task in pending:
            task.cancel()  # _run_job hands the job back to the queue
        if pending:
            logger.warning("stopping: handing back unfinished jobs", jobs=len(pending))
            await asyncio.gather(*pending, return_exceptions=True)

    # -- one job --------------------------------------------------------------------------

    async def _run_job(self, job: queue.Job) -> None:
        with structlog.contextvars.bound_contextvars(
            article_id=job.article_id, attempt=job.attempt, worker=self.name
        ):
            lost = asyncio.Event()
            heartbeat = asyncio.create_task(self._heartbeat(job, lost, asyncio.current_task()))
            try:
                await self.handle(job)
            except asyncio.CancelledError:
                if not lost.is_set():
                    await self._hand_back(job)
                raise
            except Exception as exc:
                logger.exception("job crashed")
                await self._settle_crash(job, exc)
            finally:
                heartbeat.cancel()

    async def _hand_back(self, job: queue.Job) -> None:
        try:
            async with asyncio.timeout(5), self.pool.acquire() as conn:
                await queue.release(conn, job)
        except Exception as exc:  # the lease runs out and the reaper does it instead
            logger.warning("hand back failed", error=str(exc) or type(exc).__name__)

    async def _settle_crash(self, job: queue.Job, exc: Exception) -> None:
        """A bug or a lost database mid-job: try again later, like any transient failure."""
        try:
            async with asyncio.timeout(5), self.pool.acquire() as conn:
                await queue.settle_failure(
                    conn,
                    job,
                    code="internal_error",
                    message=f"{type(exc).__name__}: {exc}",
                    permanent=False,
                    policy=self.policy,
                )
        except Exception as again:  # the lease runs out and the reaper requeues it
            logger.warning("could not record the crash", error=str(again) or type(again).__name__)

    async def _heartbeat(
        self, job: queue.Job, lost: asyncio.Event, job_task: asyncio.Task[None] | None
    ) -> None:
        interval = self.settings.lease_seconds / 3
        while True:
            await asyncio.sleep(interval)
            try:
                async with self.pool.acquire(timeout=interval) as conn:
                    held = await queue.renew(conn, job, lease_seconds=self.settings.lease_seconds)
            except DATABASE_ERRORS as exc:
                logger.warning("heartbeat failed", error=str(exc) or type(exc).__name__)
                continue
            if not held:
                # Reaped and maybe claimed by another worker: whatever this one writes is void.
                logger.warning("lease lost; abandoning the job")
                lost.set()
                if job_task is not None:
                    job_task.cancel()
                return

    # -- LISTEN ---------------------------------------------------------------------------

    def _listening(self, conn: asyncpg.Connection | None) -> None:
        if conn is None:
            self.listening.clear()
        else:
            self.listening.set()
            self._wake.set()  # anything queued while we were deaf

    def _keep_listening(self) -> Coroutine[None, None, None]:
        """A LISTEN connection for as long as the worker runs. Polling covers its gaps."""
        return keep_listening(
            self.pool, queue.CHANNEL, self._wake.set, self._listening,
            acquire_timeout=self.settings.db_acquire_timeout,
            retry_every=self.settings.poll_interval,
        )  # fmt: skip
