"""Who may call: keys in two headers, 401 that reveals nothing, 403 by scope, life of a key."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta

import asyncpg
import pytest
from litestar.testing import AsyncTestClient

from service.app import create_app
from service.auth import keys
from tests.auth.conftest import MakeKey, Started, problem
from tests.conftest import Keyless
from tests.conftest import test_settings as suite_settings

READ = "/v1/claims"


@asynccontextmanager
async def start_app_at(url: str) -> AsyncIterator[AsyncTestClient]:  # type: ignore[type-arg]
    settings = suite_settings(url, run_worker=False, parse_processes=1)
    async with AsyncTestClient(app=create_app(settings), timeout=30) as c:
        yield c


async def test_both_headers_carry_a_key(anon_client: Keyless, make_key: MakeKey) -> None:
    key = await make_key("read")
    assert (
        await anon_client.get(READ, headers={"Authorization": f"Bearer {key}"})
    ).status_code == 200
    assert (
        await anon_client.get(READ, headers={"authorization": f"bearer {key}"})
    ).status_code == 200
    assert (await anon_client.get(READ, headers={"X-API-Key": key})).status_code == 200


async def test_every_bad_key_gets_the_same_401(
    anon_client: Keyless,
    client: AsyncTestClient,
    make_key: MakeKey,  # type: ignore[type-arg]
) -> None:
    revoked = await make_key("read", name="to revoke")
    revoked_id = (await client.get("/v1/keys", params={"limit": 1})).json()["items"][0]["id"]
    assert (await client.post(f"/v1/keys/{revoked_id}/revoke")).status_code == 200
    expired = await make_key("read", expires_at=datetime.now(UTC) - timedelta(seconds=1))
    good = await make_key("read")
    unknown = keys.generate()
    typo = good[:-1] + ("A" if good[-1] != "A" else "B")
    cases = {
        "missing": {},
        "malformed": {"X-API-Key": "not-a-key"},
        "mistyped": {"X-API-Key": typo},
        "unknown": {"Authorization": f"Bearer {unknown}"},
        "revoked": {"X-API-Key": revoked},
        "expired": {"Authorization": f"Bearer {expired}"},
        "other scheme": {"Authorization": f"Basic {good}"},
        "empty bearer": {"Authorization": "Bearer "},
    }
    seen = {}
    header_names = {}
    for name, headers in cases.items():
        r = await anon_client.get(READ, headers={**headers, "X-Request-ID": "same-id"})
        problem(r, 401)
        seen[name] = (r.content, r.headers["www-authenticate"])
        header_names[name] = sorted(k for k in r.headers if k != "date")
    assert len(set(seen.values())) == 1, seen
    assert seen["missing"][1].startswith("Bearer ")
    # Keys that had to be looked up are answered with the very same headers too.
    looked_up = {tuple(header_names[n]) for n in ("unknown", "revoked", "expired")}
    assert len(looked_up) == 1, header_names


async def test_missing_and_mistyped_keys_are_refused_without_the_database(
    database_url: str, make_key: MakeKey
) -> None:
    """With its database refusing connections the app still answers them 401, not 503."""
    name = f"outlay_down_{uuid.uuid4().hex[:8]}"
    admin = await asyncpg.connect(database_url)
    await admin.execute(f'CREATE DATABASE "{name}"')
    url = database_url.rsplit("/", 1)[0] + "/" + name
    try:
        async with start_app_at(url) as c:
            key = keys.generate()
            typo = key[:-1] + ("A" if key[-1] != "A" else "B")
            await admin.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false')
            await admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1", name
            )
            problem(await c.get(READ), 401)
            problem(await c.get(READ, headers={"X-API-Key": typo}), 401)
            problem(await c.get(READ, headers={"Authorization": "Bearer nope"}), 401)
            # A well-formed key has to be looked up: that needs the database.
            problem(await c.get(READ, headers={"X-API-Key": key}), 503)
            await admin.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true')
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


async def test_a_key_without_the_scope_gets_403(anon_client: Keyless, make_key: MakeKey) -> None:
    read_only, ingest_only = await make_key("read"), await make_key("ingest")
    body = {"url": "https://example.com/a", "html": "<p>x</p>"}
    r = await anon_client.post("/v1/articles", json=body, headers={"X-API-Key": read_only})
    assert problem(r, 403)["code"] == "insufficient_scope"
    assert 'scope="ingest"' in r.headers["www-authenticate"]
    problem(await anon_client.get("/v1/articles", headers={"X-API-Key": ingest_only}), 403)
    problem(await anon_client.get("/v1/keys", headers={"X-API-Key": read_only}), 403)
    problem(await anon_client.get("/v1/totals", headers={"X-API-Key": ingest_only}), 403)


async def test_revocation_takes_effect_on_the_next_request(
    anon_client: Keyless,
    client: AsyncTestClient,  # type: ignore[type-arg]
) -> None:
    made = (await client.post("/v1/keys", json={"name": "partner", "scopes": ["read"]})).json()
    headers = {"X-API-Key": made["secret"]}
    assert (await anon_client.get(READ, headers=headers)).status_code == 200
    revoked = await client.post(f"/v1/keys/{made['key']['id']}/revoke")
    assert revoked.json()["status"] == "revoked"
    problem(await anon_client.get(READ, headers=headers), 401)


async def test_expiry(
    anon_client: Keyless, client: AsyncTestClient, db: asyncpg.Connection
) -> None:  # type: ignore[type-arg]
    soon = (datetime.now(UTC) + timedelta(hours=1)).isoformat()
    made = (
        await client.post("/v1/keys", json={"name": "p", "scopes": ["read"], "expires_at": soon})
    ).json()
    headers = {"X-API-Key": made["secret"]}
    assert (await anon_client.get(READ, headers=headers)).status_code == 200
    await db.execute(
        "UPDATE api_key SET expires_at = now() - interval '1 second' WHERE id = $1",
        made["key"]["id"],
    )
    problem(await anon_client.get(READ, headers=headers), 401)
    assert (await client.get(f"/v1/keys/{made['key']['id']}")).json()["status"] == "expired"


@pytest.mark.parametrize("expires_at", ["2001-01-01T00:00:00Z", "2999-01-01T00:00:00"])
async def test_past_or_zoneless_expiry_is_refused(
    client: AsyncTestClient,
    db: asyncpg.Connection,
    expires_at: str,  # type: ignore[type-arg]
) -> None:
    before = await db.fetchval("SELECT count(*) FROM api_key")
    r = await client.post(
        "/v1/keys", json={"name": "p", "scopes": ["read"], "expires_at": expires_at}
    )
    assert problem(r, 422)["errors"][0]["field"] == "expires_at"
    assert await db.fetchval("SELECT count(*) FROM api_key") == before


async def test_rotation_keeps_the_old_key_for_the_grace_period(
    anon_client: Keyless,
    client: AsyncTestClient,  # type: ignore[type-arg]
) -> None:
    made = (await client.post("/v1/keys", json={"name": "p", "scopes": ["read"]})).json()
    old = {"X-API-Key": made["secret"]}
    r = await client.post(f"/v1/keys/{made['key']['id']}/rotate", json={"grace_seconds": 3600})
    assert r.status_code == 201
    new = {"X-API-Key": r.json()["secret"]}
    assert r.json()["key"]["scopes"] == ["read"]
    assert r.json()["key"]["name"] == "p"
    assert (await anon_client.get(READ, headers=old)).status_code == 200
    assert (await anon_client.get(READ, headers=new)).status_code == 200
    old_key = (await client.get(f"/v1/keys/{made['key']['id']}")).json()
    assert old_key["rotated_to"] == r.json()["key"]["id"]
    left = datetime.fromisoformat(old_key["expires_at"]) - datetime.now(UTC)
    assert timedelta(minutes=59) < left <= timedelta(hours=1)
    # With no grace the old key ends at once, and a dead key cannot be rotated again.
    r2 = await client.post(f"/v1/keys/{r.json()['key']['id']}/rotate", json={"grace_seconds": 0})
    problem(await anon_client.get(READ, headers=new), 401)
    assert (
        await anon_client.get(READ, headers={"X-API-Key": r2.json()["secret"]})
    ).status_code == 200
    problem(await client.post(f"/v1/keys/{r.json()['key']['id']}/rotate", json={}), 409)


async def test_last_used_is_written_at_most_once_a_minute(
    anon_client: Keyless,
    client: AsyncTestClient,
    db: asyncpg.Connection,  # type: ignore[type-arg]
) -> None:
    made = (await client.post("/v1/keys", json={"name": "p", "scopes": ["read"]})).json()
    key_id, headers = made["key"]["id"], {"X-API-Key": made["secret"]}
    assert made["key"]["last_used_at"] is None
    await anon_client.get(READ, headers=headers)
    first = await db.fetchval("SELECT last_used_at FROM api_key WHERE id = $1", key_id)
    assert first is not None
    # 30 s ago: too recent to write again.
    await db.execute(
        "UPDATE api_key SET last_used_at = now() - interval '30 s' WHERE id = $1", key_id
    )
    recent = await db.fetchval("SELECT last_used_at FROM api_key WHERE id = $1", key_id)
    await anon_client.get(READ, headers=headers)
    assert await db.fetchval("SELECT last_used_at FROM api_key WHERE id = $1", key_id) == recent
    await db.execute(
        "UPDATE api_key SET last_used_at = now() - interval '61 s' WHERE id = $1", key_id
    )
    await anon_client.get(READ, headers=headers)
    latest = await db.fetchval("SELECT last_used_at FROM api_key WHERE id = $1", key_id)
    assert datetime.now(UTC) - latest < timedelta(seconds=10)


async def test_keys_are_stored_only_as_hashes(
    client: AsyncTestClient, db: asyncpg.Connection
) -> None:  # type: ignore[type-arg]
    made = (await client.post("/v1/keys", json={"name": "p", "scopes": ["read", "ingest"]})).json()
    secret = made["secret"]
    assert keys.well_formed(secret)
    row = await db.fetchrow("SELECT * FROM api_key WHERE id = $1", made["key"]["id"])
    assert secret not in " ".join(str(v) for v in row.values())
    assert row["prefix"] == secret[:12]
    listed = await client.get("/v1/keys", params={"limit": 200})
    assert secret not in listed.text
    assert "secret_hash" not in listed.text
    assert made["key"] in listed.json()["items"]


async def test_public_read_opens_reads_only(start_app: Started, make_key: MakeKey) -> None:
    async with start_app(public_read=True) as c:
        for path in ("/v1/articles", "/v1/claims", "/v1/companies", "/v1/totals"):
            r = await c.get(path)
            assert r.status_code == 200, path
            assert r.headers["ratelimit-policy"].startswith('"anonymous"')
        body = {"url": "https://example.com/a", "html": "<p>x</p>"}
        problem(await c.post("/v1/articles", json=body), 401)
        problem(await c.post("/v1/articles/batch", json={"urls": ["https://example.com/"]}), 401)
        problem(await c.get("/v1/keys"), 401)
        problem(await c.post("/v1/keys", json={"name": "x", "scopes": ["admin"]}), 401)
        # A key that is sent must still be a valid one.
        problem(await c.get(READ, headers={"X-API-Key": keys.generate()}), 401)
        key = await make_key("read")
        r = await c.get(READ, headers={"X-API-Key": key})
        assert r.status_code == 200
        assert r.headers["ratelimit-policy"].startswith('"read"')
        schema = (await c.get("/schema/openapi.json")).json()
        assert {} in schema["paths"]["/v1/claims"]["get"]["security"]
        assert {} not in schema["paths"]["/v1/articles"]["post"]["security"]
