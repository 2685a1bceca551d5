"""The committed OpenAPI document is the one the app serves."""

from __future__ import annotations

import json

from litestar.testing import AsyncTestClient

from service.__main__ import openapi_document
from tests.support import ROOT


async def test_committed_document_matches_the_app(client: AsyncTestClient) -> None:  # type: ignore[type-arg]
    committed = (ROOT / "openapi" / "openapi.json").read_text(encoding="utf-8")
    generated = openapi_document(client.app)
    assert committed == generated, "openapi/openapi.json is stale: run `make openapi`"
    served = (await client.get("/schema/openapi.json")).json()
    assert served == json.loads(committed)
    assert served["openapi"].startswith("3.1")
