"""Who is named in a text: registry companies, groups, unknown companies and back-references.

One combined alias pattern per registry, built once and cached on the registry object, so a
registry of thousands of aliases costs one scan per text.
"""

from __future__ import annotations

import functools
import re

import msgspec

from service.companies.registry import Registry, fold

# kind: company | group | unknown | ref
# key: root slug (company), group name (group), name as written (unknown), "" (ref)


class Mention(msgspec.Struct, frozen=True, kw_only=True):
    start: int
    end: int
    kind: str
    key: str
    name: str


def _is_cjk(ch: str) -> bool:
    return "\u2e80" <= ch <= "\u9fff" or "\uac00" <= ch <= "\ud7af" or "\u3040" <= ch <= "\u30ff"


def _trie_pattern(words: list[str]) -> str:
    """One regex alternation that shares prefixes: fast on thousands of aliases."""
    trie: dict[str, dict] = {}  # type: ignore[type-arg]
    for word in words:
        node = trie
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}

    def render(node: dict) -> str:  # type: ignore[type-arg]
        ends = "" in node
        branches = [re.escape(ch) + render(child) for ch, child in sorted(node.items()) if ch]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if ends else body

    return render(trie)


class Matcher(msgspec.Struct, frozen=True):
    latin: re.Pattern[str] | None
    cjk: re.Pattern[str] | None
    companies: dict[str, tuple[str, str]]
    groups: dict[str, str]


@functools.lru_cache(maxsize=8)
def matcher(registry: Registry) -> Matcher:
    companies: dict[str, tuple[str, str]] = {}
    for company in registry.companies:
        try:
            root = registry.root(company.slug).slug
        except KeyError:  # a parent missing from the file: the company stands for itself
            root = company.slug
        for alias in (company.name, *company.aliases.all()):
            if len(alias.strip()) < 2:
                continue
            companies.setdefault(fold(alias), (company.slug, root))
    groups: dict[str, str] = {}
    for group in registry.groups:
        for alias in (group.name, *group.aliases):
            groups.setdefault(fold(alias), group.name)
    names = sorted(set(companies) | set(groups))
    latin = [n for n in names if not _is_cjk(n[0])]
    cjk = [n for n in names if _is_cjk(n[0])]
    latin_re = (
        re.compile(r"(?<![A-Za-z0-9&])" + _trie_pattern(latin) + r"(?![A-Za-z0-9&])", re.IGNORECASE)
        if latin
        else None
    )
    # Folded keys are lower case: "오픈AI" is stored as "오픈ai", so CJK names match ignoring case.
    cjk_re = re.compile(_trie_pattern(cjk), re.IGNORECASE) if cjk else None
    return Matcher(latin_re, cjk_re, companies, groups)


