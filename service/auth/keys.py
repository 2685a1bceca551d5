"""API keys as text: format, checksum, digest, and the durations the CLI takes. Pure.

A key is `olk_` + 32 random base62 characters + a 6-character checksum (CRC32 of everything
before it, in base62). The fixed prefix lets secret scanners recognise a leaked key; the
checksum refuses a mistyped one before any database query.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import string
import zlib
from datetime import timedelta

from service import log

logger = log.get(__name__)

ALPHABET = string.digits + string.ascii_uppercase + string.ascii_lowercase
PREFIX = "olk_"
RANDOM_LENGTH = 32
CHECKSUM_LENGTH = 6
LENGTH = len(PREFIX) + RANDOM_LENGTH + CHECKSUM_LENGTH
# `olk_` and 8 random characters: stored in clear to find the row and to name the key in lists.
LOOKUP_LENGTH = len(PREFIX) + 8

SCOPES = ("read", "ingest", "admin")

# Only for development: anyone can read it here, so keys made with it protect nothing.
DEV_PEPPER = "outlay-development-pepper-do-not-use-in-production"

_SHAPE = re.compile(rf"^{PREFIX}[0-9A-Za-z]{{{RANDOM_LENGTH + CHECKSUM_LENGTH}}}$")


def _base62(number: int, width: int) -> str:
    digits = []
    for _ in range(width):
        number, digit = divmod(number, 62)
        digits.append(ALPHABET[digit])
    return "".join(reversed(digits))


def checksum(head: str) -> str:
    # CRC32 < 2**32 < 62**6, so six characters always hold it.
    return _base62(zlib.crc32(head.encode("ascii")), CHECKSUM_LENGTH)


def generate() -> str:
    head = PREFIX + "".join(secrets.choice(ALPHABET) for _ in range(RANDOM_LENGTH))
    return head + checksum(head)


def well_formed(key: str) -> bool:
    """The shape and checksum are right: worth a database lookup."""
    if len(key) != LENGTH or not _SHAPE.match(key):
        return False
    return hmac.compare_digest(checksum(key[:-CHECKSUM_LENGTH]), key[-CHECKSUM_LENGTH:])


def lookup_prefix(key: str) -> str:
    return key[:LOOKUP_LENGTH]


def digest(key: str, pepper: bytes) -> str:
    return hmac.new(pepper, key.encode("ascii"), hashlib.sha256).hexdigest()


def matches(key: str, stored: str, pepper: bytes) -> bool:
    return hmac.compare_digest(digest(key, pepper), stored)


def pepper(*, key_pepper: str, env: str) -> bytes:
    """The server-side secret keys are hashed with; production never runs without its own."""
    if key_pepper:
        return key_pepper.encode("utf-8")
    if env == "production":
        raise ValueError("OUTLAY_KEY_PEPPER is required in production")
    logger.warning(
        "OUTLAY_KEY_PEPPER is not set: using the public development pepper; "
        "keys made now stop working once a real pepper is set"
    )
    return DEV_PEPPER.encode("utf-8")


_DURATION = re.compile(r"^\s*(\d{1,6})\s*([smhdw])\s*$")
_UNIT = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 7 * 86400}


def parse_duration(text: str) -> timedelta:
    """`90d`, `12h`, `30m`, `45s`, `2w`."""
    match = _DURATION.match(text)
    if not match:
        raise ValueError(f"not a duration: {text!r} (use e.g. 90d, 12h, 30m)")
    return timedelta(seconds=int(match.group(1)) * _UNIT[match.group(2)])


def parse_scopes(text: str) -> tuple[str, ...]:
    found = tuple(dict.fromkeys(part.strip() for part in text.split(",") if part.strip()))
    unknown = [s for s in found if s not in SCOPES]
    if unknown or not found:
        raise ValueError(f"scopes are a comma-separated subset of {', '.join(SCOPES)}")
    return found
