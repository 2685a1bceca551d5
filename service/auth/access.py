"""Who is calling, may they, and how often: the `require_scope` guard routes declare.

A request without a key, or with one whose checksum fails, is refused (401) before any
database query, unless it is an anonymous read that OUTLAY_PUBLIC_READ allows. Every other
request is counted against a rate limit (per key and scope; per client IP for anonymous
reads and for well-formed keys that turn out unknown, revoked or expired, so guessing is
throttled) before the verdict: 429 over the limit, else 401 without a valid key, else 403
without the scope.
"""

from __future__ import annotations

from typing import Any

import asyncpg
import msgspec
from litestar.connection import ASGIConnection
from litestar.handlers import BaseRouteHandler
from litestar.types import ASGIApp, Message, Receive, Scope, Send

from service import db, log
from service.auth import keys, queries
from service.auth.schemas import Scope as ScopeName
from service.config import Settings
from service.errors import ProblemError

logger = log.get(__name__)

WWW_AUTHENTICATE = 'Bearer realm="outlay", charset="UTF-8"'
ANONYMOUS = "anonymous"


class Policy(msgspec.Struct, frozen=True):
    name: str
    limit: int
    window: int


class AccessConfig(msgspec.Struct, frozen=True):
    pepper: bytes
    public_read: bool
    policies: dict[str, Policy]

    @classmethod
    def from_settings(cls, settings: Settings) -> AccessConfig:
        window = settings.rate_window
        return cls(
            pepper=keys.pepper(key_pepper=settings.key_pepper, env=settings.env),
            public_read=settings.public_read,
            policies={
                name: Policy(name, getattr(settings, f"rate_{name}"), window)
                for name in (*keys.SCOPES, ANONYMOUS)
            },
        )


class Principal(msgspec.Struct, frozen=True):
    """The caller: a key (with its scopes), or an anonymous client."""

    key_id: int | None
    name: str | None
    scopes: frozenset[str]


class RateState(msgspec.Struct, frozen=True):
    policy: Policy
    remaining: int
    reset: int

    def headers(self) -> dict[str, str]:
        # draft-ietf-httpapi-ratelimit-headers: quota and window; remaining and seconds left.
        p = self.policy
        return {
            "RateLimit-Policy": f'"{p.name}";q={p.limit};w={p.window}',
            "RateLimit": f'"{p.name}";r={self.remaining};t={self.reset}',
        }


def unauthorized() -> ProblemError:
    # One body and one header for missing, malformed, unknown, revoked and expired keys alike:
    # a caller learns nothing about which keys exist.
    return ProblemError(
        401,
        "unauthorized",
        "a valid API key is required: send `Authorization: Bearer <key>` or `X-API-Key: <key>`",
        headers={"WWW-Authenticate": WWW_AUTHENTICATE},
    )


def _presented(connection: ASGIConnection[Any, Any, Any, Any]) -> str | None:
    """The credential sent, if any; a malformed Authorization header counts as sent."""
    authorization = connection.headers.get("authorization")
    if authorization is not None:
        scheme, _, value = authorization.strip().partition(" ")
        return value.strip() if scheme.lower() == "bearer" else ""
    return connection.headers.get("x-api-key")


async def _identify(
    conn: asyncpg.Connection, presented: str, pepper: bytes
) -> tuple[asyncpg.Record | None, bool]:
    """The key's row when the key is valid, and whether to refresh its last use."""
    row = await queries.find_for_auth(conn, keys.lookup_prefix(presented))
    # Compare even without a row, so an unknown prefix costs the same as a wrong secret.
    stored = row["secret_hash"] if row is not None else "0" * 64
    if not keys.matches(presented, stored, pepper) or row is None or not row["active"]:
        return None, False
    return row, bool(row["touch"])


def _client_ip(connection: ASGIConnection[Any, Any, Any, Any]) -> str:
    client = connection.client
    return client.host if client is not None else "unknown"


# Writes take further connections before their route's own (the idempotency claim): holding
# this one meanwhile, a burst of them could each wait on the pool for a second one.
_HOLDING_METHODS = frozenset({"GET", "HEAD"})


