"""The words of time in finance news, by kind: what `periods` scans for.

Patterns carry named groups that `periods._mention` reads; each kind runs only where one of
its trigger words occurs in the sentence.
"""

from __future__ import annotations

import re

ORD = {
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
    "march": 1,
    "june": 2,
    "september": 3,
    "december": 4,
}
MONTHS = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?"
N = (
    r"(?:\d{1,2}|two|three|four|five|six|seven|eight|nine|ten|several|few"
    r"|deux|trois|quatre|cinq|zwei|drei|vier|fünf)"
)
CJKN = r"(?:\d{1,2}|[一二两三四五六七八九十]{1,2})"
APPROX = r"(?:about|roughly|around|nearly|some|approximately|almost)"

PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    (
        "multi_year",
        re.compile(
            rf"\b(?:over|in|during|within|for|across)\s+the\s+(?:next|coming|following|past|last)\s+"
            rf"(?:{N}\s+)?(?:\w+\s+)?years?\b|\bover\s+(?:the\s+)?(?:{APPROX}\s+)?{N}\s+years\b"
            rf"|\bover\s+the\s+years\b|\b(?:over|in)\s+the\s+(?:next|coming)\s+(?:{N}\s+)?decades?\b"
            rf"|\b{N}-year\b|\bmulti-?year\b|\bau\s+cours\s+des\s+{N}\s+prochaines\s+années"
            rf"|\bsur\s+{N}\s+ans\b|\bin\s+den\s+(?:nächsten|kommenden)\s+{N}\s+Jahren"
            rf"|(?:未来|未來|今后|今後|接下来|接下來|往后|往後)\s?{CJKN}\s?年|(?<!\d){CJKN}\s?年(?:内|間|间|里|中)"
            rf"|(?<!\d){CJKN}年(?=(?:再|共|累计)?(?:投|投入|投资|斥资))|향후\s?{CJKN}\s?년|(?<!\d){CJKN}\s?년간"
            rf"|\ben\s+los\s+próximos\s+{N}\s+años|\bnei\s+prossimi\s+{N}\s+anni",
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
        # "前三季度", "今年以来", "so far this year": the year so far, no period of its own.
        "ytd",
        re.compile(
            r"前[二三两兩]季度?|今年以来|今年以來|年初至今|年初以来|\bso\s+far\s+this\s+year\b"
            r"|\b(?:in\s+)?the\s+first\s+nine\s+months\b",
            re.IGNORECASE,
        ),
    ),
    (
        "cumulative",
        re.compile(
            r"\b(?:already|to\s+date|so\s+far|cumulative(?:ly)?|since\s+(?:its\s+)?(?:founding|inception|20\d\d))\b"
            r"|\b(?:depuis\s+(?:sa\s+(?:création|fondation)|(?:19|20)\d\d)|seit\s+(?:der\s+Gründung|(?:19|20)\d\d)|bereits)\b"
            r"|\bhas\s+(?:already\s+)?(?:put\s+in|poured\s+in|committed)\b"
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
            r"|(?P<qy5>20\d\d)\s?(?:财年|財年|财政年度|財政年度)\s?第?(?P<qn4>[一二三四1-4])\s?(?:季度|季)"
            r"|(?:(?P<qy4>20\d\d)\s?年?\s?)?第?(?P<qn3>[一二三四1-4１-４])\s?(?P<qf5>财|財)?(?:季度|季|四半期|분기)"
            r"|(?P<qctx>当季|本季度|该季度|這季|当期|이번\s?분기)"
            r"|\b(?P<qfr>premier|deuxième|second|troisième|quatrième)\s+trimestre"
            r"|\b(?P<qde>ersten|zweiten|dritten|vierten)\s+Quartal"
            r"|\bthe\s+(?P<qmon>March|June|September|December)(?:-ended)?\s+quarter\b",
            re.IGNORECASE,
        ),
    ),
    ("quarter_context", re.compile(r"\bquarterly\b|\bthe\s+quarter\b|单季|單季", re.IGNORECASE)),
    (
        "half",
        re.compile(
            r"\b(?P<hn>first|second)\s+half(?:\s+of\s+(?P<hy>20\d\d))?|\b(?P<hh>[HS][12])\b"
            r"|(?P<hzh>上半年|下半年|상반기|하반기|上期|下期)"
            r"|(?:\b(?P<hde>ersten|zweiten)\s+Halbjahr|\b(?P<hfr>premier|second)\s+semestre)"
            r"(?P<hfis>\s+(?:des\s+(?:laufenden\s+)?Geschäftsjahres|de\s+l['’]exercice))?",
            re.IGNORECASE,
        ),
    ),
    (
        "fiscal_year",
        re.compile(
            r"\b(?:fiscal|financial)(?:\s+year)?\s+(?P<fy>20\d\d|\d\d)\b|\bFY\s?['‘’]?(?P<fy2>(?:20)?\d\d)\b"
            r"|(?P<fy3>20\d\d)\s?(?:财年|財年|财政年度|會計年度|会计年度|年度|회계연도|사업연도)"
            r"|\b(?:exercice|Geschäftsjahr)\s+(?P<fy4>20\d\d)"
            r"|(?P<fy5>20\d\d)\s?年\s?\d{1,2}\s?月期"
            r"|\b(?P<freleu>(?:vergangenen|abgelaufenen|letzten|laufenden|aktuellen|kommenden|nächsten)\s+Geschäftsjahr"
            r"|l['’]exercice\s+(?:précédent|écoulé|en\s+cours|prochain)"
            r"|the\s+(?:just[\s-]ended\s+fiscal\s+year|fiscal\s+year\s+that\s+(?:just\s+)?ended))"
            r"|\b(?P<frel>this|the\s+current|next|the\s+coming|last|the\s+previous|the\s+prior)\s+fiscal\s+year"
            r"|(?P<frelcjk>今年度|本年度|来年度|次年度|前年度|昨年度|本财年|本財年|下一财年|下个财年|上一财年|上个财年|今期|来期|前期)",
            re.IGNORECASE,
        ),
    ),
    (
        "year",
        re.compile(
            r"\b(?P<rel>this\s+year|the\s+current\s+year|this\s+calendar\s+year|next\s+year|the\s+coming\s+year"
            r"|the\s+following\s+year|for\s+the\s+(?:full\s+)?year|full-year|last\s+year|the\s+previous\s+year|the\s+prior\s+year|a\s+year\s+(?:earlier|ago)"
            r"|cette\s+année|l['’]an\s+(?:dernier|prochain)|l['’]année\s+(?:dernière|prochaine)"
            r"|dieses\s+Jahr(?:es)?|diesem\s+Jahr|letztes\s+Jahr|letzten\s+Jahr|vergangenen\s+Jahr"
            r"|nächstes\s+Jahr|nächsten\s+Jahr|kommenden\s+Jahr)\b"
            r"|\b(?P<reles>este\s+año|el\s+próximo\s+año|el\s+año\s+pasado|quest['’]anno|l['’]anno\s+(?:prossimo|scorso))"
            r"|(?P<relcjk>今年|本年|去年|上年|明年|来年|來年|前年|(?<![年度])全年|昨年|올해|금년|작년|지난해|내년|전년)",
            re.IGNORECASE,
        ),
    ),
    (
        "year_number",
        re.compile(
            r"(?<![\d.$€£/-])(?<!\d,)(?P<y>(?:19[89]|20\d)\d)(?![\d%])(?!\s?年\s?\d{1,2}\s?月)(?!\s?년\s?\d{1,2}\s?월)"
            r"(?!\s?(?:[亿億万萬억조兆千百元円원]|billion|million|trillion|bn|mn|milliard|Milliard|Mrd))"
        ),
    ),
]

