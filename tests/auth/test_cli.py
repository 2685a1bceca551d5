"""`python -m service keys …`, run as an operator would, against the suite's database."""

from __future__ import annotations

import os
import subprocess
import sys

from service.auth import keys
from tests.auth.conftest import problem
from tests.conftest import TEST_PEPPER, Keyless
from tests.support import ROOT


def cli(database_url: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("OUTLAY_")}
    env.update(DATABASE_URL=database_url, OUTLAY_KEY_PEPPER=TEST_PEPPER, OUTLAY_LOG_LEVEL="warning")
    return subprocess.run(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-m", "service", "keys", *args],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip


async def test_create_list_rotate_revoke(database_url: str, anon_client: Keyless) -> None:
    made = cli(
        database_url, "create", "--name", "acme", "--scopes", "read,ingest", "--expires", "90d"
    )
    assert made.returncode == 0, made.stderr
    key = made.stdout.strip().splitlines()[-1]
    assert keys.well_formed(key)
    key_id = made.stdout.split()[1]
    assert (await anon_client.get("/v1/claims", headers={"X-API-Key": key})).status_code == 200
    problem(await anon_client.get("/v1/keys", headers={"X-API-Key": key}), 403)

    listed = cli(database_url, "list")
    row = next(line for line in listed.stdout.splitlines() if line.split()[0] == key_id)
    assert "acme" in row
    assert "read,ingest" in row
    assert "active" in row
    assert key not in listed.stdout

    rotated = cli(database_url, "rotate", key_id, "--grace", "0s")
    assert rotated.returncode == 0, rotated.stderr
    new_key = rotated.stdout.strip().splitlines()[-1]
    assert keys.well_formed(new_key)
    assert new_key != key
    problem(await anon_client.get("/v1/claims", headers={"X-API-Key": key}), 401)
    assert (await anon_client.get("/v1/claims", headers={"X-API-Key": new_key})).status_code == 200

    new_id = rotated.stdout.splitlines()[1].split()[1]
    assert cli(database_url, "revoke", new_id).returncode == 0
    problem(await anon_client.get("/v1/claims", headers={"X-API-Key": new_key}), 401)


def test_bad_arguments_are_refused(database_url: str) -> None:
    for args in (
        ("create", "--name", "x", "--scopes", "write"),
        ("create", "--name", "x", "--scopes", "read", "--expires", "soon"),
    ):
        done = cli(database_url, *args)
        assert done.returncode == 2
        assert "error:" in done.stderr
    assert cli(database_url, "revoke", "999999999").returncode == 1
