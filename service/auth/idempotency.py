"""`Idempotency-Key` on POSTs: the same key and body replay the first response.

Two pieces on one route: `claim` (a before-request hook, so it runs after the guard knows the
API key) takes the key or answers from the record; `middleware` keeps the response the
handler produced, before the client sees it, so a retry that races the reply still finds it.
Keys belong to one API key and live 24 hours. A 5xx is not kept: the client may retry.
"""

from __future__ import annotations

import hashlib
import re
from typing import Any

import asyncpg
from litestar import Request, Response
from litestar.types import ASGIApp, Receive, Scope, Send

from service import log
from service.auth import queries
from service.auth.access import principal_of
from service.errors import FieldError, ProblemError

logger = log.get(__name__)

HEADER = "Idempotency-Key"
REPLAYED = "Idempotent-Replayed"
_VALID = re.compile(r"^[\x21-\x7e]{1,255}$")
# Headers of the first response that a replay repeats.
_KEPT = ("content-type", "location")


def _bad_key(message: str) -> ProblemError:
    return ProblemError(
        400,
        "invalid_idempotency_key",
        f"the {HEADER} header is not valid: {message}",
        errors=[FieldError(field=HEADER, source="header", message=message)],
    )


async def claim(request: Request[Any, Any, Any]) -> Response[bytes] | None:
    value = request.headers.get(HEADER.lower())
    if value is None:
        return None
    if not _VALID.match(value):
        raise _bad_key("1 to 255 visible ASCII characters")
    principal = principal_of(request)
    assert principal.key_id is not None  # ingest is never anonymous
    body = await request.body()  # kept on the request: the handler reads it again
    request_hash = hashlib.sha256(
        request.method.encode() + b" " + request.url.path.encode() + b"\n" + body
    ).hexdigest()
    pool: asyncpg.Pool = request.app.state.pool
    async with pool.acquire() as conn:
        held = await queries.claim_idempotency(
            conn, api_key_id=principal.key_id, key=value, request_hash=request_hash
        )
    if held is None:
        request.scope["state"]["idempotency"] = (principal.key_id, value)
        return None
    if held["request_hash"] != request_hash:
        raise ProblemError(
            422,
            "idempotency_key_reused",
            f"this {HEADER} was used with another request in the last 24 hours; "
            "use a new key for a new request",
            errors=[FieldError(field=HEADER, source="header", message="used for another body")],
        )
    if held["status"] is None:
        raise ProblemError(
            409,
            "idempotency_in_progress",
            f"a request with this {HEADER} is still being processed; retry shortly",
            headers={"Retry-After": "1"},
        )
    headers = {str(k): str(v) for k, v in (held["headers"] or {}).items()}
    media_type = headers.pop("content-type", "application/json")
    return Response(
        content=bytes(held["body"]),
        status_code=held["status"],
        media_type=media_type,
        headers={**headers, REPLAYED: "true"},
    )


def middleware(app: ASGIApp) -> ASGIApp:
    """Record the response to a claimed request before passing it on."""

    async def wrapped(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":  # type: ignore[comparison-overlap]
            await app(scope, receive, send)
            return
        start: dict[str, Any] | None = None
        chunks: list[bytes] = []

        async def keep(message: Any) -> None:
            nonlocal start
            claimed = scope.get("state", {}).get("idempotency")
            if claimed is None:
                await send(message)
                return
            if message["type"] == "http.response.start":
                start = message
                return
            if message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))
                if message.get("more_body", False):
                    return
                assert start is not None
                await _record(scope, claimed, start, b"".join(chunks))
                scope["state"].pop("idempotency", None)
                await send(start)  # type: ignore[arg-type]
                await send({"type": "http.response.body", "body": b"".join(chunks)})  # type: ignore[arg-type]
                return
            await send(message)

        try:
            await app(scope, receive, keep)
        except BaseException:
            claimed = scope.get("state", {}).get("idempotency")
            if claimed is not None:
                await _release(scope, claimed)
            raise

    return wrapped


async def _record(
    scope: Scope, claimed: tuple[int, str], start: dict[str, Any], body: bytes
) -> None:
    api_key_id, key = claimed
    status = int(start["status"])
    pool: asyncpg.Pool = scope["litestar_app"].state.pool
    async with pool.acquire() as conn:
        if status >= 500:
            await queries.release_idempotency(conn, api_key_id=api_key_id, key=key)
            return
        headers = {
            k.decode("latin-1").lower(): v.decode("latin-1")
            for k, v in start.get("headers", [])
            if k.decode("latin-1").lower() in _KEPT
        }
        await queries.finish_idempotency(
            conn, api_key_id=api_key_id, key=key, status=status, headers=headers, body=body
        )


async def _release(scope: Scope, claimed: tuple[int, str]) -> None:
    api_key_id, key = claimed
    pool: asyncpg.Pool = scope["litestar_app"].state.pool
    try:
        async with pool.acquire() as conn:
            await queries.release_idempotency(conn, api_key_id=api_key_id, key=key)
    except Exception:
        logger.exception("could not release an idempotency key")
