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

from service.claims.extract import attribution, classify, cues
from service.claims.extract.amounts import Money, find_amounts, has_money
from service.claims.extract.context import History, QuarterContext
from service.claims.extract.entities import Mention
from service.claims.extract.merge import Claim, dedupe, same_script
from service.claims.extract.model import Extracted
from service.claims.extract.periods import Period, find_periods
from service.claims.extract.sentences import clause_breaks, clause_of, sentences
from service.companies.registry import Registry, load_registry

VERSION = "1.8.0"

_PARAGRAPH = re.compile(r"[^\n]+")

_YEAR_BEFORE = re.compile(
    r"a\s+year\s+(?:earlier|ago|before)|the\s+(?:previous|prior)\s+year", re.I
)

# How far back (in sentences) a spender named earlier still carries over.
CARRY_SENTENCES = 3


def extract(
    text: str, *, published: date | None, language: str | None, registry: Registry | None = None
) -> list[Extracted]:
    reg = registry if registry is not None else load_registry()
    spans = _active_sentences(text)
    if not spans:
        return []
    claims: list[Claim] = []
    history = History(text, spans, reg)
    context = QuarterContext(text, published)
    for si, (s, e) in enumerate(spans):
        if s < 0:
            continue
        if not has_money(text, s, e):
            continue
        amounts = find_amounts(text, language=language, start=s, end=e)
        if not amounts:
            continue
        sentence_cues = classify.Cues(text, s, e)
        if not sentence_cues.spans("spend") and not _continues(sentence_cues, claims, si):
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
    return dedupe(claims, language)


