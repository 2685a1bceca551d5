"""What a sentence may need from the rest of the article: earlier names, the quarter in view."""

from __future__ import annotations

from datetime import date

from service.claims.extract import attribution, classify
from service.claims.extract.entities import Mention, find_mentions
from service.claims.extract.periods import PeriodMention, find_periods, last_quarter_before
from service.companies.registry import Registry

_QUARTERS = frozenset({"quarter"})


class History:
    """Names and their roles per sentence, found only for the sentences someone asks about."""

    def __init__(self, text: str, spans: list[tuple[int, int]], registry: Registry) -> None:
        self.text = text
        self.spans = spans
        self.registry = registry
        self._roles: dict[int, list[tuple[Mention, str]]] = {}

    def roles(self, si: int) -> list[tuple[Mention, str]]:
        if si < 0 or self.spans[si][0] < 0:
            return []
        if si not in self._roles:
            s, e = self.spans[si]
            self._roles[si] = [
                (m, attribution.role(self.text, m, s))
                for m in find_mentions(self.text, s, e, self.registry)
            ]
        return self._roles[si]

    def subject(self) -> Mention | None:
        """The company the article opens with (its title or lead), for a far "the company"."""
        head = self.text[: min(len(self.text), 300)]
        for m in find_mentions(head, 0, len(head), self.registry):
            if m.kind in {"company", "group"} and attribution.role(head, m, 0) == "normal":
                return m
        return None

    def before(self, si: int, n: int) -> list[list[tuple[Mention, str]]]:
        """The roles of up to `n` sentences before `si`, stopping at skipped text."""
        out: list[list[tuple[Mention, str]]] = []
        for j in range(si - 1, max(-1, si - 1 - n), -1):
            if self.spans[j][0] < 0:
                break
            out.insert(0, self.roles(j))
        return out


class QuarterContext:
    """ "当季", "the quarter", "quarterly": the quarter the article names nearest, else the last.

    Scanned only when a sentence needs it: most articles never do.
    """

    def __init__(self, text: str, published: date | None) -> None:
        self.text = text
        self.published = published
        self._explicit: list[PeriodMention] | None = None

    def at(self, pos: int) -> tuple[int | None, int] | None:
        if self._explicit is None:
            self._explicit = [
                p
                for p in find_periods(self.text, 0, len(self.text), kinds=_QUARTERS)
                if p.kind == "quarter" and p.quarter
            ]
        if self._explicit:
            before = [p for p in self._explicit if p.start < pos]
            p = before[-1] if before else self._explicit[0]
            period = classify.period_of(
                p, published=self.published, fy_end_month=12, quarter_context=None
            )
            return (period.year, p.quarter or 0)
        if self.published is None:
            return None
        return last_quarter_before(self.published)
