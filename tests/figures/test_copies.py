"""A copy stored after its original updates figures in place; the result must be the figure
the full rule derives from every claim (service/figures/refresh.py `copy_added`)."""

from __future__ import annotations

import random
from datetime import date, timedelta

import asyncpg
import pytest
from litestar.testing import AsyncTestClient

from service.figures import refresh
from tests.figures.store import claim, one_figure, store

pytestmark = pytest.mark.usefixtures("clean")

FIGURE = """
SELECT co.slug, f.year, f.category, f.status, f.amount_low, f.amount_high, f.currency,
       f.usd_low, f.usd_high, f.claim_id, f.article_id, f.published, f.claims, f.article_ids,
       f.origin_ids, f.conflict, f.conflicts, f.history
FROM figure f JOIN company co ON co.id = f.company_id
ORDER BY co.slug, f.year, f.category, f.status
"""


async def figures_now(db: asyncpg.Connection) -> list[dict[str, object]]:
    return [dict(r) for r in await db.fetch(FIGURE)]


async def figures_derived_afresh(db: asyncpg.Connection) -> list[dict[str, object]]:
    """Every figure recomputed from all of its claims, without keeping the result."""
    undo = db.transaction()
    await undo.start()
    try:
        await refresh.recompute_all(db)
        return await figures_now(db)
    finally:
        await undo.rollback()


def random_claims(rng: random.Random) -> list:  # type: ignore[type-arg]
    keys = [("amazon", 2025, "EUR"), ("amazon", 2024, "USD"), ("alphabet", 2025, "USD")]
    chosen = rng.sample(keys, rng.randint(1, len(keys)))
    return [
        claim(company, rng.choice([75, 80, 100, 101]), year=year, currency=currency)
        for company, year, currency in chosen
        for _ in range(rng.choice([1, 1, 2]))
    ]


@pytest.mark.parametrize("seed", range(12))
async def test_stored_copies_leave_figures_as_derived_from_all_claims(
    db: asyncpg.Connection, seed: int
) -> None:
    rng = random.Random(seed)  # noqa: S311 (a reproducible scenario, not a secret)
    originals: list[tuple[str, list]] = []  # type: ignore[type-arg]
    day = date(2025, 1, 1)
    copies = 0
    for i in range(rng.randint(8, 16)):
        published = None if rng.random() < 0.15 else day + timedelta(days=rng.randint(0, 80))
        if originals and rng.random() < 0.65:
            body, said = rng.choice(originals)
            claims = said if rng.random() < 0.7 else random_claims(rng)
            await store(db, f"https://copy{i}.example.com/", published, claims, body=body)
            copies += 1
        else:
            body = f"Story number {i} about what companies spend on data centres."
            claims = random_claims(rng)
            await store(db, f"https://wire{i}.example.com/", published, claims, body=body)
            originals.append((body, claims))
        if i % 5 == 4:
            assert await figures_now(db) == await figures_derived_afresh(db)
    assert copies
    assert await figures_now(db) == await figures_derived_afresh(db)


async def test_a_copy_counts_in_the_history_step_of_its_original(
    client: AsyncTestClient,  # type: ignore[type-arg]
    db: asyncpg.Connection,
) -> None:
    early = "Early word: Amazon plans $100 billion of capital expenditure in 2025."
    late = "Later: Amazon now plans $110 billion of capital expenditure in 2025."
    first = await store(db, "https://a.example.com/", date(2025, 2, 1), [claim("amazon", 100)],
                        body=early)  # fmt: skip
    second = await store(db, "https://b.example.com/", date(2025, 5, 1), [claim("amazon", 110)],
                         body=late)  # fmt: skip
    copy = await store(db, "https://c.example.com/", date(2025, 6, 1), [claim("amazon", 100)],
                       body=early)  # fmt: skip
    figure = await one_figure(client, company="amazon")
    assert [(h["article_id"], h["sources"]) for h in figure["history"]] == [(first, 2), (second, 1)]
    assert figure["article_id"] == second  # a copy published later is not a newer voice
    assert (figure["sources"], figure["independent"], figure["claims"]) == (3, 2, 2)
    assert {s["article_id"]: s["copy_of"] for s in figure["support"]} == {
        first: None, second: None, copy: first,
    }  # fmt: skip
