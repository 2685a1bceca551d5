"""Spending claims from article text: amounts found, then read in their sentence.

For every money amount the extractor asks, in the sentence around it: is it spending (not
revenue, a valuation, a price or money received)? whose (the payer named nearest before it,
a back-reference, or the company the text was already about)? for which period (the time
expression nearest to it)? planned, done or someone else's estimate? on what? A figure told
twice (a summary and the body, two languages) is kept once.
"""

from __future__ import annotations

import re
from datetime import date

import msgspec

from service.claims.extract import attribution, classify, cues
from service.claims.extract.amounts import MONEY_HINT, Money, find_amounts
from service.claims.extract.entities import Mention, find_mentions
from service.claims.extract.model import Extracted
from service.claims.extract.periods import Period, PeriodMention, find_periods, last_quarter_before
from service.claims.extract.sentences import clause_breaks, clause_of, sentences
from service.companies.registry import Registry, load_registry

VERSION = "1.0.0"

_PARAGRAPH = re.compile(r"[^\n]+")

# How far back (in sentences) a spender named earlier still carries over.
CARRY_SENTENCES = 3


class _Claim(msgspec.Struct, kw_only=True):
    out: Extracted
    key: tuple[str, str]
    sentence: int
    explicit: bool


def extract(
    text: str, *, published: date | None, language: str | None, registry: Registry | None = None
) -> list[Extracted]:
    reg = registry if registry is not None else load_registry()
    spans = _active_sentences(text)
    if not spans:
        return []
    claims: list[_Claim] = []
    history = _History(text, spans, reg)
    context = _QuarterContext(text, published)
    for si, (s, e) in enumerate(spans):
        if s < 0:
            continue
        if not MONEY_HINT.search(text, s, e):
            continue
        amounts = find_amounts(text, language=language, start=s, end=e)
        if not amounts:
            continue
        sentence_cues = classify.Cues(text, s, e)
        if not sentence_cues.spans("spend"):
            continue
        claims.extend(
            _sentence_claims(
                text,
                si,
                (s, e),
                amounts,
                sentence_cues,
                history,
                claims,
                context,
                published=published,
                language=language,
                registry=reg,
            )
        )
    return _dedupe(claims, language)


def _active_sentences(text: str) -> list[tuple[int, int]]:
    """Sentences of the paragraphs that hold money, each with the paragraph before it.

    Paragraphs without a currency sign or word cannot hold a claim, and only the one just
    before a money paragraph can name the spender it carries; skipping the rest keeps
    extraction far below the cost of parsing the page. A (-1, -1) marks skipped text.
    """
    paragraphs = [(m.start(), m.end()) for m in _PARAGRAPH.finditer(text)]
    money = [bool(MONEY_HINT.search(text, s, e)) for s, e in paragraphs]
    if not any(money):
        return []
    out: list[tuple[int, int]] = []
    last = -2
    for i, (s, e) in enumerate(paragraphs):
        if not (money[i] or (i + 1 < len(money) and money[i + 1])):
            continue
        if last != i - 1:
            out.append((-1, -1))
        last = i
        out.extend((s + a, s + b) for a, b in sentences(text[s:e]))
    return out


