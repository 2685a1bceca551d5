"""Example data for the OpenAPI document: the seed article (Outlay's first) and its claims.

The routes attach these to their request bodies and responses, so every page of the docs shows
what a real exchange looks like. Values follow the claim contract (CLAIMS.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from litestar.openapi import ResponseSpec
from litestar.openapi.spec import Example
from litestar.openapi.spec.base import BaseSchemaObject

from service import pagination

URL = "https://www.example.com/news/big-tech-capex"
TITLE = "Big tech’s $320B AI spend defies efficiency race"
CREATED = "2025-02-12T09:30:00Z"

_SENTENCES = [
    "Tech giants are beginning an unprecedented $320 billion AI infrastructure spending spree "
    "in 2025, brushing aside concerns about more efficient AI models from challengers like "
    "DeepSeek.",
    "Amazon is flexing its financial muscle with a planned $100 billion capital expenditure for "
    "2025 – a dramatic leap from its $77 billion last year.",
    "Meta’s approach is to pour $60-65 billion into capital spending in 2025 – up from "
    "$39 billion in 2024.",
]
TEXT = "\n\n".join(_SENTENCES)


def _evidence(index: int) -> dict[str, Any]:
    start = TEXT.index(_SENTENCES[index])
    return {"text": _SENTENCES[index], "start": start, "end": start + len(_SENTENCES[index])}


def _claim(
    claim_id: int,
    *,
    company: tuple[str, str] | None,
    group: str | None,
    low: int,
    high: int,
    category: str,
    status: str,
    evidence: int,
) -> dict[str, Any]:
    return {
        "id": claim_id,
        "article_id": 1,
        "company": {"slug": company[0], "name": company[1]} if company else None,
        "group": group,
        "amount_low": low,
        "amount_high": high,
        "currency": "USD",
        "year": 2025,
        "fiscal": False,
        "period": "year",
        "quarter": None,
        "category": category,
        "status": status,
        "usd": {"amount_low": low, "amount_high": high, "rate": 1.0, "rate_year": 2025},
        "evidence": _evidence(evidence),
        "confidence": 0.9,
        "extractor_version": "rules-1",
    }


CLAIMS = [
    _claim(
        3, company=None, group="big tech", low=320_000_000_000, high=320_000_000_000,
        category="ai_infrastructure", status="planned", evidence=0,
    ),
    _claim(
        2, company=("amazon", "Amazon"), group=None, low=100_000_000_000, high=100_000_000_000,
        category="capex", status="planned", evidence=1,
    ),
    _claim(
        1, company=("meta", "Meta"), group=None, low=60_000_000_000, high=65_000_000_000,
        category="capex", status="planned", evidence=2,
    ),
]  # fmt: skip

ARTICLE: dict[str, Any] = {
    "id": 1,
    "url": URL,
    "canonical_url": URL,
    "status": "parsed",
    "error": None,
    "title": TITLE,
    "authors": [],
    "published": "2025-02-12",
    "language": "en",
    "claim_count": len(CLAIMS),
    "created_at": CREATED,
    "fetched_at": "2025-02-12T09:30:02Z",
}
QUEUED: dict[str, Any] = {
    **ARTICLE,
    "canonical_url": None,
    "status": "queued",
    "title": None,
    "published": None,
    "language": None,
    "claim_count": 0,
    "fetched_at": None,
}
ARTICLE_DETAIL: dict[str, Any] = {**ARTICLE, "text": TEXT, "claims": CLAIMS}

COMPANY: dict[str, Any] = {
    "slug": "amazon",
    "name": "Amazon",
    "kind": "company",
    "tickers": ["AMZN"],
    "wikidata": "Q3884",
    "fiscal_year_end_month": 12,
    "parent": None,
    "country": "US",
    "verified": True,
    "aliases": ["Amazon.com", "Amazon.com Inc", "亚马逊", "亞馬遜", "アマゾン", "아마존"],
}
COMPANY_WITH_ALIAS: dict[str, Any] = {
    **COMPANY,
    "aliases": sorted([*COMPANY["aliases"], "Amazon.com Inc."]),
}
FIGURE: dict[str, Any] = {
    "year": 2025,
    "category": "capex",
    "status": "planned",
    "currency": "USD",
    "amount_low": 100_000_000_000,
    "amount_high": 100_000_000_000,
    "claims": 1,
    "articles": 1,
}
TOTALS: dict[str, Any] = {
    "group_by": ["company", "year"],
    "items": [
        {
            "status": "planned",
            "currency": "USD",
            "amount_low": 100_000_000_000,
            "amount_high": 100_000_000_000,
            "figures": 1,
            "claims": 1,
            "articles": 1,
            "company": {"slug": "amazon", "name": "Amazon"},
            "year": 2025,
        },
        {
            "status": "planned",
            "currency": "USD",
            "amount_low": 60_000_000_000,
            "amount_high": 65_000_000_000,
            "figures": 1,
            "claims": 1,
            "articles": 1,
            "company": {"slug": "meta", "name": "Meta"},
            "year": 2025,
        },
    ],
}


def page(items: list[dict[str, Any]], kind: str, last: Any) -> dict[str, Any]:
    return {"items": items, "next_cursor": pagination.encode(kind, last)}


@dataclass
class Verbatim(BaseSchemaObject):
    """An example value written out as given: Litestar drops None from dicts in the document,
    which would hide every null field (a queued article's title, a group claim's company)."""

    data: Any

    def to_schema(self) -> Any:
        return self.data


def param(value: Any, summary: str | None = None) -> list[Example]:
    """The example of a query or path parameter."""
    return [Example(summary=summary or str(value), value=value)]


def article_id() -> Any:
    """The `article_id` path parameter's description and example, for every route that has it."""
    from litestar.params import PathParameter  # noqa: PLC0415

    return PathParameter(description="The article's id.", examples=param(1, "The seed article"))


