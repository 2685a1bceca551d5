"""The pure rules that turn a figure's claims into the figure."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from service.figures import derive
from service.figures.derive import CONFLICT_DAYS, Source, derive_one, disagree

B = 1_000_000_000


def source(
    claim_id: int,
    article_id: int,
    published: date | None,
    low: int,
    high: int | None = None,
    *,
    copy_of: int | None = None,
    currency: str = "USD",
    usd: int | None = None,
) -> Source:
    high = low if high is None else high
    rate_low = usd if usd is not None else (low if currency == "USD" else None)
    rate_high = usd if usd is not None else (high if currency == "USD" else None)
    return Source(
        claim_id=claim_id, company_id=1, year=2025, category="capex", status="planned",
        amount_low=low, amount_high=high, currency=currency, usd_low=rate_low,
        usd_high=rate_high, article_id=article_id, duplicate_of=copy_of, published=published,
        title=None, url=None, evidence="...",
    )  # fmt: skip


SOURCES = st.lists(
    st.tuples(
        st.one_of(st.none(), st.dates(date(2024, 1, 1), date(2025, 12, 31))),
        st.integers(1, 200),
        st.integers(0, 50),
        st.booleans(),
    ),
    min_size=1,
    max_size=12,
)


@given(SOURCES, st.randoms(use_true_random=False))
def test_the_figure_does_not_depend_on_the_order_claims_arrive(rows, random) -> None:  # type: ignore[no-untyped-def]
    sources = [
        source(i + 1, i + 1, published, low * B, (low + spread) * B,
               copy_of=1 if is_copy and i > 0 else None)
        for i, (published, low, spread, is_copy) in enumerate(rows)
    ]  # fmt: skip
    shuffled = sources[:]
    random.shuffle(shuffled)
    assert derive_one(shuffled) == derive_one(sources)


def test_the_latest_published_wins_and_undated_loses() -> None:
    figure = derive_one(
        [
            source(1, 1, date(2025, 4, 30), 64 * B, 72 * B),
            source(2, 2, None, 10 * B),
            source(3, 3, date(2025, 1, 29), 60 * B, 65 * B),
        ]
    )
    assert (figure.amount_low, figure.amount_high, figure.article_id) == (64 * B, 72 * B, 1)
    assert [h["article_id"] for h in figure.history] == [2, 3, 1]


def test_conflict_needs_both_30_days_and_more_than_10_percent() -> None:
    start = date(2025, 2, 1)

    def conflict(days: int, second: int) -> bool:
        return derive_one(
            [source(1, 1, start, 100 * B), source(2, 2, start + timedelta(days), second * B)]
        ).conflict

    assert conflict(30, 89) is True
    assert conflict(31, 89) is False
    assert conflict(30, 90) is False  # exactly 10% apart is agreement
    assert conflict(0, 111) is False  # 11 apart is 9.9% of the larger value
    assert conflict(0, 112) is True


def test_currencies_are_compared_in_usd() -> None:
    eur = source(2, 2, date(2025, 2, 3), 92 * B, currency="EUR", usd=100 * B)
    assert derive_one([source(1, 1, date(2025, 2, 1), 100 * B), eur]).conflict is False
    unknown = source(2, 2, date(2025, 2, 3), 50 * B, currency="XXX")
    assert derive_one([source(1, 1, date(2025, 2, 1), 100 * B), unknown]).conflict is False


def test_a_copy_adds_a_source_but_no_voice() -> None:
    figure = derive_one(
        [
            source(1, 1, date(2025, 2, 1), 60 * B),
            source(2, 2, date(2025, 3, 1), 60 * B, copy_of=1),
            source(3, 3, date(2025, 3, 2), 99 * B, copy_of=1),  # a copy cannot disagree
        ]
    )
    assert (figure.article_id, figure.conflict, figure.claims) == (1, False, 1)
    assert figure.article_ids == [1, 2, 3]
    assert figure.origin_ids == [1]


def every_pair_conflicts(voices: list[Source]) -> list[int]:
    """The conflicts rule read literally: every two dated sources within CONFLICT_DAYS."""
    involved: set[int] = set()
    for a in voices:
        for b in voices:
            if a is not b and a.published and b.published:
                close = abs((a.published - b.published).days) <= CONFLICT_DAYS
                if close and disagree(a, b):
                    involved.add(a.claim_id)
    return sorted(involved)


@given(
    st.lists(
        st.tuples(
            st.one_of(st.none(), st.dates(date(2025, 1, 1), date(2025, 4, 30))),
            st.sampled_from([60, 64, 65, 72, 100]),
            st.sampled_from(["USD", "EUR"]),
        ),
        min_size=1,
        max_size=40,
    )
)
def test_conflicts_compare_each_statement_once_and_find_what_every_pair_would(rows) -> None:  # type: ignore[no-untyped-def]
    # Few distinct amounts and days, as when many articles repeat one figure.
    voices = [
        source(i, i, published, amount * B, currency=currency, usd=amount * B * 11 // 10)
        for i, (published, amount, currency) in enumerate(rows, start=1)
    ]
    figure = derive_one(voices)
    assert sorted(c["claim_id"] for c in figure.conflicts) == every_pair_conflicts(voices)
    assert figure.conflict == bool(figure.conflicts)


def test_a_thousand_copies_of_one_statement_are_one_comparison() -> None:
    calls = 0

    def counting(a: Source, b: Source) -> bool:
        nonlocal calls
        calls += 1
        return disagree(a, b)

    day = date(2025, 1, 30)
    voices = [source(i, i, day + timedelta(days=i % 3), 60 * B) for i in range(1, 1001)]
    voices.append(source(1001, 1001, day, 80 * B))
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(derive, "disagree", counting)
        figure = derive_one(voices)
    assert calls <= 6  # four statements: 60 on three days, 80 on one
    assert {c["claim_id"] for c in figure.conflicts} == set(range(1, 1002))
