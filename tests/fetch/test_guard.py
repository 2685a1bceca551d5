"""The SSRF guard end to end: names from a stub resolver, a spy under the transport.

Every refusal is proven twice: the precise error code, and a spy below the guard that saw
no connection attempt at all. Nothing here leaves loopback (the spy refuses to).
"""

from __future__ import annotations

import asyncio
import ipaddress
import ssl

import pytest
import trustme

from service.fetch import FetchError
from tests.fetch.conftest import FetcherFactory, Spy, StubResolver
from tests.fetch.server import Server, page, redirect

HTML = b"<html><head><title>ok</title></head><body><p>fine</p></body></html>"

# One name per refused class; the stub resolver answers with an address of that class.
CLASSES = {
    "loopback.test": "127.0.0.2",
    "loopback6.test": "::1",
    "private10.test": "10.0.0.1",
    "private172.test": "172.16.5.4",
    "private192.test": "192.168.1.10",
    "linklocal.test": "169.254.169.254",
    "linklocal6.test": "fe80::1",
    "cgnat.test": "100.64.0.1",
    "uniquelocal.test": "fd00::1",
    "multicast.test": "224.0.0.251",
    "multicast6.test": "ff02::1",
    "reserved.test": "240.0.0.1",
    "broadcast.test": "255.255.255.255",
    "documentation.test": "192.0.2.1",
    "documentation6.test": "2001:db8::1",
    "benchmarking.test": "198.18.0.1",
    "thisnetwork.test": "0.0.0.0",  # noqa: S104
    "unspecified6.test": "::",
    "mapped.test": "::ffff:127.0.0.2",
    "mapped-private.test": "::ffff:10.0.0.1",
    "sixtofour.test": "2002:7f00:1::1",
    "teredo.test": "2001:0:4136:e378:8000:63bf:3fff:fdd2",
    "nat64.test": "64:ff9b::a9fe:a9fe",
}


@pytest.mark.parametrize(("name", "address"), CLASSES.items())
async def test_each_refused_class_makes_no_connection(
    make_fetcher: FetcherFactory, spy: Spy, name: str, address: str
) -> None:
    resolver = StubResolver({name: [address]})
    fetcher = make_fetcher(resolver=resolver)
    with pytest.raises(FetchError) as refused:
        await fetcher.fetch(f"http://{name}/news")
    assert refused.value.code == "ssrf_blocked"
    assert refused.value.permanent
    assert address in refused.value.message or name in refused.value.message
    assert resolver.lookups == [name]
    assert spy.connections == []


@pytest.mark.parametrize(
    "answer",
    [
        ["127.0.0.1", "10.0.0.1"],  # the allowed test server and a private address
        ["8.8.8.8", "192.168.0.1"],  # public and private
        ["2606:4700:4700::1111", "fe80::1"],
    ],
)
async def test_mixed_answer_is_refused_whole(
    make_fetcher: FetcherFactory, spy: Spy, server: Server, answer: list[str]
) -> None:
    server.add("/", page(HTML))
    fetcher = make_fetcher(resolver=StubResolver({"mixed.test": answer}))
    with pytest.raises(FetchError) as refused:
        await fetcher.fetch(f"http://mixed.test:{server.port}/")
    assert refused.value.code == "ssrf_blocked"
    assert spy.connections == []
    assert server.requests == []


