"""The SSRF guard at the socket: an httpx transport over a network backend that validates.

httpx hands the backend the host name of the URL. The backend resolves it once, refuses the
whole answer if any address is refused, and connects to a validated address itself, so a
name whose answer changes between two lookups (DNS rebinding) cannot slip through: there is
no second lookup. TLS is started afterwards by httpcore with the name as SNI and for the
certificate check, and httpx sends the name as Host.
"""

from __future__ import annotations

import asyncio
import functools
import ipaddress
import socket
import ssl
import typing
from collections.abc import Sequence
from typing import Protocol

import certifi
import httpcore
import httpx

from service.fetch import guard

SocketOption = typing.Any


class Unresolvable(Exception):
    """The name has no address (or the resolver failed)."""


class Resolver(Protocol):
    async def resolve(self, host: str, port: int) -> list[guard.IPAddress]: ...


class SystemResolver:
    """getaddrinfo, off the event loop."""

    async def resolve(self, host: str, port: int) -> list[guard.IPAddress]:
        try:
            infos = await asyncio.get_running_loop().getaddrinfo(
                host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP
            )
        except (socket.gaierror, UnicodeError) as exc:
            raise Unresolvable(f"{host} could not be resolved: {exc}") from exc
        found: list[guard.IPAddress] = []
        for info in infos:
            text = str(info[4][0]).split("%", 1)[0]  # a scope id never makes an address public
            address = ipaddress.ip_address(text)
            if address not in found:
                found.append(address)
        return found


class GuardedBackend(httpcore.AsyncNetworkBackend):
    """Resolve once, validate every address, connect to a validated address."""

    def __init__(
        self,
        *,
        allow: Sequence[guard.IPNetwork],
        resolver: Resolver | None = None,
        network: httpcore.AsyncNetworkBackend | None = None,
    ) -> None:
        self.allow = tuple(allow)
        self.resolver = resolver or SystemResolver()
        self.network = network or httpcore.AnyIOBackend()

    async def addresses(self, host: str, port: int, timeout: float | None) -> list[str]:  # noqa: ASYNC109
        try:
            literal = guard.literal_address(host)
        except guard.NotALiteral as exc:
            raise guard.Blocked(host, str(exc)) from exc
        if literal is not None:
            answer = [literal]
        else:
            try:
                async with asyncio.timeout(timeout):
                    answer = await self.resolver.resolve(host, port)
            except TimeoutError as exc:
                raise httpcore.ConnectTimeout(f"{host} was not resolved in time") from exc
            if not answer:
                raise Unresolvable(f"{host} has no address")
        why = guard.refusal_of_answer(answer, self.allow)
        if why is not None:
            raise guard.Blocked(host, why)
        return [str(a) for a in answer]

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,  # noqa: ASYNC109 - httpcore's interface
        local_address: str | None = None,
        socket_options: typing.Iterable[SocketOption] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        failure: Exception | None = None
        for address in await self.addresses(host, port, timeout):
            try:
                return await self.network.connect_tcp(
                    address,
                    port,
                    timeout=timeout,
                    local_address=local_address,
                    socket_options=socket_options,
                )
            except (httpcore.ConnectError, OSError) as exc:
                failure = exc  # the next validated address may answer
        assert failure is not None
        if isinstance(failure, httpcore.ConnectError):
            raise failure
        raise httpcore.ConnectError(str(failure)) from failure

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,  # noqa: ASYNC109 - httpcore's interface
        socket_options: typing.Iterable[SocketOption] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        raise guard.Blocked(path, "unix sockets are never fetched")

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(seconds)


@functools.cache
def default_ssl_context() -> ssl.SSLContext:
    return ssl.create_default_context(cafile=certifi.where())


class GuardedTransport(httpx.AsyncHTTPTransport):
    """httpx's own transport, with its connection pool built on the guarded backend."""

    def __init__(
        self,
        *,
        backend: GuardedBackend,
        limits: httpx.Limits,
        ssl_context: ssl.SSLContext | None = None,
    ) -> None:
        context = ssl_context or default_ssl_context()
        super().__init__(verify=context, trust_env=False, limits=limits)
        # `_pool` is what httpx's transport sends through; only its network backend differs.
        self._pool = httpcore.AsyncConnectionPool(
            ssl_context=context,
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            network_backend=backend,
        )
