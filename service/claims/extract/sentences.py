"""Sentences and clauses with their offsets, so evidence is always `text[start:end]`."""

from __future__ import annotations

import re

# A full stop after these is part of a name or an abbreviation, not the end of a sentence.
_ABBREVIATIONS = frozenset(
    {
        "mr",
        "mrs",
        "ms",
        "dr",
        "prof",
        "st",
        "co",
        "corp",
        "inc",
        "ltd",
        "plc",
        "llc",
        "bros",
        "no",
        "vs",
        "etc",
        "approx",
        "est",
        "jan",
        "feb",
        "mar",
        "apr",
        "jun",
        "jul",
        "aug",
        "sep",
        "sept",
        "oct",
        "nov",
        "dec",
        "u.s",
        "u.k",
        "e.g",
        "i.e",
        "gov",
        "sen",
        "rep",
        "jr",
        "sr",
        "dept",
        "fig",
        "mrd",
        "mio",
        "bn",
        "mn",
        "av",
        "nr",
    }
)
_END = re.compile(
    r"[.!?]+[\"'”’»)\]]*(?=\s+[\"'“‘«(\[]?[A-Z0-9\u00c0-\u024f\u3000-\u9fff\uac00-\ud7af$€£])"
    r"|[.!?]+[\"'”’»)\]]*(?=\s*$)"
    r"|[!?](?=[\u3000-\u9fff\uac00-\ud7af])"
    r"|[。！？][”」』）)]*"
    r"|\n"
)
_WORD_BEFORE = re.compile(r"([A-Za-z.]+)$")
_CLAUSE_BREAK = re.compile(
    r"[;；:：，]|,(?!\d)|\s[–—-]\s|\s[–—]|[–—]\s"
    r"|\b(?:while|whereas|but|versus|vs\.?|compared\s+(?:with|to)|up\s+from|down\s+from|"
    r"dwarfing|which)\b",
    re.IGNORECASE,
)


def sentences(text: str) -> list[tuple[int, int]]:
    """Sentence spans, trimmed of surrounding whitespace, in order."""
    spans: list[tuple[int, int]] = []
    start = 0
    for m in _END.finditer(text):
        if m.group(0).startswith("."):
            word = _WORD_BEFORE.search(text, max(0, m.start() - 12), m.start())
            if word:
                token = word.group(1).lower()
                if token.rstrip(".") in _ABBREVIATIONS or (len(token) == 1 and token.isalpha()):
                    continue
        end = m.end()
        _push(text, start, end, spans)
        start = end
    _push(text, start, len(text), spans)
    return spans


def _push(text: str, start: int, end: int, spans: list[tuple[int, int]]) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        spans.append((start, end))


def clause_breaks(text: str, start: int, end: int) -> list[int]:
    """Offsets inside [start, end) where one clause ends and the next begins."""
    return [m.start() for m in _CLAUSE_BREAK.finditer(text, start, end)]


def clause_of(breaks: list[int], pos: int, start: int, end: int) -> tuple[int, int]:
    """The clause around `pos`, given the sentence's clause breaks."""
    lo, hi = start, end
    for b in breaks:
        if b < pos:
            lo = b
        elif b > pos:
            hi = b
            break
    return lo, hi
