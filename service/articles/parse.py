"""HTML page -> article text and metadata. Pure and CPU-bound: runs in the process pool."""

from __future__ import annotations

from datetime import date

import msgspec
import trafilatura


class Parsed(msgspec.Struct, frozen=True, kw_only=True):
    title: str | None
    authors: list[str]
    published: date | None
    language: str | None
    text: str


def parse(html: str, *, url: str | None = None) -> Parsed:
    doc = trafilatura.bare_extraction(
        html, url=url, with_metadata=True, include_comments=False, favor_precision=False
    )
    if doc is None:
        return Parsed(title=None, authors=[], published=None, language=None, text="")
    published: date | None = None
    if doc.date:
        try:
            published = date.fromisoformat(doc.date[:10])
        except ValueError:
            published = None
    authors = [a.strip() for a in (doc.author or "").split(";") if a.strip()]
    return Parsed(
        title=doc.title or None,
        authors=authors,
        published=published,
        language=doc.language or None,
        text=doc.text or "",
    )