def _active_sentences(text: str) -> list[tuple[int, int]]:
    """Sentences of the paragraphs that hold money, each with the paragraph before it.

    Paragraphs without a currency sign or word cannot hold a claim, and only the one just
    before a money paragraph can name the spender it carries; skipping the rest keeps
    extraction far below the cost of parsing the page. A (-1, -1) marks skipped text.
    """
    paragraphs = [(m.start(), m.end()) for m in _PARAGRAPH.finditer(text)]
    money = [has_money(text, s, e) for s, e in paragraphs]
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
    history: History,
    claims: list[Claim],
    context: QuarterContext,
    *,
    published: date | None,
    language: str | None,
    registry: Registry,
) -> list[Claim]:
    s, e = sent
    breaks = clause_breaks(text, s, e)
    roles = history.roles(si)
    # "AI" inside "오픈AI" or "xAI" names a company, not what the money buys.
    sentence_cues.mask([(m.start, m.end) for m, _ in roles if m.kind != "ref"])

    def earlier() -> list[tuple[Mention, str]]:
        return [x for sentence in history.before(si, CARRY_SENTENCES) for x in sentence]

    paired = attribution.respectively(text, sent, amounts, roles)
    sent_periods = find_periods(text, s, e)
    out: list[Claim] = []
    prev_period: Period | None = None
    for i, amount in enumerate(amounts):
        seg = (amounts[i - 1].end if i else s, amounts[i + 1].start if i + 1 < len(amounts) else e)
        clause = clause_of(breaks, amount.start, s, e)
        w = classify.Window(sentence_cues, amount, clause, seg)
        if not classify.is_spending(w):
            continue
        explicit = True
        if paired is not None and id(amount) in paired:
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
            if spender is None and any(m.kind == "ref" and m.end <= amount.start for m, _ in roles):
                subject = history.subject()
                if subject is not None:
                    spender = attribution.as_spender(subject, explicit=False)
        if spender is None or spender.kind == "public":
            continue
        company = registry.by_slug.get(spender.key) if spender.kind == "company" else None
        fy_end = company.fiscal_year_end_month if company else 12
        candidates = [
            p
            for p in sent_periods
            if p.kind != "deadline"
            and (p.kind != "cumulative" or w.distance("actual", clause_only=True) is not None)
            and not (p.kind == "cumulative" and any(q.kind == "ytd" for q in sent_periods))
        ]
        earlier_forecast = False
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
            mention is not None
            and prev_period is not None
            and prev_period.period in {"quarter", "half"}
            and prev_period.year is not None
            and _YEAR_BEFORE.fullmatch(text, mention.start, mention.end)
        ):
            # "$22.6 billion in the quarter, up from $14.9 billion a year earlier"
            period = Period(
                period=prev_period.period,
                year=prev_period.year - 1,
                quarter=prev_period.quarter,
                fiscal=prev_period.fiscal,
            )
        if (
            mention is None
            and baseline
            and prev_period
            and prev_period.period == "year"
            and prev_period.year
        ):
            # "up from $77 billion": last year's figure, unless it is an earlier forecast of
            # the same year ("up from the $75 billion it forecast in February").
            earlier_forecast = bool(
                cues.EARLIER_FORECAST_AFTER.match(text, amount.end, clause[1])
                or _PRIOR_FORECAST_BEFORE.search(text, max(s, amount.start - 50), amount.start)
                or _PREVIOUSLY_AFTER.match(text, amount.end, e)
            )
            year = prev_period.year if earlier_forecast else prev_period.year - 1
            period = Period(period="year", year=year, quarter=None, fiscal=prev_period.fiscal)
        elif mention is None and not sent_periods:
            carried = _carried_period(claims + out, si)
            if carried is not None and (
                _invested_in(text, amount, roles, clause) is not None
                or w.distance("acquisition") is not None
            ):
                carried = None  # a stake or a purchase is a deal, not part of a year's budget
            if (
                carried is not None
                and published is not None
                and carried.year is not None
                and carried.year < published.year
                and w.distance("planned") is not None
                and w.distance("actual") is None
            ):
                carried = None  # "will invest 20조 in a plant" after last year's figure
            period = carried or period
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
        if _expected_of_spender(text, roles, spender, amount):
            status, status_said = "estimate", True
        elif status == "estimate" and _forecast_by_spender(text, roles, spender, sentence_cues):
            status = "planned"  # "光寶科則預估…", "Amazon forecasts …": its own guidance
        if earlier_forecast and out:
            # The figure a forecast was raised from is the same kind of figure as the new one.
            status = out[-1].out.status
        target_after = _invested_in(text, amount, roles, clause)
        investor = bool(company and company.kind.lower() in classify.INVESTOR_KINDS)
        fallback = next(
            (
                c.out.category
                for c in reversed(claims + out)
                if c.key == (spender.kind, spender.key) and c.out.category != "acquisition"
            ),
            None,
        )
        category, category_said = classify.category(
            w, target_after=target_after, investor=investor, fallback=fallback
        )
        if cues.PAY_BEFORE.search(text, max(s, amount.start - 30), amount.start) and (
            cues.FOR_NAME_AFTER.match(text, amount.end, min(e, amount.end + 60))
        ):
            category, category_said = "acquisition", True
        if category == "acquisition" and period.period == "year" and not period.fiscal:
            # A purchase price belongs to the year of the deal but covers no span of time.
            period = Period(period=None, year=period.year, quarter=None, fiscal=False)
        confidence = 0.92
        confidence *= 1.0 if spender.explicit else 0.85
        confidence *= 0.8 if spender.kind == "unknown" else 1.0
        confidence *= 1.0 if category_said else 0.9
        confidence *= 1.0 if status_said else 0.95
        confidence *= 1.0 if same_script(text[s:e], language) else 0.85
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
            Claim(out=extracted, key=(spender.kind, spender.key), sentence=si, explicit=explicit)
        )
        prev_period = period
    return out


# "up from its prior forecast of $85 billion": the same year's earlier plan.
_PRIOR_FORECAST_BEFORE = re.compile(
    r"\b(?:prior|previous|earlier|initial|original)\s+(?:forecast|guidance|estimate|outlook"
    r"|projection|plan|target|range)\s+(?:of\s+)?(?:about\s+|around\s+|roughly\s+)?$",
    re.I,
)
# "to $527 billion, from $465 billion previously": an earlier forecast of the same year.
_PREVIOUSLY_AFTER = re.compile(
    r"\s*,?\s*(?:previously|earlier|before|auparavant|zuvor|bisher)\b", re.I
)


