"""The registry of known spenders, shipped with the service as `registry.json`.

Pure: reading it touches no database. The extractor resolves names through it, and a
migration-time sync copies it into the `company` table so that the API serves the same data.

How the file is curated (`validate()` enforces what a machine can check):

- `parent` is set only where the parent's accounts carry the spending and analysts credit it
  to the parent: brands, divisions and unlisted units (AWS, Google Cloud, 阿里云, Samsung
  Display, the Vision Fund). A company that is listed or reported on as a spender in its own
  right names its controlling shareholder as `owner` instead (SK hynix, Arm, TCS, Wiwynn).
  Joint ventures (Stargate) have neither.
- Aliases are spellings news text really uses for the organisation alone: no descriptions
  ("Google parent Alphabet"), no single letters, and no bare words that usually mean something
  else. Left out on purpose: "Arm" (an arm of a company), "Reliance" (reliance on), "X",
  "Delta", "Humain" (French for human), "浪潮" (a wave, as in AI浪潮), "联想" (to associate),
  the bare katakana "メタ" and hangul "메타" (prefixes of metaverse), "Vantage", "TEL".
- Names that are also English words (Apple, Oracle, Meta, Orange, SAP, Intel, Micron,
  Alphabet, Amazon, "Big Fund") are `strict_case`: they count in text only as capitalised.
  A short CJK name that sits inside common longer words lists them as `false_friends`
  (高通 in 高通胀 "high inflation", 三星 in 三星堆), and so do English names that a place
  shares ("Amazon rainforest").
- `wikidata` holds only ids cross-checked against public sources that agree on them; a
  missing id is better than a wrong one.
- `fiscal_year_end_month` defaults to 12; it is set wherever the company's year ends
  elsewhere (most Japanese and Indian companies in March).
"""

from __future__ import annotations

import functools
import re
import unicodedata
from pathlib import Path

import msgspec

REGISTRY_PATH = Path(__file__).with_name("registry.json")

KINDS = frozenset({"company", "subsidiary", "brand", "investor", "fund", "venture", "lab"})
SLUG_RE = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
WIKIDATA_RE = re.compile(r"Q[1-9][0-9]*")
COUNTRY_RE = re.compile(r"[A-Z]{2}")
# A single letter or CJK character matches inside too much running text to name a spender.
MIN_ALIAS_LEN = 2
# A brand or a division does not report spending of its own: it always rolls up to a parent.
ROLLED_UP_KINDS = frozenset({"subsidiary", "brand"})


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
    # Controlling shareholder of a company that reports its own spending (SK hynix is SK Group's,
    # Arm is SoftBank's). Unlike `parent`, spending never rolls up to the owner.
    owner: str | None = None
    # The name or an alias is also a common word ("SAP", "Orange", "Apple"): a match in text
    # counts only when spelled with the registry's capitals (see `Registry.accepts`).
    strict_case: bool = False
    # Longer phrases that contain a spelling of the company but mean something else: 高通胀 is
    # high inflation, not Qualcomm; "Amazon rainforest" is not the retailer.
    false_friends: tuple[str, ...] = ()


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

    def with_aliases(self, extra: tuple[tuple[str, str], ...]) -> Registry:
        """A registry that also knows `extra` (alias, slug) pairs, e.g. aliases added by an
        operator; pairs for unknown slugs or already-taken spellings are left out."""
        added: dict[str, list[str]] = {}
        for alias, slug in extra:
            if slug in self.by_slug and fold(alias) not in self._by_alias:
                added.setdefault(slug, []).append(alias)
        if not added:
            return self
        companies = tuple(
            msgspec.structs.replace(
                c,
                aliases=msgspec.structs.replace(
                    c.aliases, other=(*c.aliases.other, *added[c.slug])
                ),
            )
            if c.slug in added
            else c
            for c in self.companies
        )
        return Registry(RegistryFile(companies=companies, groups=self.groups))

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

    def accepts(self, span: str, slug: str, *, text: str = "", start: int = 0) -> bool:
        """Whether `span`, found in text by its folded key, may stand for the company `slug`.

        Case matters only for companies marked `strict_case`, whose names double as words.
        Given the `text` the span was found in and its `start` offset, a match inside one of
        the company's false friends (高通 inside 高通胀) is refused too.
        """
        company = self.by_slug[slug]
        if company.strict_case and " ".join(span.split()) not in {
            " ".join(s.split()) for s in spellings(company)
        }:
            return False
        end = start + len(span)
        for phrase in company.false_friends:
            # Case-insensitive by regex, not by folding the text, so that offsets stay put.
            offset = max(0, end - len(phrase))
            window = text[offset : start + len(phrase)]
            for match in re.finditer(re.escape(phrase), window, re.IGNORECASE):
                if offset + match.start() <= start and offset + match.end() >= end:
                    return False
        return True

    def group(self, name: str) -> Group | None:
        return self._groups_by_alias.get(fold(name))

    def aliases(self) -> list[tuple[str, str]]:
        """Every (alias, slug) pair, longest alias first, for scanning text."""
        pairs = [(alias, slug) for alias, slug in self._by_alias.items()]
        return sorted(pairs, key=lambda p: (-len(p[0]), p[0]))

    def group_aliases(self) -> list[tuple[str, Group]]:
        return sorted(self._groups_by_alias.items(), key=lambda p: (-len(p[0]), p[0]))


def spellings(company: Company) -> tuple[str, ...]:
    """The canonical name followed by every alias, as written in the registry."""
    return (company.name, *company.aliases.all())