_SUFFIX = (
    r"(?:Inc|Corp|Corporation|Co|Company|Ltd|Limited|Group|Holdings|Technologies|Technology|"
    r"Capital|Partners|Ventures|Systems|Semiconductor|Electronics|Motors|Telecom|Networks|"
    r"Industries|Investments|Energy|Bank|AG|SE|SA|NV|PLC|plc|LLC|GmbH|AB|ASA|KK)\b\.?"
)
_CAP = r"[A-Z][A-Za-z0-9&'\-]*(?:\.[A-Za-z]+)?"
_DESCRIPTORS = (
    "company",
    "firm",
    "giant",
    "maker",
    "startup",
    "start-up",
    "group",
    "operator",
    "conglomerate",
    "investor",
    "lab",
    "carrier",
    "provider",
    "developer",
    "manufacturer",
)
_SUFFIX_WORDS = (
    " Inc",
    " Corp",
    " Co",
    " Ltd",
    " Limited",
    " Group",
    " Holdings",
    " Technolog",
    " Capital",
    " Partners",
    " Ventures",
    " Systems",
    " Semiconductor",
    " Electronics",
    " Motors",
    " Telecom",
    " Networks",
    " Industries",
    " Investments",
    " Energy",
    " Bank",
    " AG",
    " SE",
    " SA",
    " NV",
    " PLC",
    " plc",
    " LLC",
    " GmbH",
    " AB",
    " ASA",
    " KK",
)
# Each way of naming an unknown company, with the words that must be present for it to apply:
# scanning for capitalised runs is costly, so it only happens where it can pay off.
_UNKNOWN_LATIN: tuple[tuple[tuple[str, ...], re.Pattern[str]], ...] = (
    (
        _DESCRIPTORS,
        re.compile(
            r"\b(?:company|firm|giant|maker|chipmaker|startup|start-up|group|operator|"
            r"conglomerate|investor|lab|carrier|provider|developer|manufacturer)\s+"
            rf"(?P<name>{_CAP}(?:\s{_CAP}){{0,2}})"
        ),
    ),
    (_SUFFIX_WORDS, re.compile(rf"\b(?P<name>{_CAP}(?:\s{_CAP}){{0,3}})\s+{_SUFFIX}")),
    (
        ("(",),
        re.compile(
            rf"\b(?P<name>{_CAP}(?:\s{_CAP}){{0,2}})\s\("
            r"(?:(?:NASDAQ|Nasdaq|NYSE|TSE|TYO|HKEX|KRX|KOSPI|LSE|SSE|SZSE|TWSE|ASX|TSX|ETR|EPA)\s?:\s?"
            r"[A-Z0-9.]{1,8}|[A-Z0-9]{1,6}\.[A-Z]{1,2})\)"
        ),
    ),
)
_UNKNOWN_CJK = re.compile(
    r"(?<![\u4e00-\u9fff])(?P<n4>(?![该這这其等和与與及])[\u4e00-\u9fff]{2,6}?(?:集团|集團|公司|控股|银行|銀行))"
    r"(?=[\u4e00-\u9fff]{0,4}(?:计划|將|将|拟|宣布|投资|投入|斥资|规划|表示|预计))"
)
_NOT_NAMES = frozenset(
    {
        "The",
        "This",
        "That",
        "These",
        "Those",
        "It",
        "Its",
        "In",
        "On",
        "At",
        "For",
        "But",
        "And",
        "As",
        "A",
        "An",
        "If",
        "When",
        "While",
        "With",
        "By",
        "From",
        "After",
        "Before",
        "Since",
        "Over",
        "Under",
        "Analysts",
        "Investors",
        "Chinese",
        "American",
        "US",
        "U.S",
        "President",
        "CEO",
        "CFO",
        "Chairman",
        "Federal",
        "State",
        "National",
        "European",
        "Japanese",
        "Korean",
        "French",
        "German",
        "British",
        "Indian",
        "Taiwanese",
        "AI",
    }
)
_PRONOUN = re.compile(r"(?<![A-Za-z])(?:[Ii]ts?|[Tt]hey|[Tt]heir)(?![A-Za-z])")
_HEADS = (
    "firm",
    "company",
    "giant",
    "group",
    "maker",
    "operator",
    "conglomerate",
    "start",
    "lab",
    "investor",
    "retailer",
    "carrier",
    "titan",
    "behemoth",
    "major",
)
_DESCRIBED = re.compile(
    r"\b(?:the\s+company['’]s|the\s+(?:[A-Za-z-]+\s+){0,2}(?:firm|company|giant|group|maker|"
    r"chipmaker|operator|conglomerate|start-?up|lab|investor|retailer|carrier|titan|behemoth|"
    r"tech\s+major)(?:['’]s)?)\b",
    re.IGNORECASE,
)
_CJK_REF = re.compile(
    r"该公司|該公司|该集团|該集團|(?<![\u4e00-\u9fff])公司(?=[计將将拟预表今明的])"
    r"|(?<![尤极與与])其(?![中他它余餘实實次])|同社|同グループ|이\s?회사|동사"
)
_HAS_CJK = re.compile(r"[\u2e80-\u9fff\uac00-\ud7af]")


def find_mentions(text: str, start: int, end: int, registry: Registry) -> list[Mention]:
    """Named spenders and back-references in text[start:end], in order, none overlapping."""
    mt = matcher(registry)
    found: list[Mention] = []
    for pattern in (mt.latin, mt.cjk):
        if pattern is None:
            continue
        for m in pattern.finditer(text, start, end):
            raw = m.group(0)
            key = fold(raw)
            if key in mt.groups:
                found.append(
                    Mention(
                        start=m.start(),
                        end=m.end(),
                        kind="group",
                        key=mt.groups[key],
                        name=mt.groups[key],
                    )
                )
            elif key in mt.companies:
                slug, root = mt.companies[key]
                if registry.accepts(raw, slug, text=text, start=m.start()):
                    found.append(
                        Mention(start=m.start(), end=m.end(), kind="company", key=root, name=raw)
                    )
    chunk = text[start:end]
    lowered = chunk.lower()
    for gate, pattern in _UNKNOWN_LATIN:
        if not (any(map(lowered.__contains__, gate)) or any(map(chunk.__contains__, gate))):
            continue
        for m in pattern.finditer(text, start, end):
            name = m.group("name")
            words = name.split()
            while words and words[0] in _NOT_NAMES:
                words = words[1:]
            if not words:
                continue
            name = " ".join(words)
            s = m.start("name") + m.group("name").index(name)
            found.append(Mention(start=s, end=s + len(name), kind="unknown", key=name, name=name))
    cjk = bool(_HAS_CJK.search(chunk))
    for m in _UNKNOWN_CJK.finditer(text, start, end) if cjk else ():
        found.append(
            Mention(
                start=m.start("n4"),
                end=m.end("n4"),
                kind="unknown",
                key=m.group("n4"),
                name=m.group("n4"),
            )
        )
    refs = [_PRONOUN]
    if any(map(lowered.__contains__, _HEADS)):
        refs.append(_DESCRIBED)
    if cjk:
        refs.append(_CJK_REF)
    for pattern in refs:
        for m in pattern.finditer(text, start, end):
            found.append(Mention(start=m.start(), end=m.end(), kind="ref", key="", name=m.group(0)))
    found.sort(key=lambda x: (x.start, -(x.end - x.start), x.kind != "company"))
    kept: list[Mention] = []
    for mention in found:
        if kept and mention.start < kept[-1].end:
            continue
        kept.append(mention)
    return kept
