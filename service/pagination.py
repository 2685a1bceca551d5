"""Opaque cursors: the last sort key of a page, so pages stay stable while rows are added."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable
from typing import TypeVar

import msgspec

from service.errors import FieldError, ProblemError

MIN_LIMIT = 1
MAX_LIMIT = 200
DEFAULT_LIMIT = 50

T = TypeVar("T")


def encode(kind: str, key: int | str) -> str:
    raw = msgspec.json.encode({"k": kind, "v": key})
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


# Integer cursors are ids, bigint in PostgreSQL: a value outside it cannot be one this list
# returned, and would fail as a query argument (a 500) rather than as bad input.
BIGINT = range(-(2**63), 2**63)


def decode_int(cursor: str | None, kind: str) -> int | None:
    value = _decode(cursor, kind)
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool) or value not in BIGINT:
        raise _invalid()
    return value


def decode_str(cursor: str | None, kind: str) -> str | None:
    value = _decode(cursor, kind)
    if value is None:
        return None
    if not isinstance(value, str):
        raise _invalid()
    return value


def _decode(cursor: str | None, kind: str) -> object:
    if cursor is None:
        return None
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        data = msgspec.json.decode(raw)
    except (binascii.Error, ValueError, msgspec.DecodeError) as exc:
        raise _invalid() from exc
    if not isinstance(data, dict) or data.get("k") != kind or "v" not in data:
        raise _invalid()
    return data["v"]


def _invalid() -> ProblemError:
    return ProblemError(
        400,
        "invalid_cursor",
        "the cursor is not one this list returned; start again without it",
        errors=[FieldError(field="cursor", source="query", message="malformed cursor")],
    )


def page(
    rows: list[T], *, limit: int, kind: str, key: Callable[[T], int | str]
) -> tuple[list[T], str | None]:
    """Split `limit + 1` fetched rows into a page and the cursor to the next one, if any."""
    if len(rows) <= limit:
        return rows, None
    items = rows[:limit]
    return items, encode(kind, key(items[-1]))
