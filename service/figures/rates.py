"""The shipped exchange-rate table (rates.json) and its copy in the database."""

from __future__ import annotations

import hashlib
from pathlib import Path

import asyncpg
import msgspec

from service import log
from service.figures import refresh

logger = log.get(__name__)

RATES_PATH = Path(__file__).with_name("rates.json")


class RatesFile(msgspec.Struct, frozen=True):
    unit: str
    source: dict[str, str]
    how_compiled: list[str]
    rates: dict[str, dict[str, float]]
    description: str = ""


def parse_rates(raw: bytes) -> list[tuple[str, int, float]]:
    """(currency, year, units per USD) rows; refuses codes and years that cannot be right."""
    data = msgspec.json.decode(raw, type=RatesFile)
    rows: list[tuple[str, int, float]] = []
    for currency, by_year in sorted(data.rates.items()):
        if len(currency) != 3 or not currency.isalpha() or not currency.isupper():
            raise ValueError(f"rates.json: {currency!r} is not an ISO 4217 code")
        for year, rate in sorted(by_year.items()):
            if not year.isdigit() or rate <= 0:
                raise ValueError(f"rates.json: {currency} {year}: {rate} is not a rate")
            rows.append((currency, int(year), rate))
    # Every currency covers the same unbroken span, so a year outside it clamps to an end.
    years = sorted({year for _, year, _ in rows})
    if not years:
        raise ValueError("rates.json: no rates")
    span = list(range(years[0], years[-1] + 1))
    for currency, by_year in data.rates.items():
        if sorted(int(y) for y in by_year) != span:
            raise ValueError(f"rates.json: {currency} does not cover {span[0]}-{span[-1]}")
    # A dollar is a dollar in every year: conversions then need no special case.
    return rows + [("USD", year, 1.0) for year in years]


async def sync_rates(conn: asyncpg.Connection, *, raw: bytes | None = None) -> bool:
    """Copy the rates file into fx_rate when it changed, then recompute the figures' USD."""
    raw = RATES_PATH.read_bytes() if raw is None else raw
    checksum = hashlib.sha256(raw).hexdigest()
    async with conn.transaction():
        await conn.execute("SELECT pg_advisory_xact_lock(hashtext('outlay.rates'))")
        if await conn.fetchval("SELECT checksum FROM fx_state") == checksum:
            return False
        rows = parse_rates(raw)
        await conn.execute("DELETE FROM fx_rate")
        await conn.executemany(
            "INSERT INTO fx_rate (currency, year, per_usd) VALUES ($1, $2, $3::float8::numeric)",
            rows,
        )
        await conn.execute(
            """INSERT INTO fx_state (checksum) VALUES ($1)
               ON CONFLICT (singleton) DO UPDATE SET checksum = $1, synced_at = now()""",
            checksum,
        )
    count = await refresh.recompute_all(conn)
    logger.info("exchange rates synced", rates=len(rows), figures=count)
    return True