def _carried(
    text: str,
    history: list[list[tuple[Mention, str]]],
    claims: list[Claim],
    si: int,
    registry: Registry,
) -> attribution.Spender | None:
    """The spender a sentence without one is about: named just before, or the last claimant."""
    if history:
        previous = [
            (m, r)
            for m, r in history[-1]
            if r in {"normal", "agent"} and m.kind not in {"ref", "public"}
        ]
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
            if r in {"normal", "agent"} and m.kind not in {"ref", "public"}:
                return attribution.as_spender(m, explicit=False)
    return None


def _carried_period(claims: list[Claim], si: int) -> Period | None:
    """A sentence with no time of its own continues the period of the previous sentence's
    main (first) figure: "其中…", "of which…", a breakdown by business."""
    for c in claims:
        if (
            c.sentence == si - 1
            and c.out.period in {"year", "quarter", "half"}
            and c.out.year is not None
        ):
            return Period(
                period=c.out.period, year=c.out.year, quarter=c.out.quarter, fiscal=c.out.fiscal
            )
    return None


# A sentence opening as a breakdown of the figure before: "其中", "이 중", "このうち", "of which".
_PART_LEAD = re.compile(
    r"(?:其中|當中|当中|이\s?중|이\s?가운데|このうち|うち|[Oo]f\s+(?:that|this|which|the\s+total)"
    r"|[Dd]ont|[Dd]avon)"
)


def _continues(sentence_cues: classify.Cues, claims: list[Claim], si: int) -> bool:
    """ "It had previously projected $60 billion to $65 billion.": a forecast with no spending
    word of its own, right after a sentence with a claim, is about the same spending."""
    if not claims or claims[-1].sentence != si - 1 or sentence_cues.spans("not_spend"):
        return False
    if _PART_LEAD.match(sentence_cues.text, sentence_cues.start):
        return True  # "이 중 반도체 부문이 46조원을 차지했다": a part of the figure before
    return bool(sentence_cues.spans("estimate_strong") or sentence_cues.spans("guidance"))


def _expected_of_spender(
    text: str, roles: list[tuple[Mention, str]], spender: attribution.Spender, amount: Money
) -> bool:
    """ "Analysts expect Amazon to spend ...": the spender is the object of someone's forecast."""
    return any(
        m.key == spender.key
        and m.end <= amount.start
        and cues.EXPECTED_OF.search(text, max(0, m.start - 20), m.start)
        for m, _ in roles
    )


# Chinese forecast words a company uses of its own figures when it opens the sentence.
_OWNABLE_FORECASTS = frozenset({"預估", "预估", "預期", "预期", "預測", "预测"})
_OWN_FORECAST_GAP = re.compile(r"\s?(?:則|则|也|亦|，|,)?\s?$")


def _forecast_by_spender(
    text: str,
    roles: list[tuple[Mention, str]],
    spender: attribution.Spender,
    sentence_cues: classify.Cues,
) -> bool:
    """The spender itself is the subject of the forecast word: its own guidance."""
    ends = [m.end for m, r in roles if m.key == spender.key and r == "normal"]
    spans = sentence_cues.spans("estimate_strong")
    leads = any(
        m.key == spender.key and r == "normal" and m.start == sentence_cues.start for m, r in roles
    )
    if leads and spans and all(text[a:b] in _OWNABLE_FORECASTS for a, b in spans):
        return True  # "聯發科今年研發費用預估將突破…": the company's own projection
    return any(
        0 <= s - end <= 3 and _OWN_FORECAST_GAP.fullmatch(text, end, s)
        for s, _ in sentence_cues.spans("estimate_strong")
        for end in ends
    )


def _invested_in(
    text: str, amount: Money, roles: list[tuple[Mention, str]], clause: tuple[int, int]
) -> int | None:
    """How far from the amount a company it is invested in is named ("$40bn in OpenAI").

    Chinese, Japanese and Korean name the recipient just before the figure ("오픈AI에 400억").
    """
    for m, r in roles:
        if (
            r == "target"
            and m.kind in {"company", "unknown"}
            and clause[0] <= m.start
            and m.end <= amount.start
            and amount.start - m.end <= 12
            and any(_is_cjk(ch) for ch in text[m.end : amount.start])
        ):
            return amount.start - m.end
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


def _is_cjk(ch: str) -> bool:
    return "\u3040" <= ch <= "\u9fff" or "\uac00" <= ch <= "\ud7af"
