"""Fetching pages that outsiders name, without being turned against the network we run in.

`fetcher` (the Fetcher: redirects, caps, content types, robots) · `transport` (the SSRF
guard at the socket) · `guard` (which addresses are refused, IP literals in any spelling) ·
`body` (capped reading and inflating) · `encoding` (bytes to text) · `politeness` (robots.txt,
per-host limit) · `errors` (FetchError and its codes).
"""

from service.fetch.errors import FetchError
from service.fetch.fetcher import Fetched, Fetcher

__all__ = ["FetchError", "Fetched", "Fetcher"]
