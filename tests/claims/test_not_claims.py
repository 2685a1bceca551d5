"""Money that is not spending, and figures told twice."""

from __future__ import annotations

import pytest

from tests.claims.helpers import claims, one

B = 1_000_000_000


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Microsoft reported revenue of $70 billion for the quarter.", "en"),
        ("Amazon's cloud unit posted operating profit of $11 billion.", "en"),
        ("Anthropic is now valued at $180 billion after the round.", "en"),
        ("The AI chip market is expected to reach $400 billion by 2030.", "en"),
        ("Nvidia shares rose 4% to $180, adding $150 billion in market value.", "en"),
        ("OpenAI raised $8 billion in new funding from investors.", "en"),
        ("TSMC received a $6 billion grant for its Arizona plant.", "en"),
        ("Each Nvidia GB200 server costs about $3 million.", "en"),
        ("Intel took a $9 billion write-down on its factories.", "en"),
        ("Meta is investing billions of dollars in new data centres.", "en"),
        ("Microsoft ended the quarter with $80 billion in cash and short-term investments.", "en"),
        ("Amazon will borrow $15 billion in bonds to fund data centres.", "en"),
        ("阿里巴巴本季度营收为2477亿元。", "zh"),
        ("腾讯市值突破5万亿港元。", "zh"),
    ],
)
def test_not_spending(text: str, language: str) -> None:
    assert claims(text, language=language) == []


def test_revenue_beside_spending_in_one_sentence() -> None:
    c = one(
        "Having set aside $80 billion for data centres in 2025, Microsoft says its AI business "
        "now brings in $13 billion of annual revenue."
    )
    assert c.amount_low == 80 * B


def test_a_difference_between_figures_is_not_a_figure() -> None:
    c = one("Meta's capex of $19 billion was $2 billion higher than analysts had forecast.")
    assert c.amount_low == 19 * B


def test_a_figure_told_twice_is_one_claim() -> None:
    found = claims(
        "Alphabet plans to spend $85 billion on capital expenditure in 2025. "
        "Analysts said the $85 billion plan surprised investors. "
        "The $85 billion will mostly go to servers."
    )
    assert [(c.company_slug, c.amount_low, c.year) for c in found] == [("alphabet", 85 * B, 2025)]


def test_a_summary_in_another_language_does_not_double_count() -> None:
    text = (
        "亚马逊计划2025年资本支出1200亿美元。\n\n"
        "Amazon plans $120 billion of capital expenditure in 2025, its finance chief said."
    )
    found = claims(text)
    assert len(found) == 1
    assert (found[0].company_slug, found[0].year) == ("amazon", 2025)
    assert found[0].evidence.startswith("Amazon plans")  # the article's own language wins


def test_a_parenthetical_conversion_is_one_claim() -> None:
    c = one(
        "Brookfield will invest €20 billion (approximately $20.7 billion) in French data centres."
    )
    assert (c.amount_low, c.currency) == (20 * B, "EUR")


def test_claims_quote_the_exact_sentence() -> None:
    text = "Intro line.\n\nMeta will spend $65 billion in 2025. Shares fell 2%."
    (c,) = claims(text)
    assert c.evidence == "Meta will spend $65 billion in 2025."
    assert text[c.start : c.end] == c.evidence


def test_confidence_orders_named_above_carried_spenders() -> None:
    found = claims(
        "Amazon plans $100 billion of capex in 2025. It spent $83 billion on capex in 2024."
    )
    named, carried = sorted(found, key=lambda c: c.start)
    assert named.confidence > carried.confidence
