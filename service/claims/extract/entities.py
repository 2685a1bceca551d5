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
    r"Capital|Partners|Ventures|Enterprises|Gruppe|Holding|Systems|Semiconductor|Electronics|Motors|Telecom|Networks|"
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
    " Enterprises",
    " Gruppe",
    " Holding",
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
_EU_DESCRIPTOR_WORDS = ("start-up", "société", "firme", "licorne", "fonds", "Konzern",
                        "Autobauer", "Hersteller", "Unternehmen", "Anbieter", "Versorger",
                        "groupe", "constructeur", "opérateur", "fabricant", "géant",
                        "spécialiste", "équipementier", "canadien", "américain", "japonais",
                        "néerlandais", "allemand", "chinois", "coréen", "britannique")  # fmt: skip
# "Der Autobauer Volkswagen", "le constructeur Stellantis", "le canadien Brookfield".
_EU_DESCRIBED_NAME = re.compile(
    r"\b(?:[Dd](?:er|ie|as)\s+(?:[A-ZÄÖÜ][a-zäöüß]*(?:konzern|bauer|hersteller|unternehmen|anbieter"
    r"|versorger)|Konzern|Autobauer|Hersteller|Unternehmen|Anbieter|Versorger)"
    r"|[Ll][ae]\s+(?:groupe|constructeur|opérateur|fabricant|géant|spécialiste|équipementier|fonds"
    r"|start-up|société|firme|entreprise|licorne"
    r"|canadien|américain|japonais|néerlandais|allemand|chinois|coréen|britannique)"
    r"(?:\s+(?:[a-zéèêàâîôûç-]+))?)\s+"
    rf"(?P<name>{_CAP}(?:\s{_CAP}){{0,2}})"
)
# "Eutelsat prévoit d'investir", "Mercedes-Benz will ... investieren", "Crusoe plans to spend":
# one capitalised word opening a sentence whose verb is spending. People's names come as two
# words ("Andy Jassy said"), and a surname alone rarely plans to invest.
_LEAD_NAME = re.compile(
    r"(?P<name>[A-Z][A-Za-z0-9]*(?:-[A-Z][A-Za-z0-9]*)?)\s+(?:(?:(?:also|now|still|will|plans?\s+to"
    r"|intends?\s+to|aims?\s+to|expects?\s+to|is\s+set\s+to|prévoit\s+d['’]|compte|va|entend"
    r"|souhaite|will|plant|wird|möchte|kündigte|a\s+annoncé|hat)\s*){1,2}"
    r"(?:invest|spend|pour|inject|injecter|investir|dépenser|consacrer|seine\s+Investitionen"
    r"|rund|mehr|bis|insgesamt)\w*"
    # With no auxiliary, only a finite spending verb: "Prologis prévoit", "Crusoe invests".
    r"|(?:prévoit|pledged|pledges|commits|committed|invests|invested|investit|investiert"
    r"|spends|promet|dépense)\b)"
)
_COMMON_NOUN = re.compile(
    r"(?:ung|ungen|ion|ionen|heit|keit|schaft|tum|nis|ismus|ment|ments|age|ages|ité|ités)$"
)
_UNKNOWN_CJK = re.compile(
    r"(?<![\u4e00-\u9fff])(?P<n4>(?![该這这其等和与與及])(?!高于|低于|高於|低於|较|較|比|对|對|向|由|从|從)"
    r"[\u4e00-\u9fff]{2,6}?(?:集团|集團|公司|控股|银行|銀行))"
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
        "Die",
        "Der",
        "Das",
        "Le",
        "La",
        "Les",
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
# "le groupe", "l'opérateur", "le néerlandais", "der Konzern", "Der Stuttgarter Konzern",
# "das Unternehmen", "Die Walldorfer": how French and German news refer back to a company.
_EU_HEADS = ("groupe", "opérateur", "géant", "société", "entreprise", "constructeur", "fabricant",
             "néerlandais", "américain", "allemand", "japonais", "chinois", "coréen", "canadien",
             "français", "britannique", "taïwanais", "suisse", "konzern", "unternehmen",
             "hersteller", "er ")  # fmt: skip
_EU_REF = re.compile(
    r"\b(?:[Ll]e|[Ll]a|[Ll]['’])\s?(?:groupe|opérateur|géant|société|entreprise|constructeur"
    r"|fabricant|équipementier|néerlandais|américain|allemand|japonais|chinois|coréen|canadien"
    r"|français|britannique|taïwanais|suisse)\b(?:\s+(?:américain|néerlandais|allemand|japonais"
    r"|chinois|coréen|canadien|français|britannique|taïwanais|suisse|indien)\b)?"
    r"(?!\s+(?:[A-Z]|de\s+[A-Z]))"
    r"|\b[Dd](?:er|ie|as|en|em|es)\s+(?:[A-ZÄÖÜa-zäöü][a-zäöüß]+(?:er|e|en)\s+)?(?:[A-ZÄÖÜ]?[a-zäöüß]*"
    r"(?:[Kk]onzern|[Uu]nternehmen|[Hh]ersteller|[Gg]ruppe|[Aa]utobauer|[Aa]usrüster|[Aa]nbieter"
    r"|[Zz]ulieferer|[Vv]ersorger))\b"
    r"|\b(?:Die|die)\s+[A-ZÄÖÜ][a-zäöü]+er\b(?=\s+(?:wollen|haben|hatten|planen|investieren|gaben|setzen|werden))"
)
_KO_REF = re.compile(r"(?<![가-힣])(?:회사|그룹|이\s?회사|동사)(?=[는은가이도의측])")
# "Iliad, la maison mère de Free, ...", "Nebius, the Amsterdam-based cloud provider, ...": a
# capitalised name opening the sentence and described in apposition is a company.
_APPOSITION = re.compile(
    rf"(?P<name>{_CAP}(?:\s{_CAP}){{0,2}}),\s+(?:the|a|an|la|le|l['’]|die|der|das)\s?"
    r"(?:[\w'’-]+\s+){0,3}?(?:maison\s+mère|parent|company|firm|group|groupe|opérateur|operator"
    r"|provider|maker|developer|Konzern|Unternehmen|Mutterkonzern|fabricant|start-?up|startup"
    r"|spécialiste|société|entreprise|Hersteller)\b(?!['’]s)"
)
_OPENERS = frozenset(
    {"However", "Meanwhile", "Separately", "Still", "Overall", "Today", "Yesterday", "Now",
     "Also", "Instead", "Elsewhere", "Ainsi", "Toutefois", "Cependant", "Enfin", "Zudem",
     "Außerdem", "Allerdings", "Dabei", "Damit"}
)  # fmt: skip
# "中華電信今年資本支出…", "光寶科則預估今年…": a name opening a sentence about its own
# spending. Registry names win where they overlap; roles and forecasters are not names.
_CJK_LEAD = re.compile(
    r"(?<![\u4e00-\u9fffA-Za-z0-9])(?P<n>(?!(?:分析師|分析师|法人|外資|外资|投資人|投资人|董事長|董事长|總經理"
    r"|总经理|執行長|执行长|公司|集團|集团|業界|业界|市場|市场|機構|机构|券商|政府|该|該|这|這|其|此"
    r"|同|本|今|去|明|前|全球|中国|中國|美国|美國|台灣|台湾|日本|韩国|韓國))[\u4e00-\u9fff]{3,5}?)"
    r"(?:則|则|也|亦)?(?=今年|去年|明年|董事會|董事会|資本支出|資本開支|资本支出|资本开支|研發|研发"
    r"|第[一二三四]季|上半年|前三季|預估|预估|預計|预计)"
)
# "le gouvernement", "the government", "die Bundesregierung", "政府": spenders of public money
# the contract does not track; named in a sentence, they stop a company being carried in.
_PUBLIC = re.compile(
    r"\b(?:[Ll]e\s+gouvernement|[Ll]['’]État|[Ll]['’]Etat|[Tt]he\s+(?:US\s+|U\.S\.\s+)?government"
    r"|[Dd]ie\s+(?:Bundes)?[Rr]egierung|[Dd]er\s+Bund)\b|政府|정부"
)
# "另外，宁德时代宣布拟…": a name opening a clause as the subject of an announcement.
_CJK_SUBJECT = re.compile(
    r"(?:^|(?<=[，。；：,]))(?:另外|此外|同时|同時|而|对此|對此)?[，,]?"
    r"(?P<n>(?![该該这這其此公])[\u4e00-\u9fff]{4,6}?)(?=(?:宣布|宣佈)(?:拟|擬|将|將|计划|計劃|斥资|斥資|投资|投資))"
)


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
    if any(map(chunk.__contains__, _EU_DESCRIPTOR_WORDS)):
        for m in _EU_DESCRIBED_NAME.finditer(text, start, end):
            name = m.group("name")
            if name.split()[0] in _NOT_NAMES or _COMMON_NOUN.search(name.split()[0]):
                continue  # German capitalises nouns: "der Konzern Sachinvestitionen"
            found.append(
                Mention(
                    start=m.start("name"), end=m.end("name"), kind="unknown", key=name, name=name
                )
            )
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
    appositive = _APPOSITION.match(text, start, end) if ", " in chunk[:60] else None
    if (
        appositive is not None
        and appositive.group("name").split()[0] not in _NOT_NAMES | _OPENERS
        and not appositive.group("name").endswith("ly")
    ):
        name = appositive.group("name")
        found.append(
            Mention(start=start, end=start + len(name), kind="unknown", key=name, name=name)
        )
    if cjk:
        taken = [(m.start, m.end) for m in found]
        for m in _CJK_LEAD.finditer(text, start, end):
            s, e = m.start("n"), m.end("n")
            if any(ch in m.group("n") for ch in "季年月日度期一二三四"):
                continue  # "一季度资本开支": a time, not a name
            if text.startswith(("预计", "預計", "预估", "預估"), m.end("n")):
                continue  # "摩根士丹利预计…": a forecaster, not the spender
            if not any(s < te and ts < e for ts, te in taken):
                found.append(
                    Mention(start=s, end=e, kind="unknown", key=m.group("n"), name=m.group("n"))
                )
    for m in _PUBLIC.finditer(text, start, end):
        found.append(Mention(start=m.start(), end=m.end(), kind="public", key="", name=m.group(0)))
    if cjk and ("宣布" in chunk or "宣佈" in chunk):
        taken = [(m.start, m.end) for m in found]
        for m in _CJK_SUBJECT.finditer(text, start, end):
            s, e = m.start("n"), m.end("n")
            if not any(s < te and ts < e for ts, te in taken):
                found.append(
                    Mention(start=s, end=e, kind="unknown", key=m.group("n"), name=m.group("n"))
                )
    lead = _LEAD_NAME.match(text, start, end)
    if lead is not None and lead.group("name") not in _NOT_NAMES | _OPENERS:
        name = lead.group("name")
        found.append(
            Mention(start=start, end=start + len(name), kind="unknown", key=name, name=name)
        )
    refs = [_PRONOUN]
    if any(map(lowered.__contains__, _EU_HEADS)):
        refs.append(_EU_REF)
    if "회사" in chunk or "그룹" in chunk or "동사" in chunk:
        refs.append(_KO_REF)
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
