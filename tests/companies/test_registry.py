"""The shipped company registry: strict format, integrity, roll-ups and lookups in every script.

Pure: no database. The registry is what the extractor resolves spender names through, so a
collision or a broken parent here silently credits spending to the wrong company.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections import defaultdict
from typing import Any

import msgspec
import pytest
from hypothesis import given
from hypothesis import strategies as st

from service.companies.registry import (
    KINDS,
    REGISTRY_PATH,
    Registry,
    RegistryError,
    RegistryFile,
    fold,
    load_registry,
    parse_registry,
    problems,
    spellings,
    validate,
)

REGISTRY = load_registry()


def _raw() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(REGISTRY_PATH.read_bytes())
    return data


def _problems_of(data: dict[str, Any]) -> list[str]:
    return problems(msgspec.convert(data, type=RegistryFile))


def _root_name(name: str) -> str:
    company = REGISTRY.resolve(name)
    assert company is not None, f"{name!r} resolves to no company"
    return REGISTRY.root(company.slug).name


# --- the file itself


def test_the_shipped_file_passes_validation() -> None:
    assert validate() is REGISTRY
    assert problems(msgspec.json.decode(REGISTRY_PATH.read_bytes(), type=RegistryFile)) == []


def test_the_registry_knows_at_least_150_organisations() -> None:
    assert len(REGISTRY.companies) >= 150


def test_an_unknown_field_is_refused_at_load() -> None:
    data = _raw()
    data["companies"][0]["ceo"] = "someone"
    with pytest.raises(msgspec.ValidationError, match="ceo"):
        parse_registry(json.dumps(data).encode())


def test_an_unknown_alias_language_is_refused_at_load() -> None:
    data = _raw()
    data["companies"][0]["aliases"]["fr"] = ["Amazonie"]
    with pytest.raises(msgspec.ValidationError, match="fr"):
        parse_registry(json.dumps(data).encode())


def test_slugs_are_unique_stable_kebab_ascii() -> None:
    slugs = [c.slug for c in REGISTRY.companies]
    assert len(slugs) == len(set(slugs))
    for slug in slugs:
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", slug), slug


def test_every_entry_has_a_known_kind_a_country_and_a_fiscal_month() -> None:
    for company in REGISTRY.companies:
        assert company.kind in KINDS, company.slug
        assert company.country is not None, company.slug
        assert re.fullmatch(r"[A-Z]{2}", company.country), company.slug
        assert 1 <= company.fiscal_year_end_month <= 12, company.slug


def test_wikidata_ids_are_well_formed_and_distinct() -> None:
    ids = [c.wikidata for c in REGISTRY.companies if c.wikidata]
    assert ids, "the registry carries no Wikidata id at all"
    assert len(ids) == len(set(ids))
    for qid in ids:
        assert re.fullmatch(r"Q[1-9][0-9]*", qid), qid


def test_every_parent_and_owner_exists_and_no_chain_loops() -> None:
    for company in REGISTRY.companies:
        for target in (company.parent, company.owner):
            assert target is None or target in REGISTRY.by_slug, company.slug
        seen = [company.slug]
        node = company
        while node.parent:
            assert node.parent not in seen, f"parent cycle through {seen}"
            seen.append(node.parent)
            node = REGISTRY.by_slug[node.parent]


def test_brands_and_subsidiaries_always_roll_up_to_a_reporting_company() -> None:
    for company in REGISTRY.companies:
        if company.kind in {"brand", "subsidiary"}:
            root = REGISTRY.root(company.slug)
            assert root.slug != company.slug, company.slug
            assert root.kind not in {"brand", "subsidiary"}, company.slug


def test_no_alias_names_two_companies() -> None:
    owners: dict[str, set[str]] = defaultdict(set)
    for company in REGISTRY.companies:
        for spelling in spellings(company):
            owners[fold(spelling)].add(company.slug)
    shared = {alias: slugs for alias, slugs in owners.items() if len(slugs) > 1}
    assert shared == {}


def test_no_group_alias_is_also_a_company_alias() -> None:
    company_keys = {fold(s) for c in REGISTRY.companies for s in spellings(c)}
    for group in REGISTRY.groups:
        for spelling in (group.name, *group.aliases):
            assert fold(spelling) not in company_keys, spelling


def test_aliases_are_long_enough_and_unpadded() -> None:
    for company in REGISTRY.companies:
        for spelling in spellings(company):
            assert spelling == spelling.strip(), (company.slug, spelling)
            assert len(fold(spelling)) >= 2, (company.slug, spelling)


def _scripts(text: str) -> set[str]:
    names = {unicodedata.name(ch, "") for ch in text}
    found = set()
    for prefix, script in (
        ("CJK UNIFIED", "han"),
        ("HIRAGANA", "kana"),
        ("KATAKANA", "kana"),
        ("HANGUL", "hangul"),
    ):
        if any(n.startswith(prefix) for n in names):
            found.add(script)
    return found


def test_each_alias_is_filed_under_a_language_its_script_fits() -> None:
    for company in REGISTRY.companies:
        aliases = company.aliases
        for alias in aliases.zh_hans + aliases.zh_hant:
            assert "han" in _scripts(alias), (company.slug, alias)
            assert not {"kana", "hangul"} & _scripts(alias), (company.slug, alias)
        for alias in aliases.ja:
            assert {"han", "kana"} & _scripts(alias), (company.slug, alias)
        for alias in aliases.ko:
            assert "hangul" in _scripts(alias), (company.slug, alias)
        for alias in aliases.en:
            assert not _scripts(alias), (company.slug, alias)


# --- names, roll-ups and lookups


@pytest.mark.parametrize(
    "name",
    [
        "Amazon",
        "Alphabet",
        "Microsoft",
        "Meta",
        "TSMC",
        "SK hynix",
        "Alibaba",
        "SoftBank",
        "Brookfield",
        "Oracle",
        "Tencent",
        "Xiaomi",
    ],
)
def test_the_canonical_names_of_the_claims_contract_resolve_to_themselves(name: str) -> None:
    company = REGISTRY.resolve(name)
    assert company is not None
    assert company.name == name
    assert REGISTRY.root(company.slug).name == name


@pytest.mark.parametrize(
    ("written", "reporter"),
    [
        ("AWS", "Amazon"),
        ("Amazon Web Services", "Amazon"),
        ("Google", "Alphabet"),
        ("Google Cloud", "Alphabet"),
        ("Google DeepMind", "Alphabet"),
        ("YouTube", "Alphabet"),
        ("Waymo", "Alphabet"),
        ("Instagram", "Meta"),
        ("WhatsApp", "Meta"),
        ("Facebook", "Meta"),
        ("Azure", "Microsoft"),
        ("LinkedIn", "Microsoft"),
        ("GitHub", "Microsoft"),
        ("阿里云", "Alibaba"),
        ("Alibaba Cloud", "Alibaba"),
        ("腾讯云", "Tencent"),
        ("火山引擎", "ByteDance"),
        ("Samsung Display", "Samsung Electronics"),
        ("Vision Fund", "SoftBank"),
    ],
)
def test_brands_and_subsidiaries_roll_up_to_the_company_that_reports(
    written: str, reporter: str
) -> None:
    assert _root_name(written) == reporter


@pytest.mark.parametrize(
    ("written", "spender"),
    [
        ("SK hynix", "SK hynix"),
        ("Arm Holdings", "Arm Holdings"),
        ("Stargate", "Stargate"),
        ("SoftBank Corp", "SoftBank Corp"),
        ("OpenAI", "OpenAI"),
    ],
)
def test_owned_but_separately_reporting_companies_and_ventures_stay_themselves(
    written: str, spender: str
) -> None:
    assert _root_name(written) == spender


def test_a_joint_venture_has_no_parent() -> None:
    stargate = REGISTRY.resolve("Stargate")
    assert stargate is not None
    assert stargate.kind == "venture"
    assert stargate.parent is None


@pytest.mark.parametrize(
    ("written", "company"),
    [
        ("亚马逊", "Amazon"),
        ("亞馬遜", "Amazon"),
        ("微软", "Microsoft"),
        ("微軟", "Microsoft"),
        ("マイクロソフト", "Microsoft"),
        ("마이크로소프트", "Microsoft"),
        ("サムスン電子", "Samsung Electronics"),
        ("삼성전자", "Samsung Electronics"),
        ("三星电子", "Samsung Electronics"),
        ("台积电", "TSMC"),
        ("台積電", "TSMC"),
        ("鸿海", "Foxconn"),
        ("鴻海", "Foxconn"),
        ("Hon Hai", "Foxconn"),
        ("英伟达", "Nvidia"),
        ("辉达", "Nvidia"),
        ("輝達", "Nvidia"),
        ("エヌビディア", "Nvidia"),
        ("소프트뱅크", "SoftBank"),
        ("ソフトバンクグループ", "SoftBank"),
        ("软银", "SoftBank"),
        ("腾讯", "Tencent"),
        ("騰訊", "Tencent"),
        ("阿里巴巴", "Alibaba"),
        ("SK하이닉스", "SK hynix"),
        ("SK海力士", "SK hynix"),
        ("小米", "Xiaomi"),
        ("甲骨文", "Oracle"),
        ("Telekom", "Deutsche Telekom"),
        ("France Télécom", "Orange"),
    ],
)
def test_names_resolve_in_every_script(written: str, company: str) -> None:
    found = REGISTRY.resolve(written)
    assert found is not None, written
    assert found.name == company


def test_lookup_ignores_case_width_and_spacing() -> None:
    assert REGISTRY.resolve("ＡＭＤ") == REGISTRY.resolve("AMD")
    assert REGISTRY.resolve("  amazon   web  services ") == REGISTRY.by_slug["aws"]
    assert REGISTRY.resolve("SK HYNIX") == REGISTRY.by_slug["sk-hynix"]


def test_an_unknown_name_resolves_to_nothing() -> None:
    assert REGISTRY.resolve("Acme Widgets Ltd") is None


_LATIN_ALIASES = sorted(
    (spelling, c.slug)
    for c in REGISTRY.companies
    for spelling in spellings(c)
    if spelling.isascii()
)


@given(
    pair=st.sampled_from(_LATIN_ALIASES),
    case=st.sampled_from([str.upper, str.lower, str.title, str]),
    pad=st.text(alphabet=" \t\u3000", max_size=3),
)
def test_every_latin_alias_resolves_however_it_is_cased_or_padded(
    pair: tuple[str, str], case: Any, pad: str
) -> None:
    spelling, slug = pair
    found = REGISTRY.resolve(pad + case(spelling) + pad)
    assert found is not None
    assert found.slug == slug


def test_the_scan_list_holds_every_alias_longest_first() -> None:
    pairs = REGISTRY.aliases()
    lengths = [len(alias) for alias, _ in pairs]
    assert lengths == sorted(lengths, reverse=True)
    keys = {alias for alias, _ in pairs}
    for company in REGISTRY.companies:
        for spelling in spellings(company):
            assert fold(spelling) in keys


def test_names_that_are_also_words_match_only_as_capitalised() -> None:
    for word in ("sap", "orange", "apple", "meta", "oracle"):
        company = REGISTRY.resolve(word)
        assert company is not None
        assert company.strict_case
        assert not REGISTRY.accepts(word, company.slug)
        assert REGISTRY.accepts(company.name, company.slug)
    nvidia = REGISTRY.by_slug["nvidia"]
    assert REGISTRY.accepts("NVIDIA", nvidia.slug)
    assert REGISTRY.accepts("nvidia", nvidia.slug)


@pytest.mark.parametrize(
    ("text", "alias", "slug", "counts"),
    [
        ("由于高通胀，央行再次加息。", "高通", "qualcomm", False),
        ("高通计划明年投入50亿美元。", "高通", "qualcomm", True),
        ("通过提高通信效率降低成本。", "高通", "qualcomm", False),
        ("Fires spread through the Amazon rainforest.", "Amazon", "amazon", False),
        ("Amazon plans to spend $100 billion.", "Amazon", "amazon", True),
        ("三星堆遗址出土文物。", "三星", "samsung-electronics", False),
        ("三星将投资300亿美元。", "三星", "samsung-electronics", True),
        ("Orange County approved the budget.", "Orange", "orange", False),
    ],
)
def test_a_name_inside_a_longer_phrase_that_means_something_else_does_not_count(
    text: str, alias: str, slug: str, counts: bool
) -> None:
    start = text.index(alias)
    assert REGISTRY.resolve(alias) == REGISTRY.by_slug[slug]
    assert REGISTRY.accepts(alias, slug, text=text, start=start) is counts


def test_words_that_would_misfire_are_not_aliases() -> None:
    for word in ("arm", "reliance", "x", "delta", "lambda", "big fund"):
        company = REGISTRY.resolve(word)
        assert company is None or not REGISTRY.accepts(word, company.slug), word


def test_fiscal_calendars_the_period_rules_depend_on() -> None:
    months = {
        "Microsoft": 6, "Oracle": 5, "Apple": 9, "Nvidia": 1, "Cisco": 7, "Broadcom": 10,
        "Infosys": 3, "SoftBank": 3, "Alibaba": 3, "Xiaomi": 12, "Amazon": 12,
    }  # fmt: skip
    for name, month in months.items():
        company = REGISTRY.resolve(name)
        assert company is not None, name
        assert company.fiscal_year_end_month == month, name


# --- groups


@pytest.mark.parametrize(
    ("written", "group"),
    [
        ("big tech", "big tech"),
        ("Tech giants", "big tech"),
        ("科技巨头", "big tech"),
        ("빅테크", "big tech"),
        ("hyperscalers", "hyperscalers"),
        ("超大规模云服务商", "hyperscalers"),
        ("Magnificent Seven", "magnificent seven"),
    ],
)
def test_group_names_resolve(written: str, group: str) -> None:
    found = REGISTRY.group(written)
    assert found is not None
    assert found.name == group
    assert REGISTRY.resolve(written) is None


def test_group_members_are_registry_companies_that_report() -> None:
    for group in REGISTRY.groups:
        for member in group.members:
            assert member in REGISTRY.by_slug, (group.name, member)
            assert REGISTRY.root(member).slug == member, (group.name, member)


# --- the validator refuses a broken registry


def _company(slug: str, **fields: Any) -> dict[str, Any]:
    return {"slug": slug, "name": slug.title(), "kind": "company", **fields}


@pytest.mark.parametrize(
    ("companies", "groups", "complaint"),
    [
        (
            [_company("a", aliases={"en": ["Same"]}), _company("b", aliases={"ko": ["same"]})],
            [],
            "names both a and b",
        ),
        ([_company("a"), _company("a")], [], "used 2 times"),
        ([_company("Bad Slug")], [], "slug"),
        ([_company("a", parent="ghost")], [], "not in the registry"),
        ([_company("a", parent="b"), _company("b", parent="a")], [], "parent cycle"),
        ([_company("a", parent="a")], [], "its own parent"),
        ([_company("a", fiscal_year_end_month=13)], [], "fiscal_year_end_month"),
        ([_company("a", wikidata="Q01")], [], "Q-id"),
        ([_company("a", wikidata="Q5"), _company("b", wikidata="Q5")], [], "also a's"),
        ([_company("a", kind="startup")], [], "kind"),
        ([_company("a", tickers=["ABC"]), _company("b", tickers=["ABC"])], [], "ticker ABC"),
        ([_company("a", country="USA")], [], "alpha-2"),
        ([_company("a", aliases={"en": ["X"]})], [], "too short"),
        ([_company("a", aliases={"en": ["A "]})], [], "padded"),
        ([_company("a", aliases={"en": ["Ab", "AB"]})], [], "repeated after folding"),
        ([_company("a", false_friends=["Other words"])], [], "false friend 'Other words'"),
        ([{"slug": "a", "name": "A1", "kind": "brand"}], [], "needs the parent"),
        ([_company("a"), _company("b", parent="a", owner="a")], [], "both a parent and an owner"),
        ([_company("a")], [{"name": "giants", "members": ["ghost"]}], "member 'ghost'"),
        ([_company("a", aliases={"en": ["Giants"]})], [{"name": "giants"}], "group alias"),
    ],
)
def test_the_validator_names_each_integrity_problem(
    companies: list[dict[str, Any]], groups: list[dict[str, Any]], complaint: str
) -> None:
    data = {"companies": companies, "groups": groups}
    found = _problems_of(data)
    assert any(complaint in problem for problem in found), found
    with pytest.raises(RegistryError, match=re.escape(complaint)):
        validate(parse_registry(json.dumps(data).encode()))


def test_a_registry_the_loader_would_silently_repair_is_still_refused() -> None:
    # The loader keeps the first company for a shared alias; the validator must not.
    data = {"companies": [_company("a", aliases={"en": ["Dup"]}),
                          _company("b", aliases={"en": ["Dup"]})]}  # fmt: skip
    registry = parse_registry(json.dumps(data).encode())
    assert isinstance(registry, Registry)
    assert registry.resolve("Dup") == registry.by_slug["a"]
    with pytest.raises(RegistryError):
        validate(registry)
