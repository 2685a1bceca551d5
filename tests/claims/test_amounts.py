"""Amounts as finance news writes them, in seven languages and nine currencies."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from service.claims.extract.amounts import find_amounts, parse_chinese_numeral, parse_number

B = 1_000_000_000


def amounts(text: str, language: str = "en") -> list[tuple[int, int, str]]:
    return [(a.low, a.high, a.currency) for a in find_amounts(text, language=language)]


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("spend $100 billion on chips", (100 * B, 100 * B, "USD")),
        ("a $100bn programme", (100 * B, 100 * B, "USD")),
        ("a $100B budget", (100 * B, 100 * B, "USD")),
        ("pledged US$2.5 trillion", (2_500 * B, 2_500 * B, "USD")),
        ("a €5 billion plan", (5 * B, 5 * B, "EUR")),
        ("a £300m upgrade", (300_000_000, 300_000_000, "GBP")),
        ("to invest 50 billion dollars", (50 * B, 50 * B, "USD")),
        ("Rs 12,500 crore on towers", (125 * B, 125 * B, "INR")),
        ("₹8,000 crore in fibre", (80 * B, 80 * B, "INR")),
        ("HK$4.2 billion on a campus", (4_200_000_000, 4_200_000_000, "HKD")),
        ("NT$90 billion for a fab", (90 * B, 90 * B, "TWD")),
        ("¥1.5 trillion over three years", (1_500 * B, 1_500 * B, "JPY")),
        ("₩3 trillion in memory lines", (3_000 * B, 3_000 * B, "KRW")),
        ("RMB 20 billion of servers", (20 * B, 20 * B, "CNY")),
        ("7 billion yuan on compute", (7 * B, 7 * B, "CNY")),
        ("CHF 5 billion for a plant", (5 * B, 5 * B, "CHF")),
        ("a $500-billion programme", (500 * B, 500 * B, "USD")),
        ("Rs 1.2 lakh crore of capex", (1_200 * B, 1_200 * B, "INR")),
    ],
)
def test_english_amounts_and_currencies(text: str, want: tuple[int, int, str]) -> None:
    assert amounts(text) == [want]


@pytest.mark.parametrize(
    ("text", "low", "high"),
    [
        ("capex of $45-50 billion", 45 * B, 50 * B),
        ("capex of $45 – $50 billion", 45 * B, 50 * B),
        ("capex of $45 billion to $50 billion", 45 * B, 50 * B),
        ("capex between $45 billion and $50 billion", 45 * B, 50 * B),
        ("guidance up 33 – $35 billion", 33 * B, 35 * B),
    ],
)
def test_ranges_keep_both_ends(text: str, low: int, high: int) -> None:
    assert amounts(text) == [(low, high, "USD")]


@pytest.mark.parametrize(
    "text",
    ["more than $12 billion", "nearly $12 billion", "about $12 billion", "up to $12 billion"],
)
def test_qualifiers_keep_the_stated_figure(text: str) -> None:
    assert amounts(text) == [(12 * B, 12 * B, "USD")]


def test_a_change_from_one_figure_to_another_is_two_figures() -> None:
    assert amounts("raised its budget from $30 billion to $36 billion") == [
        (30 * B, 30 * B, "USD"),
        (36 * B, 36 * B, "USD"),
    ]


@pytest.mark.parametrize(
    ("text", "language", "want"),
    [
        ("计划投入1500亿美元", "zh", (150 * B, 150 * B, "USD")),
        ("投资4200亿元建设", "zh", (420 * B, 420 * B, "CNY")),
        ("斥资四千二百亿元", "zh", (420 * B, 420 * B, "CNY")),
        ("资本支出700-750亿美元", "zh", (70 * B, 75 * B, "USD")),
        ("投入2.5万亿元", "zh", (2_500 * B, 2_500 * B, "CNY")),
        ("資本支出為856億元", "zh-Hant", (85_600_000_000, 85_600_000_000, "TWD")),
        ("시설투자에 31조4000억원을", "ko", (31_400 * B, 31_400 * B, "KRW")),
        ("50억 달러를 투자", "ko", (5 * B, 5 * B, "USD")),
        ("4200億元を投じる", "ja", (420 * B, 420 * B, "CNY")),
        ("2兆円を投資する", "ja", (2_000 * B, 2_000 * B, "JPY")),
        ("1,500億円を投じる", "ja", (150 * B, 150 * B, "JPY")),
        ("３兆円を投じる", "ja", (3_000 * B, 3_000 * B, "JPY")),
        ("investira 109 milliards d'euros", "fr", (109 * B, 109 * B, "EUR")),
        ("investit 2,5 milliards d’euros", "fr", (2_500_000_000, 2_500_000_000, "EUR")),
        ("will 12 Milliarden US-Dollar investieren", "de", (12 * B, 12 * B, "USD")),
        ("3,2 Milliarden Euro in Rechenzentren", "de", (3_200_000_000, 3_200_000_000, "EUR")),
    ],
)
def test_amounts_in_other_languages(text: str, language: str, want: tuple[int, int, str]) -> None:
    assert amounts(text, language) == [want]


@pytest.mark.parametrize(
    "text",
    [
        "€20 billion (approximately $21.7 billion)",
        "€20 billion (about $21.7 billion)",
        "€20 billion, or about $21.7 billion,",
        "1000亿元(约合140亿美元)",
    ],
)
def test_a_parenthetical_conversion_is_one_amount_in_the_first_currency(text: str) -> None:
    found = find_amounts(text, language="zh" if "亿" in text else "en")
    assert len(found) == 1
    assert found[0].currency in {"EUR", "CNY"}


@pytest.mark.parametrize(
    "text",
    [
        "shares rose to $303.50",
        "billions of dollars in new data centres",
        "数百亿美元的投入",
        "in 2025 the company grew 30%",
        "a 500 MW campus for 7,000 people",
    ],
)
def test_no_figure_no_amount(text: str) -> None:
    assert amounts(text, "zh" if "亿" in text else "en") == []


def test_offsets_cover_the_written_amount() -> None:
    text = "Amazon plans $100 billion of capex."
    (found,) = find_amounts(text)
    assert text[found.start : found.end] == "$100 billion"


# Property tests: the parser reads back what a formatter writes.


@given(st.integers(min_value=1, max_value=10**12))
def test_thousands_separators_round_trip(n: int) -> None:
    assert parse_number(f"{n:,}") == n
    assert parse_number(f"{n:,}".replace(",", "."), language="de") == n


@given(st.integers(min_value=1, max_value=99_999), st.integers(min_value=0, max_value=99))
def test_decimals_round_trip_in_english_and_german(whole: int, cents: int) -> None:
    english = f"{whole}.{cents:02d}"
    german = f"{whole},{cents:02d}"
    assert parse_number(english) == parse_number(german, language="de")
    assert float(parse_number(english)) == pytest.approx(whole + cents / 100)


@given(st.integers(min_value=1, max_value=9_999), st.sampled_from(["billion", "bn", "B"]))
def test_billions_round_trip(n: int, unit: str) -> None:
    assert amounts(f"a ${n} {unit} plan".replace(" B", "B")) == [(n * B, n * B, "USD")]


_DIGITS = "零一二三四五六七八九"


def _chinese(n: int) -> str:
    """A number below 10,000 the way Chinese writes it: 3800 -> 三千八百, 1050 -> 一千零五十."""
    out, zero = "", False
    for value, unit in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        digit = n // value % 10
        if digit:
            out += ("零" if zero and out else "") + _DIGITS[digit] + unit
            zero = False
        elif out:
            zero = True
    return out


@given(st.integers(min_value=1, max_value=9_999))
def test_chinese_numerals_round_trip(n: int) -> None:
    assert parse_chinese_numeral(_chinese(n)) == n


@given(st.integers(min_value=1, max_value=9_999))
def test_chinese_numerals_with_yi_scale(n: int) -> None:
    assert amounts(f"投入{_chinese(n)}亿元", "zh") == [(n * 10**8, n * 10**8, "CNY")]


@given(st.integers(min_value=1, max_value=99), st.integers(min_value=1, max_value=9_999))
def test_korean_jo_and_eok_add_up(jo: int, eok: int) -> None:
    assert amounts(f"{jo}조{eok}억원", "ko") == [(jo * 10**12 + eok * 10**8,) * 2 + ("KRW",)]
