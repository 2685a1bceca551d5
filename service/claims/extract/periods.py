"""Time expressions: years, fiscal years, quarters, halves, relative years, multi-year spans.

A mention is found once with its span; what year it stands for is settled later, when the
publication date and the spender's fiscal calendar are known (`resolve`).
"""

from __future__ import annotations

import re
from datetime import date

import msgspec

from service.claims.extract import period_words as words

# kind: year | fiscal_year | quarter | half | multi_year | cumulative | quarter_context
# rel: years relative to the publication date (None when the year is written out)


class PeriodMention(msgspec.Struct, frozen=True, kw_only=True):
    start: int
    end: int
    kind: str
    year: int | None = None
    rel: int | None = None
    quarter: int | None = None
    fiscal: bool = False
    start_named: bool = False


class Period(msgspec.Struct, frozen=True, kw_only=True):
    period: str | None
    year: int | None
    quarter: int | None
    fiscal: bool


def _year2(raw: str) -> int:
    value = int(raw)
    return value + 2000 if value < 100 else value


def _norm(raw: str) -> str:
    return " ".join(raw.lower().replace("’", "'").split())


_YEAR_FAST = re.compile(r"(?:19[89]|20\d)\d")


def _matches(
    kind: str, pattern: re.Pattern[str], text: str, start: int, end: int
) -> list[re.Match[str]]:
    if kind != "year_number":
        return list(pattern.finditer(text, start, end))
    # Four digits are everywhere; confirm each candidate with the anchored full pattern, which
    # is far cheaper than letting its look-behinds run at every position of the sentence.
    found = []
    for m in _YEAR_FAST.finditer(text, start, end):
        confirmed = pattern.match(text, m.start(), end)  # its look-behinds see before `pos`
        if confirmed is not None:
            found.append(confirmed)
    return found


def find_periods(
    text: str, start: int, end: int, *, kinds: frozenset[str] | None = None
) -> list[PeriodMention]:
    """Time expressions in text[start:end], earlier kinds in `words.PATTERNS` winning overlaps."""
    taken: list[tuple[int, int]] = []
    found: list[PeriodMention] = []
    lowered = text[start:end].lower()
    for kind, pattern in words.PATTERNS:
        if kinds is not None and kind not in kinds:
            continue
        if not any(map(lowered.__contains__, words.TRIGGERS[kind])):
            continue
        for m in _matches(kind, pattern, text, start, end):
            if any(m.start() < e and s < m.end() for s, e in taken):
                continue
            mention = _mention(kind, m, text)
            if mention is None:
                continue
            taken.append((m.start(), m.end()))
            found.append(mention)
    return sorted(found, key=lambda p: p.start)


_COMPARISON_AFTER = re.compile(r"\s?度?(?:比|대비|比べ|と比べ)")


