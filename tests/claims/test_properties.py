"""Whatever the text, claims quote it exactly and stay within their contract."""

from __future__ import annotations

from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from service.claims.extract import CATEGORIES, PERIODS, STATUSES
from tests.claims.helpers import claims

_FRAGMENTS = [
    "Amazon",
    "Microsoft",
    "Google",
    "Meta",
    "AWS",
    "The company",
    "It",
    "its",
    "analysts",
    "Tech giants",
    "腾讯",
    "阿里巴巴",
    "삼성전자는",
    "SoftBank",
    "will spend",
    "invested",
    "plans to invest",
    "capital expenditure",
    "revenue of",
    "data centres",
    "in 2025",
    "last year",
    "this year",
    "fiscal 2026",
    "Q3",
    "over the next four years",
    "by 2030",
    "$100 billion",
    "$60-65 billion",
    "€5bn",
    "£300m",
    "1000亿美元",
    "3800亿元",
    "21조6000억원",
    "160 milliards d'euros",
    "(about $21 billion)",
    "up from",
    "respectively",
    "and",
    ",",
    ".",
    "。",
    "\n\n",
    "，",
    "计划",
    "投入",
    "资本支出",
    "今年",
    "去年",
    "more than",
    "valued at",
]


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.sampled_from(_FRAGMENTS), min_size=1, max_size=40),
    st.sampled_from(["en", "zh", "ko", "fr"]),
    st.one_of(st.none(), st.dates(min_value=date(2015, 1, 1), max_value=date(2030, 12, 31))),
)
def test_claims_keep_their_contract_on_any_text(
    words: list[str], language: str, published: date | None
) -> None:
    text = " ".join(words)
    for claim in claims(text, published=published, language=language):  # checks evidence too
        assert claim.category in CATEGORIES
        assert claim.status in STATUSES
        assert claim.period is None or claim.period in PERIODS
        assert 0 < claim.amount_low <= claim.amount_high
        assert (claim.company_slug is None) or claim.company is not None
        assert (claim.group is None) != (claim.company is None)
        if claim.period == "multi_year":
            assert claim.year is None
        if claim.period == "quarter":
            assert claim.quarter in {1, 2, 3, 4, None}