def _sentence_claims(
    text: str,
    si: int,
    sent: tuple[int, int],
    amounts: list[Money],
    sentence_cues: classify.Cues,
    history: _History,
    claims: list[_Claim],
    context: _QuarterContext,
    *,
    published: date | None,
    language: str | None,
    registry: Registry,
) -> list[_Claim]:
    s, e = sent
    breaks = clause_breaks(text, s, e)
    roles = history.roles(si)

    def earlier() -> list[tuple[Mention, str]]:
        return [x for sentence in history.before(si, CARRY_SENTENCES) for x in sentence]

    paired = attribution.respectively(text, sent, amounts, roles)
    sent_periods = find_periods(text, s, e)
    out: list[_Claim] = []
    prev_period: Period | None = None
    for i, amount in enumerate(amounts):
        seg = (amounts[i - 1].end if i else s, amounts[i + 1].start if i + 1 < len(amounts) else e)
        clause = clause_of(breaks, amount.start, s, e)
        w = classify.Window(sentence_cues, amount, clause, seg)
        if not classify.is_spending(w):
            continue
        explicit = True
        if paired is not None:
            spender: attribution.Spender | None = paired[id(amount)]
        else:
            spender, explicit = attribution.choose(
                text,
                amount,
                sent=sent,
                clause=clause,
                mentions=roles,
                earlier=earlier,
                registry=registry,
            )
        if spender is None and not explicit:
            # The figure told again without its spender belongs to whoever it was told of.
            repeat = next(
                (
                    c
                    for c in claims + out
                    if c.out.amount_low == amount.low and c.out.amount_high == amount.high
                ),
                None,
            )
            if repeat is not None:
                spender = attribution.Spender(kind=repeat.key[0], key=repeat.key[1], explicit=False)
            else:
                spender = _carried(
                    text, history.before(si, CARRY_SENTENCES), claims + out, si, registry
                )
        if spender is None:
            continue
        company = registry.by_slug.get(spender.key) if spender.kind == "company" else None
        fy_end = company.fiscal_year_end_month if company else 12
        candidates = [
            p
            for p in sent_periods
            if p.kind != "cumulative" or w.distance("actual", clause_only=True) is not None
        ]
        mention = classify.pick_period(w, candidates, sent)
        baseline = bool(
            cues.BASELINE_BEFORE.search(text, max(seg[0], amount.start - 40), amount.start)
        )
        if mention is not None and baseline and not (clause[0] <= mention.start < clause[1]):
            mention = None
        period = classify.period_of(
            mention,
            published=published,
            fy_end_month=fy_end,
            quarter_context=context.at(amount.start)
            if mention and mention.kind == "quarter_context"
            else None,
        )
        if (
            mention is None
            and baseline
            and prev_period
            and prev_period.period == "year"
            and prev_period.year
        ):
            period = Period(
                period="year", year=prev_period.year - 1, quarter=None, fiscal=prev_period.fiscal
            )
        elif mention is None and not sent_periods:
            period = _carried_period(claims + out, si) or period
        prior_estimate = any(
            c.out.status == "estimate" for c in claims + out if c.sentence >= si - 2
        )
        status, status_said = classify.status(
            w,
            period,
            published=published,
            group=spender.kind == "group",
            prior_estimate=prior_estimate,
            baseline=baseline,
        )
        target_after = _invested_in(text, amount, roles, clause)
        investor = bool(company and company.kind.lower() in classify.INVESTOR_KINDS)
        fallback = next(
            (
                c.out.category
                for c in reversed(claims + out)
                if c.key == (spender.kind, spender.key)
            ),
            None,
        )
        category, category_said = classify.category(
            w, target_after=target_after, investor=investor, fallback=fallback
        )
        confidence = 0.92
        confidence *= 1.0 if spender.explicit else 0.85
        confidence *= 0.8 if spender.kind == "unknown" else 1.0
        confidence *= 1.0 if category_said else 0.9
        confidence *= 1.0 if status_said else 0.95
        confidence *= 1.0 if _same_script(text[s:e], language) else 0.85
        name = company.name if company else spender.key if spender.kind == "unknown" else None
        extracted = Extracted(
            company_slug=company.slug if company else None,
            company=name,
            group=spender.key if spender.kind == "group" else None,
            amount_low=amount.low,
            amount_high=amount.high,
            currency=amount.currency,
            year=period.year,
            fiscal=period.fiscal,
            period=period.period,
            quarter=period.quarter if period.period in {"quarter", "half"} else None,
            category=category,
            status=status,
            start=s,
            end=e,
            evidence=text[s:e],
            confidence=round(min(max(confidence, 0.0), 1.0), 3),
        )
        out.append(
            _Claim(out=extracted, key=(spender.kind, spender.key), sentence=si, explicit=explicit)
        )
        prev_period = period
    return out


