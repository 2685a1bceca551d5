"""The OpenAPI document describes the figure routes with examples, and the export formats."""

from __future__ import annotations

from litestar.testing import AsyncTestClient


async def test_new_routes_are_documented_with_examples(client: AsyncTestClient) -> None:  # type: ignore[type-arg]
    paths = (await client.get("/schema/openapi.json")).json()["paths"]
    for path in ["/v1/figures", "/v1/companies/{slug}/figures", "/v1/groups/{name}", "/v1/totals"]:
        ok = paths[path]["get"]["responses"]["200"]["content"]["application/json"]
        assert ok["examples"], path
        assert paths[path]["get"]["description"], path
    for path in ["/v1/claims", "/v1/figures", "/v1/totals"]:
        content = paths[path]["get"]["responses"]["200"]["content"]
        assert {"text/csv", "application/x-ndjson"} <= set(content), path
        assert any(p["name"] == "format" for p in paths[path]["get"]["parameters"])
    assert "404" in paths["/v1/articles/{article_id}"]["delete"]["responses"]
    totals = {p["name"] for p in paths["/v1/totals"]["get"]["parameters"]}
    assert {"currency", "explain", "company", "year_from", "year_to"} <= totals
