"""Claims kept once: a figure told twice in an article is one claim."""

from __future__ import annotations

import msgspec

from service.claims.extract.model import Extracted


class Claim(msgspec.Struct, kw_only=True):
    out: Extracted
    key: tuple[str, str]
    sentence: int
    explicit: bool


def same_script(sentence: str, language: str | None) -> bool:
    cjk = sum(1 for ch in sentence if "\u3040" <= ch <= "\u9fff" or "\uac00" <= ch <= "\ud7af")
    wants_cjk = (language or "").split("-")[0].lower() in {"zh", "ja", "ko"}
    return (cjk > len(sentence) / 4) == wants_cjk


def dedupe(claims: list[Claim], language: str | None) -> list[Extracted]:
    """One claim per spender, amount and year; a yearless repeat folds into the dated one."""
    groups: dict[tuple[str, str, int, int, str], list[Claim]] = {}
    for c in claims:
        groups.setdefault((*c.key, c.out.amount_low, c.out.amount_high, c.out.currency), []).append(
            c
        )
    kept: list[Claim] = []
    for members in groups.values():
        years = {c.out.year for c in members if c.out.year is not None}
        candidates: list[int | None] = [*sorted(years)] or [None]
        for year in candidates:
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
