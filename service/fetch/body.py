"""Reading a response body under a cap, before and after decompression.

The raw bytes are counted as they arrive (after a Content-Length that already says too
much is refused), and gzip/deflate are inflated here, chunk by chunk with a bounded output
per step, so a small compressed body that inflates to gigabytes stops at the cap having
used about the cap in memory.
"""

from __future__ import annotations

import zlib

import httpx

from service.fetch.errors import FetchError, permanent

ENCODINGS = ("identity", "gzip", "x-gzip", "deflate")
STEP = 64 * 1024  # inflated bytes per step: memory stays at the cap plus one step


def _too_large(limit: int, what: str = "the page") -> FetchError:
    return permanent("too_large", f"{what} is over {limit:,} bytes")


class Inflater:
    """Collects a body, inflating it incrementally; raises too_large past `limit` bytes."""

    def __init__(self, encoding: str, limit: int) -> None:
        self.encoding = encoding
        self.limit = limit
        self.out = bytearray()
        self._zlib: zlib._Decompress | None = None
        self._first = True
        if encoding in ("gzip", "x-gzip"):
            self._zlib = zlib.decompressobj(zlib.MAX_WBITS | 16)
        elif encoding == "deflate":
            self._zlib = zlib.decompressobj()

    def _append(self, data: bytes) -> None:
        self.out += data
        if len(self.out) > self.limit:
            raise _too_large(self.limit, "the page once decompressed")

    def feed(self, chunk: bytes) -> None:
        if self._zlib is None:
            self._append(chunk)
            return
        try:
            self._inflate(chunk)
        except zlib.error as exc:
            if self.encoding == "deflate" and self._first:
                # Servers send raw deflate as often as the zlib-wrapped kind the RFC names.
                self._zlib = zlib.decompressobj(-zlib.MAX_WBITS)
                self._first = False
                self.feed(chunk)
                return
            raise permanent("bad_content_encoding", f"the {self.encoding} body is corrupt") from exc
        self._first = False

    def _inflate(self, data: bytes) -> None:
        while data:
            assert self._zlib is not None
            room = self.limit - len(self.out) + 1  # one byte more than allowed proves "over"
            self._append(self._zlib.decompress(data, min(room, STEP)))
            data = self._zlib.unconsumed_tail
            if self._zlib.eof:
                rest = self._zlib.unused_data
                if not rest:
                    return
                # Concatenated gzip members are one body.
                self._zlib = zlib.decompressobj(zlib.MAX_WBITS | 16)
                data = rest

    def finish(self) -> bytes:
        if self._zlib is not None:
            self._append(self._zlib.flush(self.limit - len(self.out) + 1))
        return bytes(self.out)


def check_declared(response: httpx.Response, limit: int) -> None:
    declared = response.headers.get("content-length", "").strip()
    if declared.isdigit() and int(declared) > limit:
        raise _too_large(limit)
    encoding = response.headers.get("content-encoding", "identity").strip().lower() or "identity"
    if encoding not in ENCODINGS:
        raise permanent("bad_content_encoding", f"the body is {encoding}-encoded")


async def read(response: httpx.Response, limit: int) -> bytes:
    """The body, decoded from its Content-Encoding, at most `limit` bytes each way."""
    check_declared(response, limit)
    encoding = response.headers.get("content-encoding", "identity").strip().lower() or "identity"
    inflater = Inflater(encoding, limit)
    received = 0
    async for chunk in response.aiter_raw():
        received += len(chunk)
        if received > limit:
            raise _too_large(limit)
        inflater.feed(chunk)
    return inflater.finish()