async def authorize(
    connection: ASGIConnection[Any, Any, Any, Any], required: ScopeName
) -> Principal:
    state = connection.scope.setdefault("state", {})
    if isinstance(state.get("principal"), Principal):  # already checked for this request
        return state["principal"]  # type: ignore[no-any-return]
    config: AccessConfig = connection.app.state.access
    presented = _presented(connection)
    usable = presented is not None and keys.well_formed(presented)
    if not usable and (presented is not None or not (required == "read" and config.public_read)):
        # No key, or one whose checksum fails: refused without touching the database, so
        # garbage costs nothing. (Not counted, hence no RateLimit headers on this 401.)
        raise unauthorized()
    pool: asyncpg.Pool = connection.app.state.pool
    wait: float = connection.app.state.acquire_timeout
    try:
        conn = await pool.acquire(timeout=wait)
    except (*db.UNAVAILABLE, asyncpg.PostgresError) as exc:  # e.g. not accepting connections
        raise db.unavailable_problem(exc) from exc
    try:
        try:
            row, touch = None, False
            if usable:
                row, touch = await _identify(conn, presented, config.pepper)  # type: ignore[arg-type]
            if row is not None:
                principal = Principal(row["id"], row["name"], frozenset(row["scopes"]))
                policy = config.policies[required]
                bucket = f"key:{row['id']}:{required}"
            else:
                principal = Principal(None, None, frozenset())
                policy = config.policies[ANONYMOUS]
                bucket = f"ip:{_client_ip(connection)}"
            hits, reset = await queries.hit(conn, bucket=bucket, window=policy.window)
            if touch:
                await queries.touch(conn, row["id"])  # type: ignore[index]
        except db.UNAVAILABLE as exc:
            raise db.unavailable_problem(exc) from exc
    except BaseException:
        await db.release(pool, conn, wait)
        raise
    if connection.scope.get("method") in _HOLDING_METHODS:
        # A read's route takes this connection as its `conn` rather than another (see
        # db.HELD_CONNECTION); rate_headers_middleware releases it if the request ends first.
        db.hold(state, pool, conn)
    else:
        await db.release(pool, conn, wait)
    rate = RateState(policy, max(0, policy.limit - hits), reset)
    state["rate"] = rate
    if hits > policy.limit:
        raise ProblemError(
            429,
            "rate_limited",
            f"more than {policy.limit} requests in {policy.window} s under the "
            f"{policy.name!r} policy; retry after {reset} s",
            headers={"Retry-After": str(reset)},
        )
    if row is None and (presented is not None or not (required == "read" and config.public_read)):
        raise unauthorized()
    if principal.key_id is not None and required not in principal.scopes:
        raise ProblemError(
            403,
            "insufficient_scope",
            f"this API key lacks the {required!r} scope",
            headers={"WWW-Authenticate": f'{WWW_AUTHENTICATE}, scope="{required}"'},
        )
    state["principal"] = principal
    return principal


class ScopeGuard:
    """A Litestar guard; `scope` is read again by the OpenAPI documentation (see plugin.py)."""

    def __init__(self, scope: ScopeName) -> None:
        self.scope: ScopeName = scope

    async def __call__(
        self, connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler
    ) -> None:
        await authorize(connection, self.scope)

    def __repr__(self) -> str:
        return f"require_scope({self.scope!r})"


def require_scope(scope: ScopeName) -> ScopeGuard:
    """Guard a controller or route: `guards=[require_scope("read")]`."""
    if scope not in keys.SCOPES:
        raise ValueError(f"unknown scope {scope!r}")
    return ScopeGuard(scope)


def principal_of(connection: ASGIConnection[Any, Any, Any, Any]) -> Principal:
    principal = connection.scope.get("state", {}).get("principal")
    if not isinstance(principal, Principal):
        raise RuntimeError("route has no require_scope guard")
    return principal


def rate_headers_middleware(app: ASGIApp) -> ASGIApp:
    """Add the RateLimit headers to every response whose request was counted, errors included."""

    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":  # type: ignore[comparison-overlap]
            await app(scope, receive, send)
            return

        async def send_with_rate(message: Message) -> None:
            if message["type"] == "http.response.start":
                rate = scope.get("state", {}).get("rate")
                if isinstance(rate, RateState):
                    headers = list(message.get("headers", []))
                    headers.extend(
                        (k.lower().encode(), v.encode()) for k, v in rate.headers().items()
                    )
                    message["headers"] = headers
            await send(message)

        try:
            await app(scope, receive, send_with_rate)
        finally:
            held = db.take_held(scope.get("state", {}))
            if held is not None:
                pool, conn = held
                await db.release(pool, conn, scope["app"].state.acquire_timeout)

    return middleware
