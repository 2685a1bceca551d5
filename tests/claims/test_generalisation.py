"""Forms met in held-out news beyond the dev set, each in wording of its own.

Every test names a class of text, not an article: decimal commas, number words, deadlines,
fiscal years written the Japanese way, comparison bases, partners, buyers, relative clauses,
carried periods, verb-final forecasts, money raised in French and German.
"""

from __future__ import annotations

from datetime import date

import pytest

from service.claims.extract import extract
from tests.claims.helpers import claims, one, spender

# --- amounts ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "language", "amount"),
    [
        ("SAP will in diesem Jahr eine Milliarde Euro in KI investieren.", "de", 1_000_000_000),
        ("SAP investiert zwölf Milliarden Euro in neue Rechenzentren.", "de", 12_000_000_000),
        (
            "Brookfield investira deux milliards d'euros dans des centres de données.",
            "fr",
            2 * 10**9,
        ),
    ],
)
def test_number_words_before_a_scale(text: str, language: str, amount: int) -> None:
    assert one(text, language=language).amount_low == amount


def test_a_word_ending_in_rs_is_not_a_rupee_sign() -> None:
    c = one("Brookfield investira par ailleurs 3 milliards d'euros en Europe.", language="fr")
    assert (c.amount_low, c.currency) == (3_000_000_000, "EUR")


def test_a_bare_scale_after_a_figure_shares_its_currency() -> None:
    found = claims(
        "SAP va réduire ses investissements à 2 milliards de dollars en 2025, "
        "contre 2,5 milliards l'an dernier.",
        language="fr",
    )
    assert {(c.amount_low, c.currency, c.year) for c in found} == {
        (2_000_000_000, "USD", 2025),
        (2_500_000_000, "USD", 2024),
    }


def test_a_bare_scale_before_a_noun_is_not_money() -> None:
    found = claims("OpenAI will spend $5 billion on servers for its 500 million users.")
    assert [c.amount_low for c in found] == [5_000_000_000]


def test_soit_environ_is_a_conversion() -> None:
    found = claims(
        "SAP rachète la société pour 3,3 milliards de dollars, soit environ 2,9 milliards d'euros.",
        language="fr",
    )
    assert [(c.amount_low, c.currency) for c in found] == [(3_300_000_000, "USD")]


def test_a_decimal_comma_does_not_split_the_clause() -> None:
    c = one(
        "SAP hatte 2024 rund 6,5 Milliarden Euro für Forschung und Entwicklung ausgegeben.",
        language="de",
    )
    assert (c.category, c.status, c.year) == ("r_and_d", "actual", 2024)


# --- periods ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Brookfield prévoit d'investir 10 milliards d'euros d'ici à 2030 en France.", "fr"),
        ("삼성전자는 2028년까지 미국 공장에 50억달러를 투자한다.", "ko"),
        ("Amazon will invest $20 billion in Ohio, with construction starting in 2026.", "en"),
    ],
)
def test_deadlines_and_start_dates_are_not_the_year(text: str, language: str) -> None:
    c = one(text, language=language)
    assert c.year is None


def test_a_deadline_stops_the_year_carried_from_before() -> None:
    found = claims(
        "삼성전자는 내년 시설투자를 60조원으로 늘린다. "
        "삼성전자는 또 2027년까지 미국에 30억달러를 투자한다.",
        language="ko",
        published=date(2025, 10, 30),
    )
    assert {(c.amount_low, c.year) for c in found} == {(60 * 10**12, 2026), (3 * 10**9, None)}


def test_japanese_fiscal_year_written_as_march_period() -> None:
    c = one(
        "ソフトバンクグループは2026年3月期に設備投資として5000億円を計画している。", language="ja"
    )
    assert (c.year, c.fiscal, c.period) == (2026, True, "year")


def test_japanese_current_fiscal_year_is_named_by_its_first_year() -> None:
    c = one(
        "ソフトバンクグループは今年度、設備投資に3000億円を充てる。",
        language="ja",
        published=date(2025, 6, 1),
    )
    assert (c.year, c.fiscal) == (2025, True)


def test_a_comparison_base_is_not_the_period() -> None:
    c = one(
        "ソフトバンクグループは2025年度の設備投資を前年度比2割増の6000億円とする計画だ。",
        language="ja",
    )
    assert c.year == 2025


@pytest.mark.parametrize(
    ("text", "year"),
    [
        ("腾讯发布2024年业绩，全年资本开支为767亿元。", 2024),
        ("腾讯公布去年财报，全年研发投入为700亿元。", 2024),
    ],
)
def test_full_year_takes_the_year_the_sentence_reports(text: str, year: int) -> None:
    assert one(text, language="zh", published=date(2025, 3, 20)).year == year


def test_german_previous_fiscal_year() -> None:
    c = one(
        "Im vergangenen Geschäftsjahr lagen die Investitionen von SAP bei 1,5 Milliarden Euro.",
        language="de",
    )
    assert (c.year, c.fiscal, c.status) == (2024, True, "actual")


def test_a_year_earlier_after_a_quarter_is_that_quarter() -> None:
    found = claims(
        "Alphabet spent $22 billion on capital expenditures in the second quarter, "
        "up from $13 billion a year earlier.",
        published=date(2025, 7, 25),
    )
    assert {(c.amount_low, c.period, c.year) for c in found} == {
        (22 * 10**9, "quarter", 2025),
        (13 * 10**9, "quarter", 2024),
    }


def test_a_month_named_quarter() -> None:
    c = one(
        "Meta's capital expenditures were $17 billion in the June quarter.",
        published=date(2025, 8, 1),
    )
    assert (c.period, c.quarter, c.year) == ("quarter", 2, 2025)


