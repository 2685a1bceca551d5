"""Placeholder until the rule set lands; keeps the package importable."""

from __future__ import annotations

from datetime import date

from service.claims.extract.model import Extracted
from service.companies.registry import Registry

VERSION = "0.0.0"


def extract(
    text: str, *, published: date | None, language: str | None, registry: Registry | None = None
) -> list[Extracted]:
    return []
