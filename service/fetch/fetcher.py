"""Fetching a page that an outsider named: guarded, bounded, polite.

Every hop of a redirect chain is checked like the first (scheme, port, address), the whole
fetch has one deadline, the body one size cap, and only HTML comes back.
"""

from __future__ import annotations

import asyncio
import email.utils
import ssl
import time
from collections.abc import AsyncIterator, Iterator, Sequence
from contextlib import asynccontextmanager, contextmanager
from urllib.parse import urlsplit

import httpcore
import httpx
import msgspec

from service.articles import urls
from service.config import Settings
from service.fetch import body, guard
from service.fetch.errors import FetchError, permanent, transient
from service.fetch.politeness import ROBOTS_MAX_BYTES, HostLimiter, Robots
from service.fetch.transport import GuardedBackend, GuardedTransport, Resolver, Unresolvable

HTML_TYPES = ("text/html", "application/xhtml+xml")
MAX_REDIRECTS = 5
_DEFAULT_PORTS = {"http": 80, "https": 443}
# What a page that came without a Content-Type must start with to be taken as HTML.
_HTML_STARTS = (b"<!doctype html", b"<html", b"<head", b"<body", b"<!--", b"<?xml", b"<meta")
_BINARY_MAGIC = (b"\x89PNG", b"GIF8", b"\xff\xd8\xff", b"%PDF", b"PK\x03\x04", b"RIFF", b"\x1f\x8b")


class Fetched(msgspec.Struct, frozen=True, kw_only=True):
    url: str
    content: bytes
    # The charset the Content-Type header named, if any; the page may say otherwise.
    encoding: str | None
    content_type: str


