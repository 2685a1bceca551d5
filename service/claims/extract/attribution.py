"""Whose money an amount is: the payer named in the sentence, or the one the text is about."""

from __future__ import annotations

import re
from collections.abc import Callable

import msgspec

from service.claims.extract import cues
from service.claims.extract.amounts import Money
from service.claims.extract.entities import Mention
from service.companies.registry import Registry


class Spender(msgspec.Struct, frozen=True, kw_only=True):
    kind: str  # company | group | unknown
    key: str  # root slug, group name, or the name as written
    explicit: bool  # named in the sentence itself (not carried over)


_LIST_GAP = re.compile(
    r"^\s*(?:\([^)]{0,40}\)\s*)*(?:,|、|，|&|and|和|与|與|及|및|と|,\s*and)\s*$", re.I
)


# "the Nvidia-backed cloud provider", "SoftBank-owned Arm": the name describes another company.
_MODIFIER_AFTER = re.compile(
    r"^-(?:backed|owned|funded|led|controlled|based|affiliated|linked)\b", re.I
)
# "엔비디아와 손잡고", "NVIDIAと組んで", "gemeinsam mit Nvidia": a partner, not the payer.
_PARTNER_AFTER = re.compile(
    r"^(?:와|과)\s?(?:손잡고|함께|협력해|공동으로)|^と(?:組んで|共同で|提携して|協力して)"
)
_PARTNER_BEFORE = re.compile(
    r"(?:\b(?:together|jointly|in\s+partnership)\s+with|\bgemeinsam\s+mit|\bzusammen\s+mit"
    r"|\ben\s+partenariat\s+avec|\baux\s+côtés\s+de|与|與|联手|聯手)\s*$",
    re.I,
)
_SPENDING_NOUN_AFTER = re.compile(
    r"^(?:['’]s)?\s+(?:capital\s+(?:spending|expenditures?|investments?)|capex|spending|outlays?)\b",
    re.I,
)
# "the Stargate venture, which aims to invest $500 billion": the relative clause's subject.
_WHICH_SPENDS = re.compile(
    r"(?:\s+[\w-]+){0,2}\s*,?\s+(?:which|that|who)\s+(?:[\w-]+\s+){0,3}?"
    r"(?:invest|spend|pour|build|commit|put)\w*\b[^,;]{0,30}$",
    re.I,
)


_SOLD_TO = re.compile(
    r"\b(?:sells?|sold|selling|sale\s+of|divest\w*|cède|céder|cédé|verkauf\w*)\b[^.;]{0,100}"
    r"\b(?:to|à|an)\s+$",
    re.I,
)
_FOR_AMOUNT = re.compile(
    r"\s+(?:for|pour|für)\s+(?:about\s+|some\s+|roughly\s+|rund\s+|environ\s+)?$", re.I
)


def role(text: str, mention: Mention, sent_start: int) -> str:
    """normal | agent ("by X") | source (the forecaster) | target (acquired, funded, received)."""
    before = text[max(sent_start, mention.start - 60) : mention.start]
    after = text[mention.end : mention.end + 40]
    if mention.kind == "ref":
        return "normal"
    if (
        _MODIFIER_AFTER.match(after)
        or _PARTNER_AFTER.match(after)
        or _PARTNER_BEFORE.search(before)
    ):
        return "modifier"
    if _SPENDING_NOUN_AFTER.match(after):
        return "normal"  # "a forecast for hyperscaler capital spending": whose spending
    if cues.AGENT_BEFORE.search(before):
        return "agent"
    if cues.SOURCE_BEFORE.search(before) or cues.SOURCE_AFTER.match(after):
        return "source"
    if cues.TARGET_BEFORE.search(before) or cues.TARGET_AFTER.match(after):
        return "target"
    return "normal"


def as_spender(mention: Mention, *, explicit: bool) -> Spender:
    return Spender(kind=mention.kind, key=mention.key, explicit=explicit)


