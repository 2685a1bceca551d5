"""`python -m service ingest FILE`: submit URLs (one a line, `-` for stdin) and follow them.

URLs go to a running Outlay's API in batches (POST /v1/articles/batch), so they are checked and
normalised exactly as a partner's would be. Then the articles are polled until each one is
parsed or failed, with a progress bar of counts per status, and a summary at the end.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import TextIO

import httpx

from service import config

FINAL = ("parsed", "failed")
STATUSES = ("queued", "fetching", "parsed", "failed")
MAX_BATCH = 1000


def add_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("ingest", help="submit URLs from a file (or - for stdin) and follow them")
    p.add_argument("file", help="a file with one URL a line, or - for stdin")
    p.add_argument(
        "--api",
        help="base URL of the Outlay to send them to (default: OUTLAY_HOST and OUTLAY_PORT)",
    )
    p.add_argument(
        "--key",
        default=os.environ.get("OUTLAY_API_KEY"),
        help="API key with the ingest and read scopes (default: OUTLAY_API_KEY)",
    )
    p.add_argument("--batch-size", type=int, default=500, help="URLs per request, 1 to 1000")
    p.add_argument("--poll", type=float, default=1.0, help="seconds between status checks")
    p.add_argument(
        "--timeout",
        type=float,
        default=0,
        help="give up waiting after this many seconds (0: never)",
    )


def read_urls(source: TextIO) -> list[str]:
    """One URL a line; blank lines and lines starting with # are skipped."""
    return [s for line in source if (s := line.strip()) and not s.startswith("#")]


@dataclass
class Progress:
    total: int
    status: dict[int, str] = field(default_factory=dict)
    claims: dict[int, int] = field(default_factory=dict)
    errors: Counter[str] = field(default_factory=Counter)
    rejected: list[tuple[str, str]] = field(default_factory=list)
    submitted: int = 0

    def counts(self) -> Counter[str]:
        return Counter(self.status.values())

    def pending(self) -> list[int]:
        return [i for i, s in self.status.items() if s not in FINAL]

    def line(self, width: int = 30) -> str:
        counts = self.counts()
        done = counts["parsed"] + counts["failed"] + len(self.rejected)
        filled = width * done // self.total if self.total else width
        parts = " · ".join(f"{s} {counts[s]}" for s in STATUSES)
        return (
            f"[{'#' * filled}{'-' * (width - filled)}] {done}/{self.total}  {parts}"
            f" · rejected {len(self.rejected)}"
        )

    def summary(self) -> str:
        counts = self.counts()
        lines = [
            f"{self.total} URLs: {len(self.status)} articles, {counts['parsed']} parsed "
            f"({sum(self.claims.values())} claims), {counts['failed']} failed, "
            f"{len(self.rejected)} rejected"
            + (f", {len(self.pending())} still pending" if self.pending() else "")
        ]
        if self.errors:
            lines.append(
                "failed: " + ", ".join(f"{code} {n}" for code, n in self.errors.most_common())
            )
        lines.extend(f"rejected: {url} ({reason})" for url, reason in self.rejected)
        return "\n".join(lines)


class Bar:
    """Redraws one line on a terminal; elsewhere writes a line whenever the counts change."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.tty = stream.isatty()
        self.last = ""

    def show(self, text: str) -> None:
        if text == self.last:
            return
        self.last = text
        self.stream.write(("\r\x1b[2K" + text) if self.tty else text + "\n")
        self.stream.flush()

    def close(self) -> None:
        if self.tty and self.last:
            self.stream.write("\n")
            self.stream.flush()


async def submit(client: httpx.AsyncClient, urls: list[str], progress: Progress, size: int) -> None:
    for start in range(0, len(urls), size):
        chunk = urls[start : start + size]
        response = await client.post("/v1/articles/batch", json={"urls": chunk})
        if response.status_code != 200:
            raise SystemExit(f"the API refused a batch: {response.status_code} {response.text}")
        for item in response.json()["items"]:
            if item["result"] == "rejected":
                progress.rejected.append((item["url"], item["error"]["message"]))
            else:
                article = item["article"]
                progress.status[article["id"]] = article["status"]
        progress.submitted += len(chunk)


async def refresh(client: httpx.AsyncClient, progress: Progress, concurrency: int = 8) -> None:
    limit = asyncio.Semaphore(concurrency)

    async def one(article_id: int) -> None:
        async with limit:
            response = await client.get(f"/v1/articles/{article_id}")
        if response.status_code != 200:
            return
        body = response.json()
        progress.status[article_id] = body["status"]
        if body["status"] == "parsed":
            progress.claims[article_id] = body["claim_count"]
        elif body["status"] == "failed":
            progress.errors[(body.get("error") or {}).get("code", "unknown")] += 1

    await asyncio.gather(*(one(i) for i in progress.pending()))


async def ingest(
    urls: list[str],
    *,
    api: str,
    batch_size: int,
    poll: float,
    wait: float,
    bar: Bar,
    key: str | None = None,
) -> Progress:
    progress = Progress(total=len(urls))
    headers = {"X-API-Key": key} if key else {}
    async with httpx.AsyncClient(base_url=api, timeout=60, headers=headers) as client:
        await submit(client, urls, progress, batch_size)
        # Articles already final when submitted (known URLs) need one read for their figures.
        known_final = [i for i, s in progress.status.items() if s in FINAL]
        for article_id in known_final:
            progress.status[article_id] = "queued"
        deadline = time.monotonic() + wait if wait > 0 else None
        while True:
            await refresh(client, progress)
            bar.show(progress.line())
            if not progress.pending():
                break
            if deadline is not None and time.monotonic() > deadline:
                break
            await asyncio.sleep(poll)
    bar.close()
    return progress


def run(settings: config.Settings, args: argparse.Namespace) -> int:
    if not 1 <= args.batch_size <= MAX_BATCH:
        print(f"--batch-size must be 1 to {MAX_BATCH}", file=sys.stderr)
        return 2
    api = args.api or f"http://{settings.host}:{settings.port}"
    if args.file == "-":
        urls = read_urls(sys.stdin)
    else:
        try:
            with open(args.file, encoding="utf-8") as source:
                urls = read_urls(source)
        except OSError as exc:
            print(f"cannot read {args.file}: {exc.strerror}", file=sys.stderr)
            return 2
    if not urls:
        print("no URLs given", file=sys.stderr)
        return 2
    try:
        progress = asyncio.run(
            ingest(
                urls,
                api=api,
                batch_size=args.batch_size,
                poll=args.poll,
                wait=args.timeout,
                bar=Bar(sys.stderr),
                key=args.key,
            )
        )
    except httpx.TransportError as exc:
        print(f"cannot reach Outlay at {api}: {exc}", file=sys.stderr)
        return 1
    print(progress.summary())
    return 1 if progress.pending() else 0
