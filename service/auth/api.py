"""HTTP routes for API keys: the same as `python -m service keys`, for `admin` keys."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from litestar import Controller, Response, get, post
from litestar.datastructures import State
from litestar.openapi import ResponseSpec
from litestar.params import FromPath, JSONBody

from service import pagination
from service.auth import queries
from service.auth.access import AccessConfig, require_scope
from service.auth.schemas import ApiKey, KeyCreate, KeyCreated, KeyPage, KeyRotate
from service.errors import FieldError, ProblemError, not_found, problem_responses
from service.http import Conn, Cursor, Limit


class KeyController(Controller):
    path = "/v1/keys"
    tags = ["keys"]
    guards = [require_scope("admin")]

    @post(
        "/",
        status_code=201,
        summary="Create an API key",
        description="The response holds the key itself, once; only a keyed hash is stored.",
        responses=problem_responses(400, 422, 503),
    )
    async def create(
        self, data: JSONBody[KeyCreate], conn: Conn, state: State
    ) -> Response[KeyCreated]:
        if data.expires_at is not None:
            if data.expires_at.tzinfo is None:
                raise _bad_expiry("give a time zone, e.g. 2026-01-31T00:00:00Z")
            if data.expires_at <= datetime.now(UTC):
                raise _bad_expiry("is in the past")
        access: AccessConfig = state.access
        key, secret = await queries.create_key(
            conn,
            pepper=access.pepper,
            name=data.name.strip(),
            scopes=data.scopes,
            expires_at=data.expires_at,
        )
        return Response(
            KeyCreated(key=key, secret=secret),
            status_code=201,
            headers={"Location": f"/v1/keys/{key.id}"},
        )

    @get(
        "/",
        summary="List API keys",
        description="Newest first, revoked and expired ones included; never the keys themselves.",
        responses=problem_responses(400, 503),
    )
    async def list_keys(
        self, conn: Conn, limit: Limit = pagination.DEFAULT_LIMIT, cursor: Cursor = None
    ) -> KeyPage:
        rows = await queries.list_keys(
            conn, before_id=pagination.decode_int(cursor, "keys"), limit=limit + 1
        )
        items, next_cursor = pagination.page(rows, limit=limit, kind="keys", key=lambda k: k.id)
        return KeyPage(items=items, next_cursor=next_cursor)

    @get(
        "/{key_id:int}",
        summary="Read an API key",
        responses=problem_responses(400, 404, 503),
    )
    async def detail(self, key_id: FromPath[int], conn: Conn) -> ApiKey:
        key = await queries.get_key(conn, key_id)
        if key is None:
            raise not_found(f"API key {key_id}")
        return key

    @post(
        "/{key_id:int}/revoke",
        status_code=200,
        summary="Revoke an API key",
        description="Takes effect on the very next request. Revoking twice changes nothing.",
        responses=problem_responses(400, 404, 503),
    )
    async def revoke(self, key_id: FromPath[int], conn: Conn) -> ApiKey:
        key = await queries.revoke_key(conn, key_id)
        if key is None:
            raise not_found(f"API key {key_id}")
        return key

    @post(
        "/{key_id:int}/rotate",
        status_code=201,
        summary="Rotate an API key",
        description=(
            "Issue a new key with the same name, scopes and expiry; the old key keeps working "
            "for `grace_seconds` (default one day), then expires."
        ),
        responses={
            201: ResponseSpec(KeyCreated, description="The new key, shown once."),
            **problem_responses(400, 404, 409, 503),
        },
    )
    async def rotate(
        self, key_id: FromPath[int], data: JSONBody[KeyRotate], conn: Conn, state: State
    ) -> Response[KeyCreated]:
        access: AccessConfig = state.access
        try:
            rotated = await queries.rotate_key(
                conn,
                pepper=access.pepper,
                key_id=key_id,
                grace=timedelta(seconds=data.grace_seconds),
            )
        except queries.NotRotatable as exc:
            raise ProblemError(
                409, "key_not_active", f"API key {key_id} is revoked or expired"
            ) from exc
        if rotated is None:
            raise not_found(f"API key {key_id}")
        key, secret = rotated
        return Response(
            KeyCreated(key=key, secret=secret),
            status_code=201,
            headers={"Location": f"/v1/keys/{key.id}"},
        )


def _bad_expiry(message: str) -> ProblemError:
    return ProblemError(
        422,
        "invalid_expiry",
        f"expires_at {message}",
        errors=[FieldError(field="expires_at", source="body", message=message)],
    )
