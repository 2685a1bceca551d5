"""Settings: read from the environment once, at the edge, and passed in from there."""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Mapping

import msgspec


class ConfigError(ValueError):
    """A setting has a value the service cannot run with."""


class Settings(msgspec.Struct, frozen=True, kw_only=True):
    database_url: str | None = None
    host: str = "127.0.0.1"
    port: int = 8000
    # Networks that fetches may reach although they are private or local: empty means none.
    fetch_allow: tuple[str, ...] = ()
    # Ports fetches may connect to: numbers or ranges ("80", "443", "8000-8099").
    fetch_ports: tuple[str, ...] = ("80", "443")
    fetch_timeout: float = 20.0  # one deadline over the whole fetch, redirects included
    fetch_connect_timeout: float = 5.0
    fetch_max_bytes: int = 5_000_000  # the body, and the body once decompressed
    fetch_robots: bool = True  # honour robots.txt
    fetch_per_host: int = 2  # fetches to one host at once, per process
    contact_url: str = "https://github.com/outlay/outlay"
    user_agent: str = ""  # empty: "Outlay/0.1 (+contact_url)"
    # Jobs one worker runs at once; the CPU part goes to a pool of `parse_processes`.
    worker_concurrency: int = 4
    parse_processes: int = 0  # 0: one per core
    poll_interval: float = 2.0
    lease_seconds: float = 120.0
    # Transient failures are tried again after base * 2^(n-1) s (with jitter, at most max).
    retry_max_attempts: int = 5
    retry_base_delay: float = 30.0
    retry_max_delay: float = 3600.0
    # On SIGTERM: how long running jobs (and requests in flight) may take to finish.
    shutdown_grace: float = 30.0
    run_worker: bool = True
    data_dir: str = ".data"
    log_format: str = "auto"  # auto | json | console
    log_level: str = "info"
    db_pool_min: int = 1
    db_pool_max: int = 10
    # How long a request waits for a connection, and a statement may run, before a 503.
    db_acquire_timeout: float = 5.0
    db_command_timeout: float = 30.0
    # Keep computed totals until a commit changes what they add up (service/totals/cache.py);
    # off, every totals request is computed from the figures.
    totals_cache: bool = True
    # `worker` alone serves /metrics on this port (0: none); `serve` has them at /metrics.
    metrics_port: int = 0
    # Partner access (service/auth, README "For partners"). `production` refuses to start
    # without a key pepper; `development` falls back to a fixed, public one with a warning.
    env: str = "development"
    key_pepper: str = ""
    public_read: bool = False  # anonymous callers may read (never ingest or administer)
    cors_origins: tuple[str, ...] = ()
    # Requests per key (per client IP for anonymous callers) in each window of `rate_window` s.
    rate_window: int = 60
    rate_read: int = 600
    rate_ingest: int = 120
    rate_admin: int = 60
    rate_anonymous: int = 60

    @property
    def fetch_allow_networks(self) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
        return tuple(ipaddress.ip_network(n, strict=False) for n in self.fetch_allow)

    @property
    def fetch_port_ranges(self) -> tuple[tuple[int, int], ...]:
        ranges = []
        for spec in self.fetch_ports:
            low, _, high = spec.partition("-")
            first, last = int(low), int(high or low)
            if not 0 < first <= last <= 65535:
                raise ValueError(f"not a port or port range: {spec!r}")
            ranges.append((first, last))
        return tuple(ranges)

    @property
    def fetch_user_agent(self) -> str:
        return self.user_agent or f"Outlay/0.1 (+{self.contact_url})"


def _flag(value: str) -> bool:
    lowered = value.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off", ""}:
        return False
    raise ConfigError(f"not a boolean: {value!r}")


def from_env(env: Mapping[str, str] | None = None, **overrides: object) -> Settings:
    """Build settings from `OUTLAY_*` variables (and `DATABASE_URL`); overrides win."""
    env = os.environ if env is None else env
    raw: dict[str, object] = {}
    if env.get("DATABASE_URL"):
        raw["database_url"] = env["DATABASE_URL"]
    fields = {f.name: f for f in msgspec.structs.fields(Settings)}
    for name, field in fields.items():
        value = env.get(f"OUTLAY_{name.upper()}")
        if value is None or name == "database_url":
            continue
        try:
            if field.type == tuple[str, ...] or name in ("fetch_allow", "fetch_ports"):
                raw[name] = tuple(part.strip() for part in value.split(",") if part.strip())
            elif field.type is bool:
                raw[name] = _flag(value)
            elif field.type is int:
                raw[name] = int(value)
            elif field.type is float:
                raw[name] = float(value)
            else:
                raw[name] = value
        except ValueError as exc:
            raise ConfigError(f"OUTLAY_{name.upper()}: {exc}") from exc
    raw.update(overrides)
    settings = msgspec.convert(raw, Settings)
    try:
        settings.fetch_allow_networks  # noqa: B018 - validates the networks once, at start
    except ValueError as exc:
        raise ConfigError(f"OUTLAY_FETCH_ALLOW: {exc}") from exc
    try:
        settings.fetch_port_ranges  # noqa: B018
    except ValueError as exc:
        raise ConfigError(f"OUTLAY_FETCH_PORTS: {exc}") from exc
    check_partner_access(settings)
    return settings


def check_partner_access(settings: Settings) -> None:
    if settings.env not in {"development", "production"}:
        raise ConfigError(f"OUTLAY_ENV: {settings.env!r} is neither development nor production")
    if settings.env == "production" and len(settings.key_pepper) < 32:
        raise ConfigError(
            "OUTLAY_KEY_PEPPER: production needs a secret of at least 32 characters "
            "(e.g. `python -c 'import secrets; print(secrets.token_urlsafe(48))'`)"
        )
    for name in ("rate_window", "rate_read", "rate_ingest", "rate_admin", "rate_anonymous"):
        if getattr(settings, name) < 1:
            raise ConfigError(f"OUTLAY_{name.upper()}: must be at least 1")
