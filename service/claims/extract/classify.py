"""What an amount is: spending or not, its category, status and the period it covers.

Every reading looks at the words nearest the amount: its own clause first, then the stretch
of the sentence up to the neighbouring amounts, so two figures in one sentence keep their
own years and verbs ("$100 billion for 2025, up from $77 billion last year").
"""

from __future__ import annotations

import re
from datetime import date

from service.claims.extract import cues, lexicon
from service.claims.extract.amounts import Money
from service.claims.extract.periods import Period, PeriodMention, resolve

# Words outside the amount's own clause count, but only after every word inside it.
OUTSIDE = 300
# Registry kinds whose money goes into other companies rather than into assets of their own.
INVESTOR_KINDS = frozenset({"investor", "fund"})


_GOODS_AFTER = re.compile(
    r"\s+(?:worth\s+)?of\s+(?:[\w-]+\s+){0,2}?(?:computing|compute|chips?|GPUs?|servers?|capacity"
    r"|power|equipment|hardware|memory|cloud|services?|electricity|energy|stock|shares)\b",
    re.I,
)
# "an all-stock deal valued at about $9 billion": the price of a deal, not a valuation.
_DEAL_BEFORE = re.compile(
    r"\b(?:deal|transaction|acquisition|takeover|merger|offer)\s+(?:was\s+)?$", re.I
)
_PAID_IN_BEFORE = re.compile(r"(?:\bin|\ball)[\s-]$", re.I)
_PAID_IN_AFTER = re.compile(r"\s+(?:and\s+stock|deal|offer|transaction|acquisition)\b", re.I)
# Korean and Japanese put the verb, and with it "analysts expect", after every figure.
_VERB_FINAL = re.compile(r"[\u3040-\u30ff\uac00-\ud7af]")


class Cues:
    """The cue words of one sentence, found in one pass however many amounts ask."""

    def __init__(self, text: str, start: int, end: int) -> None:
        self.text = text
        self.start = start
        self.end = end
        self._found = lexicon.scan(text, start, end)
        # "for $32 billion in cash", "an all-cash deal": how a price is paid, not a balance.
        self._found["not_spend"] = [
            (s, e)
            for s, e in self._found["not_spend"]
            if not (
                text[s:e].lower() == "cash"
                and (
                    _PAID_IN_BEFORE.search(text, max(0, s - 5), s) or _PAID_IN_AFTER.match(text, e)
                )
            )
            and not (
                text[s:e].lower() in {"valued", "valuation"}
                and _DEAL_BEFORE.search(text, max(0, s - 30), s)
            )
        ]

    def spans(self, label: str) -> list[tuple[int, int]]:
        return self._found[label]

    def mask(self, names: list[tuple[int, int]]) -> None:
        """Forget cues that sit inside a company's name."""
        if not names:
            return
        for label, spans in self._found.items():
            self._found[label] = [
                (s, e) for s, e in spans if not any(ns <= s and e <= ne for ns, ne in names)
            ]


class Window:
    """The text around one amount: its clause and its segment between neighbouring amounts."""

    def __init__(
        self, cues: Cues, amount: Money, clause: tuple[int, int], seg: tuple[int, int]
    ) -> None:
        self.cues = cues
        self.text = cues.text
        self.sentence_end = cues.end
        self.amount = amount
        self.clause = clause
        self.seg = seg

    def distance(self, label: str, *, clause_only: bool = False) -> int | None:
        best: int | None = None
        lo, hi = self.clause if clause_only else self.seg
        for start, end in self.cues.spans(label):
            if start < lo or end > hi:
                continue
            d = self._dist(start, end)
            if best is None or d < best:
                best = d
        return best

    def matches(self, label: str) -> list[tuple[int, int]]:
        """The label's cues inside the segment."""
        return [(s, e) for s, e in self.cues.spans(label) if self.seg[0] <= s and e <= self.seg[1]]

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
    negative = w.distance("not_spend", clause_only=True)
    if negative is None:
        return True
    positive = w.distance("spend", clause_only=True)
    return positive is not None and positive < negative


