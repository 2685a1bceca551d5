"""robots.txt, a User-Agent that says who we are, and a cap on fetches per host."""

from __future__ import annotations

import asyncio

import pytest

from service import config
from service.fetch import Fetcher, FetchError
from tests.fetch.conftest import FetcherFactory, Spy, StubResolver
from tests.fetch.server import Server, page

HTML = b"<html><body><p>fine</p></body></html>"
ROBOTS = b"User-agent: *\nDisallow: /nobody\n\nUser-agent: Outlay\nDisallow: /private\n"


async def test_robots_txt_is_honoured_and_cached(
    make_fetcher: FetcherFactory, server: Server
) -> None:
    server.add("/robots.txt", page(ROBOTS, content_type="text/plain"))
    server.add("/public", page(HTML))
    server.add("/private/report", page(HTML))
    fetcher = make_fetcher(robots=True, user_agent="Outlay/0.1 (+https://example.org/contact)")
    assert (await fetcher.fetch(server.url("/public"))).content == HTML
    with pytest.raises(FetchError) as refused:
        await fetcher.fetch(server.url("/private/report"))
    assert refused.value.code == "robots_disallowed"
    assert refused.value.permanent
    assert (await fetcher.fetch(server.url("/public?again=1"))).content == HTML
    assert len(server.hits("/robots.txt")) == 1  # once per host, then from the cache
    assert server.hits("/private/report") == []


async def test_robots_can_be_turned_off(make_fetcher: FetcherFactory, server: Server) -> None:
    server.add("/robots.txt", page(ROBOTS, content_type="text/plain"))
    server.add("/private/report", page(HTML))
    fetcher = make_fetcher(robots=False)
    assert (await fetcher.fetch(server.url("/private/report"))).content == HTML
    assert server.hits("/robots.txt") == []


async def test_missing_robots_allows_and_a_failing_one_waits(
    make_fetcher: FetcherFactory, server: Server
) -> None:
    server.add("/page", page(HTML))
    assert (await make_fetcher(robots=True).fetch(server.url("/page"))).content == HTML  # 404
    server.add("/robots.txt", page(b"oops", status=503))
    with pytest.raises(FetchError) as failed:
        await make_fetcher(robots=True).fetch(server.url("/page"))
    assert failed.value.code == "robots_unavailable"
    assert not failed.value.permanent


async def test_user_agent_names_the_service_and_a_contact(server: Server, spy: Spy) -> None:
    server.add("/page", page(HTML))
    settings = config.from_env(
        {
            "OUTLAY_CONTACT_URL": "https://example.org/outlay-contact",
            "OUTLAY_FETCH_ALLOW": "127.0.0.1/32",
            "OUTLAY_FETCH_PORTS": f"80,443,{server.port}",
            "OUTLAY_FETCH_ROBOTS": "false",
        }
    )
    async with Fetcher.from_settings(settings, network=spy) as fetcher:
        await fetcher.fetch(server.url("/page"))
    assert server.requests[0].headers["user-agent"] == (
        "Outlay/0.1 (+https://example.org/outlay-contact)"
    )


async def test_at_most_n_fetches_per_host_at_once(
    make_fetcher: FetcherFactory, server: Server
) -> None:
    server.add("/slow", page(HTML, delay=0.2))
    resolver = StubResolver({"a.test": ["127.0.0.1"], "b.test": ["127.0.0.1"]})
    fetcher = make_fetcher(per_host=2, resolver=resolver)
    await asyncio.gather(*(fetcher.fetch(server.url("/slow", host="a.test")) for _ in range(6)))
    assert server.peak == 2
    assert len(server.requests) == 6
    server.peak = 0
    # The limit is per host: two hosts get two each.
    await asyncio.gather(
        *(fetcher.fetch(server.url("/slow", host=h)) for h in ("a.test", "b.test") * 3)
    )
    assert server.peak == 4


def test_port_and_network_settings_are_checked_at_start() -> None:
    settings = config.from_env({"OUTLAY_FETCH_PORTS": "80, 443,8000-8010"})
    assert settings.fetch_port_ranges == ((80, 80), (443, 443), (8000, 8010))
    assert config.from_env({}).fetch_port_ranges == ((80, 80), (443, 443))
    assert config.from_env({}).fetch_allow_networks == ()  # closed by default
    for bad in ("0", "80-70", "http", "70000"):
        with pytest.raises(config.ConfigError):
            config.from_env({"OUTLAY_FETCH_PORTS": bad})
    with pytest.raises(config.ConfigError):
        config.from_env({"OUTLAY_FETCH_ALLOW": "10.0.0.0/33"})
