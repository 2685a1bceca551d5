"""HTML page -> article text and metadata. Pure and CPU-bound: runs in the process pool."""

from __future__ import annotations

from datetime import date

import msgspec
import trafilatura
from trafilatura.settings import set_date_params

from service.articles import parse_body, parse_clean, parse_meta


class Parsed(msgspec.Struct, frozen=True, kw_only=True):
    title: str | None
    authors: list[str]
    published: date | None
    language: str | None
    # Paragraphs one a line, sentences as the page has them: claims quote from it.
    text: str


def _empty() -> Parsed:
    return Parsed(title=None, authors=[], published=None, language=None, text="")


def parse(html: str, *, url: str | None = None) -> Parsed:
    if not html.strip():
        return _empty()
    # Parsed once: every extraction below copies the tree it changes (trafilatura copies a
    # tree it is given, readability is handed a copy), and a copy costs a third of a parse.
    tree = trafilatura.load_html(html)
    if tree is None:  # not HTML at all: the extractors would find nothing in it either
        return _empty()
    # Dates only from the page's markup: htmldate's extensive search guesses one from any
    # year in the text ("capex in fiscal 2026"), and a wrong date files a claim under the
    # wrong year, where no date lets the extractor fall back to the text's own years.
    meta = parse_meta.metadata(tree, url=url, dates=set_date_params(extensive=False))
    title = meta.title or None
    text = parse_body.body(tree, url=url)
    text = parse_clean.clean(text, title=title)
    published = parse_meta.iso_date(meta.date) or parse_meta.declared_date(tree)
    authors = [a.strip() for a in (meta.author or "").split(";")]
    return Parsed(
        title=title,
        authors=[a for a in authors if a],
        published=published,
        language=parse_meta.language(text),
        text=text,
    )
