"""Bad queries on the figure routes: a 400 or 404 problem document, and nothing changes."""

from __future__ import annotations

import pytest
from litestar.testing import AsyncTestClient


@pytest.mark.parametrize(
    ("path", "params", "status"),
    [
        ("/v1/figures", {"conflict": "maybe"}, 400),
        ("/v1/figures", {"category": "snacks"}, 400),
        ("/v1/figures", {"cursor": "not-a-cursor"}, 400),
        ("/v1/figures", {"format": "xml"}, 400),
        ("/v1/figures", {"year": "next"}, 400),
        ("/v1/figures", {"company": " , "}, 400),
        ("/v1/claims", {"format": "pdf"}, 400),
        ("/v1/companies/meta/figures", {"year_from": 2026, "year_to": 2020}, 400),
        ("/v1/companies/no-such-company/figures", {}, 404),
        ("/v1/groups/no such group", {}, 404),
    ],
)
async def test_bad_figure_queries(
    client: AsyncTestClient, path: str, params: dict, status: int
) -> None:  # type: ignore[type-arg]
    response = await client.get(path, params=params)
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")


async def test_deleting_a_missing_article_is_a_404(client: AsyncTestClient) -> None:  # type: ignore[type-arg]
    response = await client.delete("/v1/articles/987654321")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