# "the Japanese conglomerate", "le groupe américain", "der japanische Konzern": a described
# reference names the country of the company it stands for.
_NATIONALITY = (
    ("JP", re.compile(r"japan|japon|日本", re.I)),
    ("KR", re.compile(r"korea|coréen|south\s+korean|韩国|韓國|한국", re.I)),
    ("CN", re.compile(r"chinese|chinois|chinesisch|中国", re.I)),
    ("TW", re.compile(r"taiwan|taïwan", re.I)),
    ("US", re.compile(r"\bU\.?S\.?\b|american|américain|amerikanisch|\bUS-", re.I)),
    ("NL", re.compile(r"dutch|néerlandais|niederländisch", re.I)),
    ("DE", re.compile(r"german|allemand|deutsch", re.I)),
    ("FR", re.compile(r"french|français|französisch", re.I)),
    ("GB", re.compile(r"british|britannique|britisch", re.I)),
    ("CA", re.compile(r"canadian|canadien|kanadisch", re.I)),
    ("IN", re.compile(r"indian|indien|indisch", re.I)),
)


_CJK_REFS = frozenset({"同社", "同グループ", "이 회사", "이회사", "동사", "회사"})
# The topic of a Japanese or Korean sentence is marked: "ソフトバンクグループは", "삼성전자는".
_TOPIC_AFTER = re.compile(r"(?:グループ|ホールディングス)?(?:は|는|은)")


def _country_of(ref: Mention) -> str | None:
    if ref.kind != "ref" or len(ref.name) < 8:
        return None
    return next((code for code, pattern in _NATIONALITY if pattern.search(ref.name)), None)


def resolve_ref(
    ref: Mention,
    earlier: list[tuple[Mention, str]],
    registry: Registry | None = None,
    text: str | None = None,
) -> Spender | None:
    """A back-reference ("it", "the company", "该公司") stands for the last payer named before:
    of the country it names, if it names one; a company that received money earlier is still
    what the text is about when no payer was named."""
    before = [(m, r) for m, r in earlier if m.end <= ref.start and m.kind not in {"ref", "public"}]
    country = _country_of(ref) if registry is not None else None
    if country is not None and registry is not None:
        for mention, r in reversed(before):
            company = registry.by_slug.get(mention.key) if mention.kind == "company" else None
            if company is not None and company.country == country and r != "modifier":
                return as_spender(mention, explicit=False)
    if text is not None and ref.name in _CJK_REFS:
        for mention, r in reversed(before):
            if r in {"normal", "agent"} and _TOPIC_AFTER.match(text, mention.end):
                return as_spender(mention, explicit=False)
    for mention, r in reversed(before):
        if r in {"normal", "agent"}:
            return as_spender(mention, explicit=False)
    for mention, r in reversed(before):
        if r == "target":
            return as_spender(mention, explicit=False)
    return None


def group_for(registry: Registry, slugs: list[str]) -> str | None:
    """The registry group that best covers a list of companies named together."""
    best, best_n = None, 1
    for group in registry.groups:
        n = len(set(slugs) & set(group.members))
        if n > best_n:
            best, best_n = group.name, n
    return best


def listed_with(text: str, mentions: list[Mention], index: int) -> list[Mention]:
    """The run of companies joined by commas/"and" that contains mentions[index]."""
    run = [mentions[index]]
    i = index
    while (
        i > 0
        and mentions[i - 1].kind == "company"
        and _LIST_GAP.match(text[mentions[i - 1].end : mentions[i].start])
    ):
        i -= 1
        run.insert(0, mentions[i])
    j = index
    while (
        j + 1 < len(mentions)
        and mentions[j + 1].kind == "company"
        and _LIST_GAP.match(text[mentions[j].end : mentions[j + 1].start])
    ):
        j += 1
        run.append(mentions[j])
    return run