def example(summary: str, value: Any) -> Example:
    return Example(summary=summary, value=Verbatim(value))


def keeping_nulls(
    *, summary: str | None = None, description: str | None = None, value: Any = None
) -> Example:
    """`Example(...)` whose value keeps its null fields in the document."""
    return Example(summary=summary, description=description, value=Verbatim(value))


def ok(container: Any, description: str, *examples: Example) -> ResponseSpec:
    """A success response with its examples (it replaces the one Litestar derives)."""
    return ResponseSpec(
        container, description=description, examples=list(examples), generate_examples=False
    )


CREATE_BY_URL = example("By URL: Outlay fetches the page", {"url": URL})
CREATE_WITH_HTML = example(
    "With the page's HTML: nothing is fetched",
    {"url": URL, "html": "<html><head><title>…</title></head><body>…</body></html>",
     "published": "2025-02-12"},
)  # fmt: skip
BATCH = example(
    "Three URLs, one of them not http(s)",
    {"urls": [URL, "https://www.example.com/news/meta-capex", "ftp://example.com/a"]},
)
BATCH_RESULT = example(
    "One created, one known, one rejected",
    {
        "items": [
            {"url": URL, "result": "existing", "article": ARTICLE},
            {
                "url": "https://www.example.com/news/meta-capex",
                "result": "created",
                "article": {**QUEUED, "id": 2, "url": "https://www.example.com/news/meta-capex"},
            },
            {
                "url": "ftp://example.com/a",
                "result": "rejected",
                "error": {
                    "code": "invalid_url",
                    "message": "only http and https URLs are accepted",
                },
            },
        ],
        "created": 1,
        "existing": 1,
        "rejected": 1,
    },
)

REPROCESSED: dict[str, Any] = {
    "article_id": 1,
    "status": "reprocessed",
    "added": 1,
    "removed": 0,
    "changed": 2,
    "extractor_version": "rules-2",
}

RETRIED: dict[str, Any] = {**QUEUED, "id": 7, "url": "https://www.example.com/news/meta-capex"}
ATTEMPTS: dict[str, Any] = {
    "article_id": 7,
    "items": [
        {
            "attempt": 1,
            "worker": "outlay-worker-5d9c7b-x2k4q:1:1",
            "started_at": "2025-02-12T09:30:00Z",
            "finished_at": "2025-02-12T09:30:05Z",
            "outcome": "retry",
            "error": {"code": "connection_error", "message": "the server did not answer"},
            "retry_at": "2025-02-12T09:30:35Z",
        },
        {
            "attempt": 2,
            "worker": "outlay-worker-5d9c7b-x2k4q:1:1",
            "started_at": "2025-02-12T09:30:35Z",
            "finished_at": "2025-02-12T09:30:37Z",
            "outcome": "parsed",
            "error": None,
            "retry_at": None,
        },
    ],
}
