"""Article body: trafilatura's precision mode, checked by readability where it looks short.

trafilatura's precision mode keeps the fewest stray lines (related-articles blocks, teasers,
captions) of its modes, and takes little more than half the time of its default extraction,
which also runs readability and a recall retry on every page. Now and then it stops half way
through an article split over several containers, or finds next to nothing. Both show as a
text much shorter than the page's own long paragraphs, and only then is readability asked:
its text stands in for one that found next to nothing, long prose paragraphs that only
readability found are put back where they stood, and short lines outside the span of
paragraphs both found (datelines, labels, "Comments") are dropped.
"""

from __future__ import annotations

import re
from collections import Counter
from copy import deepcopy

import lxml.html
import trafilatura
from trafilatura.readability_lxml import Document as Readability

_WORD = re.compile(r"\w+")
# Han, kana and hangul: a run of them is one \w+ token however long the sentence.
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]")
_SPACE = re.compile(r"[ \t\r\f\v\xa0\u200b]+")
# Block-level tags whose content starts a new line in the readability rendering.
_BLOCK_TAGS = frozenset(
    {
        "p",
        "div",
        "br",
        "li",
        "ul",
        "ol",
        "dl",
        "dt",
        "dd",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "blockquote",
        "pre",
        "table",
        "tr",
        "section",
        "article",
        "figure",
        "figcaption",
        "header",
        "footer",
        "aside",
        "main",
    }
)
# A readability-only paragraph is put back only if it is real prose: a reader-facing
# paragraph of this many words that ends like a sentence. Shorter lines that one extractor
# found and the other did not are as often a caption or a teaser as article text.
_RESCUE_MIN_WORDS = 40
_SENTENCE_END = re.compile(r"[.!?。！？…\"'”’»)\]]\s*$")
# Characters under which an extraction found next to nothing: two short paragraphs. Above
# it a short precision-mode text is more often right than readability's longer one.
_NEXT_TO_NOTHING = 500
# A paragraph of the page this long (in words) is prose, not a link, a label or a caption.
_LONG_PARAGRAPH = 20
# Precision mode is taken at its word unless the page's long paragraphs hold more than this
# many times its text: then part of the article may be missing, and readability is asked.
_SHORTFALL = 2
# Lines before the first and after the last paragraph readability also found are dropped
# when this short: datelines, "Comments", newsletter and section labels. Longer ones may be
# a lead or a closing paragraph readability missed.
_EDGE_MAX_WORDS = 10
# A line counts as present in another text when half of its word trigrams are there.
_PRESENT = 0.5


def words(text: str) -> list[str]:
    return _WORD.findall(text)


def length(line: str) -> int:
    """Length of a line in words, counting two CJK characters as one word, so that length
    thresholds treat a Chinese sentence like an English one."""
    return len(words(line)) + len(_CJK.findall(line)) // 2


def shingles(text: str, *, n: int = 4) -> Counter[tuple[str, ...]]:
    tokens = words(text)
    if len(tokens) < n:
        return Counter([tuple(tokens)]) if tokens else Counter()
    # zip over shifted lists builds the n-grams in C: a third of the time of slicing.
    return Counter(zip(*(tokens[i:] for i in range(n)), strict=False))


def agreement(a: str, b: str) -> float:
    """F1 of the word 4-gram multisets of two texts: 1.0 same words, 0.0 nothing in common."""
    sa, sb = shingles(a), shingles(b)
    common = sum((sa & sb).values())
    total = sum(sa.values()) + sum(sb.values())
    return 2 * common / total if total else 1.0


class _Lines:
    """Word trigrams of a text, to ask whether a line of another text is in it."""

    def __init__(self, text: str) -> None:
        tokens = words(text)
        self._grams = set(zip(tokens, tokens[1:], tokens[2:], strict=False))
        self._joined = " " + " ".join(tokens) + " "

    def presence(self, line: str) -> float:
        tokens = words(line)
        if not tokens:
            return 1.0
        if len(tokens) < 3:
            return 1.0 if " " + " ".join(tokens) + " " in self._joined else 0.0
        grams = list(zip(tokens, tokens[1:], tokens[2:], strict=False))
        return sum(g in self._grams for g in grams) / len(grams)


