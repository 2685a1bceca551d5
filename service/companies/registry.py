"""The registry of known spenders, shipped with the service as `registry.json`.

Pure: reading it touches no database. The extractor resolves names through it, and a
migration-time sync copies it into the `company` table so that the API serves the same data.
"""

from __future__ import annotations

import functools
import unicodedata
from pathlib import Path

import msgspec

REGISTRY_PATH = Path(__file__).with_name("registry.json")


class Aliases(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    en: tuple[str, ...] = ()
    zh_hans: tuple[str, ...] = msgspec.field(default=(), name="zh-Hans")
    zh_hant: tuple[str, ...] = msgspec.field(default=(), name="zh-Hant")
    ja: tuple[str, ...] = ()
    ko: tuple[str, ...] = ()
    other: tuple[str, ...] = ()

    def all(self) -> tuple[str, ...]:
        return self.en + self.zh_hans + self.zh_hant + self.ja + self.ko + self.other


class Company(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    slug: str
    name: str
    kind: str
    tickers: tuple[str, ...] = ()
    wikidata: str | None = None
    fiscal_year_end_month: int = 12
    parent: str | None = None
    country: str | None = None
    aliases: Aliases = Aliases()


class Group(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    name: str
    aliases: tuple[str, ...] = ()
    members: tuple[str, ...] = ()


class RegistryFile(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    companies: tuple[Company, ...]
    groups: tuple[Group, ...] = ()


def fold(name: str) -> str:
    """The key an alias is looked up by: NFKC, case-folded, inner whitespace collapsed."""
    return " ".join(unicodedata.normalize("NFKC", name).casefold().split())


class Registry:
    """Lookups over the registry file; immutable once built."""

    def __init__(self, data: RegistryFile) -> None:
        self.companies = data.companies
        self.groups = data.groups
        self.by_slug: dict[str, Company] = {c.slug: c for c in data.companies}
        self._by_alias: dict[str, str] = {}
        for company in data.companies:
            for alias in (company.name, *company.aliases.all()):
                self._by_alias.setdefault(fold(alias), company.slug)
        self._groups_by_alias: dict[str, Group] = {}
        for group in data.groups:
            for alias in (group.name, *group.aliases):
                self._groups_by_alias.setdefault(fold(alias), group)

    def resolve(self, name: str) -> Company | None:
        """The company a name or alias stands for, as written (not rolled up)."""
        slug = self._by_alias.get(fold(name))
        return self.by_slug[slug] if slug else None

    def root(self, slug: str) -> Company:
        """The company that reports the spending: brands and subsidiaries roll up to it."""
        company = self.by_slug[slug]
        seen = {slug}
        while company.parent and company.parent not in seen:
            seen.add(company.parent)
            company = self.by_slug[company.parent]
        return company

    def group(self, name: str) -> Group | None:
        return self._groups_by_alias.get(fold(name))

    def aliases(self) -> list[tuple[str, str]]:
        """Every (alias, slug) pair, longest alias first, for scanning text."""
        pairs = [(alias, slug) for alias, slug in self._by_alias.items()]
        return sorted(pairs, key=lambda p: (-len(p[0]), p[0]))

    def group_aliases(self) -> list[tuple[str, Group]]:
        return sorted(self._groups_by_alias.items(), key=lambda p: (-len(p[0]), p[0]))


def parse_registry(raw: bytes) -> Registry:
    return Registry(msgspec.json.decode(raw, type=RegistryFile))


@functools.cache
def load_registry(path: Path = REGISTRY_PATH) -> Registry:
    """The shipped registry, read once per process."""
    return parse_registry(path.read_bytes())
