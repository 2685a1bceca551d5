"""Time expressions: years, fiscal years, quarters, halves, relative years, multi-year spans.

A mention is found once with its span; what year it stands for is settled later, when the
publication date and the spender's fiscal calendar are known (`resolve`).
"""

from __future__ import annotations

import re
from datetime import date

import msgspec

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


class Period(msgspec.Struct, frozen=True, kw_only=True):
    period: str | None
    year: int | None
    quarter: int | None
    fiscal: bool


_ORD = {
    "first": 1,
    "1st": 1,
    "second": 2,
    "2nd": 2,
    "third": 3,
    "3rd": 3,
    "fourth": 4,
    "4th": 4,
    "一": 1,
    "二": 2,
    "三": 3,
    "四": 4,
    "1": 1,
    "2": 2,
    "3": 3,
    "4": 4,
    "１": 1,
    "２": 2,
    "３": 3,
    "４": 4,
    "premier": 1,
    "deuxième": 2,
    "second_fr": 2,
    "troisième": 3,
    "quatrième": 4,
    "ersten": 1,
    "zweiten": 2,
    "dritten": 3,
    "vierten": 4,
}
_CN_NUM = {
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
    "十": 10,
}
_WORD_NUM = {
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "several": 0,
    "few": 0,
    "coming": 0,
    "deux": 2,
    "trois": 3,
    "quatre": 4,
    "cinq": 5,
    "zwei": 2,
    "drei": 3,
    "vier": 4,
    "fünf": 5,
}

_MONTHS = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?"
_N = r"(?:\d{1,2}|two|three|four|five|six|seven|eight|nine|ten|several|few|deux|trois|quatre|cinq|zwei|drei|vier|fünf)"
_CJKN = r"(?:\d{1,2}|[一二两三四五六七八九十]{1,2})"

