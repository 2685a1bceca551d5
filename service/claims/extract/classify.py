"""What an amount is: spending or not, its category, status and the period it covers.

Every reading looks at the words nearest the amount: its own clause first, then the stretch
of the sentence up to the neighbouring amounts, so two figures in one sentence keep their
own years and verbs ("$100 billion for 2025, up from $77 billion last year").
"""

from __future__ import annotations

import re
from datetime import date

from service.claims.extract import cues
from service.claims.extract.amounts import Money
from service.claims.extract.periods import Period, PeriodMention, resolve

# Words outside the amount's own clause count, but only after every word inside it.
OUTSIDE = 300
INVESTOR_KINDS = frozenset(
    {
        "investor",
        "fund",
        "sovereign_fund",
        "sovereign",
        "bank",
        "asset_manager",
        "private_equity",
        "venture",
        "vc",
        "pe",
        "holding",
    }
)


class Window:
    """The text around one amount: its clause and its segment between neighbouring amounts."""

    def __init__(
        self,
        text: str,
        amount: Money,
        clause: tuple[int, int],
        seg: tuple[int, int],
        sentence_end: int,
    ) -> None:
        self.sentence_end = sentence_end
        self.text = text
        self.amount = amount
        self.clause = clause
        self.seg = seg

    def distance(self, pattern: re.Pattern[str], *, clause_only: bool = False) -> int | None:
        best: int | None = None
        lo, hi = self.clause if clause_only else self.seg
        for m in pattern.finditer(self.text, lo, hi):
            d = self._dist(m.start(), m.end())
            if best is None or d < best:
                best = d
        return best

    def _dist(self, start: int, end: int) -> int:
        a = self.amount
        d = a.start - end if end <= a.start else start - a.end if start >= a.end else 0
        inside = self.clause[0] <= start and end <= self.clause[1]
        return max(d, 0) + (0 if inside else OUTSIDE)


def is_spending(w: Window) -> bool:
    """False for revenue, valuations, prices, money received, and differences between figures."""
    text, a = w.text, w.amount
    if cues.DELTA_AFTER.match(text, a.end, min(len(text), a.end + 30)):
        return False
    if cues.DELTA_BEFORE.search(text, max(0, a.start - 40), a.start):
        return False
    negative = w.distance(cues.NOT_SPEND, clause_only=True)
    if negative is None:
        return True
    positive = w.distance(cues.SPEND, clause_only=True)
    return positive is not None and positive < negative


def category(
    w: Window, *, target_after: bool, investor: bool, fallback: str | None
) -> tuple[str, bool]:
    """(category, whether a word in the text said so)."""
    for pattern, name in (
        (cues.ACQUISITION, "acquisition"),
        (cues.RND, "r_and_d"),
        (cues.STAKE, "investment"),
    ):
        d = w.distance(pattern)
        if d is not None and d < OUTSIDE:
            return name, True
    if target_after:
        return "investment", True
    scored: list[tuple[int, str]] = []
    for pattern, name in (
        (cues.CAPEX, "capex"),
        (cues.AI, "ai_infrastructure"),
        (cues.PHYSICAL, "capex"),
    ):
        d = w.distance(pattern)
        if d is not None:
            if investor and pattern is cues.PHYSICAL:
                name = "investment"
            scored.append((d, name))
    if scored:
        return min(scored)[1], True
    if investor:
        return "investment", False
    return fallback or "capex", False


def _estimate(w: Window, *, group: bool, prior_estimate: bool) -> bool:
    text = w.text
    excluded = [(m.start(), m.end()) for m in cues.NOT_ESTIMATE.finditer(text, *w.seg)]
    last = w.seg[1] == w.sentence_end
    for m in cues.ESTIMATE_STRONG.finditer(text, *w.seg):
        if any(s <= m.start() < e for s, e in excluded):
            continue
        # After the amount only inside its clause, unless no other figure follows.
        if m.start() < w.amount.start or last or m.start() < w.clause[1]:
            return True
    weak = w.distance(cues.ESTIMATE_WEAK)
    return weak is not None and (group or prior_estimate)


def status(
    w: Window,
    period: Period,
    *,
    published: date | None,
    group: bool,
    prior_estimate: bool,
    baseline: bool,
) -> tuple[str, bool]:
    """(status, whether a word in the text said so)."""
    if _estimate(w, group=group, prior_estimate=prior_estimate):
        return "estimate", True
    guidance = w.distance(cues.GUIDANCE)
    if guidance is not None and guidance < OUTSIDE:
        return "planned", True
    if baseline:
        return "actual", True
    if (
        published is not None
        and period.year is not None
        and period.period in {"year", "quarter", "half"}
    ):
        if period.year < published.year:
            return "actual", True
        elif (
            not period.fiscal
            and period.period == "quarter"
            and period.quarter
            and period.year == published.year
        ):
            if 3 * period.quarter < published.month:
                return "actual", True
    if (
        period.period == "multi_year"
        and w.distance(cues.ACTUAL) is not None
        and ((w.distance(cues.ACTUAL) or 0) < (w.distance(cues.PLANNED) or OUTSIDE * 2))
    ):
        return "actual", True
    planned = w.distance(cues.PLANNED)
    actual = w.distance(cues.ACTUAL)
    if actual is not None and (planned is None or actual < planned):
        return "actual", True
    if planned is not None:
        return "planned", True
    if period.period in {"quarter", "half"}:
        return "actual", False
    return "planned", False


def pick_period(
    w: Window,
    mentions: list[PeriodMention],
    sent: tuple[int, int],
) -> PeriodMention | None:
    """The time expression that belongs to this amount: nearest in its clause, then its segment."""
    best: tuple[int, int, PeriodMention] | None = None
    for p in mentions:
        if not (sent[0] <= p.start < sent[1]):
            continue
        in_seg = w.seg[0] <= p.start and p.end <= w.seg[1]
        d = w._dist(p.start, p.end) + (0 if in_seg else 2 * OUTSIDE)
        after = 0 if p.start >= w.amount.end else 1
        if best is None or (d, after) < best[:2]:
            best = (d, after, p)
    return best[2] if best else None


def period_of(
    mention: PeriodMention | None,
    *,
    published: date | None,
    fy_end_month: int,
    quarter_context: tuple[int | None, int] | None,
) -> Period:
    if mention is None:
        return Period(period=None, year=None, quarter=None, fiscal=False)
    return resolve(
        mention, published=published, fy_end_month=fy_end_month, quarter_context=quarter_context
    )
