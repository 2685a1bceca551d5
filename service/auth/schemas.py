"""API keys at the HTTP boundary."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

import msgspec

Scope = Literal["read", "ingest", "admin"]
KeyStatus = Literal["active", "expired", "revoked"]


class ApiKey(msgspec.Struct, frozen=True):
    id: int
    name: str
    prefix: Annotated[str, msgspec.Meta(description="The key's first characters, to recognise it.")]
    scopes: list[Scope]
    status: KeyStatus
    created_at: datetime
    expires_at: datetime | None
    revoked_at: datetime | None
    last_used_at: Annotated[
        datetime | None, msgspec.Meta(description="Updated at most once a minute.")
    ]
    rotated_to: Annotated[int | None, msgspec.Meta(description="The key that replaced this one.")]


class KeyCreate(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    name: Annotated[str, msgspec.Meta(min_length=1, max_length=100, pattern=r"\S")]
    scopes: Annotated[list[Scope], msgspec.Meta(min_length=1, max_length=3)]
    expires_at: Annotated[
        datetime | None,
        msgspec.Meta(description="When the key stops working (with a time zone); none: never."),
    ] = None


class KeyRotate(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    grace_seconds: Annotated[
        int,
        msgspec.Meta(
            ge=0,
            le=90 * 86400,
            description="How long the old key keeps working, in seconds (default one day).",
        ),
    ] = 86400


class KeyCreated(msgspec.Struct, frozen=True):
    key: ApiKey
    secret: Annotated[
        str, msgspec.Meta(description="The API key itself. Shown this once; it is not stored.")
    ]


class KeyPage(msgspec.Struct, frozen=True):
    items: list[ApiKey]
    next_cursor: str | None
