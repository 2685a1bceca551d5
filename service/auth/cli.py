"""`python -m service keys create|list|revoke|rotate`: keys for partners, from a shell."""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Callable, Coroutine
from datetime import UTC, datetime
from typing import Any

import asyncpg

from service import config, db
from service.auth import keys, queries
from service.auth.schemas import ApiKey


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add the `keys` command and its subcommands to the main parser."""
    p = sub.add_parser("keys", help="create, list, revoke and rotate API keys")
    keys_sub = p.add_subparsers(dest="keys_command", required=True)
    create = keys_sub.add_parser("create", help="create a key; prints it alone on the last line")
    create.add_argument("--name", required=True)
    create.add_argument("--scopes", required=True, help="comma-separated: read, ingest, admin")
    create.add_argument("--expires", help="lifetime, e.g. 90d, 12h (default: never)")
    keys_sub.add_parser("list", help="list keys (never the keys themselves)")
    revoke = keys_sub.add_parser("revoke", help="revoke a key: refused from the next request")
    revoke.add_argument("id", type=int)
    rotate = keys_sub.add_parser("rotate", help="new key; the old one works for --grace more")
    rotate.add_argument("id", type=int)
    rotate.add_argument("--grace", default="1d", help="how long the old key keeps working")


def run(settings: config.Settings, args: argparse.Namespace, database_url: str) -> int:
    try:
        pepper = keys.pepper(key_pepper=settings.key_pepper, env=settings.env)
        command = _commands(args, pepper)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return asyncio.run(_with_connection(database_url, command))


Command = Callable[[asyncpg.Connection], Coroutine[Any, Any, int]]


async def _with_connection(url: str, command: Command) -> int:
    async with db.pool_lifespan(url, min_size=1, max_size=1) as pool, pool.acquire() as conn:
        await db.migrate(conn)
        return await command(conn)


def _commands(args: argparse.Namespace, pepper: bytes) -> Command:
    if args.keys_command == "create":
        scopes = keys.parse_scopes(args.scopes)
        lifetime = keys.parse_duration(args.expires) if args.expires else None
        name = args.name.strip()
        if not 1 <= len(name) <= 100:
            raise ValueError("--name takes 1 to 100 characters")

        async def create(conn: asyncpg.Connection) -> int:
            expires = datetime.now(UTC) + lifetime if lifetime else None
            key, secret = await queries.create_key(
                conn, pepper=pepper, name=name, scopes=scopes, expires_at=expires
            )
            _show(key)
            print("The key below is shown once; it is not stored anywhere.", file=sys.stderr)
            print(secret)
            return 0

        return create
    if args.keys_command == "list":

        async def list_all(conn: asyncpg.Connection) -> int:
            found = await queries.list_keys(conn, before_id=None, limit=1_000_000)
            print(
                f"{'id':>5}  {'prefix':<12}  {'status':<8}  {'scopes':<18}  {'expires':<20}  name"
            )
            for key in found:
                print(
                    f"{key.id:>5}  {key.prefix:<12}  {key.status:<8}  {','.join(key.scopes):<18}"
                    f"  {_when(key.expires_at):<20}  {key.name}"
                )
            return 0

        return list_all
    if args.keys_command == "revoke":

        async def revoke(conn: asyncpg.Connection) -> int:
            key = await queries.revoke_key(conn, args.id)
            if key is None:
                print(f"error: no API key {args.id}", file=sys.stderr)
                return 1
            _show(key)
            return 0

        return revoke
    grace = keys.parse_duration(args.grace)

    async def rotate(conn: asyncpg.Connection) -> int:
        try:
            rotated = await queries.rotate_key(conn, pepper=pepper, key_id=args.id, grace=grace)
        except queries.NotRotatable:
            print(f"error: API key {args.id} is revoked or expired", file=sys.stderr)
            return 1
        if rotated is None:
            print(f"error: no API key {args.id}", file=sys.stderr)
            return 1
        key, secret = rotated
        print(f"API key {args.id} keeps working for {args.grace}; its replacement:")
        _show(key)
        print("The key below is shown once; it is not stored anywhere.", file=sys.stderr)
        print(secret)
        return 0

    return rotate


def _when(moment: datetime | None) -> str:
    return moment.strftime("%Y-%m-%d %H:%M UTC") if moment else "never"


def _show(key: ApiKey) -> None:
    print(
        f"id {key.id}  name {key.name}  prefix {key.prefix}  scopes {','.join(key.scopes)}  "
        f"status {key.status}  expires {_when(key.expires_at)}"
    )
