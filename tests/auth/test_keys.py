"""The key format: recognisable, self-checking, and stored only as a keyed hash."""

from __future__ import annotations

from datetime import timedelta

import pytest

from service.auth import keys


def test_key_shape() -> None:
    key = keys.generate()
    assert key.startswith("olk_")
    assert len(key) == 4 + 32 + 6
    assert key[4:].isalnum()
    assert key.isascii()
    assert keys.well_formed(key)


def test_keys_differ() -> None:
    assert len({keys.generate() for _ in range(200)}) == 200


def test_every_single_character_typo_is_refused() -> None:
    key = keys.generate()
    for i in range(4, len(key)):
        for c in "0aZ9":
            typo = key[:i] + c + key[i + 1 :]
            if typo != key:
                assert not keys.well_formed(typo), typo


def test_swapped_neighbours_are_refused() -> None:
    key = keys.generate()
    for i in range(4, len(key) - 1):
        swapped = key[:i] + key[i + 1] + key[i] + key[i + 2 :]
        if swapped != key:
            assert not keys.well_formed(swapped)


@pytest.mark.parametrize(
    "text", ["", "olk_", "olk_short", "ghp_" + "a" * 38, "olk_" + "a" * 37 + "!", "OLK_" + "a" * 38]
)
def test_malformed_keys_are_refused(text: str) -> None:
    assert not keys.well_formed(text)


def test_digest_depends_on_the_pepper_and_hides_the_key() -> None:
    key = keys.generate()
    one, two = keys.digest(key, b"pepper-one"), keys.digest(key, b"pepper-two")
    assert one != two
    assert key not in one
    assert key[4:12] not in one
    assert keys.matches(key, one, b"pepper-one")
    assert not keys.matches(key, one, b"pepper-two")


def test_production_has_no_default_pepper() -> None:
    with pytest.raises(ValueError, match="OUTLAY_KEY_PEPPER"):
        keys.pepper(key_pepper="", env="production")
    assert keys.pepper(key_pepper="", env="development") == keys.DEV_PEPPER.encode()
    assert keys.pepper(key_pepper="s3cret", env="production") == b"s3cret"


@pytest.mark.parametrize(
    ("text", "expected"),
    [("90d", timedelta(days=90)), ("12h", timedelta(hours=12)), ("30m", timedelta(minutes=30)),
     ("45s", timedelta(seconds=45)), ("2w", timedelta(weeks=2)), ("0s", timedelta(0))],
)  # fmt: skip
def test_durations(text: str, expected: timedelta) -> None:
    assert keys.parse_duration(text) == expected


@pytest.mark.parametrize("text", ["", "90", "d", "1y", "-1d", "1.5h"])
def test_bad_durations(text: str) -> None:
    with pytest.raises(ValueError, match="duration"):
        keys.parse_duration(text)


def test_scopes() -> None:
    assert keys.parse_scopes("read, ingest,read") == ("read", "ingest")
    for bad in ("", "write", "read,owner"):
        with pytest.raises(ValueError, match="scopes"):
            keys.parse_scopes(bad)
