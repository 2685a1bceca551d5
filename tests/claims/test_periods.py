"""Which year, quarter or span a claim covers, resolved against the publication date."""

from __future__ import annotations

from datetime import date

import pytest

from tests.claims.helpers import claims, one


def test_explicit_calendar_year() -> None:
    c = one("Samsung will invest $40 billion in memory fabs in 2026.")
    assert (c.year, c.period, c.fiscal) == (2026, "year", False)


@pytest.mark.parametrize(
    ("text", "language", "year"),
    [
        ("Oracle expects capital expenditure of $35 billion in fiscal 2026.", "en", 2026),
        ("Oracle guided to $35 billion of capex for FY26.", "en", 2026),
        ("Oracle plans capex of $35 billion in FY2026.", "en", 2026),
        ("阿里巴巴计划2026财年资本支出达到1200亿元。", "zh", 2026),
    ],
)
def test_fiscal_years(text: str, language: str, year: int) -> None:
    c = one(text, language=language)
    assert (c.year, c.period, c.fiscal) == (year, "year", True)


@pytest.mark.parametrize(
    ("text", "language", "published", "year", "quarter"),
    [
        ("Meta spent $14 billion on capex in Q4.", "en", date(2025, 2, 3), 2024, 4),
        (
            "Alphabet's capital expenditure was $22 billion in the third quarter of 2025.",
            "en",
            date(2025, 11, 1),
            2025,
            3,
        ),
        ("Samsung spent ₩12 trillion on facilities in Q2 2025.", "en", date(2025, 8, 1), 2025, 2),
        ("阿里巴巴二季度资本支出为386亿元。", "zh", date(2025, 8, 29), 2025, 2),
    ],
)
def test_quarters(text: str, language: str, published: date, year: int, quarter: int) -> None:
    c = one(text, language=language, published=published)
    assert (c.period, c.year, c.quarter, c.status) == ("quarter", year, quarter, "actual")


def test_this_quarter_takes_the_quarter_the_article_named() -> None:
    text = "腾讯公布了截至9月30日的第三季度业绩。当季腾讯资本支出为160亿元,同比增长。"
    c = one(text, language="zh", published=date(2025, 11, 14))
    assert (c.period, c.year, c.quarter) == ("quarter", 2025, 3)


@pytest.mark.parametrize(
    ("text", "language", "year"),
    [
        ("Microsoft will spend $90 billion on data centres this year.", "en", 2025),
        ("Amazon spent $83 billion on capex last year.", "en", 2024),
        ("Meta plans to invest $70 billion next year.", "en", 2026),
        ("腾讯今年计划资本支出达到900亿元。", "zh", 2025),
        ("阿里巴巴去年资本支出为770亿元。", "zh", 2024),
        ("微软明年计划投入1000亿美元用于数据中心。", "zh", 2026),
        ("삼성전자는 올해 시설투자에 50조원을 투입할 계획이다.", "ko", 2025),
    ],
)
def test_relative_years(text: str, language: str, year: int) -> None:
    c = one(text, language=language, published=date(2025, 3, 10))
    assert (c.year, c.period) == (year, "year")


def test_relative_year_without_a_publication_date_stays_unknown() -> None:
    c = one("Amazon spent $83 billion on capex last year.", published=None)
    assert c.year is None


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("TSMC will invest $165 billion in Arizona over the next four years.", "en"),
        ("阿里巴巴未来三年将投入3800亿元用于AI基础设施。", "zh"),
        ("Brookfield investira 20 milliards d'euros au cours des cinq prochaines années.", "fr"),
        ("SAP will in den nächsten fünf Jahren 20 Milliarden Euro investieren.", "de"),
        ("Brookfield has already invested more than $50 billion in digital infrastructure.", "en"),
    ],
)
def test_multi_year_spans_have_no_year(text: str, language: str) -> None:
    c = one(text, language=language)
    assert (c.period, c.year) == ("multi_year", None)


def test_a_deadline_is_not_the_year_of_the_spending() -> None:
    c = one("SoftBank pledged $19 billion for AI data centres to be built by 2029.")
    assert (c.year, c.period) == (None, None)


def test_fiscal_calendar_comes_from_the_registry() -> None:
    # Microsoft's year ends in June: July 2025 is in its fiscal 2026.
    c = one(
        "Microsoft expects capital expenditure of $30 billion in the current fiscal first quarter.",
        published=date(2025, 7, 31),
    )
    assert (c.period, c.quarter, c.year, c.fiscal) == ("quarter", 1, 2026, True)


def test_fiscal_year_relative_to_publication_follows_the_company_calendar() -> None:
    c = one("Oracle will spend $25 billion on capex this fiscal year.", published=date(2025, 7, 1))
    assert (c.year, c.fiscal) == (2026, True)  # Oracle's year ends in May


def test_each_figure_keeps_its_own_year() -> None:
    found = claims(
        "Amazon plans $120 billion of capital expenditure for 2025, up from $83 billion in 2024."
    )
    assert sorted((c.amount_low, c.year, c.status) for c in found) == [
        (83_000_000_000, 2024, "actual"),
        (120_000_000_000, 2025, "planned"),
    ]


def test_a_following_sentence_without_a_year_continues_the_previous_one() -> None:
    found = claims(
        "Hyperscalers will spend $400 billion on capex in 2026. "
        "Amazon and Microsoft are expected to spend $130 billion and $110 billion, respectively."
    )
    assert {c.year for c in found} == {2026}


def test_a_reported_fiscal_quarter_is_in_the_fiscal_year_where_it_has_begun() -> None:
    # August 2025: Microsoft's fiscal 2026 has begun, its second quarter has not.
    c = one("据财报,微软第二财季资本支出为226亿美元。", language="zh", published=date(2025, 8, 1))
    assert (c.period, c.quarter, c.year, c.fiscal) == ("quarter", 2, 2025, True)


def test_the_year_compared_with_is_not_the_year_of_the_figure() -> None:
    c = one("台積電今年資本支出將較去年增加,預計達新台幣1000億元。", language="zh-Hant")
    assert (c.year, c.currency) == (2025, "TWD")


def test_a_comparison_with_an_earlier_forecast_keeps_the_year() -> None:
    found = claims(
        "Alphabet now expects capital expenditures of $85 billion in 2025, "
        "up from the $75 billion it forecast in February."
    )
    assert sorted((c.amount_low, c.year, c.status) for c in found) == [
        (75_000_000_000, 2025, "planned"),
        (85_000_000_000, 2025, "planned"),
    ]
