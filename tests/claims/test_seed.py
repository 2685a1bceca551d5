"""The seed article gives exactly its nine gold claims, once each, whatever its summary repeats."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from service.claims.extract import extract
from service.companies.registry import load_registry


def _gold(shared: Path) -> dict:  # type: ignore[type-arg]
    return json.loads((shared / "fixtures" / "seed" / "gold.json").read_text(encoding="utf-8"))


def test_seed_gives_exactly_its_gold_claims(shared: Path) -> None:
    gold = _gold(shared)
    registry = load_registry()
    claims = extract(gold["text"], published=date.fromisoformat(gold["published"]), language="en")
    got = sorted(
        (
            (
                c.company_slug,
                c.group,
                c.amount_low,
                c.amount_high,
                c.year,
                c.category,
                c.status,
                c.period,
            )
            for c in claims
        ),
        key=repr,
    )
    want = sorted(
        (
            (
                registry.root(registry.resolve(g["company"]).slug).slug if g["company"] else None,  # type: ignore[union-attr]
                g["group"],
                g["amount_low"],
                g["amount_high"],
                g["year"],
                g["category"],
                g["status"],
                g["period"],
            )
            for g in gold["claims"]
        ),
        key=repr,
    )
    assert got == want


def test_seed_claims_quote_their_sentence_and_name_the_root_company(shared: Path) -> None:
    gold = _gold(shared)
    text = gold["text"]
    claims = extract(text, published=date(2025, 2, 12), language="en")
    for claim in claims:
        assert text[claim.start : claim.end] == claim.evidence
        assert 0.0 <= claim.confidence <= 1.0
        assert claim.currency == "USD"
    names = {c.company for c in claims if c.company}
    assert names == {"Amazon", "Microsoft", "Alphabet", "Meta"}


def test_seed_revenue_figure_is_not_a_claim(shared: Path) -> None:
    text = _gold(shared)["text"]
    claims = extract(text, published=date(2025, 2, 12), language="en")
    assert all(c.amount_low != 13_000_000_000 for c in claims)


def test_seed_page_through_the_parser_gives_the_same_claims(shared: Path) -> None:
    from service.articles.parse import parse  # noqa: PLC0415

    page = (shared / "fixtures" / "seed" / "page.html").read_text(encoding="utf-8")
    parsed = parse(page)
    claims = extract(parsed.text, published=date(2025, 2, 12), language="en")
    got = {(c.company_slug or c.group, c.amount_low, c.amount_high, c.year) for c in claims}
    assert got == {
        (
            g["company"].lower() if g["company"] else g["group"],
            g["amount_low"],
            g["amount_high"],
            g["year"],
        )
        for g in _gold(shared)["claims"]
    }
