"""HTTP routes for API keys: the same as `python -m service keys`, for `admin` keys."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Annotated, Any

from litestar import Controller, Response, get, post
from litestar.datastructures import State
from litestar.enums import RequestEncodingType
from litestar.params import Body, PathParameter

from service import pagination
from service.auth import queries
from service.auth.access import AccessConfig, require_scope
from service.auth.schemas import ApiKey, KeyCreate, KeyCreated, KeyPage, KeyRotate
from service.docs import examples as ex
from service.errors import FieldError, ProblemError, not_found, problem_responses
from service.http import Conn, Cursor, Limit

_KEY: dict[str, Any] = {
    "id": 7,
    "name": "acme",
    "prefix": "olk_4fQ2xY8b",
    "scopes": ["read", "ingest"],
    "status": "active",
    "created_at": "2025-02-12T09:30:00Z",
    "expires_at": "2025-05-13T09:30:00Z",
    "revoked_at": None,
    "last_used_at": "2025-02-12T10:02:11Z",
    "rotated_to": None,
}
# The shape of a key, with a checksum that fails: no scanner or server takes it for a real one.
_SECRET = "olk_4fQ2xY8b" + "EXAMPLE" * 4 + "xx"
_CREATED = ex.example("A new key, shown once", {"key": _KEY, "secret": _SECRET})
_REVOKED = ex.example(
    "Revoked", {**_KEY, "status": "revoked", "revoked_at": "2025-03-01T08:00:00Z"}
)
_CREATE = ex.example(
    "Read and ingest, for 90 days",
    {"name": "acme", "scopes": ["read", "ingest"], "expires_at": "2025-05-13T09:30:00Z"},
)
_ROTATE = ex.example("The old key keeps working for a week", {"grace_seconds": 604800})
KeyId = Annotated[int, PathParameter(description="The key's id.", examples=ex.param(7))]


class KeyController(Controller):
    path = "/v1/keys"
    tags = ["keys"]
    guards = [require_scope("admin")]

    @post(
        "/",
        status_code=201,
        summary="Create an API key",
        description="The response holds the key itself, once; only a keyed hash is stored.",
        responses={
            201: ex.ok(KeyCreated, "The key, and the secret itself.", _CREATED),
            **problem_responses(400, 422, 503),
        },
    )
    async def create(
        self,
        data: Annotated[KeyCreate, Body(media_type=RequestEncodingType.JSON, examples=[_CREATE])],
        conn: Conn,
        state: State,
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
        responses={
            200: ex.ok(
                KeyPage, "A page of keys.", ex.example("One key", ex.page([_KEY], "keys", 7))
            ),
            **problem_responses(400, 503),
        },
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
        description="Its name, scopes, status and dates; never the key itself.",
        responses={
            200: ex.ok(ApiKey, "The key.", ex.example("An active key", _KEY)),
            **problem_responses(400, 404, 503),
        },
    )
    async def detail(self, key_id: KeyId, conn: Conn) -> ApiKey:
        key = await queries.get_key(conn, key_id)
        if key is None:
            raise not_found(f"API key {key_id}")
        return key

    @post(
        "/{key_id:int}/revoke",
        status_code=200,
        summary="Revoke an API key",
        description="Takes effect on the very next request. Revoking twice changes nothing.",
        responses={
            200: ex.ok(ApiKey, "The key, revoked.", _REVOKED),
            **problem_responses(400, 404, 503),
        },
    )
    async def revoke(self, key_id: KeyId, conn: Conn) -> ApiKey:
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
            201: ex.ok(KeyCreated, "The new key, shown once.", _CREATED),
            **problem_responses(400, 404, 409, 503),
        },
    )
    async def rotate(
        self,
        key_id: KeyId,
        data: Annotated[KeyRotate, Body(media_type=RequestEncodingType.JSON, examples=[_ROTATE])],
        conn: Conn,
        state: State,
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
