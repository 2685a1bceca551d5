"""Why a page could not be had, as a precise code, and whether trying again can help."""

from __future__ import annotations

# Codes, with whether another attempt can help (see README, "Security model"):
#   permanent: invalid_url, ssrf_blocked, bad_redirect, too_many_redirects, too_large,
#              bad_content_type, bad_content_encoding, robots_disallowed, tls_error,
#              http_error for 4xx
#   transient: timeout, connection_error, dns_error, rate_limited (429), robots_unavailable,
#              http_error for 5xx and 408


class FetchError(Exception):
    """A page could not be had. `permanent` errors are not worth another attempt."""

    def __init__(
        self, code: str, message: str, *, permanent: bool, retry_after: float | None = None
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.permanent = permanent
        self.retry_after = retry_after

    def __repr__(self) -> str:
        return f"FetchError({self.code!r}, {self.message!r}, permanent={self.permanent})"


def permanent(code: str, message: str) -> FetchError:
    return FetchError(code, message, permanent=True)


def transient(code: str, message: str, *, retry_after: float | None = None) -> FetchError:
    return FetchError(code, message, permanent=False, retry_after=retry_after)
