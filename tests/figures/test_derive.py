"""The pure rules that turn a figure's claims into the figure."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from service.figures.derive import Source, derive_one

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
