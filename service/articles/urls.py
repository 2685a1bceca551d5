"""URL checks and normalisation: the key that makes one article of many spellings."""

from __future__ import annotations

from urllib.parse import parse_qsl, quote, unquote, urlencode, urlsplit, urlunsplit

import httpx

MAX_URL_LENGTH = 2048

# Query parameters that only say where a click came from; they never change the page.
_TRACKING_PREFIXES = ("utm_", "mtm_", "pk_", "hsa_")
_TRACKING_NAMES = frozenset(
    {
        "fbclid", "gclid", "dclid", "gbraid", "wbraid", "msclkid", "yclid", "twclid", "igshid",
        "mc_cid", "mc_eid", "_hsenc", "_hsmi", "mkt_tok", "ref_src", "ref_url", "cmpid",
        "ocid", "spm", "share_from", "from_wecom", "sr_share",
    }
)  # fmt: skip
_DEFAULT_PORTS = {"http": 80, "https": 443}


class InvalidURL(ValueError):
    """The text is not an http(s) URL that can be fetched."""


def _is_tracking(name: str) -> bool:
    lowered = name.lower()
    return lowered in _TRACKING_NAMES or lowered.startswith(_TRACKING_PREFIXES)


def check(url: str) -> str:
    """Return the URL stripped of surrounding space if it is one we accept, else raise."""
    url = url.strip()
    if not url:
        raise InvalidURL("the URL is empty")
    if len(url) > MAX_URL_LENGTH:
        raise InvalidURL(f"the URL is longer than {MAX_URL_LENGTH} characters")
    if any(ch.isspace() or ord(ch) < 0x20 for ch in url):
        raise InvalidURL("the URL contains white space or control characters")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise InvalidURL(f"the URL cannot be parsed: {exc}") from exc
    if parts.scheme.lower() not in _DEFAULT_PORTS:
        raise InvalidURL("only http and https URLs are accepted")
    if not parts.hostname:
        raise InvalidURL("the URL has no host")
    if parts.username is not None or parts.password is not None:
        raise InvalidURL("URLs with a user name or password are not accepted")
    if port == 0:
        raise InvalidURL("the URL's port is not valid")
    if "%" in parts.hostname and ":" not in parts.hostname:
        raise InvalidURL("the URL's host name contains percent-escapes")
    try:
        parts.hostname.encode("idna")
    except UnicodeError as exc:
        raise InvalidURL("the URL's host name is not valid") from exc
    try:
        httpx.URL(url).host  # noqa: B018 - what the fetcher cannot parse is refused here
    except (httpx.InvalidURL, UnicodeError, ValueError) as exc:
        raise InvalidURL(f"the URL cannot be fetched: {exc}") from exc
    return url


def normalise(url: str) -> str:
    """The article's identity: case, default port, trailing slash, fragment and tracking
    parameters do not make another article; the order of the other parameters does not either.
    """
    url = check(url)
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").rstrip(".").encode("idna").decode("ascii").lower()
    if ":" in host:
        host = f"[{host}]"
    port = parts.port
    netloc = host if port in (None, _DEFAULT_PORTS[scheme]) else f"{host}:{port}"
    path = quote(unquote(parts.path), safe="/%:@!$&'()*+,;=~-._") or "/"
    if len(path) > 1:
        path = path.rstrip("/") or "/"
    query = urlencode(
        sorted(
            (k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _is_tracking(k)
        )
    )
    return urlunsplit((scheme, netloc, path, query, ""))
