"""A Python client generated from the committed OpenAPI document works against the service."""

from __future__ import annotations

import importlib
import os
import subprocess
import sys
import time
from datetime import date
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import pytest

from tests.ops.conftest import Server
from tests.support import ROOT, Site


@pytest.fixture(scope="module")
def outlay_client(tmp_path_factory: pytest.TempPathFactory) -> ModuleType:
    folder = tmp_path_factory.mktemp("generated")
    bin_dir = Path(sys.executable).parent
    result = subprocess.run(  # noqa: S603 - the tool from our own environment
        [
            str(bin_dir / "openapi-python-client"),
            "generate",
            "--path", str(ROOT / "openapi" / "openapi.json"),
            "--output-path", str(folder / "outlay_client"),
            "--meta", "none",
        ],
        capture_output=True,
        text=True,
        check=False,
        # The generator formats its output with ruff, which sits beside our interpreter.
        env={**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}"},
        timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Warning" not in result.stdout + result.stderr, result.stdout + result.stderr
    sys.path.insert(0, str(folder))
    try:
        return importlib.import_module("outlay_client")
    finally:
        sys.path.remove(str(folder))


def _module(name: str) -> Any:
    return importlib.import_module(f"outlay_client.{name}")


def test_generated_client_pushes_the_seed_page_and_reads_its_totals(
    outlay_client: ModuleType, server: Server, site: Site, shared: Path
) -> None:
    models = _module("models")
    submit_article = _module("api.articles.submit_article")
    get_article = _module("api.articles.get_article")
    get_totals = _module("api.totals.get_totals")

    client = outlay_client.Client(
        base_url=server.base, raise_on_unexpected_status=True, headers=server.headers
    )
    html = (shared / "fixtures" / "seed" / "page.html").read_text(encoding="utf-8")
    body = models.ArticleCreate(
        url=f"{site.base}/ops/client/seed", html=html, published=date(2025, 2, 12)
    )
    response = submit_article.sync_detailed(client=client, body=body)
    assert response.status_code == 202
    article = response.parsed
    assert isinstance(article, models.Article)
    assert article.status in (models.ArticleStatus.QUEUED, models.ArticleStatus.FETCHING)

    deadline = time.monotonic() + 60
    while True:
        detail = get_article.sync(client=client, article_id=article.id)
        assert isinstance(detail, models.ArticleDetail)
        if detail.status.value in ("parsed", "failed"):
            break
        assert time.monotonic() < deadline, f"article still {detail.status}"
        time.sleep(0.1)
    assert detail.status.value == "parsed", detail.error
    assert "320B" in detail.title
    assert detail.published == date(2025, 2, 12)
    assert detail.claim_count == len(detail.claims)
    for claim in detail.claims:
        assert detail.text[claim.evidence.start : claim.evidence.end] == claim.evidence.text

    totals = get_totals.sync(client=client, group_by="company,year", year=2025)
    assert isinstance(totals, models.Totals)
    assert totals.group_by == ["company", "year"]
    raw = httpx.get(f"{server.base}/v1/totals", params={"group_by": "company,year", "year": 2025})
    assert totals.to_dict() == raw.json()
    # The seed's claims (../shared/fixtures/seed/gold.json) as the typed client reads them.
    planned = {
        (row.company.slug, row.amount_low, row.amount_high)
        for row in totals.items
        if row.status == "planned" and row.currency == "USD"
    }
    assert ("amazon", 100_000_000_000, 100_000_000_000) in planned
    assert ("meta", 60_000_000_000, 65_000_000_000) in planned
    for row in totals.items:
        assert row.year == 2025


def test_generated_client_reads_problems(outlay_client: ModuleType, server: Server) -> None:
    models = _module("models")
    get_article = _module("api.articles.get_article")
    client = outlay_client.Client(base_url=server.base, headers=server.headers)
    response = get_article.sync_detailed(client=client, article_id=987_654_321)
    assert response.status_code == 404
    assert isinstance(response.parsed, models.Problem)
    assert response.parsed.code == "not_found"
    assert response.headers["x-request-id"] == response.parsed.request_id
