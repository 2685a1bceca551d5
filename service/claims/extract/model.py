"""What the extractor returns, one struct per claim."""

from __future__ import annotations

import msgspec

CATEGORIES = ("capex", "ai_infrastructure", "r_and_d", "investment", "acquisition", "other")
STATUSES = ("actual", "planned", "estimate")
PERIODS = ("year", "quarter", "half", "multi_year")


class Extracted(msgspec.Struct, frozen=True, kw_only=True):
    """One spending claim as found in a text.

    `company_slug` is the registry slug of the spender after roll-up to the parent that
    reports the spending (AWS -> amazon), or None when the spender is not in the registry;
    `company` is then the name as the text gives it, or None for a group claim (`group` set).
    `start`/`end` are offsets of the evidence sentence in the text: text[start:end].
    """

    company_slug: str | None
    company: str | None
    group: str | None
    amount_low: int
    amount_high: int
    currency: str
    year: int | None
    fiscal: bool
    period: str | None
    quarter: int | None
    category: str
    status: str
    start: int
    end: int
    evidence: str
    confidence: float
