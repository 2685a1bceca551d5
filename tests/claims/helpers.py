"""A small registry of our own, so the extractor's tests do not move when the shipped one grows."""

from __future__ import annotations

import json
from datetime import date

from service.claims.extract import Extracted, extract
from service.companies.registry import Registry, parse_registry

_REGISTRY = {
    "companies": [
        {
            "slug": "amazon",
            "name": "Amazon",
            "kind": "company",
            "strict_case": True,
            "aliases": {"zh-Hans": ["亚马逊"], "ko": ["아마존"]},
        },
        {
            "slug": "aws",
            "name": "AWS",
            "kind": "subsidiary",
            "parent": "amazon",
            "aliases": {"en": ["Amazon Web Services"], "zh-Hans": ["亚马逊云科技"]},
        },
        {
            "slug": "microsoft",
            "name": "Microsoft",
            "kind": "company",
            "fiscal_year_end_month": 6,
            "aliases": {"zh-Hans": ["微软"], "ja": ["マイクロソフト"]},
        },
        {"slug": "azure", "name": "Azure", "kind": "brand", "parent": "microsoft"},
        {"slug": "alphabet", "name": "Alphabet", "kind": "company", "strict_case": True},
        {
            "slug": "google",
            "name": "Google",
            "kind": "subsidiary",
            "parent": "alphabet",
            "aliases": {"zh-Hans": ["谷歌"]},
        },
        {
            "slug": "meta",
            "name": "Meta",
            "kind": "company",
            "strict_case": True,
            "aliases": {"en": ["Meta Platforms"]},
        },
        {"slug": "instagram", "name": "Instagram", "kind": "brand", "parent": "meta"},
        {
            "slug": "oracle",
            "name": "Oracle",
            "kind": "company",
            "fiscal_year_end_month": 5,
            "strict_case": True,
        },
        {
            "slug": "tsmc",
            "name": "TSMC",
            "kind": "company",
            "aliases": {
                "en": ["Taiwan Semiconductor"],
                "zh-Hant": ["台積電"],
                "zh-Hans": ["台积电"],
            },
        },
        {
            "slug": "samsung",
            "name": "Samsung Electronics",
            "kind": "company",
            "aliases": {"en": ["Samsung"], "ko": ["삼성전자"]},
        },
        {
            "slug": "alibaba",
            "name": "Alibaba",
            "kind": "company",
            "aliases": {"zh-Hans": ["阿里巴巴", "阿里"], "ja": ["アリババ"]},
        },
        {
            "slug": "aliyun",
            "name": "Alibaba Cloud",
            "kind": "subsidiary",
            "parent": "alibaba",
            "aliases": {"zh-Hans": ["阿里云"]},
        },
        {"slug": "tencent", "name": "Tencent", "kind": "company", "aliases": {"zh-Hans": ["腾讯"]}},
        {"slug": "sap", "name": "SAP", "kind": "company", "strict_case": True},
        {
            "slug": "reliance",
            "name": "Reliance Industries",
            "kind": "company",
            "fiscal_year_end_month": 3,
        },
        {
            "slug": "softbank",
            "name": "SoftBank",
            "kind": "investor",
            "aliases": {"ja": ["ソフトバンクグループ"], "ko": ["소프트뱅크"]},
        },
        {"slug": "brookfield", "name": "Brookfield", "kind": "investor"},
        {"slug": "openai", "name": "OpenAI", "kind": "lab", "aliases": {"ko": ["오픈AI"]}},
        {"slug": "anthropic", "name": "Anthropic", "kind": "lab"},
        {"slug": "nvidia", "name": "Nvidia", "kind": "company", "fiscal_year_end_month": 1},
        {"slug": "arm", "name": "Arm Holdings", "kind": "company"},
        {"slug": "hkt", "name": "HKT", "kind": "company"},
    ],
    "groups": [
        {
            "name": "big tech",
            "aliases": ["tech giants", "科技巨头"],
            "members": ["amazon", "microsoft", "alphabet", "meta"],
        },
        {
            "name": "hyperscalers",
            "aliases": ["hyperscaler", "cloud giants"],
            "members": ["amazon", "microsoft", "alphabet", "meta", "oracle"],
        },
    ],
}

REGISTRY: Registry = parse_registry(json.dumps(_REGISTRY).encode())
PUBLISHED = date(2025, 3, 10)


def claims(
    text: str, *, published: date | None = PUBLISHED, language: str = "en"
) -> list[Extracted]:
    found = extract(text, published=published, language=language, registry=REGISTRY)
    for claim in found:
        assert text[claim.start : claim.end] == claim.evidence
        assert 0.0 <= claim.confidence <= 1.0
    return found


def one(text: str, **kwargs: object) -> Extracted:
    """The single claim a sentence holds."""
    found = claims(text, **kwargs)  # type: ignore[arg-type]
    assert len(found) == 1, found
    return found[0]


def spender(claim: Extracted) -> str | None:
    return claim.company_slug or claim.group or claim.company
