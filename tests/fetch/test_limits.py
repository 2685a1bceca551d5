"""Caps on time, size and type: a rude server costs a bounded fetch, and says precisely why."""

from __future__ import annotations

import asyncio
import contextlib
import socket
import struct
import time
import tracemalloc
import zlib
from collections.abc import Iterator

import pytest

from service.fetch import FetchError
from service.fetch.fetcher import retry_after
from tests.fetch.conftest import FetcherFactory
from tests.fetch.server import Handler, Request, Server, head, page

MB = 1_000_000
HTML = b"<html><head><title>ok</title></head><body><p>fine</p></body></html>"


def stream(size: int, *, length: bool, encoding: str | None = None, sent: list[int]) -> Handler:
    """`size` bytes of HTML-ish filler in 64 KB writes; `sent` counts what got out."""

    async def handler(_: Request, writer: asyncio.StreamWriter) -> None:
        fields = {"Content-Type": "text/html"}
        if length:
            fields["Content-Length"] = str(size)
        writer.write(head(200, fields))
        chunk = b"<p>" + b"x" * (64 * 1024 - 7) + b"</p>"
        while sent[0] < size:
            writer.write(chunk)
            sent[0] += len(chunk)
            await writer.drain()

    return handler


async def test_declared_length_over_the_cap_is_refused_before_reading(
    make_fetcher: FetcherFactory, server: Server
) -> None:
    sent = [0]
    server.add("/big", stream(20 * MB, length=True, sent=sent))
    with pytest.raises(FetchError) as refused:
        await make_fetcher().fetch(server.url("/big"))
    assert refused.value.code == "too_large"
    assert refused.value.permanent
    await asyncio.sleep(0.05)
    assert sent[0] < 20 * MB  # the connection was dropped, not drained


async def test_undeclared_length_stops_at_the_cap(
    make_fetcher: FetcherFactory, server: Server
) -> None:
    sent = [0]
    server.add("/big", stream(20 * MB, length=False, sent=sent))
    fetcher = make_fetcher()
    tracemalloc.start()
    try:
        with pytest.raises(FetchError) as refused:
            await fetcher.fetch(server.url("/big"))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert refused.value.code == "too_large"
    print(f"20 MB without Content-Length: refused, peak {peak / MB:.1f} MB traced")
    assert peak < 8 * MB, f"peak {peak / MB:.1f} MB"
    await asyncio.sleep(0.05)
    assert sent[0] < 20 * MB