async def test_an_answer_that_changes_between_lookups_cannot_rebind(
    make_fetcher: FetcherFactory, spy: Spy, server: Server
) -> None:
    """One lookup per connection, and the connection goes to the address that was checked."""
    server.add("/", page(HTML))
    resolver = StubResolver({"rebind.test": [["127.0.0.1"], ["10.0.0.1"]]})
    fetcher = make_fetcher(resolver=resolver)
    fetched = await fetcher.fetch(f"http://rebind.test:{server.port}/")
    assert fetched.content == HTML
    assert resolver.lookups == ["rebind.test"]  # resolved once, not once to check and once to use
    assert spy.connections == [("127.0.0.1", server.port)]
    # The Host header keeps the name although the connection went to the address.
    assert server.requests[0].headers["host"] == f"rebind.test:{server.port}"

    with pytest.raises(FetchError) as refused:
        await fetcher.fetch(f"http://rebind.test:{server.port}/")
    assert refused.value.code == "ssrf_blocked"
    assert spy.connections == [("127.0.0.1", server.port)]  # no new connection

    # The other order: refused first; a later, harmless answer does not rescue that fetch.
    resolver = StubResolver({"rebind2.test": [["10.0.0.1"], ["127.0.0.1"]]})
    fetcher = make_fetcher(resolver=resolver)
    with pytest.raises(FetchError):
        await fetcher.fetch(f"http://rebind2.test:{server.port}/")
    assert resolver.lookups == ["rebind2.test"]
    assert len(spy.connections) == 1


@pytest.mark.parametrize(
    "host",
    [
        "127.0.0.2",
        "0x7f000002",
        "2130706434",
        "0177.0.0.2",
        "127.2",
        "0x7f.0.0.2",
        "[::1]",
        "[::ffff:127.0.0.2]",
        "[::ffff:7f00:2]",
        "[0:0:0:0:0:ffff:7f00:2]",
        "[64:ff9b::7f00:1]",
        "169.254.169.254",
        "0xa9fea9fe",
        "0",
        "10.0.0.1.",
        "1.2.3.4.5",
    ],
)
async def test_ip_literals_are_refused_in_every_spelling(
    make_fetcher: FetcherFactory, spy: Spy, host: str
) -> None:
    # Only 127.0.0.1 (the test server) is open; each of these is another address.
    resolver = StubResolver({})
    fetcher = make_fetcher(resolver=resolver)
    with pytest.raises(FetchError) as refused:
        await fetcher.fetch(f"http://{host}/")
    assert refused.value.code == "ssrf_blocked", refused.value
    assert spy.connections == []
    assert resolver.lookups == []


async def test_other_spellings_of_an_allowed_address_reach_it(
    make_fetcher: FetcherFactory, spy: Spy, server: Server
) -> None:
    server.add("/", page(HTML))
    fetcher = make_fetcher(resolver=StubResolver({}))
    for host in ("0x7f000001", "2130706433", "127.1"):
        assert (await fetcher.fetch(f"http://{host}:{server.port}/")).content == HTML
    assert {address for address, _ in spy.connections} == {"127.0.0.1"}


@pytest.mark.parametrize(
    ("url", "code"),
    [
        ("ftp://example.com/file", "invalid_url"),
        ("file:///etc/passwd", "invalid_url"),
        ("gopher://example.com/", "invalid_url"),
        ("http://user:secret@example.com/", "invalid_url"),
        ("http://xn--zz.com/", "invalid_url"),  # httpx itself refuses this host
        ("http://public.test:8080/", "ssrf_blocked"),  # not port 80 or 443
        ("http://public.test:22/", "ssrf_blocked"),
    ],
)
async def test_scheme_credentials_and_port(
    make_fetcher: FetcherFactory, spy: Spy, url: str, code: str
) -> None:
    resolver = StubResolver({"public.test": ["8.8.8.8"]})
    fetcher = make_fetcher(resolver=resolver, ports=[(80, 80), (443, 443)])
    with pytest.raises(FetchError) as refused:
        await fetcher.fetch(url)
    assert refused.value.code == code
    assert refused.value.permanent
    assert spy.connections == []
    assert resolver.lookups == []


@pytest.fixture
async def edge() -> Server:
    """An allowed server on another loopback address, so that 127.0.0.1 is a refused target."""
    s = await Server(host="127.0.0.5").start()
    yield s  # type: ignore[misc]
    await s.close()