class RegistryError(ValueError):
    """The registry file breaks an integrity rule; the service refuses to start on it."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("registry is inconsistent:\n  " + "\n  ".join(problems))
        self.problems = problems


def problems(data: RegistryFile) -> list[str]:
    """Every integrity problem of a registry, in file order; empty when it is sound."""
    found: list[str] = []
    slugs: dict[str, int] = {}
    for company in data.companies:
        slugs[company.slug] = slugs.get(company.slug, 0) + 1
    found += [f"slug {slug!r} is used {n} times" for slug, n in slugs.items() if n > 1]
    owners: dict[str, str] = {}
    wikidata: dict[str, str] = {}
    tickers: dict[str, str] = {}
    for company in data.companies:
        found += _entry_problems(company, slugs)
        for ticker in company.tickers:
            other = tickers.setdefault(ticker, company.slug)
            if other != company.slug:
                found.append(f"{company.slug}: ticker {ticker} is also {other}'s")
        if company.wikidata and WIKIDATA_RE.fullmatch(company.wikidata):
            other = wikidata.setdefault(company.wikidata, company.slug)
            if other != company.slug:
                found.append(f"{company.slug}: wikidata {company.wikidata} is also {other}'s")
        if company.owner:
            owners[company.slug] = company.owner
    parents = {c.slug: c.parent for c in data.companies if c.parent}
    found += _cycles(parents, "parent") + _cycles(owners, "owner")
    found += _alias_problems(data)
    return found


def _entry_problems(company: Company, slugs: dict[str, int]) -> list[str]:
    slug = company.slug
    found: list[str] = []
    if not SLUG_RE.fullmatch(slug):
        found.append(f"{slug!r}: a slug is lower-case ascii words joined by '-'")
    if not company.name.strip() or company.name != company.name.strip():
        found.append(f"{slug}: the name is empty or padded")
    if company.kind not in KINDS:
        found.append(f"{slug}: kind {company.kind!r} is not one of {sorted(KINDS)}")
    if not 1 <= company.fiscal_year_end_month <= 12:
        found.append(f"{slug}: fiscal_year_end_month {company.fiscal_year_end_month} is not 1..12")
    if company.wikidata is not None and not WIKIDATA_RE.fullmatch(company.wikidata):
        found.append(f"{slug}: wikidata {company.wikidata!r} is not a Q-id")
    if company.country is not None and not COUNTRY_RE.fullmatch(company.country):
        found.append(f"{slug}: country {company.country!r} is not an ISO 3166 alpha-2 code")
    if len(set(company.tickers)) != len(company.tickers) or not all(
        t and t == t.strip() for t in company.tickers
    ):
        found.append(f"{slug}: tickers are repeated, empty or padded")
    for field, target in (("parent", company.parent), ("owner", company.owner)):
        if target == slug:
            found.append(f"{slug}: is its own {field}")
        elif target is not None and target not in slugs:
            found.append(f"{slug}: {field} {target!r} is not in the registry")
    if company.kind in ROLLED_UP_KINDS and company.parent is None:
        found.append(f"{slug}: a {company.kind} needs the parent its spending rolls up to")
    for phrase in company.false_friends:
        if not any(fold(s) in fold(phrase) and fold(s) != fold(phrase) for s in spellings(company)):
            found.append(f"{slug}: false friend {phrase!r} holds none of its spellings")
    if company.parent and company.owner:
        found.append(f"{slug}: has both a parent and an owner; spending either rolls up or not")
    return found


def _cycles(edges: dict[str, str], field: str) -> list[str]:
    found: list[str] = []
    for start in edges:
        path = [start]
        while (nxt := edges.get(path[-1])) is not None:
            if nxt == start:
                found.append(f"{field} cycle: {' -> '.join([*path, nxt])}")
                break
            if nxt in path:
                break  # a cycle that does not pass through `start`; reported from its own members
            path.append(nxt)
    return found


def _alias_problems(data: RegistryFile) -> list[str]:
    found: list[str] = []
    owner_of: dict[str, str] = {}
    for company in data.companies:
        for spelling in spellings(company):
            key = fold(spelling)
            if spelling != spelling.strip() or len(key) < MIN_ALIAS_LEN:
                found.append(f"{company.slug}: alias {spelling!r} is too short or padded")
            other = owner_of.setdefault(key, company.slug)
            if other != company.slug:
                found.append(f"alias {spelling!r} names both {other} and {company.slug}")
        keys = [fold(s) for s in spellings(company)]
        repeated = sorted({k for k in keys if keys.count(k) > 1})
        if repeated:
            found.append(f"{company.slug}: spellings repeated after folding: {repeated}")
    slugs = {c.slug for c in data.companies}
    group_keys: dict[str, str] = {}
    for group in data.groups:
        for spelling in (group.name, *group.aliases):
            key = fold(spelling)
            if key in owner_of:
                found.append(f"group alias {spelling!r} is also {owner_of[key]}'s alias")
            other = group_keys.setdefault(key, group.name)
            if other != group.name:
                found.append(f"group alias {spelling!r} names both {other!r} and {group.name!r}")
        found += [
            f"group {group.name!r}: member {m!r} is not in the registry"
            for m in group.members
            if m not in slugs
        ]
    return found


def validate(registry: Registry | None = None) -> Registry:
    """The registry (the shipped one by default), or `RegistryError` listing what is wrong."""
    registry = registry if registry is not None else load_registry()
    found = problems(RegistryFile(companies=registry.companies, groups=registry.groups))
    if found:
        raise RegistryError(found)
    return registry


def parse_registry(raw: bytes) -> Registry:
    return Registry(msgspec.json.decode(raw, type=RegistryFile))


@functools.cache
def load_registry(path: Path = REGISTRY_PATH) -> Registry:
    """The shipped registry, read once per process."""
    return parse_registry(path.read_bytes())
