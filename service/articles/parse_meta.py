"""Title, author, publication date and language of an article.

All describe the article, not the page around it: a Chinese portal that carries an English
story declares ``lang="zh-CN"``, so the language comes from the extracted body text.
"""

from __future__ import annotations

import contextlib
import json
import re
from collections.abc import Iterator
from datetime import date
from typing import Any

import lxml.html
from htmldate import find_date
from lxml.etree import XPath
from trafilatura import metadata as trafilatura_meta
from trafilatura.json_metadata import normalize_authors
from trafilatura.settings import Document

_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_KANA = re.compile(r"[\u3040-\u30ff\u31f0-\u31ff\uff66-\uff9f]")
_HANGUL = re.compile(r"[\uac00-\ud7af\u1100-\u11ff\u3130-\u318f]")
_LETTER = re.compile(r"[^\W\d_]", re.UNICODE)
# Each CJK character stands for a whole syllable or word, against about five letters of an
# alphabetic word: the share is weighed so that a Chinese summary above an English story
# does not outvote the story, and English names in a Chinese story do not outvote it either.
_CJK_WEIGHT = 3
_CJK_SHARE = 0.5
# Enough text to tell the script mix, and the language of alphabetic text, while staying
# fast on long pages: the classifier walks its input byte by byte in Python, and about a
# hundred words decide a language as well as two hundred (same answer on every benchmark
# page at 300 characters and up) at half the cost.
_SAMPLE = 3000
_CLASSIFY_SAMPLE = 600
_MIN_LETTERS = 20

_DATE_META = (
    "article:published_time",
    "og:published_time",
    "datepublished",
    "publishdate",
    "publish_date",
    "pubdate",
    "date",
    "dc.date",
    "dc.date.issued",
    "dcterms.created",
    "sailthru.date",
    "parsely-pub-date",
)
_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")

# Elements a page marks as its author's: a rel="author" link, an itemprop="author", or a
# class or id that names an author or a byline. Selected through attribute nodes, which
# libxml2 tests natively; trafilatura's author search tests every element with Python
# regular expressions on a copy of the page, and cost a third of an extraction where it ran.
_BYLINE_MARKS = ("author", "Author", "byline", "Byline", "writer", "submitted-by", "posted-by")
_BYLINE_CANDIDATES = XPath(
    "(//@class | //@id)["
    + " or ".join(f"contains(., '{mark}')" for mark in _BYLINE_MARKS)
    + "]/.. | //@itemprop[contains(., 'author')]/.. | //@rel[. = 'author']/.."
)
# Page parts where a name is a commenter's, or another story's author, not this one's.
_ELSEWHERE = re.compile(r"(?:^|\s)(?:comment|sidebar|related|recommend)", re.IGNORECASE)
_ELSEWHERE_TAGS = frozenset({"aside", "figure"})
# Inside a byline these hold a date, a picture credit or a control, not a name.
_NOT_NAME_TAGS = frozenset({"time", "figure", "script", "style", "noscript", "button", "svg"})
_BYLINE_MAX = 120
_BY = re.compile(r"^by\s+", re.IGNORECASE)


def language(text: str) -> str | None:
    """Short language code ("en", "zh", "ja", ...) of ``text``, None when there is too little."""
    sample = text[:_SAMPLE]
    letters = len(_LETTER.findall(sample))
    if letters < _MIN_LETTERS and not _HAN.search(sample):
        return None
    han, kana, hangul = (len(p.findall(sample)) for p in (_HAN, _KANA, _HANGUL))
    cjk = han + kana + hangul
    other = letters - cjk
    if cjk and _CJK_WEIGHT * cjk >= _CJK_SHARE * (_CJK_WEIGHT * cjk + other):
        if kana >= 0.05 * cjk:
            return "ja"
        if hangul >= han:
            return "ko"
        return "zh"
    if letters < _MIN_LETTERS:
        return None
    import py3langid  # noqa: PLC0415 - loads its model on first use, only for alphabetic text

    code, _ = py3langid.classify(sample[:_CLASSIFY_SAMPLE])
    return str(code)


def iso_date(value: str | None) -> date | None:
    if not value:
        return None
    match = _ISO_DATE.search(value)
    if not match:
        return None
    try:
        return date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return None


