"""Computed totals, kept until the data under them changes.

A total over every figure reads tens of thousands of rows, and the answer only changes when
a store, a reprocess, a deletion, a registry sync or a rates sync commits. Each of those
fires a notification on commit (migration 0008); an API process listening for it keeps the
JSON of the totals it answered and drops all of them at the next notification.

Two rules keep every answer as fresh as a query's would be:
- An answer is kept only if no notification arrived between reading the generation before
  its query and storing it. A commit the query's snapshot missed notifies after the
  snapshot was taken, so either the answer is refused or it is stored and then dropped.
- Before a kept answer is served, a query on the listening connection itself makes
  PostgreSQL deliver every notification of what committed before the request: it sends
  a listening session's pending notifications ahead of each query's result. So a caller who
  stored an article and then asks for totals (on any replica) sees it counted.
While the LISTEN connection is down nothing is kept or served from here, since
notifications sent meanwhile are lost.

A kept answer is also gzipped once, in a thread, for the clients that accept it (browsers,
httpx, requests all do): a table of every company by year is 1.6 MB of JSON and 170 KB
gzipped.
"""

from __future__ import annotations

import asyncio
import gzip
from collections import OrderedDict
from collections.abc import Hashable

import asyncpg
import msgspec

from service.db import DATABASE_ERRORS

CHANNEL = "outlay_totals"
# Smaller answers fit a packet or two either way.
GZIP_MIN_BYTES = 1024


class Kept(msgspec.Struct, frozen=True):
    body: bytes
    gzipped: bytes | None = None


class TotalsCache:
    def __init__(self, *, max_bytes: int = 64 * 1024 * 1024) -> None:
        self.max_bytes = max_bytes
        self.generation = 0
        self._conn: asyncpg.Connection | None = None
        self._entries: OrderedDict[Hashable, Kept] = OrderedDict()
        self._compressing: set[asyncio.Task[None]] = set()
        self._bytes = 0
        # Requests waiting for notifications share round trips: a round trip that started
        # after a request arrived answers for it.
        self._sync_lock = asyncio.Lock()
        self._asked = 0
        self._answered = 0

    @property
    def listening(self) -> bool:
        return self._conn is not None

    # -- from the LISTEN connection -------------------------------------------------------

    def changed(self) -> None:
        self.generation += 1
        self._entries.clear()
        self._bytes = 0

    def connected(self, conn: asyncpg.Connection | None) -> None:
        """The listening connection, or None when it is lost."""
        self._conn = conn
        self.changed()  # whatever was kept may have missed a notification

    # -- from requests -------------------------------------------------------------------

    async def get(self, key: Hashable) -> Kept | None:
        conn = self._conn
        if conn is None or key not in self._entries:
            return None
        try:
            await self._caught_up(conn)
        except DATABASE_ERRORS:
            # The connection is going (the listener loop may be closing it as we speak):
            # compute the answer instead.
            return None
        found = self._entries.get(key)  # a notification just delivered may have dropped it
        if found is not None:
            self._entries.move_to_end(key)
        return found

    def put(self, key: Hashable, body: bytes, *, generation: int) -> None:
        """Keep `body`, computed by a query that started at `generation`."""
        if self._conn is None or generation != self.generation or len(body) > self.max_bytes:
            return
        self._keep(key, Kept(body))
        if len(body) >= GZIP_MIN_BYTES:
            task = asyncio.create_task(self._gzip(key, body))
            self._compressing.add(task)
            task.add_done_callback(self._compressing.discard)

    def _keep(self, key: Hashable, kept: Kept) -> None:
        old = self._entries.pop(key, None)
        self._bytes += _size(kept) - (_size(old) if old is not None else 0)
        self._entries[key] = kept
        while self._bytes > self.max_bytes:
            _, dropped = self._entries.popitem(last=False)
            self._bytes -= _size(dropped)

    async def _gzip(self, key: Hashable, body: bytes) -> None:
        gzipped = await asyncio.to_thread(gzip.compress, body, 6)
        kept = self._entries.get(key)
        if kept is not None and kept.body is body:  # still the answer it was made from
            self._keep(key, Kept(body, gzipped))

    async def _caught_up(self, conn: asyncpg.Connection) -> None:
        """Return once every notification of a commit before this call has been handled."""
        self._asked += 1
        ticket = self._asked
        async with self._sync_lock:
            if self._answered >= ticket:
                return
            covers = self._asked
            await conn.execute(f"SELECT '{CHANNEL}'")  # named, for pg_stat_activity
            # asyncpg schedules listener callbacks as it reads the notifications, ahead of
            # the query's result: one turn of the loop and they have run.
            await asyncio.sleep(0)
            self._answered = covers


def _size(kept: Kept) -> int:
    return len(kept.body) + len(kept.gzipped or b"")


def accepts_gzip(accept_encoding: str | None) -> bool:
    """Whether an Accept-Encoding header admits gzip (`gzip;q=0` refuses it)."""
    for part in (accept_encoding or "").split(","):
        coding, *params = (p.strip() for p in part.split(";"))
        if coding.lower() in {"gzip", "*"}:
            q = next((p[2:] for p in params if p.startswith("q=")), "1")
            try:
                return float(q) > 0
            except ValueError:
                return False
    return False