def test_a_breakdown_keeps_the_quarter_of_the_total() -> None:
    found = claims(
        "삼성전자는 2분기 시설투자에 11조원을 집행했다. 이 중 반도체에 9조원이 투입됐다.",
        language="ko",
        published=date(2025, 7, 31),
    )
    assert {(c.amount_low, c.period, c.year) for c in found} == {
        (11 * 10**12, "quarter", 2025),
        (9 * 10**12, "quarter", 2025),
    }


def test_an_earlier_forecast_of_the_same_year() -> None:
    found = claims(
        "Meta now expects capex of $70 billion this year, "
        "up from its prior forecast of $66 billion."
    )
    assert {(c.amount_low, c.year, c.status) for c in found} == {
        (70 * 10**9, 2025, "planned"),
        (66 * 10**9, 2025, "planned"),
    }


# --- attribution -----------------------------------------------------------------------


def test_a_backer_named_as_modifier_is_not_the_spender() -> None:
    c = one("Anthropic, the Amazon-backed AI lab, plans to spend $50 billion on data centres.")
    assert spender(c) == "anthropic"


def test_the_subject_of_a_relative_clause_spends() -> None:
    c = one("Oracle will back the lab OpenAI, which aims to invest $100 billion in data centres.")
    assert spender(c) == "openai"


def test_the_buyer_of_a_stake_pays() -> None:
    c = one("Tencent agreed to sell a stake in its music unit to Brookfield for $2 billion.")
    assert (spender(c), c.category) == ("brookfield", "investment")


def test_respectively_pairs_the_list_nearest_the_figures() -> None:
    found = claims(
        "Amazon is expected to spend $110 billion, analysts say, while Alphabet and Meta "
        "have guided to $85 billion and $70 billion, respectively."
    )
    assert {(spender(c), c.amount_low) for c in found} == {
        ("amazon", 110 * 10**9),
        ("alphabet", 85 * 10**9),
        ("meta", 70 * 10**9),
    }


def test_a_partner_is_not_the_payer() -> None:
    c = one("삼성전자는 오픈AI와 손잡고 데이터센터에 5조원을 투자한다.", language="ko")
    assert spender(c) == "samsung"


def test_a_described_reference_names_the_country_of_its_company() -> None:
    text = (
        "Nvidia et Mistral AI vont construire un centre de calcul en Essonne. "
        "Le groupe américain investira par ailleurs 2 milliards d'euros en Europe."
    )
    found = extract(text, published=date(2025, 6, 11), language="fr")
    assert [(c.company_slug, c.amount_low) for c in found] == [("nvidia", 2_000_000_000)]


def test_a_one_word_company_opening_a_spending_sentence() -> None:
    c = one("Eutelsat prévoit d'investir 4 milliards d'euros dans sa constellation.", language="fr")
    assert (c.company_slug, c.company) == (None, "Eutelsat")


def test_german_descriptor_names_an_unknown_company() -> None:
    c = one(
        "Der Autobauer Volkswagen will 10 Milliarden Euro in Software investieren.", language="de"
    )
    assert c.company == "Volkswagen"


# --- what is and is not spending -------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Mistral AI a levé 1,7 milliard d'euros auprès d'investisseurs.", "fr"),
        ("Le marché mondial de l'IA pourrait atteindre 1.000 milliards de dollars.", "fr"),
        ("Meta signed a $27 billion financing deal for its new data center.", "en"),
        ("ソフトバンクグループは前年度比で約300億円多い設備投資を行う。", "ja"),
    ],
)
def test_not_spending(text: str, language: str) -> None:
    assert claims(text, language=language) == []


def test_a_purchase_price_paid_in_cash_is_spending() -> None:
    c = one("Alphabet agreed to buy a security startup for $32 billion in cash.")
    assert (c.category, c.period) == ("acquisition", None)


def test_buying_computing_power_is_not_an_acquisition() -> None:
    c = one("OpenAI agreed to buy $300 billion of computing power from Oracle over five years.")
    assert (spender(c), c.category, c.period) == ("openai", "ai_infrastructure", "multi_year")


def test_korean_forecast_verb_covers_every_figure() -> None:
    found = claims(
        "삼성전자와 소프트뱅크는 내년 투자를 각각 50조원과 10조원으로 "
        "늘릴 것으로 증권가는 내다봤다.",
        language="ko",
    )
    assert {c.status for c in found} == {"estimate"}


def test_a_past_comparison_figure_is_actual_unless_it_was_guidance() -> None:
    spent = claims("腾讯表示今年资本开支将低于此前预期，但仍将高于2024年的767亿元。", language="zh")
    assert [(c.year, c.status) for c in spent] == [(2024, "actual")]
    guided = claims(
        "Meta is expected to spend $60 billion this year versus previous guidance of $38 billion.",
        published=date(2025, 1, 24),
    )
    assert {(c.amount_low, c.status) for c in guided} >= {(38 * 10**9, "planned")}


def test_a_breakdown_sentence_without_a_spending_word() -> None:
    found = claims(
        "삼성전자는 지난해 시설투자에 50조원을 집행했다. 이 중 반도체 부문이 45조원을 차지했다.",
        language="ko",
    )
    assert {(c.amount_low, c.year) for c in found} == {(50 * 10**12, 2024), (45 * 10**12, 2024)}


def test_a_comparative_is_not_part_of_a_company_name() -> None:
    found = claims(
        "花旗预计，阿里巴巴未来三年的AI资本开支将达到4800亿元，高于公司此前宣布的3800亿元。",
        language="zh",
    )
    assert {spender(c) for c in found} == {"alibaba"}
