"""A LISTEN connection that stays up: PostgreSQL's notifications as callbacks.

PostgreSQL delivers a NOTIFY only after its transaction commits, so a notification always
speaks of data a new snapshot can see. Notifications sent while no connection listens are
lost for good; `on_state(None)` tells the owner so, and it must not trust what it learned
from notifications until `on_state(conn)` hands it the listening connection again.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable

import asyncpg

from service import log
from service.db import DATABASE_ERRORS

logger = log.get(__name__)


async def keep_listening(
    pool: asyncpg.Pool,
    channel: str,
    on_notify: Callable[[], None],
    on_state: Callable[[asyncpg.Connection | None], None],
    *,
    acquire_timeout: float,
    retry_every: float,
) -> None:
    """Hold a connection of `pool` listening on `channel` until cancelled; when it drops,
    open another after `retry_every` seconds."""

    def notified(*_: object) -> None:
        on_notify()

    while True:
        closed = asyncio.Event()
        conn: asyncpg.Connection | None = None
        try:
            conn = await pool.acquire(timeout=acquire_timeout)
            conn.add_termination_listener(lambda _c, closed=closed: closed.set())
            await conn.add_listener(channel, notified)
            on_state(conn)
            while not closed.is_set() and not conn.is_closed():
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(retry_every):
                        await closed.wait()
            logger.warning("LISTEN connection lost; reconnecting", channel=channel)
        except DATABASE_ERRORS as exc:
            logger.warning(
                "LISTEN unavailable", channel=channel, error=str(exc) or type(exc).__name__
            )
        except Exception:  # whatever it was, the owner is told and another try follows
            logger.exception("LISTEN failed", channel=channel)
        finally:
            on_state(None)
            if conn is not None:
                with contextlib.suppress(Exception):
                    if not conn.is_closed():
                        await conn.remove_listener(channel, notified)
                with contextlib.suppress(Exception):
                    await asyncio.shield(pool.release(conn, timeout=2))
        await asyncio.sleep(retry_every)