def readability_text(tree: lxml.html.HtmlElement) -> str:
    """Body text by the readability algorithm, one paragraph a line. ``tree`` is left as it
    was: readability prunes the copy it is given."""
    try:
        summary = Readability(deepcopy(tree), min_text_length=25).summary()
        root = lxml.html.fromstring(summary)
    except Exception:  # a heuristic failing on odd markup just has no opinion
        return ""
    for el in root.iter():
        if isinstance(el.tag, str) and el.tag in _BLOCK_TAGS:
            el.tail = "\n" + (el.tail or "")
            if el.tag != "br":
                el.text = "\n" + (el.text or "")
    lines = (_SPACE.sub(" ", line).strip() for line in root.text_content().split("\n"))
    return "\n".join(line for line in lines if line)


def _is_prose(line: str) -> bool:
    return length(line) >= _RESCUE_MIN_WORDS and bool(_SENTENCE_END.search(line))


def rescue(base: str, other: str) -> str:
    """Put back prose paragraphs of ``other`` missing from ``base``, after the paragraph of
    ``base`` that precedes them in ``other``."""
    if not base:
        return base
    in_base = _Lines(base)
    base_lines = base.split("\n")
    inserts: dict[int, list[str]] = {}
    anchor = -1  # index in base_lines of the last located paragraph
    previous: str | None = None  # last paragraph of ``other`` that ``base`` has too
    for line in other.split("\n"):
        if in_base.presence(line) >= _PRESENT:
            previous = line
        elif _is_prose(line):
            if previous is not None:
                anchor = _locate(base_lines, previous, after=anchor)
                previous = None
            inserts.setdefault(anchor, []).append(line)
    if not inserts:
        return base
    merged = inserts.get(-1, [])
    for i, line in enumerate(base_lines):
        merged.append(line)
        merged.extend(inserts.get(i, []))
    return "\n".join(merged)


def _locate(lines: list[str], line: str, *, after: int) -> int:
    probe = _Lines(line)
    best, best_score = after, 0.0
    for i in range(max(after, 0), len(lines)):
        score = probe.presence(lines[i])
        if score > best_score:
            best, best_score = i, score
            if score >= 0.99:
                break
    return best


def trim_edges(text: str, other: str) -> str:
    """``text`` without short lines outside the span of paragraphs ``other`` also has."""
    if not other:
        return text
    in_other = _Lines(other)
    lines = text.split("\n")
    shared = [i for i, line in enumerate(lines) if in_other.presence(line) >= _PRESENT]
    if not shared:
        return text
    first, last = shared[0], shared[-1]
    return "\n".join(
        line for i, line in enumerate(lines) if first <= i <= last or length(line) > _EDGE_MAX_WORDS
    )


def paragraph_text(tree: lxml.html.HtmlElement) -> int:
    """Characters in the page's long paragraphs, spaces collapsed: about as much text as the
    article has, read straight off the markup."""
    total = 0
    for p in tree.iter("p"):
        text = " ".join(p.text_content().split())
        if length(text) >= _LONG_PARAGRAPH:
            total += len(text)
    return total


def body(tree: lxml.html.HtmlElement, *, url: str | None) -> str:
    """Body text of the page parsed as ``tree``, which is left unchanged."""
    precise = (
        trafilatura.extract(tree, url=url, include_comments=False, favor_precision=True, fast=True)
        or ""
    )
    if len(precise) >= _NEXT_TO_NOTHING and _SHORTFALL * len(precise) >= paragraph_text(tree):
        return precise
    readable = readability_text(tree)
    # readability stands in for a text that found next to nothing, as trafilatura's own
    # fallback would do.
    if len(precise) < _NEXT_TO_NOTHING and len(readable) > 2 * len(precise):
        precise = readable
    return trim_edges(rescue(precise, readable), readable)
