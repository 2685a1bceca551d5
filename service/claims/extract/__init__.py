"""Spending-claim extraction: a pure function from article text to claims.

No database, no network, no mutable globals: text, publication date and language in,
claims out. It runs in the worker's process pool and in `make eval` alike.
"""

from __future__ import annotations

from service.claims.extract.model import CATEGORIES, PERIODS, STATUSES, Extracted
from service.claims.extract.rules import VERSION, extract

__all__ = ["CATEGORIES", "PERIODS", "STATUSES", "VERSION", "Extracted", "extract"]
