"""Lists as CSV or NDJSON, streamed from a database cursor so memory stays flat at any size.

A route picks the format from `?format=` or else the Accept header (JSON unless asked
otherwise). The stream takes a connection of its own from the pool, because the request's
connection goes back to the pool before the body is sent.
"""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterator, Iterable, Sequence
from typing import Any, Literal, TypeAlias

import asyncpg
import msgspec
from litestar import Request
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
PREFETCH = 500
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


class Writer:
    """Encodes rows of one format; `columns` are dotted paths into a row, for CSV."""

    def __init__(self, fmt: Format, columns: Sequence[str]) -> None:
        self.fmt = fmt
        self.columns = list(columns)
        self.buffer = io.StringIO()
        self.csv = csv.writer(self.buffer, lineterminator="\r\n")

    def header(self) -> str:
        if self.fmt != "csv":
            return ""
        self.csv.writerow(self.columns)
        return self.take()

    def add(self, row: dict[str, Any]) -> None:
        if self.fmt == "csv":
            self.csv.writerow([_cell(_pick(row, c)) for c in self.columns])
        else:
            self.buffer.write(msgspec.json.encode(row).decode())
            self.buffer.write("\n")

    def size(self) -> int:
        return self.buffer.tell()

    def take(self) -> str:
        text = self.buffer.getvalue()
        self.buffer.seek(0)
        self.buffer.truncate()
        return text


def rows_response(
    rows: Iterable[dict[str, Any]], *, fmt: Format, columns: Sequence[str], name: str
) -> Stream:
    """A small, already computed list (totals) in the export formats."""
    writer = Writer(fmt, columns)

    async def body() -> AsyncIterator[bytes]:
        yield writer.header().encode()
        for row in rows:
            writer.add(row)
        yield writer.take().encode()

    return _stream(body(), fmt=fmt, name=name)


def cursor_response(
    pool: asyncpg.Pool,
    sql: str,
    args: Sequence[Any],
    *,
    fmt: Format,
    columns: Sequence[str],
    name: str,
    shape: Any = None,
) -> Stream:
    """Every row of `sql`, read through a server-side cursor and sent in chunks.

    `shape(record) -> dict` turns a row into what the JSON list shows for it.
    """
    writer = Writer(fmt, columns)

    async def body() -> AsyncIterator[bytes]:
        yield writer.header().encode()
        async with pool.acquire() as conn, conn.transaction(readonly=True):
            async for record in conn.cursor(sql, *args, prefetch=PREFETCH):
                writer.add(shape(record) if shape else dict(record))
                if writer.size() >= CHUNK:
                    yield writer.take().encode()
        yield writer.take().encode()

    return _stream(body(), fmt=fmt, name=name)


def _stream(body: AsyncIterator[bytes], *, fmt: Format, name: str) -> Stream:
    extension = "csv" if fmt == "csv" else "ndjson"
    return Stream(
        body,
        media_type=MEDIA_TYPES[fmt],
        headers={"Content-Disposition": f'attachment; filename="{name}.{extension}"'},
    )
