"""Examples for the OpenAPI document: Meta's 2025 capex as three earnings calls revised it."""

from __future__ import annotations

# Examples keep their null fields in the OpenAPI document (Litestar would drop them).
from service.docs.examples import keeping_nulls as Example

B = 1_000_000_000


def _cited(claim_id: int, article_id: int, published: str, low: int, high: int) -> dict:  # type: ignore[type-arg]
    return {
        "claim_id": claim_id,
        "article_id": article_id,
        "title": f"Meta updates its 2025 outlook ({published})",
        "url": f"https://news.example.com/meta-capex-{published}",
        "published": published,
        "amount_low": low * B,
        "amount_high": high * B,
        "currency": "USD",
        "usd": {"amount_low": low * B, "amount_high": high * B},
        "evidence": f"Meta expects 2025 capital expenditures of ${low}-{high} billion.",
        "copy_of": None,
    }


_REVISIONS = [
    (11, 1, "2025-01-29", 60, 65),
    (12, 2, "2025-04-30", 64, 72),
    (13, 3, "2025-07-30", 66, 72),
]

FIGURE = {
    "id": 7,
    "company": {"slug": "meta", "name": "Meta"},
    "year": 2025,
    "category": "capex",
    "status": "planned",
    "amount_low": 66 * B,
    "amount_high": 72 * B,
    "currency": "USD",
    "usd": {"amount_low": 66 * B, "amount_high": 72 * B},
    "of_record": True,
    "published": "2025-07-30",
    "article_id": 3,
    "claims": 3,
    "sources": 3,
    "independent": 3,
    "conflict": False,
    "conflicts": [],
    "history": [
        {
            "published": published,
            "amount_low": low * B,
            "amount_high": high * B,
            "currency": "USD",
            "usd": {"amount_low": low * B, "amount_high": high * B},
            "article_id": article_id,
            "claim_id": claim_id,
            "title": f"Meta updates its 2025 outlook ({published})",
            "sources": 1,
        }
        for claim_id, article_id, published, low, high in _REVISIONS
    ],
    "support": [_cited(*r) for r in _REVISIONS],
}

FIGURE_PAGE = Example(
    summary="Meta's 2025 capex, revised twice",
    value={"items": [FIGURE], "next_cursor": None},
)

COMPANY_FIGURES = Example(
    summary="A series with a gap",
    value={
        "company": {"slug": "meta", "name": "Meta"},
        "years": [2023, 2024, 2025],
        "series": [
            {
                "category": "capex",
                "status": "planned",
                "points": [
                    {"year": 2023, "amount_low": 30 * B, "amount_high": 33 * B, "currency": "USD",
                     "usd": {"amount_low": 30 * B, "amount_high": 33 * B}, "figure_id": 5},
                    {"year": 2024, "amount_low": None, "amount_high": None, "currency": None,
                     "usd": None, "figure_id": None},
                    {"year": 2025, "amount_low": 66 * B, "amount_high": 72 * B, "currency": "USD",
                     "usd": {"amount_low": 66 * B, "amount_high": 72 * B}, "figure_id": 7},
                ],
            }
        ],
        "figures": [FIGURE],
    },
)  # fmt: skip


def _member(slug: str, name: str, figure_id: int | None, amount: int | None) -> dict:  # type: ignore[type-arg]
    usd = {"amount_low": amount * B, "amount_high": amount * B} if amount else None
    return {
        "company": {"slug": slug, "name": name},
        "figure_id": figure_id,
        "category": "capex" if amount else None,
        "amount_low": amount * B if amount else None,
        "amount_high": amount * B if amount else None,
        "currency": "USD" if amount else None,
        "usd": usd,
    }


GROUP = Example(
    summary="Big tech's $320B against its members",
    value={
        "name": "big tech",
        "items": [
            {
                "year": 2025,
                "category": "ai_infrastructure",
                "status": "planned",
                "claimed": {
                    "claim_id": 9,
                    "article_id": 1,
                    "title": "Big tech's $320B AI spend defies efficiency race",
                    "url": "https://news.example.com/big-tech-320b",
                    "published": "2025-02-12",
                    "amount_low": 320 * B,
                    "amount_high": 320 * B,
                    "currency": "USD",
                    "usd": {"amount_low": 320 * B, "amount_high": 320 * B},
                    "evidence": "Big tech is set to spend $320 billion on AI in 2025.",
                    "copy_of": None,
                },
                "sources": 1,
                "members": [
                    _member("alphabet", "Alphabet", 3, 75),
                    _member("amazon", "Amazon", 1, 100),
                    _member("meta", "Meta", 4, 65),
                    _member("microsoft", "Microsoft", 2, 80),
                ],
                "members_sum": {"amount_low": 320 * B, "amount_high": 320 * B},
                "missing": [],
                "difference": {"amount_low": 0, "amount_high": 0},
                "difference_share": 0.0,
            }
        ],
    },
)
