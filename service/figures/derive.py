"""From the claims behind one figure to the figure: pure, so every rule can be tested alone.

A figure is one number per company, year, category and status. Its sources are every claim
for that key; an article that is a syndicated copy of another (same body or canonical URL,
`duplicate_of` set) adds a source but never a new voice: it does not pick the current value,
does not start a revision and cannot disagree with itself.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

import msgspec

# Sources published this close together that disagree by more than the share below conflict.
CONFLICT_DAYS = 30
CONFLICT_SHARE = 0.10

Key = tuple[int, int, str, str]  # company_id, year, category, status


class Source(msgspec.Struct, frozen=True, kw_only=True):
    """One claim behind a figure, with the article it comes from."""

    claim_id: int
    company_id: int
    year: int
    category: str
    status: str
    amount_low: int
    amount_high: int
    currency: str
    usd_low: int | None
    usd_high: int | None
    article_id: int
    duplicate_of: int | None
    published: date | None
    # What a reader checks the claim by. A store derives figures without them and fills them
    # in for the few sources that history and conflicts cite (service/figures/refresh.py).
    title: str | None = None
    url: str | None = None
    evidence: str | None = None

    @property
    def key(self) -> Key:
        return (self.company_id, self.year, self.category, self.status)

    @property
    def origin(self) -> int:
        return self.duplicate_of if self.duplicate_of is not None else self.article_id


class Derived(msgspec.Struct, frozen=True, kw_only=True):
    """A figure as stored: the current value, its counts, history and conflicts.

    The list of every claim behind it is read from `claim` when the figure is served, so
    storing one more source never rewrites the ones before it.
    """

    company_id: int
    year: int
    category: str
    status: str
    amount_low: int
    amount_high: int
    currency: str
    usd_low: int | None
    usd_high: int | None
    claim_id: int
    article_id: int
    published: date | None
    claims: int
    article_ids: list[int]
    origin_ids: list[int]
    conflict: bool
    conflicts: list[dict[str, Any]]
    history: list[dict[str, Any]]


def _recency(s: Source) -> tuple[bool, date, int, int]:
    """Later published wins; an undated source loses to any dated one; then the later article."""
    return (s.published is not None, s.published or date.min, s.article_id, s.amount_high)


def _usd(s: Source) -> dict[str, int] | None:
    if s.usd_low is None or s.usd_high is None:
        return None
    return {"amount_low": s.usd_low, "amount_high": s.usd_high}


def _cited(s: Source) -> dict[str, Any]:
    return {
        "claim_id": s.claim_id,
        "article_id": s.article_id,
        "title": s.title,
        "url": s.url,
        "published": s.published,
        "amount_low": s.amount_low,
        "amount_high": s.amount_high,
        "currency": s.currency,
        "usd": _usd(s),
        "evidence": s.evidence,
        "copy_of": s.duplicate_of,
    }


def _midpoint(s: Source) -> float | None:
    if s.usd_low is not None and s.usd_high is not None:
        return (s.usd_low + s.usd_high) / 2
    return None


def disagree(a: Source, b: Source) -> bool:
    """Two values more than CONFLICT_SHARE apart (range midpoints, compared in USD)."""
    if a.currency == b.currency:
        x, y = (a.amount_low + a.amount_high) / 2, (b.amount_low + b.amount_high) / 2
    else:
        mx, my = _midpoint(a), _midpoint(b)
        if mx is None or my is None:
            return False
        x, y = mx, my
    top = max(x, y)
    return top > 0 and abs(x - y) / top > CONFLICT_SHARE


def _history(voices: Sequence[Source], copies: dict[int, int]) -> list[dict[str, Any]]:
    """Revisions in order of publication; a value repeated by the next source is one step."""
    steps: list[dict[str, Any]] = []
    for s in sorted(voices, key=_recency):
        value = (s.amount_low, s.amount_high, s.currency)
        last = steps[-1] if steps else None
        if last and (last["amount_low"], last["amount_high"], last["currency"]) == value:
            steps[-1]["sources"] += 1 + copies.get(s.article_id, 0)
            continue
        steps.append(
            {
                "published": s.published,
                "amount_low": s.amount_low,
                "amount_high": s.amount_high,
                "currency": s.currency,
                "usd": _usd(s),
                "article_id": s.article_id,
                "claim_id": s.claim_id,
                "title": s.title,
                "sources": 1 + copies.get(s.article_id, 0),
            }
        )
    return steps


def _conflicts(voices: Sequence[Source]) -> list[dict[str, Any]]:
    """Sources within CONFLICT_DAYS of another that disagrees with them.

    Sources that state the same amounts on the same day agree with each other and disagree
    with the same others, so one of each statement is compared: a figure quoted by a thousand
    articles on a few days is a handful of comparisons, not half a million on every store.
    """
    alike: dict[tuple[Any, ...], list[Source]] = {}
    for s in voices:
        if s.published is not None:
            said = (s.published, s.currency, s.amount_low, s.amount_high, s.usd_low, s.usd_high)
            alike.setdefault(said, []).append(s)
    groups = sorted(alike.values(), key=lambda same: same[0].published or date.min)
    involved: set[int] = set()
    for i, same in enumerate(groups):
        a = same[0]
        for j in range(i + 1, len(groups)):
            b = groups[j][0]
            if (b.published - a.published).days > CONFLICT_DAYS:  # type: ignore[operator]
                break
            if disagree(a, b):
                involved.update((i, j))
    return [_cited(s) for s in sorted((s for i in involved for s in groups[i]), key=_recency)]


def derive_one(sources: Sequence[Source]) -> Derived:
    """The figure for one key from all its sources (at least one)."""
    first = sources[0]
    copies: dict[int, int] = {}
    for s in {s.article_id: s for s in sources if s.duplicate_of is not None}.values():
        copies[s.origin] = copies.get(s.origin, 0) + 1
    # One voice per independent article: its own claim (the higher, if it states two).
    voices_by_article: dict[int, Source] = {}
    for s in sources:
        if s.duplicate_of is not None:
            continue
        held = voices_by_article.get(s.article_id)
        if held is None or _recency(s) > _recency(held):
            voices_by_article[s.article_id] = s
    voices = list(voices_by_article.values()) or list(sources)
    current = max(voices, key=_recency)
    conflicts = _conflicts(voices)
    return Derived(
        company_id=first.company_id,
        year=first.year,
        category=first.category,
        status=first.status,
        amount_low=current.amount_low,
        amount_high=current.amount_high,
        currency=current.currency,
        usd_low=current.usd_low,
        usd_high=current.usd_high,
        claim_id=current.claim_id,
        article_id=current.article_id,
        published=current.published,
        claims=sum(1 for s in sources if s.duplicate_of is None),
        article_ids=sorted({s.article_id for s in sources}),
        origin_ids=sorted({s.origin for s in sources}),
        conflict=bool(conflicts),
        conflicts=conflicts,
        history=_history(voices, copies),
    )


def derive(sources: Iterable[Source]) -> dict[Key, Derived]:
    """Every figure the given sources make, by key."""
    grouped: dict[Key, list[Source]] = {}
    for s in sources:
        grouped.setdefault(s.key, []).append(s)
    return {key: derive_one(group) for key, group in grouped.items()}
