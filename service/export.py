"""Lists as CSV or NDJSON, streamed from a database cursor so memory stays flat at any size.

A route picks the format from `?format=` or else the Accept header (JSON unless asked
otherwise). The stream takes a connection of its own from the pool, because the request's
connection goes back to the pool before the body is sent.
"""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterator, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Literal, TypeAlias

import asyncpg
import msgspec
from litestar import Request
from litestar.openapi.spec import Example, OpenAPIMediaType, OpenAPIResponse, Operation, Schema
from litestar.openapi.spec.enums import OpenAPIType
from litestar.response import Stream

from service.errors import bad_param

Format: TypeAlias = Literal["json", "csv", "ndjson"]

MEDIA_TYPES: dict[str, str] = {"csv": "text/csv; charset=utf-8", "ndjson": "application/x-ndjson"}
_ACCEPTED = {
    "text/csv": "csv",
    "application/x-ndjson": "ndjson",
    "application/ndjson": "ndjson",
    "application/jsonl": "ndjson",
    "application/json": "json",
    "*/*": "json",
}
# Rows fetched per round trip, and bytes gathered before a chunk is sent.
BATCH = 1000
CHUNK = 64 * 1024

FORMAT_DESCRIPTION = (
    "`json` (default), `csv` or `ndjson`. Without it the Accept header decides "
    "(`text/csv`, `application/x-ndjson`). CSV and NDJSON hold every matching row, "
    "not one page, streamed as they are read."
)


def negotiate(request: Request[Any, Any, Any], given: str | None) -> Format:
    """The format asked for: `?format=` wins, then the first Accept type we produce."""
    if given is not None:
        if given not in ("json", "csv", "ndjson"):
            raise bad_param("format", "one of json, csv, ndjson")
        return given  # type: ignore[return-value]
    accept = request.headers.get("accept", "")
    for part in accept.split(","):
        media = part.split(";")[0].strip().lower()
        if media in _ACCEPTED:
            return _ACCEPTED[media]  # type: ignore[return-value]
    return "json"


def _pick(row: dict[str, Any], path: str) -> Any:
    value: Any = row
    for name in path.split("."):
        if not isinstance(value, dict):
            return None
        value = value.get(name)
    return value


def _cell(value: Any) -> Any:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, dict)):
        return msgspec.json.encode(value).decode()
    return value


def rows_response(
    rows: Iterable[dict[str, Any]], *, fmt: Format, columns: Sequence[str], name: str
) -> Stream:
    """A small, already computed list (totals); `columns` are dotted paths into a row."""

    async def body() -> AsyncIterator[bytes]:
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        if fmt == "csv":
            writer.writerow(columns)
        for row in rows:
            if fmt == "csv":
                writer.writerow([_cell(_pick(row, c)) for c in columns])
            else:
                buffer.write(msgspec.json.encode(row).decode() + "\n")
        yield buffer.getvalue().encode()

    return _stream(body(), fmt=fmt, name=name)


def cursor_response(
    pool: asyncpg.Pool,
    *,
    json_sql: str,
    csv_sql: str,
    args: Sequence[Any],
    fmt: Format,
    name: str,
) -> Stream:
    """Every row, read through a server-side cursor in a read-only transaction.

    NDJSON lines are `json_sql`'s rows as PostgreSQL writes them (the shape of the JSON
    list); CSV has `csv_sql`'s flat columns, named by their aliases.
    """
    sql = f"SELECT row_to_json(x)::text FROM ({json_sql}) x" if fmt == "ndjson" else csv_sql

    async def body() -> AsyncIterator[bytes]:
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        async with pool.acquire() as conn, conn.transaction(readonly=True):
            statement = await conn.prepare(sql)
            if fmt == "csv":
                writer.writerow([a.name for a in statement.get_attributes()])
            cursor = await statement.cursor(*args)
            while batch := await cursor.fetch(BATCH):
                if fmt == "csv":
                    writer.writerows(batch)
                else:
                    for record in batch:
                        buffer.write(record[0])
                        buffer.write("\n")
                if buffer.tell() >= CHUNK:
                    yield buffer.getvalue().encode()
                    buffer.seek(0)
                    buffer.truncate()
        yield buffer.getvalue().encode()

    return _stream(body(), fmt=fmt, name=name)


def _stream(body: AsyncIterator[bytes], *, fmt: Format, name: str) -> Stream:
    extension = "csv" if fmt == "csv" else "ndjson"
    return Stream(
        body,
        media_type=MEDIA_TYPES[fmt],
        headers={"Content-Disposition": f'attachment; filename="{name}.{extension}"'},
    )


@dataclass
class ExportOperation(Operation):
    """An operation whose 200 answer also comes as CSV and NDJSON, for the OpenAPI document."""

    def __post_init__(self) -> None:
        ok = (self.responses or {}).get("200")
        if not isinstance(ok, OpenAPIResponse):
            return
        ok.content = {
            **(ok.content or {}),
            "text/csv": OpenAPIMediaType(
                schema=Schema(
                    type=OpenAPIType.STRING,
                    description="A header row of field names (nested fields as dotted paths), "
                    "then one row per item.",
                ),
                examples={
                    "csv": Example(
                        value="id,company.slug,year,amount_low\r\n7,meta,2025,66000000000\r\n"
                    )
                },
            ),
            "application/x-ndjson": OpenAPIMediaType(
                schema=Schema(
                    type=OpenAPIType.STRING,
                    description="One JSON item per line, as in the JSON list's `items`.",
                ),
                examples={
                    "ndjson": Example(
                        value='{"id":7,"company":{"slug":"meta","name":"Meta"},"year":2025}\n'
                    )
                },
            ),
        }