@pytest.mark.parametrize(
    ("location", "code"),
    [
        ("http://127.0.0.1:{port}/", "ssrf_blocked"),
        ("http://localhost:{port}/", "ssrf_blocked"),
        ("http://[::1]:{port}/", "ssrf_blocked"),
        ("http://2130706433:{port}/", "ssrf_blocked"),
        ("http://metadata.test/latest/meta-data/", "ssrf_blocked"),
        ("file:///etc/passwd", "bad_redirect"),
        ("ftp://127.0.0.1/", "bad_redirect"),
        ("gopher://127.0.0.1:6379/_FLUSHALL", "bad_redirect"),
        ("http://user:pw@edge.test:{port}/ok", "bad_redirect"),
    ],
)
async def test_each_redirect_hop_is_validated(
    make_fetcher: FetcherFactory, spy: Spy, edge: Server, location: str, code: str
) -> None:
    edge.add("/start", redirect(location.format(port=edge.port)))
    resolver = StubResolver(
        {
            "edge.test": ["127.0.0.5"],
            "localhost": ["127.0.0.1", "::1"],
            "metadata.test": ["169.254.169.254"],
        }
    )
    fetcher = make_fetcher(allow=[ipaddress.ip_network("127.0.0.5/32")], resolver=resolver)
    with pytest.raises(FetchError) as refused:
        await fetcher.fetch(f"http://edge.test:{edge.port}/start")
    assert refused.value.code == code
    assert spy.connections == [("127.0.0.5", edge.port)]  # the first hop only


async def test_redirects_are_followed_up_to_five(
    make_fetcher: FetcherFactory, server: Server
) -> None:
    for i in range(6):
        server.add(f"/hop{i}", redirect(f"/hop{i + 1}", status=301 if i % 2 else 307))
    server.add("/hop6", page(HTML))
    fetcher = make_fetcher()
    fetched = await fetcher.fetch(server.url("/hop1"))  # five redirects, then the page
    assert fetched.content == HTML
    assert fetched.url == server.url("/hop6")
    with pytest.raises(FetchError) as refused:
        await fetcher.fetch(server.url("/hop0"))  # six
    assert refused.value.code == "too_many_redirects"


async def test_proxy_settings_in_the_environment_are_ignored(
    make_fetcher: FetcherFactory, spy: Spy, server: Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    server.add("/", page(HTML))
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "all_proxy"):
        monkeypatch.setenv(name, "http://127.0.0.9:3128")
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    fetcher = make_fetcher()
    assert (await fetcher.fetch(server.url("/"))).content == HTML
    assert spy.connections == [("127.0.0.1", server.port)]


async def test_default_allow_list_is_closed(make_fetcher: FetcherFactory, server: Server) -> None:
    server.add("/", page(HTML))
    fetcher = make_fetcher(allow=[])
    with pytest.raises(FetchError) as refused:
        await fetcher.fetch(server.url("/"))
    assert refused.value.code == "ssrf_blocked"
    assert server.requests == []


async def test_tls_keeps_the_name_for_sni_and_the_certificate(
    make_fetcher: FetcherFactory, spy: Spy
) -> None:
    ca = trustme.CA()
    served = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("secure.test").configure_cert(served)
    names: list[str | None] = []
    served.sni_callback = lambda _sock, name, _ctx: names.append(name)  # type: ignore[assignment,return-value]

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.readuntil(b"\r\n\r\n")
        writer.write(
            b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: %d\r\n"
            b"Connection: close\r\n\r\n%s" % (len(HTML), HTML)
        )
        await writer.drain()
        writer.close()

    tls = await asyncio.start_server(handle, "127.0.0.1", 0, ssl=served)
    port = tls.sockets[0].getsockname()[1]
    trusted = ssl.create_default_context()
    ca.configure_trust(trusted)
    resolver = StubResolver({"secure.test": ["127.0.0.1"], "impostor.test": ["127.0.0.1"]})
    fetcher = make_fetcher(resolver=resolver, ssl_context=trusted)
    try:
        assert (await fetcher.fetch(f"https://secure.test:{port}/")).content == HTML
        assert names == ["secure.test"]
        with pytest.raises(FetchError) as refused:
            await fetcher.fetch(f"https://impostor.test:{port}/")
        assert refused.value.code == "tls_error"
        assert names[-1] == "impostor.test"
        assert {address for address, _ in spy.connections} == {"127.0.0.1"}
    finally:
        tls.close()
