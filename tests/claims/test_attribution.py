"""Whose money it is: the payer named, carried over, rolled up, or a group; and what it buys."""

from __future__ import annotations

import pytest

from service.claims.extract import extract
from service.companies.registry import load_registry
from tests.claims.helpers import claims, one, spender

B = 1_000_000_000


def test_subsidiaries_and_brands_roll_up_to_the_parent() -> None:
    assert spender(one("AWS will invest $11 billion in data centres in Georgia.")) == "amazon"
    assert spender(one("Azure will invest $5 billion in new servers this year.")) == "microsoft"
    assert spender(one("阿里云计划投入500亿元建设数据中心。", language="zh")) == "alibaba"
    c = one("Google will spend $25 billion on data centres in the PJM grid region.")
    assert (c.company_slug, c.company) == ("alphabet", "Alphabet")


def test_the_shipped_registry_resolves_aliases_to_root_companies() -> None:
    found = extract(
        "Amazon Web Services will invest $11 billion in data centres in Georgia.",
        published=None,
        language="en",
        registry=load_registry(),
    )
    assert [(c.company_slug, c.company) for c in found] == [("amazon", "Amazon")]


def test_spender_carried_from_the_previous_sentence() -> None:
    c = one(
        "Microsoft's Satya Nadella was bullish on the call. "
        "Having earmarked $80 billion for AI infrastructure, the group expects demand to hold."
    )
    assert spender(c) == "microsoft"


@pytest.mark.parametrize(
    "second",
    [
        "The company will spend $30 billion on servers this year.",
        "It will spend $30 billion on servers this year.",
        "Its $30 billion server budget is the largest yet.",
        "The e-commerce giant will spend $30 billion on servers this year.",
        "The Seattle-based firm will spend $30 billion on servers this year.",
    ],
)
def test_back_references_name_the_company_of_the_previous_sentence(second: str) -> None:
    found = claims("Amazon reported strong cloud growth on Thursday. " + second)
    assert [spender(c) for c in found] == ["amazon"]


def test_the_japanese_firm_is_the_investor_named_before() -> None:
    found = claims(
        "SoftBank agreed to invest up to $22 billion in OpenAI. "
        "The Japanese firm's own investment is expected to be up to $18 billion."
    )
    assert sorted((spender(c), c.amount_high) for c in found) == [
        ("softbank", 18 * B),
        ("softbank", 22 * B),
    ]


def test_several_companies_each_with_their_own_amount() -> None:
    found = claims(
        "Meta and Alphabet are expected to spend $72 billion and $91 billion, respectively, "
        "on capital expenditure in 2025."
    )
    assert sorted((spender(c), c.amount_low) for c in found) == [
        ("alphabet", 91 * B),
        ("meta", 72 * B),
    ]


def test_two_companies_in_separate_clauses() -> None:
    found = claims(
        "Amazon will spend $100 billion in 2025, while Microsoft will spend $80 billion."
    )
    assert sorted((spender(c), c.amount_low) for c in found) == [
        ("amazon", 100 * B),
        ("microsoft", 80 * B),
    ]


def test_the_payer_of_an_investment_not_the_target() -> None:
    c = one("Amazon will invest a further $4 billion in Anthropic, the AI start-up.")
    assert (spender(c), c.category) == ("amazon", "investment")


def test_money_a_company_receives_is_the_investors_claim() -> None:
    c = one(
        "OpenAI has received backing from several firms, including Microsoft, "
        "which has invested $13 billion in the start-up."
    )
    assert (spender(c), c.category, c.status) == ("microsoft", "investment", "actual")


def test_an_acquisition_is_the_buyers() -> None:
    c = one("Nvidia agreed to acquire Arm Holdings for $40 billion.")
    assert (spender(c), c.category, c.period) == ("nvidia", "acquisition", None)


def test_passive_voice_names_the_payer_after_by() -> None:
    c = one("A further €5 billion will be invested by Brookfield in AI infrastructure projects.")
    assert (spender(c), c.currency, c.category) == ("brookfield", "EUR", "ai_infrastructure")


@pytest.mark.parametrize(
    "text",
    [
        "Analysts expect Amazon to spend $105 billion on capex in 2025.",
        "Amazon's 2025 capex is forecast to reach $105 billion, according to Bernstein analysts.",
        "Amazon will spend $100 billion, below analysts' estimates of $105 billion.",
    ],
)
def test_analysts_expectations_are_estimates(text: str) -> None:
    found = [c for c in claims(text) if c.amount_low == 105 * B]
    assert [(spender(c), c.status) for c in found] == [("amazon", "estimate")]


def test_beating_expectations_is_not_an_estimate() -> None:
    c = one("Oracle's quarterly capex came in at $8.5 billion, higher than analysts had expected.")
    assert c.status == "actual"


