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


def role(text: str, mention: Mention, sent_start: int) -> str:
    """normal | agent ("by X") | source (the forecaster) | target (acquired, funded, received)."""
    before = text[max(sent_start, mention.start - 60) : mention.start]
    after = text[mention.end : mention.end + 40]
    if mention.kind == "ref":
        return "normal"
    if cues.AGENT_BEFORE.search(before):
        return "agent"
    if cues.SOURCE_BEFORE.search(before) or cues.SOURCE_AFTER.match(after):
        return "source"
    if cues.TARGET_BEFORE.search(before) or cues.TARGET_AFTER.match(after):
        return "target"
    return "normal"


def as_spender(mention: Mention, *, explicit: bool) -> Spender:
    return Spender(kind=mention.kind, key=mention.key, explicit=explicit)


def resolve_ref(ref: Mention, earlier: list[tuple[Mention, str]]) -> Spender | None:
    """A back-reference ("it", "the company", "该公司") stands for the last payer named before."""
    for mention, r in reversed(earlier):
        if mention.end <= ref.start and mention.kind != "ref" and r != "target":
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
        if r == "agent" and amount.end <= m.start <= clause[1] + 40 and m.kind != "ref":
            return as_spender(m, explicit=True), True
    role_of = {id(m): r for m, r in mentions}
    before = [
        (i, m) for i, (m, r) in enumerate(mentions) if m.end <= amount.start and r == "normal"
    ]
    skipped: set[int] = set()
    for i, m in reversed(before):
        if id(m) in skipped:
            continue
        if m.kind == "ref":
            resolved = resolve_ref(m, earlier() + mentions)
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
    if len(seen) != len(amounts):
        return None
    return {id(a): as_spender(m, explicit=True) for a, m in zip(amounts, seen, strict=True)}