def choose(
    text: str,
    amount: Money,
    *,
    sent: tuple[int, int],
    clause: tuple[int, int],
    mentions: list[tuple[Mention, str]],
    earlier: Callable[[], list[tuple[Mention, str]]],
    registry: Registry,
) -> tuple[Spender | None, bool]:
    """The spender of one amount, and whether it was named in the sentence.

    `mentions` are the sentence's mentions with their roles; `earlier` holds those of the
    sentences before, for back-references.
    """
    plain = [m for m, _ in mentions]
    for m, r in mentions:
        if (
            r == "agent"
            and amount.end <= m.start <= clause[1] + 40
            and m.kind not in {"ref", "public"}
        ):
            return as_spender(m, explicit=True), True
    for m, _ in reversed(mentions):
        if (
            m.kind in {"company", "unknown", "group"}
            and m.end <= amount.start
            and _WHICH_SPENDS.match(text, m.end, amount.start)
        ):
            return as_spender(m, explicit=True), True
    # "sell a stake ... to Apollo for $11 billion": the buyer pays.
    for m, _ in reversed(mentions):
        if (
            m.kind in {"company", "unknown"}
            and m.end <= amount.start
            and _FOR_AMOUNT.match(text, m.end, amount.start)
            and _SOLD_TO.search(text, max(sent[0], m.start - 120), m.start)
        ):
            return as_spender(m, explicit=True), True
    role_of = {id(m): r for m, r in mentions}
    before = [
        (i, m) for i, (m, r) in enumerate(mentions) if m.end <= amount.start and r == "normal"
    ]
    skipped: set[int] = set()
    for i, m in reversed(before):
        if id(m) in skipped:
            continue
        if m.kind == "public":
            return None, True
        if m.kind == "ref":
            resolved = resolve_ref(m, earlier() + mentions, registry, text)
            return resolved, resolved is not None
        if m.kind == "company":
            run = listed_with(text, plain, i)
            if len(run) > 1:
                if any(role_of[id(x)] != "normal" for x in run):
                    # "the venture of OpenAI, SoftBank and Oracle": the list is not the subject.
                    skipped.update(id(x) for x in run)
                    continue
                tail = text[run[-1].end : run[-1].end + 12]
                if cues.COLLECTIVE.match(tail) or not cues.RESPECTIVELY.search(
                    text, sent[0], sent[1]
                ):
                    name = group_for(registry, [x.key for x in run])
                    if name:
                        return Spender(kind="group", key=name, explicit=True), True
                    return None, True
        return as_spender(m, explicit=True), True
    # "Having earmarked $80 billion for AI, Microsoft's ...": the subject follows the phrase.
    for m, r in mentions:
        if r == "normal" and m.kind in {"company", "group"} and amount.end <= m.start:
            return as_spender(m, explicit=True), True
    return None, False


def respectively(
    text: str, sent: tuple[int, int], amounts: list[Money], mentions: list[tuple[Mention, str]]
) -> dict[int, Spender] | None:
    """ "A and B plan $X and $Y, respectively": each amount to its company, in order."""
    if len(amounts) < 2 or not cues.RESPECTIVELY.search(text, sent[0], sent[1]):
        return None
    named = [
        m
        for m, r in mentions
        if r == "normal" and m.kind in {"company", "unknown"} and m.end <= amounts[0].start
    ]
    seen: list[Mention] = []
    for m in named:
        if all(m.key != s.key for s in seen):
            seen.append(m)
    if len(seen) == len(amounts):
        return {id(a): as_spender(m, explicit=True) for a, m in zip(amounts, seen, strict=True)}
    # "A is expected to spend $X, while B and C guided to $Y and $Z, respectively": the list
    # nearest before the last figures pairs with them; the rest are read one by one.
    plain = [m for m, _ in mentions]
    for i in range(len(plain) - 1, -1, -1):
        if plain[i].kind != "company" or {id(m): r for m, r in mentions}[id(plain[i])] != "normal":
            continue
        run = listed_with(text, plain, i)
        if len(run) < 2:
            continue
        after = [a for a in amounts if a.start >= run[-1].end]
        if len(after) == len(run):
            return {id(a): as_spender(m, explicit=True) for a, m in zip(after, run, strict=True)}
        break
    return None