def _carried(
    text: str,
    history: list[list[tuple[Mention, str]]],
    claims: list[_Claim],
    si: int,
    registry: Registry,
) -> attribution.Spender | None:
    """The spender a sentence without one is about: named just before, or the last claimant."""
    if history:
        previous = [(m, r) for m, r in history[-1] if r in {"normal", "agent"} and m.kind != "ref"]
        if previous:
            plain = [m for m, _ in history[-1]]
            last = previous[-1][0]
            if last.kind == "company":
                run = attribution.listed_with(text, plain, plain.index(last))
                if len(run) > 1:
                    name = attribution.group_for(registry, [x.key for x in run])
                    return (
                        attribution.Spender(kind="group", key=name, explicit=False)
                        if name
                        else None
                    )
            return attribution.as_spender(last, explicit=False)
    if claims and claims[-1].sentence >= si - 2:
        kind, key = claims[-1].key
        return attribution.Spender(kind=kind, key=key, explicit=False)
    for sentence in reversed(history[-CARRY_SENTENCES:]):
        for m, r in reversed(sentence):
            if r in {"normal", "agent"} and m.kind != "ref":
                return attribution.as_spender(m, explicit=False)
    return None


def _carried_period(claims: list[_Claim], si: int) -> Period | None:
    """A sentence with no time of its own continues the previous sentence's year."""
    for c in reversed(claims):
        if c.sentence < si - 1:
            return None
        if c.sentence == si - 1 and c.out.period == "year" and c.out.year is not None:
            return Period(period="year", year=c.out.year, quarter=None, fiscal=c.out.fiscal)
    return None


def _invested_in(
    text: str, amount: Money, roles: list[tuple[Mention, str]], clause: tuple[int, int]
) -> int | None:
    """How far after the amount a company it is invested in is named ("$40bn in OpenAI")."""
    for m, r in roles:
        if (
            r == "target"
            and m.kind in {"company", "unknown"}
            and amount.end <= m.start < clause[1]
            and cues.INVEST_TARGET_GAP.match(text[amount.end : m.start])
        ):
            return m.start - amount.end
    described = cues.INVEST_IN_AFTER.match(text, amount.end, min(len(text), amount.end + 70))
    return described.end() - amount.end if described else None


class _History:
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

    def before(self, si: int, n: int) -> list[list[tuple[Mention, str]]]:
        """The roles of up to `n` sentences before `si`, stopping at skipped text."""
        out: list[list[tuple[Mention, str]]] = []
        for j in range(si - 1, max(-1, si - 1 - n), -1):
            if self.spans[j][0] < 0:
                break
            out.insert(0, self.roles(j))
        return out


class _QuarterContext:
    """ "当季", "the quarter", "quarterly": the quarter the article names nearest, else the last one.

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
                for p in find_periods(self.text, 0, len(self.text))
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


def _same_script(sentence: str, language: str | None) -> bool:
    cjk = sum(1 for ch in sentence if "\u3040" <= ch <= "\u9fff" or "\uac00" <= ch <= "\ud7af")
    wants_cjk = (language or "").split("-")[0].lower() in {"zh", "ja", "ko"}
    return (cjk > len(sentence) / 4) == wants_cjk


def _dedupe(claims: list[_Claim], language: str | None) -> list[Extracted]:
    """One claim per spender, amount and year; a yearless repeat folds into the dated one."""
    groups: dict[tuple[str, str, int, int, str], list[_Claim]] = {}
    for c in claims:
        groups.setdefault((*c.key, c.out.amount_low, c.out.amount_high, c.out.currency), []).append(
            c
        )
    kept: list[_Claim] = []
    for members in groups.values():
        years = {c.out.year for c in members if c.out.year is not None}
        for year in sorted(years) or [None]:
            same = [
                c
                for c in members
                if c.out.year == year or (c.out.year is None and year is not None)
            ]
            if year is None:
                same = members
            best = max(
                same, key=lambda c: (c.out.year == year, c.out.confidence, c.explicit, -c.out.start)
            )
            kept.append(best)
    kept.sort(key=lambda c: (c.out.start, c.out.amount_low))
    return [c.out for c in kept]