def metadata(tree: lxml.html.HtmlElement, *, url: str | None, dates: dict[str, Any]) -> Document:
    """trafilatura's extract_metadata for the fields an article keeps (title, author, date),
    step for step but for the visible byline, which ``byline`` finds; its categories, tags,
    licence and site name cost a quarter of a whole default extraction and were thrown
    away. Reads ``tree`` without changing it."""
    meta = trafilatura_meta.examine_meta(tree)
    if meta.author and " " not in meta.author:  # a handle, not a name
        meta.author = None
    # trafilatura's JSON-LD reader failing on odd data has no opinion.
    with contextlib.suppress(Exception):
        meta = trafilatura_meta.extract_meta_json(tree, meta)
    if not meta.title:
        meta.title = trafilatura_meta.extract_title(tree)
    if not meta.author:
        meta.author = byline(tree)
    if not meta.url:
        meta.url = trafilatura_meta.extract_url(tree, url)
    meta.date = find_date(tree, **{**dates, "url": meta.url})
    meta.clean_and_trim()
    return meta


def byline(tree: lxml.html.HtmlElement) -> str | None:
    """Author names from the byline the page shows, for pages that declare none in their
    metadata. An element the markup declares as the author's wins over one that only a class
    name points to; inside the chosen element, a marked element that holds the start of its
    text ("Jane Doe" in "By Jane Doe, Staff Writer, 2 hours ago") is the name itself."""
    found: list[tuple[bool, lxml.html.HtmlElement, str]] = []
    for el in _BYLINE_CANDIDATES(tree):
        text = _name_text(el)
        if 2 < len(text) < _BYLINE_MAX and not _elsewhere(el):
            declared = el.get("rel") == "author" or "author" in el.get("itemprop", "")
            found.append((not declared, el, text))
    if not found:
        return None
    _, chosen, text = min(found, key=lambda f: f[0])
    for _, inner, inner_text in found:
        if chosen in inner.iterancestors() and _lead(text).startswith(_lead(inner_text)):
            chosen, text = inner, inner_text
    return normalize_authors(None, text)


def _name_text(el: lxml.html.HtmlElement) -> str:
    parts: list[str] = []

    def walk(node: lxml.html.HtmlElement) -> None:
        if not isinstance(node.tag, str) or node.tag in _NOT_NAME_TAGS:
            return
        parts.append(node.text or "")
        for child in node:
            walk(child)
            parts.append(child.tail or "")

    walk(el)
    return " ".join(" ".join(parts).split()).strip(" •|,:-–—")


def _elsewhere(el: lxml.html.HtmlElement) -> bool:
    for node in (el, *el.iterancestors()):
        if node.tag in ("body", "html"):
            return False
        if node.tag in _ELSEWHERE_TAGS or _ELSEWHERE.search(
            f"{node.get('class', '')} {node.get('id', '')}"
        ):
            return True
    return False


def _lead(text: str) -> str:
    return _BY.sub("", text).casefold()


def declared_date(root: lxml.html.HtmlElement) -> date | None:
    """Publication date the page declares in JSON-LD or a meta tag, if any."""
    for found in _json_ld_dates(root):
        if parsed := iso_date(found):
            return parsed
    for meta in root.iter("meta"):
        key = (meta.get("property") or meta.get("name") or meta.get("itemprop") or "").lower()
        if key in _DATE_META and (parsed := iso_date(meta.get("content"))):
            return parsed
    for time in root.iter("time"):
        declared = time.get("itemprop", "").lower() == "datepublished"
        if (declared or time.get("pubdate") is not None) and (
            parsed := iso_date(time.get("datetime"))
        ):
            return parsed
    return None


def _json_ld_dates(root: lxml.html.HtmlElement) -> Iterator[str]:
    for script in root.xpath('//script[@type="application/ld+json"]'):
        try:
            data = json.loads(script.text or "")
        except ValueError:
            continue
        yield from _find_key(data, "datePublished")


def _find_key(data: object, key: str) -> Iterator[str]:
    if isinstance(data, dict):
        value = data.get(key)
        if isinstance(value, str):
            yield value
        for child in data.values():
            yield from _find_key(child, key)
    elif isinstance(data, list):
        for child in data:
            yield from _find_key(child, key)