def bomb(total: int) -> bytes:
    """`total` bytes of HTML-looking padding, gzipped: about a thousandth of the size."""
    squeeze = zlib.compressobj(9, zlib.DEFLATED, zlib.MAX_WBITS | 16)
    block = b" " * MB
    parts = [squeeze.compress(b"<html><body>")]
    parts += [squeeze.compress(block) for _ in range(total // MB)]
    parts.append(squeeze.flush())
    return b"".join(parts)


@pytest.fixture(scope="module")
def gzip_bomb() -> bytes:
    return bomb(200 * MB)


async def test_gzip_bomb_stops_at_the_cap_with_bounded_memory(
    make_fetcher: FetcherFactory, server: Server, gzip_bomb: bytes
) -> None:
    assert len(gzip_bomb) < 500_000  # small on the wire, 200 MB once inflated
    server.add(
        "/bomb",
        page(gzip_bomb, content_type="text/html", headers={"Content-Encoding": "gzip"}),
    )
    fetcher = make_fetcher()
    tracemalloc.start()
    try:
        with pytest.raises(FetchError) as refused:
            await fetcher.fetch(server.url("/bomb"))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert refused.value.code == "too_large"
    assert "decompressed" in refused.value.message
    print(f"200 MB gzip bomb ({len(gzip_bomb):,} bytes): refused, peak {peak / MB:.1f} MB traced")
    assert peak < 8 * MB, f"peak {peak / MB:.1f} MB while inflating a 200 MB bomb"


async def test_gzip_and_deflate_pages_are_inflated(
    make_fetcher: FetcherFactory, server: Server
) -> None:
    server.add("/gz", page(zlib.compress(HTML, wbits=31), headers={"Content-Encoding": "gzip"}))
    server.add("/zlib", page(zlib.compress(HTML), headers={"Content-Encoding": "deflate"}))
    raw = zlib.compressobj(6, zlib.DEFLATED, -zlib.MAX_WBITS)
    server.add(
        "/raw",
        page(raw.compress(HTML) + raw.flush(), headers={"Content-Encoding": "deflate"}),
    )
    server.add("/br", page(b"\x0b\x02\x80", headers={"Content-Encoding": "br"}))
    fetcher = make_fetcher()
    for path in ("/gz", "/zlib", "/raw"):
        assert (await fetcher.fetch(server.url(path))).content == HTML
    with pytest.raises(FetchError) as refused:
        await fetcher.fetch(server.url("/br"))
    assert refused.value.code == "bad_content_encoding"


async def test_a_trickling_server_trips_the_whole_fetch_deadline(
    make_fetcher: FetcherFactory, server: Server
) -> None:
    async def trickle(_: Request, writer: asyncio.StreamWriter) -> None:
        writer.write(head(200, {"Content-Type": "text/html", "Content-Length": "100000"}))
        for _ in range(100_000):  # a byte every 50 ms: each read is quick, the whole is not
            writer.write(b"x")
            await writer.drain()
            await asyncio.sleep(0.05)

    server.add("/slow", trickle)
    fetcher = make_fetcher(deadline=1.0)
    started = time.monotonic()
    with pytest.raises(FetchError) as refused:
        await fetcher.fetch(server.url("/slow"))
    elapsed = time.monotonic() - started
    assert refused.value.code == "timeout"
    assert not refused.value.permanent
    assert 0.9 < elapsed < 1.5


@contextlib.contextmanager
def unanswered_port() -> Iterator[int]:
    """A port whose SYNs are dropped: a listener with a full accept queue."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(0)
    port = listener.getsockname()[1]
    fillers = []
    try:
        for _ in range(4):
            s = socket.socket()
            s.setblocking(False)
            with contextlib.suppress(BlockingIOError):
                s.connect(("127.0.0.1", port))
            fillers.append(s)
        time.sleep(0.1)
        yield port
    finally:
        for s in fillers:
            s.close()
        listener.close()


async def test_connect_timeout(make_fetcher: FetcherFactory) -> None:
    with unanswered_port() as port:
        fetcher = make_fetcher(connect_timeout=0.5, deadline=10)
        started = time.monotonic()
        with pytest.raises(FetchError) as refused:
            await fetcher.fetch(f"http://127.0.0.1:{port}/")
        elapsed = time.monotonic() - started
    assert refused.value.code == "timeout"
    assert elapsed < 2


def png() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00\x00"))
        + chunk(b"IEND", b"")
    )


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (png(), "image/png"),
        (png(), "text/html"),  # a PNG that calls itself HTML
        (png(), None),
        (b"%PDF-1.7\n", "application/pdf"),
        (b'{"a": 1}', "application/json"),
        (b"plain words", None),
    ],
)
async def test_only_html_comes_back(
    make_fetcher: FetcherFactory, server: Server, body: bytes, content_type: str | None
) -> None:
    server.add("/thing", page(body, content_type=content_type))
    with pytest.raises(FetchError) as refused:
        await make_fetcher().fetch(server.url("/thing"))
    assert refused.value.code == "bad_content_type"
    assert refused.value.permanent


@pytest.mark.parametrize(
    "content_type", ["text/html", "text/html; charset=utf-8", "application/xhtml+xml", None]
)
async def test_html_types(
    make_fetcher: FetcherFactory, server: Server, content_type: str | None
) -> None:
    server.add("/page", page(HTML, content_type=content_type))
    assert (await make_fetcher().fetch(server.url("/page"))).content == HTML


@pytest.mark.parametrize(
    ("status", "headers", "code", "permanent", "wait"),
    [
        (404, {}, "http_error", True, None),
        (410, {}, "http_error", True, None),
        (500, {}, "http_error", False, None),
        (503, {"Retry-After": "30"}, "http_error", False, 30.0),
        (429, {"Retry-After": "7"}, "rate_limited", False, 7.0),
        (429, {}, "rate_limited", False, None),
    ],
)
async def test_status_codes(
    make_fetcher: FetcherFactory,
    server: Server,
    status: int,
    headers: dict[str, str],
    code: str,
    permanent: bool,
    wait: float | None,
) -> None:
    server.add("/s", page(b"no", status=status, headers=headers))
    with pytest.raises(FetchError) as failed:
        await make_fetcher().fetch(server.url("/s"))
    assert (failed.value.code, failed.value.permanent, failed.value.retry_after) == (
        code,
        permanent,
        wait,
    )


def test_retry_after_as_a_date() -> None:
    assert retry_after("Wed, 21 Oct 2015 07:28:00 GMT", now=1445412480 - 90) == 90
    assert retry_after("soon") is None
    assert retry_after("120") == 120


async def test_connection_refused_is_transient(make_fetcher: FetcherFactory) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with pytest.raises(FetchError) as failed:
        await make_fetcher().fetch(f"http://127.0.0.1:{port}/")
    assert failed.value.code == "connection_error"
    assert not failed.value.permanent