_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    (
        "multi_year",
        re.compile(
            rf"\b(?:over|in|during|within|for|across)\s+the\s+(?:next|coming|following|past|last)\s+"
            rf"(?:{_N}\s+)?(?:\w+\s+)?years?\b|\bover\s+(?:the\s+)?{_N}\s+years\b|\bover\s+the\s+years\b"
            rf"|\b{_N}-year\b|\bmulti-?year\b|\bau\s+cours\s+des\s+{_N}\s+prochaines\s+années"
            rf"|\bsur\s+{_N}\s+ans\b|\bin\s+den\s+(?:nächsten|kommenden)\s+{_N}\s+Jahren"
            rf"|(?:未来|今后|今後|接下来|往后)\s?{_CJKN}\s?年|(?<!\d){_CJKN}\s?年(?:内|間|间|里|中)"
            rf"|(?<!\d){_CJKN}年(?=(?:再|共|累计)?(?:投|投入|投资|斥资))|향후\s?{_CJKN}\s?년|(?<!\d){_CJKN}\s?년간",
            re.IGNORECASE,
        ),
    ),
    (
        "multi_year_range",
        re.compile(
            r"(?<!\d)(20\d\d)\s?(?:-|–|—|to|through|until)\s?(?:20)?\d\d\b(?!\s?年\s?\d)"
            r"|\bbetween\s+20\d\d\s+and\s+20\d\d\b|(?:20\d\d)\s?年?\s?(?:至|到|~|-)\s?(?:20\d\d)\s?年",
            re.IGNORECASE,
        ),
    ),
    (
        "cumulative",
        re.compile(
            r"\b(?:already|to\s+date|so\s+far|cumulative(?:ly)?|since\s+(?:its\s+)?(?:founding|inception|20\d\d))\b"
            r"|累计|累計|迄今|至今|누적|これまで",
            re.IGNORECASE,
        ),
    ),
    (
        "quarter",
        re.compile(
            r"\b(?:(?P<qrel>this|the\s+current|next|last|the\s+previous|the\s+prior)\s+)?"
            r"(?P<qf1>fiscal\s+)?(?P<qord>first|second|third|fourth|1st|2nd|3rd|4th)[\s-]+"
            r"(?P<qf2>fiscal[\s-]+)?quarter(?:\s+(?:of\s+)?(?P<qf3>fiscal\s+(?:year\s+)?)?(?P<qy>20\d\d))?"
            r"|\b(?P<qf4>F)?Q(?P<qn>[1-4])(?:\s?(?:FY\s?)?['‘’]?(?P<qy2>(?:20)?\d\d)\b)?"
            r"|\b(?P<qn2>[1-4])Q\s?(?P<qy3>(?:20)?\d\d)?\b"
            r"|(?:(?P<qy4>20\d\d)\s?年?\s?)?第?(?P<qn3>[一二三四1-4１-４])\s?(?:季度|季|四半期|분기)"
            r"|(?P<qctx>当季|本季度|该季度|這季|当期|이번\s?분기)"
            r"|\b(?P<qfr>premier|deuxième|second|troisième|quatrième)\s+trimestre"
            r"|\b(?P<qde>ersten|zweiten|dritten|vierten)\s+Quartal",
            re.IGNORECASE,
        ),
    ),
    ("quarter_context", re.compile(r"\bquarterly\b|\bthe\s+quarter\b|单季|單季", re.IGNORECASE)),
    (
        "half",
        re.compile(
            r"\b(?P<hn>first|second)\s+half(?:\s+of\s+(?P<hy>20\d\d))?|\b(?P<hh>[HS][12])\b"
            r"|(?P<hzh>上半年|下半年|상반기|하반기|上期|下期)",
            re.IGNORECASE,
        ),
    ),
    (
        "fiscal_year",
        re.compile(
            r"\b(?:fiscal|financial)(?:\s+year)?\s+(?P<fy>20\d\d|\d\d)\b|\bFY\s?['‘’]?(?P<fy2>(?:20)?\d\d)\b"
            r"|(?P<fy3>20\d\d)\s?(?:财年|財年|财政年度|會計年度|会计年度|年度|회계연도|사업연도)"
            r"|\b(?:exercice|Geschäftsjahr)\s+(?P<fy4>20\d\d)"
            r"|\b(?P<frel>this|the\s+current|next|the\s+coming|last|the\s+previous|the\s+prior)\s+fiscal\s+year",
            re.IGNORECASE,
        ),
    ),
    (
        "year",
        re.compile(
            r"\b(?P<rel>this\s+year|the\s+current\s+year|this\s+calendar\s+year|next\s+year|the\s+coming\s+year"
            r"|the\s+following\s+year|last\s+year|the\s+previous\s+year|the\s+prior\s+year|a\s+year\s+(?:earlier|ago)"
            r"|cette\s+année|l['’]an\s+(?:dernier|prochain)|l['’]année\s+(?:dernière|prochaine)"
            r"|dieses\s+Jahr(?:es)?|diesem\s+Jahr|letztes\s+Jahr|letzten\s+Jahr|vergangenen\s+Jahr"
            r"|nächstes\s+Jahr|nächsten\s+Jahr|kommenden\s+Jahr)\b"
            r"|(?P<relcjk>今年|本年|去年|上年|明年|来年|來年|前年|全年|昨年|올해|금년|작년|지난해|내년|전년)",
            re.IGNORECASE,
        ),
    ),
    (
        "year_number",
        re.compile(
            r"(?<![\d.,$€£/-])(?P<y>(?:19[89]|20\d)\d)(?![\d%])(?!\s?年\s?\d{1,2}\s?月)(?!\s?년\s?\d{1,2}\s?월)"
            r"(?!\s?(?:[亿億万萬억조兆千百元円원]|billion|million|trillion|bn|mn|milliard|Milliard|Mrd))"
        ),
    ),
]

_REL = {
    "this year": 0,
    "the current year": 0,
    "this calendar year": 0,
    "next year": 1,
    "the coming year": 1,
    "the following year": 1,
    "last year": -1,
    "the previous year": -1,
    "the prior year": -1,
    "a year earlier": -1,
    "a year ago": -1,
    "cette année": 0,
    "l'an dernier": -1,
    "l'an prochain": 1,
    "l'année dernière": -1,
    "l'année prochaine": 1,
    "dieses jahr": 0,
    "dieses jahres": 0,
    "diesem jahr": 0,
    "letztes jahr": -1,
    "letzten jahr": -1,
    "vergangenen jahr": -1,
    "nächstes jahr": 1,
    "nächsten jahr": 1,
    "kommenden jahr": 1,
    "今年": 0,
    "本年": 0,
    "全年": 0,
    "去年": -1,
    "上年": -1,
    "昨年": -1,
    "前年": -2,
    "明年": 1,
    "来年": 1,
    "來年": 1,
    "올해": 0,
    "금년": 0,
    "작년": -1,
    "지난해": -1,
    "내년": 1,
    "전년": -1,
    "this": 0,
    "the current": 0,
    "next": 1,
    "the coming": 1,
    "last": -1,
    "the previous": -1,
    "the prior": -1,
}
# "by 2030" is a deadline, "in 2022" inside a date is when something was said: neither is
# the span the money covers.
_NOT_A_PERIOD_BEFORE = re.compile(
    rf"(?:\bby|\buntil|\bbefore|\bsince|{_MONTHS}\s+\d{{1,2}},?|\d{{1,2}}\s+{_MONTHS})\s*$|(?<![高低大小多少等])[于於]$",
    re.IGNORECASE,
)