def category(
    w: Window, *, target_after: int | None, investor: bool, fallback: str | None
) -> tuple[str, bool]:
    """(category, whether a word in the text said so)."""
    for label, name in (
        ("acquisition", "acquisition"),
        ("r_and_d", "r_and_d"),
        ("stake", "investment"),
    ):
        if label == "acquisition" and _GOODS_AFTER.match(w.text, w.amount.end, w.sentence_end):
            continue  # "buy $300 billion of computing power": a purchase of goods, not a company
        d = w.distance(label)
        if d is not None and d < OUTSIDE:
            return name, True
    named = _capex_named_before(w)
    if named is not None:
        return named, True
    scored: list[tuple[int, str]] = []
    if target_after is not None:
        scored.append((target_after, "investment"))
    for label, name in (
        ("capex", "capex"),
        ("ai", "ai_infrastructure"),
        ("physical", "capex"),
    ):
        d = w.distance(label)
        if d is not None:
            scored.append((d, "investment" if investor and label == "physical" else name))
    if scored:
        return min(scored)[1], True
    if w.seg != (w.cues.start, w.cues.end):
        # "$20 billion in Pennsylvania and $10 billion in North Carolina for data centres"
        wide = Window(w.cues, w.amount, w.clause, (w.cues.start, w.cues.end))
        for label, name in (("capex", "capex"), ("ai", "ai_infrastructure"), ("physical", "capex")):
            d = wide.distance(label)
            if d is not None:
                scored.append((d, "investment" if investor and label == "physical" else name))
        if scored:
            return min(scored)[1], True
    if investor:
        return "investment", False
    return fallback or "capex", False


def _capex_named_before(w: Window) -> str | None:
    """ "capital expenditure of $38 billion to $42 billion ..., up from $29.8 billion": the
    spending noun the figures follow names them, whatever the sentence says they buy after."""
    a = w.amount
    before = [s for s, e in w.cues.spans("capex") if e <= a.start and s >= w.cues.start]
    if not before:
        return None
    last = max(before)
    if a.start - last > 120:
        return None
    ai = w.cues.spans("ai")
    if any(last < s < a.start for s, _ in ai):
        return None
    if any(0 <= last - e <= 6 for _, e in ai):
        return "ai_infrastructure"  # "AI capex", "在AI上的资本开支"
    return "capex"


def _estimate(w: Window, *, group: bool, prior_estimate: bool) -> bool:
    excluded = w.matches("not_estimate")
    last = w.seg[1] == w.sentence_end
    verb_final = bool(_VERB_FINAL.search(w.text, w.cues.start, w.cues.end))
    strong = w.matches("estimate_strong")
    if verb_final:
        # "삼성전자와 SK하이닉스는 … 각각 60조원과 30조원 … 증권가는 내다봤다": the verb after
        # the last figure is every figure's.
        strong = [(s, e) for s, e in w.cues.spans("estimate_strong") if s >= w.seg[0]]
    own_guidance = w.distance("guidance", clause_only=True)
    for start, _ in strong:
        if own_guidance is not None and not (w.clause[0] <= start < w.clause[1]):
            continue  # "..., analysts say, while B has guided to $Y": B's own figure
        if any(s <= start < e for s, e in excluded):
            continue
        if cues.OWN_BEFORE.search(w.text, max(0, start - 45), start):
            continue  # "raised its capex forecast": the company's own guidance
        # After the amount only inside its clause (or opening the next: "..., analysts say"),
        # unless no other figure follows or the language puts its verbs last.
        if start < w.amount.start or last or start < w.clause[1] + 3 or verb_final:
            return True
    weak = w.distance("estimate_weak")
    return weak is not None and (group or prior_estimate)


_STATUS_LABELS = ("estimate_strong", "estimate_weak", "guidance", "planned", "actual")


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
    if (
        baseline
        and published is not None
        and period.year is not None
        and period.year < published.year - (1 if period.fiscal else 0)
        and not any(
            w.clause[0] <= st and e <= w.amount.start
            for label in ("guidance", "estimate_strong")
            for st, e in w.cues.spans(label)
        )
    ):
        return "actual", True  # "higher than the $77 billion of 2024", not "previous guidance"
    if not any(w.matches(label) for label in _STATUS_LABELS):
        # "A and B are expected to spend $X and $Y": the verb sits before the first figure.
        w = Window(w.cues, w.amount, w.clause, (w.cues.start, w.seg[1]))
    if _estimate(w, group=group, prior_estimate=prior_estimate):
        return "estimate", True
    guidance = w.distance("guidance")
    own_forecast = any(
        cues.OWN_BEFORE.search(w.text, max(0, s - 45), s) for s, _ in w.matches("estimate_strong")
    )
    if (guidance is not None and guidance < OUTSIDE) or own_forecast:
        return "planned", True
    if baseline:
        return "actual", True
    if (
        published is not None
        and period.year is not None
        and period.period in {"year", "quarter", "half"}
    ):
        if period.year < published.year - (1 if period.fiscal else 0):
            return "actual", True
        quarter_over = (
            period.period == "quarter" and period.quarter and 3 * period.quarter < published.month
        )
        if not period.fiscal and period.year == published.year and quarter_over:
            return "actual", True
    planned = w.distance("planned")
    actual = w.distance("actual")
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
        in_clause = w.clause[0] <= p.start < w.clause[1]
        if not in_clause and cues.COMPARED_BEFORE.search(w.text, max(0, p.start - 14), p.start):
            continue  # "將較去年增加": the year compared with, not the year of the figure
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
