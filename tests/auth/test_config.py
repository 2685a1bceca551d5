"""Production never runs on the public development pepper."""

from __future__ import annotations

import os
import subprocess
import sys

import msgspec
import pytest

from service import config
from service.app import create_app
from tests.support import ROOT

PEPPER = "p" * 32


def test_production_needs_a_pepper() -> None:
    with pytest.raises(config.ConfigError, match="OUTLAY_KEY_PEPPER"):
        config.from_env({"OUTLAY_ENV": "production"})
    with pytest.raises(config.ConfigError, match="OUTLAY_KEY_PEPPER"):
        config.from_env({"OUTLAY_ENV": "production", "OUTLAY_KEY_PEPPER": "short"})
    settings = config.from_env({"OUTLAY_ENV": "production", "OUTLAY_KEY_PEPPER": PEPPER})
    assert settings.key_pepper == PEPPER
    with pytest.raises(config.ConfigError, match="OUTLAY_ENV"):
        config.from_env({"OUTLAY_ENV": "staging"})


def test_the_app_itself_refuses_production_without_a_pepper() -> None:
    settings = msgspec.structs.replace(
        config.from_env({}), env="production", database_url="postgresql://unused"
    )
    with pytest.raises(ValueError, match="OUTLAY_KEY_PEPPER"):
        create_app(settings)


def test_serve_refuses_to_start() -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("OUTLAY_")}
    env["OUTLAY_ENV"] = "production"
    done = subprocess.run(
        [sys.executable, "-m", "service", "serve"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert done.returncode == 2
    assert "OUTLAY_KEY_PEPPER" in done.stderr


def test_partner_settings_from_the_environment() -> None:
    settings = config.from_env(
        {
            "OUTLAY_CORS_ORIGINS": "https://a.example, https://b.example",
            "OUTLAY_PUBLIC_READ": "true",
            "OUTLAY_RATE_READ": "10",
        }
    )
    assert settings.cors_origins == ("https://a.example", "https://b.example")
    assert settings.public_read is True
    assert settings.rate_read == 10
    with pytest.raises(config.ConfigError, match="OUTLAY_RATE_INGEST"):
        config.from_env({"OUTLAY_RATE_INGEST": "0"})