def _year2(raw: str) -> int:
    value = int(raw)
    return value + 2000 if value < 100 else value


def _norm(raw: str) -> str:
    return " ".join(raw.lower().replace("’", "'").split())


# A pattern runs only where one of its words occurs: most sentences have no quarter or half.
_TRIGGERS: dict[str, tuple[str, ...]] = {
    "multi_year": ("year", "年", "년", "ans", "années", "jahre"),
    "multi_year_range": ("20",),
    "cumulative": (
        "already",
        "to date",
        "so far",
        "cumulativ",
        "since",
        "累计",
        "累計",
        "迄今",
        "至今",
        "누적",
        "これまで",
    ),
    "quarter": (
        "quarter",
        "q1",
        "q2",
        "q3",
        "q4",
        "1q",
        "2q",
        "3q",
        "4q",
        "季",
        "분기",
        "四半期",
        "当期",
        "trimestre",
        "quartal",
    ),
    "quarter_context": ("quarter", "单季", "單季"),
    "half": ("half", "h1", "h2", "s1", "s2", "半年", "반기", "上期", "下期"),
    "fiscal_year": (
        "fiscal",
        "financial year",
        "fy",
        "财年",
        "財年",
        "年度",
        "회계",
        "사업연도",
        "exercice",
        "geschäftsjahr",
    ),
    "year": (
        "year",
        "年",
        "년",
        "올해",
        "금년",
        "작년",
        "지난해",
        "내년",
        "jahr",
        "année",
        "l'an",
        "l’an",
    ),
    "year_number": ("19", "20"),
}


def find_periods(text: str, start: int, end: int) -> list[PeriodMention]:
    """Time expressions in text[start:end], earlier kinds in `_PATTERNS` winning overlaps."""
    taken: list[tuple[int, int]] = []
    found: list[PeriodMention] = []
    lowered = text[start:end].lower()
    for kind, pattern in _PATTERNS:
        if not any(t in lowered for t in _TRIGGERS[kind]):
            continue
        for m in pattern.finditer(text, start, end):
            if any(m.start() < e and s < m.end() for s, e in taken):
                continue
            mention = _mention(kind, m, text)
            if mention is None:
                continue
            taken.append((m.start(), m.end()))
            found.append(mention)
    return sorted(found, key=lambda p: p.start)


def _mention(kind: str, m: re.Match[str], text: str) -> PeriodMention | None:
    g = m.groupdict()
    s, e = m.start(), m.end()
    if kind == "multi_year_range":
        return PeriodMention(start=s, end=e, kind="multi_year")
    if kind in {"multi_year", "cumulative", "quarter_context"}:
        return PeriodMention(start=s, end=e, kind=kind)
    if kind == "quarter":
        fiscal = bool(g.get("qf1") or g.get("qf2") or g.get("qf3") or g.get("qf4"))
        if g.get("qctx"):
            return PeriodMention(start=s, end=e, kind="quarter_context")
        raw = (
            g.get("qord")
            or g.get("qn")
            or g.get("qn2")
            or g.get("qn3")
            or g.get("qfr")
            or g.get("qde")
        )
        key = (raw or "").lower()
        quarter = _ORD.get(key)
        if quarter is None:
            return None
        y = g.get("qy") or g.get("qy2") or g.get("qy3") or g.get("qy4")
        rel = _REL.get(_norm(g["qrel"])) if g.get("qrel") else None
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
        elif g.get("hh"):
            half = int(g["hh"][1])
        else:
            half = 1 if g["hn"].lower() == "first" else 2
        return PeriodMention(
            start=s, end=e, kind="half", quarter=half, year=int(g["hy"]) if g.get("hy") else None
        )
    if kind == "fiscal_year":
        if g.get("frel"):
            return PeriodMention(
                start=s, end=e, kind="fiscal_year", rel=_REL[_norm(g["frel"])], fiscal=True
            )
        y = g.get("fy") or g.get("fy2") or g.get("fy3") or g.get("fy4")
        return PeriodMention(start=s, end=e, kind="fiscal_year", year=_year2(y or "0"), fiscal=True)
    if g.get("rel") or g.get("relcjk"):
        return PeriodMention(
            start=s, end=e, kind="year", rel=_REL[_norm(g.get("rel") or g["relcjk"])]
        )
    if _NOT_A_PERIOD_BEFORE.search(text, max(0, s - 16), s):
        return None
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
        return Period(period="year", year=year, quarter=None, fiscal=True)
    if kind in {"quarter", "half"}:
        year = mention.year
        if year is None and published is not None:
            if mention.fiscal:
                year = fiscal_year_of(published, fy_end_month) + (mention.rel or 0)
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