def _mention(kind: str, m: re.Match[str], text: str) -> PeriodMention | None:
    g = m.groupdict()
    s, e = m.start(), m.end()
    if (g.get("frelcjk") or g.get("relcjk")) and _COMPARISON_AFTER.match(text, e):
        return None
    if kind == "multi_year_range":
        return PeriodMention(start=s, end=e, kind="multi_year")
    if kind in {"multi_year", "cumulative", "quarter_context", "ytd"}:
        return PeriodMention(start=s, end=e, kind=kind)
    if kind == "quarter":
        fiscal = any(g.get(k) for k in ("qf1", "qf2", "qf3", "qf4", "qf5", "qy5"))
        if g.get("qn3") and text[s - 1 : s] in {"前", "后", "後"}:
            return None  # "前三季": the first three quarters, no one quarter
        if g.get("qctx"):
            return PeriodMention(start=s, end=e, kind="quarter_context")
        raw = (
            g.get("qord")
            or g.get("qn")
            or g.get("qn2")
            or g.get("qn3")
            or g.get("qfr")
            or g.get("qde")
            or g.get("qmon")
            or g.get("qn4")
        )
        key = (raw or "").lower()
        quarter = words.ORD.get(key)
        if quarter is None:
            return None
        y = g.get("qy") or g.get("qy2") or g.get("qy3") or g.get("qy4") or g.get("qy5")
        rel = words.REL.get(_norm(g["qrel"])) if g.get("qrel") else None
        if g.get("qrel") and fiscal:
            rel = rel or 0
        return PeriodMention(
            start=s,
            end=e,
            kind="quarter",
            quarter=quarter,
            year=_year2(y) if y else None,
            rel=rel,
            fiscal=fiscal,
        )
    if kind == "half":
        if g.get("hzh"):
            half = 1 if g["hzh"] in {"上半年", "상반기", "上期"} else 2
        elif g.get("hde") or g.get("hfr"):
            half = 1 if (g.get("hde") or g.get("hfr") or "").lower() in {"ersten", "premier"} else 2
        elif g.get("hh"):
            half = int(g["hh"][1])
        else:
            half = 1 if g["hn"].lower() == "first" else 2
        return PeriodMention(
            start=s,
            end=e,
            kind="half",
            quarter=half,
            year=int(g["hy"]) if g.get("hy") else None,
            fiscal=bool(g.get("hfis")),
        )
    if kind == "fiscal_year":
        if g.get("frelcjk"):
            rel = words.REL[g["frelcjk"]]
            return PeriodMention(
                start=s,
                end=e,
                kind="fiscal_year",
                rel=rel,
                fiscal=True,
                start_named=g["frelcjk"] in words.START_NAMED,
            )
        if g.get("freleu"):
            rel = words.REL.get(_norm(g["freleu"]).removeprefix("im "), 0)
            return PeriodMention(start=s, end=e, kind="fiscal_year", rel=rel, fiscal=True)
        if g.get("frel"):
            return PeriodMention(
                start=s, end=e, kind="fiscal_year", rel=words.REL[_norm(g["frel"])], fiscal=True
            )
        y = g.get("fy") or g.get("fy2") or g.get("fy3") or g.get("fy4") or g.get("fy5")
        return PeriodMention(start=s, end=e, kind="fiscal_year", year=_year2(y or "0"), fiscal=True)
    if g.get("reles"):
        return PeriodMention(start=s, end=e, kind="year", rel=words.REL[_norm(g["reles"])])
    if g.get("relcjk") == "全年":
        before = words.FULL_YEAR_BEFORE.search(text, max(0, s - 60), s)
        if before is not None and before.group("y"):
            return PeriodMention(start=s, end=e, kind="year", year=int(before.group("y")))
        if before is not None:
            return PeriodMention(start=s, end=e, kind="year", rel=words.REL[before.group("rel")])
    if g.get("rel") or g.get("relcjk"):
        return PeriodMention(
            start=s, end=e, kind="year", rel=words.REL[_norm(g.get("rel") or g["relcjk"])]
        )
    if words.NOT_A_PERIOD_BEFORE.search(text, max(0, s - 24), s) or words.DEADLINE_AFTER.match(
        text, e
    ):
        return PeriodMention(start=s, end=e, kind="deadline")
    return PeriodMention(start=s, end=e, kind="year", year=int(g["y"]))


def fiscal_year_of(day: date, end_month: int) -> int:
    """The fiscal year a day falls in, named by the calendar year in which it ends."""
    if end_month == 12:
        return day.year
    return day.year + 1 if day.month > end_month else day.year


def last_quarter_before(day: date) -> tuple[int, int]:
    """The latest calendar quarter that has ended by `day`: (year, quarter)."""
    q = (day.month - 1) // 3
    return (day.year, q) if q else (day.year - 1, 4)


def resolve(
    mention: PeriodMention,
    *,
    published: date | None,
    fy_end_month: int,
    quarter_context: tuple[int | None, int] | None,
) -> Period:
    """What a mention means for a spender whose fiscal year ends in `fy_end_month`."""
    kind = mention.kind
    if kind == "deadline":
        return Period(period=None, year=None, quarter=None, fiscal=False)
    if kind == "ytd":
        year = published.year if published else None
        return Period(period=None, year=year, quarter=None, fiscal=False)
    if kind in {"multi_year", "cumulative"}:
        return Period(period="multi_year", year=None, quarter=None, fiscal=False)
    if kind == "quarter_context":
        if quarter_context is None:
            return Period(period="quarter", year=None, quarter=None, fiscal=False)
        return Period(
            period="quarter", year=quarter_context[0], quarter=quarter_context[1], fiscal=False
        )
    if kind == "fiscal_year":
        year = mention.year
        if mention.rel is not None:
            year = fiscal_year_of(published, fy_end_month) + mention.rel if published else None
            if year is not None and mention.start_named and fy_end_month != 12:
                year -= 1
        return Period(period="year", year=year, quarter=None, fiscal=True)
    if kind in {"quarter", "half"}:
        year = mention.year
        if year is None and published is not None:
            if mention.fiscal:
                year = fiscal_year_of(published, fy_end_month) + (mention.rel or 0)
                if mention.rel is None and kind == "quarter" and mention.quarter:
                    # "第二财季" reported in August is the fiscal year whose Q2 has begun.
                    months = (year - 1) * 12 + fy_end_month % 12 + 3 * (mention.quarter - 1)
                    if months > published.year * 12 + published.month - 1:
                        year -= 1
            elif kind == "quarter" and not mention.rel:
                # A quarter that has not begun by the publication date is last year's.
                started = 3 * (mention.quarter or 1) - 2 <= published.month
                year = published.year if started else published.year - 1
            else:
                year = published.year
        return Period(period=kind, year=year, quarter=mention.quarter, fiscal=mention.fiscal)
    if mention.rel is not None:
        year = published.year + mention.rel if published else None
        return Period(period="year", year=year, quarter=None, fiscal=False)
    return Period(period="year", year=mention.year, quarter=None, fiscal=False)