def retry_after(value: str | None, *, now: float | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


def _looks_like_html(content: bytes) -> bool:
    head = content[:1024].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return head.startswith(_HTML_STARTS)


def _is_binary(content: bytes) -> bool:
    head = content[:1024]
    return head.startswith(_BINARY_MAGIC) or (b"\x00" in head and not head.startswith(b"\xff\xfe"))


class Fetcher:
    """One per process: an httpx client over the guarded transport, robots and host limits."""

    def __init__(
        self,
        *,
        allow: Sequence[guard.IPNetwork] = (),
        ports: Sequence[tuple[int, int]] = ((80, 80), (443, 443)),
        max_bytes: int = 5_000_000,
        deadline: float = 20.0,
        connect_timeout: float = 5.0,
        user_agent: str = "Outlay",
        robots: bool = True,
        per_host: int = 2,
        resolver: Resolver | None = None,
        network: httpcore.AsyncNetworkBackend | None = None,
        ssl_context: ssl.SSLContext | None = None,
    ) -> None:
        self.allow = tuple(allow)
        self.ports = tuple(ports)
        self.max_bytes = max_bytes
        self.deadline = deadline
        self.backend = GuardedBackend(
            allow=self.allow,
            resolver=resolver,
            network=network,
        )
        self.client = httpx.AsyncClient(
            transport=GuardedTransport(
                backend=self.backend,
                limits=httpx.Limits(max_connections=100, max_keepalive_connections=20),
                ssl_context=ssl_context,
            ),
            follow_redirects=False,
            trust_env=False,  # HTTP_PROXY and friends must not route around the guard
            timeout=httpx.Timeout(deadline, connect=connect_timeout),
            headers={
                "User-Agent": user_agent,
                "Accept": "text/html,application/xhtml+xml;q=0.9,*/*;q=0.1",
                "Accept-Encoding": "gzip, deflate",
            },
        )
        self.hosts = HostLimiter(per_host)
        agent = user_agent.split("/", 1)[0].strip() or "*"
        self.robots = Robots(agent=agent, get=self._get_robots) if robots else None

    @classmethod
    def from_settings(cls, settings: Settings, **overrides: object) -> Fetcher:
        options: dict[str, object] = {
            "allow": settings.fetch_allow_networks,
            "ports": settings.fetch_port_ranges,
            "max_bytes": settings.fetch_max_bytes,
            "deadline": settings.fetch_timeout,
            "connect_timeout": settings.fetch_connect_timeout,
            "user_agent": settings.fetch_user_agent,
            "robots": settings.fetch_robots,
            "per_host": settings.fetch_per_host,
        }
        options.update(overrides)
        return cls(**options)  # type: ignore[arg-type]

    async def aclose(self) -> None:
        await self.client.aclose()

    async def __aenter__(self) -> Fetcher:
        return self

    async def __aexit__(self, *_: object) -> None:
        await self.aclose()

    async def fetch(self, url: str) -> Fetched:
        """GET an HTML page, or raise FetchError with a precise code."""
        try:
            async with asyncio.timeout(self.deadline):
                return await self._fetch(url)
        except TimeoutError as exc:
            raise transient("timeout", f"the page took longer than {self.deadline:g} s") from exc

    async def _fetch(self, url: str) -> Fetched:
        async with self._open(url, robots=self.robots is not None) as response:
            _check_status(response)
            content_type = response.headers.get("content-type", "").split(";")[0].strip().lower()
            if content_type and content_type not in HTML_TYPES:
                raise permanent("bad_content_type", f"the page is {content_type}, not HTML")
            with _mapped():
                content = await body.read(response, self.max_bytes)
            if _is_binary(content) or (not content_type and not _looks_like_html(content)):
                raise permanent(
                    "bad_content_type", "the page is not HTML (its first bytes say otherwise)"
                )
            return Fetched(
                url=str(response.url),
                content=content,
                encoding=response.charset_encoding,
                content_type=content_type or "text/html",
            )

    @asynccontextmanager
    async def _open(self, url: str, *, robots: bool) -> AsyncIterator[httpx.Response]:
        """The response of the last hop, headers read and body not, every hop validated."""
        for hop in range(MAX_REDIRECTS + 1):
            target = self.target(url, redirected=hop > 0)
            if robots and self.robots is not None:
                origin = f"{target.scheme}://{target.netloc.decode('ascii')}"
                if not await self.robots.allowed(origin, str(target)):
                    raise permanent("robots_disallowed", f"robots.txt of {origin} disallows it")
            async with self.hosts.hold(target.host):
                with _mapped():
                    response = await self.client.send(
                        self.client.build_request("GET", target), stream=True
                    )
                try:
                    if not response.is_redirect:
                        yield response
                        return
                    url = _location(response)
                finally:
                    await response.aclose()
        raise permanent("too_many_redirects", f"more than {MAX_REDIRECTS} redirects")

    def target(self, url: str, *, redirected: bool = False) -> httpx.URL:
        """Check a URL before anything is sent to it: IP literal, scheme, credentials, port."""
        code = "bad_redirect" if redirected else "invalid_url"
        self._check_literal(url)
        try:
            url = urls.check(url)  # httpx must be able to parse it too
        except urls.InvalidURL as exc:
            raise permanent(code, f"{'the redirect: ' if redirected else ''}{exc}") from exc
        parts = urlsplit(url)
        port = parts.port or _DEFAULT_PORTS[parts.scheme.lower()]
        if not guard.allowed_port(port, self.ports):
            raise permanent("ssrf_blocked", f"port {port} is not open to fetches")
        return httpx.URL(url)

    def _check_literal(self, url: str) -> None:
        """An http(s) host that is an address, in any spelling, is judged before all else
        (httpx refuses some spellings, such as `0177.0.0.1`, which resolvers accept)."""
        try:
            parts = urlsplit(url.strip())
            host = parts.hostname
        except ValueError:
            return  # urls.check says why
        if not host or parts.scheme.lower() not in _DEFAULT_PORTS:
            return
        try:
            literal = guard.literal_address(host)
        except guard.NotALiteral as exc:
            raise permanent("ssrf_blocked", f"{host} is not fetched: {exc}") from exc
        if literal is not None:
            why = guard.refusal(literal, self.allow)
            if why is not None:
                raise permanent("ssrf_blocked", f"{host} is not fetched: {literal} is {why}")

    async def _get_robots(self, url: str) -> tuple[int, bytes]:
        try:
            async with self._open(url, robots=False) as response:
                if response.status_code >= 300:
                    return response.status_code, b""
                with _mapped():
                    return response.status_code, await body.read(response, ROBOTS_MAX_BYTES)
        except FetchError as exc:
            if exc.permanent:
                return 404, b""  # a robots.txt that cannot be had safely has no rules for us
            raise


def _location(response: httpx.Response) -> str:
    location = response.headers.get("location", "").strip()
    if not location:
        raise permanent("bad_redirect", f"a {response.status_code} without a Location")
    try:
        return str(response.url.join(location))
    except (httpx.InvalidURL, UnicodeError, ValueError) as exc:
        raise permanent("bad_redirect", f"the redirect cannot be followed: {exc}") from exc


def _check_status(response: httpx.Response) -> None:
    status = response.status_code
    if 200 <= status < 300:
        return
    wait = retry_after(response.headers.get("retry-after"))
    if status == 429:
        raise transient(
            "rate_limited", "the server answered 429 Too Many Requests", retry_after=wait
        )
    if status >= 500 or status == 408:
        raise transient("http_error", f"the server answered {status}", retry_after=wait)
    raise permanent("http_error", f"the server answered {status}")


def _cause_is_certificate(exc: BaseException) -> bool:
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, ssl.SSLCertVerificationError):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


@contextmanager
def _mapped() -> Iterator[None]:
    """Transport failures as FetchError codes."""
    try:
        yield
    except guard.Blocked as exc:
        raise permanent("ssrf_blocked", str(exc)) from exc
    except Unresolvable as exc:
        raise transient("dns_error", str(exc)) from exc
    except httpx.TimeoutException as exc:
        raise transient(
            "timeout", f"the server did not answer in time ({type(exc).__name__})"
        ) from exc
    except httpx.TransportError as exc:
        if _cause_is_certificate(exc):
            raise permanent("tls_error", f"the certificate does not verify: {exc}") from exc
        raise transient("connection_error", f"the page could not be fetched: {exc}") from exc
    except httpx.InvalidURL as exc:
        raise permanent("invalid_url", str(exc)) from exc
