"""Parameter types shared by the routes, declared the way Litestar 3 expects them."""

from __future__ import annotations

from typing import Annotated, TypeAlias

import asyncpg
from litestar.di import NamedDependency
from litestar.openapi.spec import Example
from litestar.params import QueryParameter

from service import pagination

Conn: TypeAlias = NamedDependency[asyncpg.Connection]

Limit: TypeAlias = Annotated[
    int,
    QueryParameter(
        ge=pagination.MIN_LIMIT,
        le=pagination.MAX_LIMIT,
        description="Page size, 1 to 200.",
        examples=[Example(summary="20 a page", value=20)],
    ),
]
Cursor: TypeAlias = Annotated[
    str | None,
    QueryParameter(description="`next_cursor` of the previous page; omit for the first page."),
]
