"""Money amounts in text: "$60-65 billion", "1.2万亿元", "21조6000억원", "160 milliards d'euros".

Every amount keeps its span so that the rules around it can read the words beside it.
Numbers become exact integers through `Decimal`: "$84.24 billion" must not turn into
84239999999 by way of a float.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

import msgspec

from service.claims.extract import currencies

# Languages that write "2,5" for two and a half and "1.500" for fifteen hundred.
COMMA_DECIMAL = frozenset({"fr", "de", "es", "it", "pt", "nl", "ru", "pl", "sv", "da", "nb", "fi"})

# A spending figure below this is a price, a share quote or a salary, never a claim.
MIN_AMOUNT = 1_000_000


class Money(msgspec.Struct, frozen=True, kw_only=True):
    start: int
    end: int
    low: int
    high: int
    currency: str


_NUM = r"\d{1,3}(?:[,.\u00a0\u202f]\d{3})+(?:[.,]\d+)?|\d+(?:[.,]\d+)?"
_LATIN_PREFIX = (
    r"(?:US\$|U\.S\.\s?\$|HK\$|NT\$|A\$|C\$|S\$|R\$|\$|€|£|₩|₹|¥|￥|Rs\.?|USD|EUR|GBP|KRW|INR|"
    r"RMB|CNY|JPY|HKD|TWD|CHF|AUD|CAD|SGD|SEK)"
)
_LATIN_SCALE = (
    r"(?:mil\s+millones|trillions?|billions?|millions?|thousand|milliards?|milliarden|milliarde|"
    r"millionen|billionen|miliard[io]|milioni|millones|billones|lakh\s+crores?|crores?|lakhs?|"
    r"tn|tln|bn|bln|mn|mln|mm|mio|mrd|mds?|bil|md|cr|[bmkt])\.?"
)
_LATIN_SUFFIX = (
    r"(?:(?:de\s+|d['’]\s?)?(?:U\.?S\.?\s+dollars|US-Dollar|Hong\s+Kong\s+dollars|"
    r"Taiwan\s+dollars|NT\s+dollars|pounds\s+sterling|dollars?|Dollar|euros?|Euro|pounds|"
    r"Pfund|livres|yuans?|renminbi|yens?|wons?|rupees|roupies|Rupien|d[óo]lares|dollari|"
    r"Swiss\s+francs|francs\s+suisses|Franken|CHF|AUD|CAD|SGD|SEK|USD|EUR|GBP|RMB|CNY|"
    r"JPY|KRW|INR|HKD|TWD))"
)
_LATIN_ATOM = re.compile(
    r"(?=[\dA-Za-z$€£₩₹¥￥])"
    rf"(?:(?<![A-Za-z])(?P<pre>{_LATIN_PREFIX}))?\s?"
    rf"(?:(?P<lo>{_NUM})(?:\s?(?P<loscale>{_LATIN_SCALE})(?![A-Za-z]))?"
    rf"\s*(?P<sep>-|–|—|~|to|à|bis)\s*(?P<pre2>{_LATIN_PREFIX})?\s?)?"
    rf"(?P<num>{_NUM})(?:(?:\s?|-)(?P<scale>{_LATIN_SCALE})(?![A-Za-z]))?"
    rf"(?:\s?(?P<suf>{_LATIN_SUFFIX})(?![A-Za-z]))?",
    re.IGNORECASE,
)
_DIGITS = re.compile(r"\d+")
_CJK_NUM = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|[零〇一二两兩三四五六七八九十百千]+"
_CJK_UNIT = (
    r"万亿|萬億|千亿|千億|百亿|百億|十亿|十億|千万|千萬|百万|百萬"
    r"|천억|백억|십억|천만|백만|兆|亿|億|万|萬|조|억|만"
)
_CJK_SUFFIX = "|".join(
    sorted((k for k in currencies.SUFFIX_CURRENCY if not k.isascii()), key=len, reverse=True)
)
_CJK_ATOM = re.compile(
    rf"(?P<pre>人民币|人民幣|美元|港币|港幣|RMB|US\$|HK\$|NT\$|\$|€|¥|￥)?\s?"
    rf"(?P<body>(?:(?:{_CJK_NUM})\s?(?:{_CJK_UNIT})\s?)+)(?P<suf>{_CJK_SUFFIX})?"
)
_CJK_SEGMENT = re.compile(rf"({_CJK_NUM})\s?({_CJK_UNIT})")
_CJK_RANGE_LOW = re.compile(
    r"(\d+(?:\.\d+)?)\s*(万亿|萬億|亿|億|万|萬|억|조|兆)?\s*(?:-|–|—|~|～|至|到|에서)\s*$"
)
_BETWEEN = re.compile(
    rf"(?:between|entre|zwischen)\s+(?P<pre>{_LATIN_PREFIX})?\s?(?P<num>{_NUM})"
    rf"(?:\s?(?P<scale>{_LATIN_SCALE})(?![A-Za-z]))?(?:\s?{_LATIN_SUFFIX})?\s+(?:and|et|und|y|e)\s+$",
    re.IGNORECASE,
)
_CONVERSION_GAP = re.compile(
    r"^\s*(?:[(（]|,\s*or\s|，\s*或|,\s*soit\s|,\s*umgerechnet\s|,\s*i\.e\.\s)\s*"
    r"(?:approximately|approx\.?|about|around|roughly|some|environ|près\s+de|rund|etwa|ungefähr|"
    r"nearly|almost|or|c\.|circa|~|equivalent\s+to|equal\s+to|约合|約合|折合|约|約|合|약|およそ|約)?\s*$",
    re.IGNORECASE,
)
# "数百亿", "几千亿", "数千億円": hundreds of 亿, a size and not a figure.
_VAGUE_BEFORE = frozenset("数數几幾上近")
_FROM_BEFORE = re.compile(r"\bfrom\s*$|从\s*$|從\s*$", re.IGNORECASE)


# Cheap first look: no currency sign, currency word or scale word means no amount.
_MONEY_SIGN = re.compile(r"[$€£¥￥₩₹元円원币幣镑鎊]")
# fmt: off
_MONEY_WORDS = (
    "dollar", "dólar", "dolar", "euro", "pound", "yuan", "renminbi", "yen", "won", "rupee",
    "roupie", "livre", "pfund", "crore", "usd", "eur", "gbp", "cny", "rmb", "jpy", "krw", "inr",
    "hkd", "twd", "chf", "franc", "franken", "aud", "cad", "sgd", "sek", "달러", "ドル", "ユーロ",
    "ウォン", "ポンド", "ルピー", "卢比", "盧比",
)
# fmt: on


def has_money(text: str, start: int, end: int) -> bool:
    """Cheap first look: no currency sign or currency word means no amount in text[start:end]."""
    if _MONEY_SIGN.search(text, start, end):
        return True
    lowered = text[start:end].lower()
    return any(map(lowered.__contains__, _MONEY_WORDS))


def parse_number(raw: str, *, language: str | None = None) -> Decimal:
    """A written number as an exact decimal, reading separators the way the language does."""
    s = raw.replace("\u00a0", "").replace("\u202f", "").replace(" ", "")
    comma_decimal = (language or "").split("-")[0].lower() in COMMA_DECIMAL
    if "," in s and "." in s:
        decimal_sep = "," if s.rfind(",") > s.rfind(".") else "."
        thousands = "." if decimal_sep == "," else ","
        s = s.replace(thousands, "").replace(decimal_sep, ".")
    elif "," in s:
        groups = s.split(",")
        grouped = all(len(g) == 3 for g in groups[1:]) and (len(groups) > 2 or not comma_decimal)
        s = s.replace(",", "") if grouped else s.replace(",", ".")
    elif "." in s:
        groups = s.split(".")
        if (comma_decimal and all(len(g) == 3 for g in groups[1:])) or len(groups) > 2:
            s = s.replace(".", "")
    try:
        return Decimal(s)
    except InvalidOperation:
        return Decimal(0)


def parse_chinese_numeral(raw: str) -> int:
    """'三千八百' -> 3800, '十五' -> 15, '两' -> 2 (units below 万; 万 and 亿 are scale units)."""
    total, digit = 0, None
    for ch in raw:
        if ch in currencies.CN_DIGITS:
            digit = currencies.CN_DIGITS[ch]
        elif ch in currencies.CN_SMALL_UNITS:
            total += (1 if digit is None else digit) * currencies.CN_SMALL_UNITS[ch]
            digit = None
    return total + (digit or 0)


def _cjk_number(raw: str) -> Decimal:
    if raw[0].isdigit():
        return parse_number(raw)
    return Decimal(parse_chinese_numeral(raw))


def _unit_value(unit: str) -> int:
    value = 1
    for ch in unit:
        value *= currencies.CJK_UNITS[ch]
    return value


def parse_cjk_amount(body: str) -> tuple[Decimal, int]:
    """'21조6000억' -> (21.6e12, 1e8): the value and the scale of its last unit."""
    total, last_unit = Decimal(0), 1
    for m in _CJK_SEGMENT.finditer(body):
        last_unit = _unit_value(m.group(2))
        total += _cjk_number(m.group(1)) * last_unit
    return total, last_unit


def _latin_scale(raw: str | None, language: str | None) -> int:
    if not raw:
        return 1
    key = " ".join(raw.lower().rstrip(".").split())
    if (language or "").split("-")[0].lower() in {"fr", "de"} and key in currencies.LONG_SCALE:
        return currencies.LONG_SCALE[key]
    # A lone capital "M" after a currency is million, and so is lone "m"; "T" only with a symbol.
    return currencies.LATIN_SCALES.get(key, 1)


def _currency_of(pre: str | None, suf: str | None, language: str | None) -> str | None:
    lang = (language or "").lower()
    if suf:
        key = " ".join(suf.lower().replace("’", "'").split())
        key = re.sub(r"^(?:de |d')\s?", "", key)
        code = currencies.SUFFIX_CURRENCY.get(key)
        if code == "CNY" and suf == "元" and lang in {"zh-tw", "zh-hant", "zh_tw"}:
            return "TWD"
        if code:
            return code
    if pre:
        key = pre.lower().replace(" ", "")
        if key in {"¥", "￥"}:
            return "CNY" if lang.startswith("zh") else "JPY"
        return currencies.PREFIX_CURRENCY.get(key)
    return None


def _to_int(value: Decimal) -> int:
    return int(value.to_integral_value())


def _is_year(num: str, scale: str | None, pre: str | None) -> bool:
    return not scale and not pre and num.isdigit() and len(num) == 4 and 1900 <= int(num) <= 2100


def _digit_windows(text: str, lo: int, hi: int) -> list[tuple[int, int]]:
    """Stretches around the digits of text[lo:hi]: an amount cannot be anywhere else."""
    windows: list[tuple[int, int]] = []
    for m in _DIGITS.finditer(text, lo, hi):
        start, end = max(lo, m.start() - 16), min(hi, m.end() + 40)
        if windows and start <= windows[-1][1]:
            windows[-1] = (windows[-1][0], end)
        else:
            windows.append((start, end))
    return windows


def _latin_matches(text: str, lo: int, hi: int) -> list[re.Match[str]]:
    out: list[re.Match[str]] = []
    for start, end in _digit_windows(text, lo, hi):
        for m in _LATIN_ATOM.finditer(text, start, end):
            if not out or m.start() >= out[-1].end():
                out.append(m)
    return out


def _latin_atoms(text: str, language: str | None, lo: int, hi: int) -> list[Money]:
    found: list[Money] = []
    for m in _latin_matches(text, lo, hi):
        pre, pre2 = m.group("pre"), m.group("pre2")
        num, scale, suf = m.group("num"), m.group("scale"), m.group("suf")
        lo_num = m.group("lo")
        if not (pre or pre2 or suf):
            continue
        first = min(m.start(g) for g in ("pre", "lo", "pre2", "num") if m.group(g) is not None)
        if first > 0 and text[first - 1].isalnum():
            continue
        if scale and scale.lower().rstrip(".") == "t" and not (pre or pre2):
            continue
        currency = _currency_of(pre2 or pre, suf, language)
        if currency is None:
            continue
        factor = _latin_scale(scale, language)
        high = _to_int(parse_number(num, language=language) * factor)
        start = m.start("pre2") if pre2 else m.start("num")
        low = high
        if lo_num is not None:
            lo_factor = _latin_scale(m.group("loscale"), language) if m.group("loscale") else factor
            candidate = _to_int(parse_number(lo_num, language=language) * lo_factor)
            is_change = m.group("sep").lower() == "to" and _FROM_BEFORE.search(
                text, max(0, first - 8), first
            )
            if (
                _is_year(lo_num, m.group("loscale"), pre)
                or is_change
                or not (0 < candidate < high and candidate * 20 >= high)
            ):
                if is_change and candidate >= MIN_AMOUNT and pre:
                    found.append(
                        Money(
                            start=first,
                            end=m.end("loscale") if m.group("loscale") else m.end("lo"),
                            low=candidate,
                            high=candidate,
                            currency=currency,
                        )
                    )
            else:
                low, start = candidate, first
        elif pre:
            start = first
        between = _BETWEEN.search(text, max(0, start - 60), start)
        if between and low == high:
            lo_factor = (
                _latin_scale(between.group("scale"), language) if between.group("scale") else factor
            )
            candidate = _to_int(parse_number(between.group("num"), language=language) * lo_factor)
            if 0 < candidate < high and candidate * 20 >= high:
                low, start = (
                    candidate,
                    between.start("num") if not between.group("pre") else between.start("pre"),
                )
                found = [a for a in found if a.end <= start]
        if high < MIN_AMOUNT:
            continue
        found.append(Money(start=start, end=m.end(), low=low, high=high, currency=currency))
    return found


_CJK_UNIT_CHARS = frozenset("万萬亿億兆조억만")


def _cjk_atoms(text: str, language: str | None, lo: int, hi: int) -> list[Money]:
    found: list[Money] = []
    if _CJK_UNIT_CHARS.isdisjoint(text[lo:hi]):
        return found
    for m in _CJK_ATOM.finditer(text, lo, hi):
        pre, suf = m.group("pre"), m.group("suf")
        currency = _currency_of(pre, suf, language)
        if currency is None:
            continue
        body = m.group("body").rstrip()
        if not pre and m.start() > 0 and text[m.start() - 1] in _VAGUE_BEFORE:
            continue
        value, last_unit = parse_cjk_amount(body)
        high = _to_int(value)
        start = m.start("pre") if pre else m.start("body")
        low, lo_start = high, start
        rng = _CJK_RANGE_LOW.search(text, max(0, start - 20), start)
        if rng and not pre:
            unit = _unit_value(rng.group(2)) if rng.group(2) else last_unit
            candidate = _to_int(parse_number(rng.group(1)) * unit)
            if 0 < candidate < high and candidate * 20 >= high:
                low, lo_start = candidate, rng.start(1)
        if high < MIN_AMOUNT:
            continue
        end = m.end() if suf else m.end("body") - (len(m.group("body")) - len(body))
        found.append(Money(start=lo_start, end=end, low=low, high=high, currency=currency))
    return found


_NUMBER_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "ein": 1, "eine": 1, "einer": 1, "zwei": 2, "drei": 3,
    "vier": 4, "fünf": 5, "sechs": 6, "sieben": 7, "acht": 8, "neun": 9, "zehn": 10, "un": 1,
    "une": 1, "deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "sept": 7, "huit": 8, "neuf": 9,
    "dix": 10, "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20, "thirty": 30,
    "forty": 40, "fifty": 50, "hundred": 100, "elf": 11, "zwölf": 12, "fünfzehn": 15,
    "zwanzig": 20, "dreißig": 30, "vierzig": 40, "fünfzig": 50, "hundert": 100, "onze": 11,
    "douze": 12, "quinze": 15, "vingt": 20, "trente": 30, "quarante": 40, "cinquante": 50,
    "cent": 100,
}  # fmt: skip
# "eine Milliarde Euro", "fünf Milliarden Euro", "deux milliards d'euros", "one billion dollars".
_WORD_ATOM = re.compile(
    rf"(?<![\w-])(?P<word>{'|'.join(sorted(_NUMBER_WORDS, key=len, reverse=True))})\s+"
    r"(?P<scale>milliarden|milliarde|milliards?|millionen|millions?|billions?|trillions?)\s?"
    rf"(?P<suf>{_LATIN_SUFFIX})(?![A-Za-z])",
    re.IGNORECASE,
)
_WORD_GATE = ("milliard", "million", "billion", "trillion")


def _word_atoms(text: str, language: str | None, lo: int, hi: int) -> list[Money]:
    lowered = text[lo:hi].lower()
    if not any(map(lowered.__contains__, _WORD_GATE)):
        return []
    found: list[Money] = []
    for m in _WORD_ATOM.finditer(text, lo, hi):
        currency = _currency_of(None, m.group("suf"), language)
        if currency is None:
            continue
        scale = _latin_scale(m.group("scale"), language)
        value = _to_int(Decimal(_NUMBER_WORDS[m.group("word").lower()]) * scale)
        if value >= MIN_AMOUNT:
            found.append(
                Money(start=m.start(), end=m.end(), low=value, high=value, currency=currency)
            )
    return found


def find_amounts(
    text: str, *, language: str | None = None, start: int = 0, end: int | None = None
) -> list[Money]:
    """Every money amount in text[start:end], in order; parenthetical conversions folded away."""
    hi = len(text) if end is None else end
    atoms = sorted(
        _latin_atoms(text, language, start, hi)
        + _cjk_atoms(text, language, start, hi)
        + _word_atoms(text, language, start, hi),
        key=lambda a: a.start,
    )
    merged: list[Money] = []
    for atom in atoms:
        if merged and atom.start < merged[-1].end:
            # Overlap: a range swallowed its first part, or both readers saw the same figure.
            if atom.end - atom.start > merged[-1].end - merged[-1].start:
                merged[-1] = atom
            continue
        merged.append(atom)
    kept: list[Money] = []
    for atom in merged:
        if kept and _CONVERSION_GAP.match(text[kept[-1].end : atom.start]):
            continue
        kept.append(atom)
    if kept:
        kept = _bare_after(text, kept, language, kept[0].end, hi)
    return kept


# "2 milliards de dollars en 2025, contre 2,5 milliards l'an dernier", "3 milliards d'euros,
# dont 2,5 milliards pour": a scale without a currency after a figure shares its currency.
_BARE_SCALE = re.compile(
    rf"(?<![\w$€£¥.,])(?P<num>{_NUM})\s?(?P<scale>milliards?|milliarden|milliarde|billions?|bn"
    r"|millions?|millionen|mrd\.?)(?![A-Za-z])"
    r"(?=\s*(?:[,.;:)]|$|(?:in|for|on|last|this|next|a|per|pour|en|l['’]|au|à|dans|für|im|bis"
    r"|et|and|und|ou|or|to|contre|versus|vs)\b))",
    re.IGNORECASE,
)


def _bare_after(
    text: str, kept: list[Money], language: str | None, lo: int, hi: int
) -> list[Money]:
    lowered = text[lo:hi].lower()
    if not any(w in lowered for w in ("milliard", "billion", "bn", "million", "mrd")):
        return kept
    out = list(kept)
    for m in _BARE_SCALE.finditer(text, lo, hi):
        if any(a.start < m.end() and m.start() < a.end for a in out):
            continue
        previous = [a for a in out if a.end <= m.start()]
        if not previous:
            continue
        scale = _latin_scale(m.group("scale"), language)
        value = _to_int(parse_number(m.group("num"), language=language) * scale)
        if value < MIN_AMOUNT:
            continue
        currency = previous[-1].currency
        out.append(Money(start=m.start(), end=m.end(), low=value, high=value, currency=currency))
    return sorted(out, key=lambda a: a.start)