REL = {
    "for the year": 0,
    "for the full year": 0,
    "full-year": 0,
    "今年度": 0,
    "本年度": 0,
    "来年度": 1,
    "次年度": 1,
    "前年度": -1,
    "昨年度": -1,
    "本财年": 0,
    "本財年": 0,
    "下一财年": 1,
    "下个财年": 1,
    "上一财年": -1,
    "上个财年": -1,
    "今期": 0,
    "vergangenen geschäftsjahr": -1,
    "abgelaufenen geschäftsjahr": -1,
    "letzten geschäftsjahr": -1,
    "laufenden geschäftsjahr": 0,
    "aktuellen geschäftsjahr": 0,
    "kommenden geschäftsjahr": 1,
    "nächsten geschäftsjahr": 1,
    "l'exercice précédent": -1,
    "l'exercice écoulé": -1,
    "l'exercice en cours": 0,
    "l'exercice prochain": 1,
    "the just-ended fiscal year": -1,
    "the just ended fiscal year": -1,
    "the fiscal year that ended": -1,
    "the fiscal year that just ended": -1,
    "来期": 1,
    "前期": -1,
    "este año": 0,
    "el próximo año": 1,
    "el año pasado": -1,
    "quest'anno": 0,
    "l'anno prossimo": 1,
    "l'anno scorso": -1,
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
NOT_A_PERIOD_BEFORE = re.compile(
    r"(?:\bby|\buntil|\bbefore|\bsince|\bthrough|\bthru|\bbis|\bjusqu['’](?:en|à)|\bd['’]ici(?:\s+(?:à|a|fin))?"
    r"|\bcompletion\s+in|\bcompleted?\s+in|\boperational\s+in|\bonline\s+in|\bvon|\bab"
    r"|\b(?:starting|beginning|begins?|starts?|breaking\s+ground|break\s+ground|opening|opens?"
    r"|launch(?:ing|es)?|à\s+partir\s+de|dès|ab\s+dem\s+Jahr)(?:\s+in)?"
    r"|\bopérationnel(?:le)?s?\s+en|\bmise\s+en\s+service\s+en|\blivrée?s?\s+en"
    r"|\bin\s+Betrieb\s+(?:gehen\s+)?(?:im\s+Jahr)?|\bfertiggestellt\s+(?:im\s+Jahr)?)"
    r"(?:\s+(?:the\s+)?(?:end|close)\s+of|\s+Ende|\s+(?:la\s+)?fin)?\s*$"
    rf"|(?:{MONTHS}|\d{{1,2}}\s+{MONTHS})\s*(?:\d{{1,2}},?\s*)?$"
    r"|(?<![高低大小多少等])[于於]$|(?:到|至|截至|截止)\s*$",
    re.IGNORECASE,
)


# A pattern runs only where one of its words occurs: most sentences have no quarter or half.
TRIGGERS: dict[str, tuple[str, ...]] = {
    "multi_year": ("años", "anni", "year", "年", "년", "ans", "années", "jahre", "decade"),
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
        "has put",
        "has poured",
        "has committed",
        "depuis",
        "seit",
        "bereits",
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
    "half": (
        "half",
        "h1",
        "h2",
        "s1",
        "s2",
        "半年",
        "반기",
        "上期",
        "下期",
        "halbjahr",
        "semestre",
    ),
    "ytd": (
        "前",
        "今年以",
        "年初",
        "to date",
        "so far this year",
        "first nine months",
        "이후",
        "누적",
    ),
    "fiscal_year": (
        "年度",
        "财年",
        "財年",
        "今期",
        "来期",
        "前期",
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
        "月期",
    ),
    "year": (
        "año",
        "anno",
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

# "2026년까지", "2030年まで", "2030年前": a deadline, not the year the money belongs to.
DEADLINE_AFTER = re.compile(r"\s?[年년]\s?(?:前|以前|까지|まで|末까지|말까지|末まで)")
# Japanese 年度 are named by the calendar year in which they begin: 今年度 in May 2025 is 2025年度.
START_NAMED = frozenset({"今年度", "本年度", "来年度", "次年度", "前年度", "昨年度"})
# "全年" after "2024年业绩" or "去年財報" is that year, not the publication year.
FULL_YEAR_BEFORE = re.compile(
    r"(?:(?P<y>20\d\d)\s?年(?![\d度])|(?P<rel>去年|今年|上年|明年))(?!.*(?:20\d\d\s?年(?![\d度])|去年|今年|上年|明年))",
    re.S,
)