@pytest.mark.parametrize(
    ("text", "language", "group"),
    [
        (
            "Big tech will spend more than $350 billion on AI infrastructure in 2025.",
            "en",
            "big tech",
        ),
        ("Hyperscalers are expected to spend $350 billion on capex in 2025.", "en", "hyperscalers"),
        ("科技巨头今年将在AI基础设施上投入3500亿美元。", "zh", "big tech"),
    ],
)
def test_groups_are_group_claims(text: str, language: str, group: str) -> None:
    c = one(text, language=language)
    assert (c.company_slug, c.company, c.group) == (None, None, group)


def test_a_list_of_group_members_spending_together_is_the_group() -> None:
    c = one("微软、谷歌、Meta、亚马逊等巨头今年资本支出预计将超过4000亿美元。", language="zh")
    assert (c.group, c.status, c.year) == ("big tech", "estimate", 2025)


def test_unknown_company_keeps_its_name() -> None:
    c = one("Nebius Group will invest $1 billion in European data centres next year.")
    assert (c.company_slug, c.company) == (None, "Nebius")


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("Amazon plans $100 billion of capital expenditure in 2025.", "capex"),
        ("Microsoft will spend $80 billion on AI data centres in 2025.", "ai_infrastructure"),
        ("Alibaba will raise R&D spending to $8 billion this year.", "r_and_d"),
        ("SoftBank will take a $3 billion stake in OpenAI.", "investment"),
        ("Alphabet agreed to buy Wiz for $32 billion.", "acquisition"),
        ("TSMC will build a new factory in Japan for $20 billion.", "capex"),
    ],
)
def test_categories(text: str, category: str) -> None:
    assert one(text).category == category


@pytest.mark.parametrize(
    ("text", "language", "want"),
    [
        (
            "ソフトバンクグループは2025年度に設備投資として1兆円を計画している。",
            "ja",
            ("softbank", 10**12, "JPY", 2025, "capex"),
        ),
        (
            "마이크로소프트는 아니고 삼성전자는 지난해 시설투자에 53조6000억원을 집행했다.",
            "ko",
            ("samsung", 53_600 * B, "KRW", 2024, "capex"),
        ),
        (
            "Microsoft va investir 4 milliards d'euros dans ses centres de données en 2026.",
            "fr",
            ("microsoft", 4 * B, "EUR", 2026, "ai_infrastructure"),
        ),
        (
            "SAP investiert 2026 rund 5 Milliarden Euro in Rechenzentren.",
            "de",
            ("sap", 5 * B, "EUR", 2026, "ai_infrastructure"),
        ),
    ],
)
def test_spenders_in_other_languages(
    text: str, language: str, want: tuple[str, int, str, int, str]
) -> None:
    c = one(text, language=language)
    assert (spender(c), c.amount_low, c.currency, c.year, c.category) == want


def test_someone_elses_expectation_of_a_company_is_an_estimate() -> None:
    c = one("Morgan Stanley expects Microsoft to spend $90 billion on capex in fiscal 2026.")
    assert (spender(c), c.status, c.fiscal) == ("microsoft", "estimate", True)


def test_paying_for_a_named_company_is_an_acquisition() -> None:
    c = one("Alphabet will pay $32 billion in cash for Wiz.")
    assert (spender(c), c.category) == ("alphabet", "acquisition")


def test_a_companys_own_forecast_is_its_plan() -> None:
    found = claims("Alphabet raised its capital spending forecast for 2025 to $85 billion.")
    assert [(spender(c), c.status) for c in found] == [("alphabet", "planned")]


def test_the_company_whose_round_it_is_receives_the_money() -> None:
    c = one("SoftBank led OpenAI's $40 billion funding round, contributing $30 billion.")
    assert (spender(c), c.amount_low, c.category) == ("softbank", 30 * B, "investment")


def test_the_company_far_from_its_name_is_the_article_subject() -> None:
    text = (
        "Oracle lifts its cloud outlook\n\n"
        "Demand for cloud capacity keeps growing, executives said on the call.\n\n"
        "Customers signed large contracts in the quarter.\n\n"
        "Investors cheered the results.\n\n"
        "The company now plans capital expenditure of $35 billion in fiscal 2026."
    )
    (c,) = claims(text)
    assert (spender(c), c.year, c.fiscal) == ("oracle", 2026, True)
    assert c.confidence < 0.8


def test_japanese_and_korean_particles_mark_the_recipient() -> None:
    ja = one(
        "ソフトバンクグループは決算を発表した。同社はOpenAIに最大400億ドルを出資する。",
        language="ja",
    )
    ko = one("소프트뱅크는 오픈AI에 400억 달러를 투자한다.", language="ko")
    assert (spender(ja), ja.category) == ("softbank", "investment")
    assert (spender(ko), ko.category) == ("softbank", "investment")
