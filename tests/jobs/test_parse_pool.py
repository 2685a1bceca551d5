"""The parse pool hands over to fresh processes as it goes, and loses no job doing so."""

from __future__ import annotations

import asyncio
import os

from service.jobs.runner import parse_pool


def _pid_after(seconds: float) -> int:
    import time  # noqa: PLC0415

    time.sleep(seconds)
    return os.getpid()


async def test_processes_are_renewed_after_their_pages_and_every_job_finishes() -> None:
    pool = await parse_pool(2, pages_per_process=3)
    loop = asyncio.get_running_loop()
    try:
        # Slow jobs overlap each hand-over, so a pool is retired while it is busy.
        pids = await asyncio.gather(
            *(loop.run_in_executor(pool, _pid_after, 0.05) for _ in range(20))
        )
    finally:
        pool.shutdown(wait=True)
    assert len(pids) == 20
    # 2 processes x 3 pages a pool: 21 submissions (the warm-up included) need 4 pools.
    assert len(set(pids)) > 2
    assert os.getpid() not in pids
