"""Fetching a page that a partner named: bounded in time, size and where it may connect."""

from __future__ import annotations

import asyncio
import codecs
import ipaddress
import re
import socket
from collections.abc import Sequence

import httpx
import msgspec

from service.articles import urls

IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
HTML_TYPES = ("text/html", "application/xhtml+xml")
MAX_REDIRECTS = 5


class FetchError(Exception):
    """A page could not be had. `permanent` errors are not worth another attempt."""

    def __init__(self, code: str, message: str, *, permanent: bool) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.permanent = permanent


class Fetched(msgspec.Struct, frozen=True, kw_only=True):
    url: str
    content: bytes
    encoding: str | None


def _blocked(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        return _blocked(address.ipv4_mapped)
    return not address.is_global or address.is_multicast


async def check_host(host: str, port: int, *, allow: Sequence[IPNetwork]) -> None:
    """Refuse hosts that resolve to any local, private or reserved address outside `allow`."""
    try:
        infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise FetchError(
            "dns_error", f"the host {host!r} could not be resolved", permanent=False
        ) from exc
    addresses = {ipaddress.ip_address(info[4][0]) for info in infos}
    for address in addresses:
        if _blocked(address) and not any(address in net for net in allow):
            raise FetchError(
                "ssrf_blocked",
                f"the host {host!r} resolves to a non-public address",
                permanent=True,
            )


_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([a-zA-Z0-9_\-]+)""", re.I)


def sniff_encoding(content: bytes, header_charset: str | None) -> str | None:
    """The page's declared encoding: BOM, then the header, then <meta charset>."""
    if content.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    for candidate in (header_charset, _meta_charset(content)):
        if candidate:
            try:
                return codecs.lookup(candidate).name
            except LookupError:
                continue
    return None


def _meta_charset(content: bytes) -> str | None:
    match = _META_CHARSET.search(content[:4096])
    return match.group(1).decode("ascii") if match else None


def decode(content: bytes, encoding: str | None) -> str:
    """Bytes to text with the declared encoding, falling back to detection."""
    if encoding:
        try:
            return content.decode(encoding)
        except (UnicodeDecodeError, LookupError):
            pass
    try:
        return content.decode("utf-8")
    except UnicodeDecodeError:
        from charset_normalizer import from_bytes  # noqa: PLC0415 - rare path

        best = from_bytes(content).best()
        return str(best) if best is not None else content.decode("utf-8", errors="replace")


async def fetch(
    client: httpx.AsyncClient,
    url: str,
    *,
    allow: Sequence[IPNetwork],
    max_bytes: int,
    deadline: float,
) -> Fetched:
    """GET `url`, following at most five redirects, each hop checked like the first."""
    try:
        async with asyncio.timeout(deadline):
            return await _fetch(client, url, allow=allow, max_bytes=max_bytes)
    except TimeoutError as exc:
        raise FetchError(
            "timeout", f"the page took longer than {deadline:g} s", permanent=False
        ) from exc


async def _fetch(
    client: httpx.AsyncClient, url: str, *, allow: Sequence[IPNetwork], max_bytes: int
) -> Fetched:
    for _ in range(MAX_REDIRECTS + 1):
        try:
            urls.check(url)
        except urls.InvalidURL as exc:
            raise FetchError("invalid_url", str(exc), permanent=True) from exc
        target = httpx.URL(url)
        await check_host(
            target.host, target.port or (443 if target.scheme == "https" else 80), allow=allow
        )
        try:
            async with client.stream("GET", target) as response:
                if response.is_redirect:
                    location = response.headers.get("location")
                    if not location:
                        raise FetchError(
                            "http_error", "a redirect without a Location", permanent=True
                        )
                    url = str(response.url.join(location))
                    continue
                if response.status_code >= 400:
                    raise FetchError(
                        "http_error",
                        f"the server answered {response.status_code}",
                        permanent=response.status_code < 500 and response.status_code != 429,
                    )
                content_type = (
                    response.headers.get("content-type", "").split(";")[0].strip().lower()
                )
                if content_type and content_type not in HTML_TYPES:
                    raise FetchError(
                        "bad_content_type", f"the page is {content_type}, not HTML", permanent=True
                    )
                declared = response.headers.get("content-length")
                if declared and declared.isdigit() and int(declared) > max_bytes:
                    raise FetchError(
                        "too_large", f"the page is over {max_bytes} bytes", permanent=True
                    )
                body = bytearray()
                async for chunk in response.aiter_bytes():
                    body += chunk
                    if len(body) > max_bytes:
                        raise FetchError(
                            "too_large", f"the page is over {max_bytes} bytes", permanent=True
                        )
                content = bytes(body)
                return Fetched(
                    url=str(response.url),
                    content=content,
                    encoding=sniff_encoding(content, response.charset_encoding),
                )
        except httpx.TimeoutException as exc:
            raise FetchError(
                "timeout", "the server did not answer in time", permanent=False
            ) from exc
        except (httpx.TransportError, httpx.InvalidURL) as exc:
            raise FetchError(
                "connection_error", f"the page could not be fetched: {exc}", permanent=False
            ) from exc
    raise FetchError("too_many_redirects", f"more than {MAX_REDIRECTS} redirects", permanent=True)


def make_client(
    *, user_agent: str, connect_timeout: float, read_timeout: float
) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        follow_redirects=False,
        trust_env=False,
        timeout=httpx.Timeout(read_timeout, connect=connect_timeout),
        headers={
            "User-Agent": user_agent,
            "Accept": "text/html,application/xhtml+xml;q=0.9,*/*;q=0.1",
        },
        limits=httpx.Limits(max_connections=50, max_keepalive_connections=10),
    )
