"""Being a good guest: robots.txt, cached per host, and a cap on fetches per host at once."""

from __future__ import annotations

import asyncio
import time
import urllib.robotparser
from collections import OrderedDict
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

from service import log
from service.fetch.errors import transient

logger = log.get(__name__)

ROBOTS_MAX_BYTES = 512_000  # RFC 9309 asks crawlers to read at least 500 KiB
ROBOTS_TTL = 3600.0
ROBOTS_CACHE_SIZE = 4096


class HostLimiter:
    """At most `limit` fetches to one host at a time, across all jobs of this process."""

    def __init__(self, limit: int) -> None:
        self.limit = max(1, limit)
        self._slots: dict[str, tuple[asyncio.Semaphore, int]] = {}

    @asynccontextmanager
    async def hold(self, host: str) -> AsyncIterator[None]:
        semaphore, users = self._slots.get(host) or (asyncio.Semaphore(self.limit), 0)
        self._slots[host] = (semaphore, users + 1)
        try:
            async with semaphore:
                yield
        finally:
            semaphore, users = self._slots[host]
            if users <= 1:
                del self._slots[host]  # forget hosts nobody is fetching from
            else:
                self._slots[host] = (semaphore, users - 1)


# (status, body) of GET /robots.txt; None status when the file could not be had at all.
RobotsGetter = Callable[[str], Awaitable[tuple[int, bytes]]]


class Robots:
    """robots.txt per origin (scheme, host, port), cached for an hour.

    As RFC 9309 says: a 4xx means no rules; a 2xx is parsed; a 5xx (or a file that cannot
    be had) means the site cannot say, and the fetch waits for a later attempt.
    """

    def __init__(self, *, agent: str, get: RobotsGetter) -> None:
        self.agent = agent
        self._get = get
        self._cache: OrderedDict[str, tuple[float, urllib.robotparser.RobotFileParser | None]] = (
            OrderedDict()
        )

    async def allowed(self, origin: str, url: str) -> bool:
        rules = await self._rules(origin)
        return rules is None or rules.can_fetch(self.agent, url)

    async def _rules(self, origin: str) -> urllib.robotparser.RobotFileParser | None:
        cached = self._cache.get(origin)
        if cached is not None and cached[0] > time.monotonic():
            self._cache.move_to_end(origin)
            return cached[1]
        # Two jobs for one new host may both load the file; both get the same answer.
        rules = await self._load(origin)
        self._cache[origin] = (time.monotonic() + ROBOTS_TTL, rules)
        while len(self._cache) > ROBOTS_CACHE_SIZE:
            self._cache.popitem(last=False)
        return rules

    async def _load(self, origin: str) -> urllib.robotparser.RobotFileParser | None:
        status, body = await self._get(origin + "/robots.txt")
        if 400 <= status < 500:
            return None
        if status >= 500:
            raise transient("robots_unavailable", f"{origin}/robots.txt answered {status}")
        rules = urllib.robotparser.RobotFileParser()
        rules.parse(body.decode("utf-8", errors="replace").splitlines())
        return rules
