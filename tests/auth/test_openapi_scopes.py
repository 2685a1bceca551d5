"""The OpenAPI document states how to authenticate, each operation's scope, and its errors."""

from __future__ import annotations

from litestar.testing import AsyncTestClient

from service.auth.access import ScopeGuard

SCOPES = {
    ("get", "/v1/articles"): "read",
    ("post", "/v1/articles"): "ingest",
    ("post", "/v1/articles/batch"): "ingest",
    ("get", "/v1/articles/{article_id}"): "read",
    ("post", "/v1/articles/{article_id}/reprocess"): "admin",
    ("post", "/v1/articles/{article_id}/retry"): "ingest",
    ("delete", "/v1/articles/{article_id}"): "admin",
    ("get", "/v1/articles/{article_id}/attempts"): "read",
    ("get", "/v1/figures"): "read",
    ("get", "/v1/companies/{slug}/figures"): "read",
    ("get", "/v1/groups/{name}"): "read",
    ("get", "/v1/claims"): "read",
    ("get", "/v1/companies"): "read",
    ("get", "/v1/companies/{slug}"): "read",
    ("get", "/v1/totals"): "read",
    ("get", "/v1/keys"): "admin",
    ("post", "/v1/keys"): "admin",
    ("get", "/v1/keys/{key_id}"): "admin",
    ("post", "/v1/keys/{key_id}/revoke"): "admin",
    ("post", "/v1/keys/{key_id}/rotate"): "admin",
}


async def test_security_schemes_and_scopes(client: AsyncTestClient) -> None:  # type: ignore[type-arg]
    doc = (await client.get("/schema/openapi.json")).json()
    schemes = doc["components"]["securitySchemes"]
    assert schemes["bearerAuth"] == {**schemes["bearerAuth"], "type": "http", "scheme": "bearer"}
    assert schemes["apiKeyHeader"]["in"] == "header"
    assert schemes["apiKeyHeader"]["name"] == "X-API-Key"
    for (method, path), scope in SCOPES.items():
        operation = doc["paths"][path][method]
        assert operation["security"] == [{"bearerAuth": [scope]}, {"apiKeyHeader": [scope]}], path
        assert f"`{scope}` scope" in operation["description"], path
        for status in ("401", "403", "429"):
            assert status in operation["responses"], (method, path, status)


async def test_every_error_response_is_a_problem_document(client: AsyncTestClient) -> None:  # type: ignore[type-arg]
    doc = (await client.get("/schema/openapi.json")).json()
    for path, item in doc["paths"].items():
        for method, operation in item.items():
            for status, response in operation["responses"].items():
                if int(status) >= 400:
                    content = response["content"]
                    assert list(content) == ["application/problem+json"], (method, path, status)


async def test_idempotency_key_is_documented_where_it_works(client: AsyncTestClient) -> None:  # type: ignore[type-arg]
    doc = (await client.get("/schema/openapi.json")).json()
    for path in ("/v1/articles", "/v1/articles/batch"):
        operation = doc["paths"][path]["post"]
        names = [p["name"] for p in operation["parameters"]]
        assert "Idempotency-Key" in names
        assert {"409", "422"} <= set(operation["responses"])
    keys = doc["paths"]["/v1/keys"]["post"]
    assert "Idempotency-Key" not in [p["name"] for p in keys.get("parameters", [])]


def test_no_v1_route_is_left_without_a_scope(client: AsyncTestClient) -> None:  # type: ignore[type-arg]
    """A new route under /v1 that forgets `require_scope` fails here, not in production."""
    for route in client.app.routes:
        if not route.path.startswith("/v1/"):
            continue
        for handler in route.route_handlers:
            if "OPTIONS" in handler.http_methods and len(handler.http_methods) == 1:
                continue
            guards = [g for g in handler.resolve_guards() if isinstance(g, ScopeGuard)]
            assert guards, f"{route.path} {handler.http_methods} has no require_scope guard"
