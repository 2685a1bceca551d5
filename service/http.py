"""Parameter types shared by the routes, declared the way Litestar 3 expects them."""

from __future__ import annotations

from typing import Annotated, TypeAlias

import asyncpg
from litestar.di import NamedDependency
from litestar.openapi.spec import Example
from litestar.params import QueryParameter

from service import pagination
from service.claims.schemas import Category, Status
from service.docs import examples as ex

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

Year: TypeAlias = Annotated[
    int | None,
    QueryParameter(
        ge=1900, le=2200, description="A calendar or fiscal year.", examples=ex.param(2025)
    ),
]
CategoryFilter: TypeAlias = Annotated[
    Category | None,
    QueryParameter(description="capex, ai_infrastructure, r_and_d, …", examples=ex.param("capex")),
]
StatusFilter: TypeAlias = Annotated[
    Status | None,
    QueryParameter(description="actual, planned or estimate.", examples=ex.param("planned")),
]
CompaniesFilter: TypeAlias = Annotated[
    str | None,
    # At least one slug: an empty value is refused, and the document says so.
    QueryParameter(
        description="Slug, or several comma-separated.",
        examples=ex.param("amazon,meta"),
        pattern="[a-z0-9]",
    ),
]
