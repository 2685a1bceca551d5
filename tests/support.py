"""Helpers for tests: a local web server and waiting on the worker as a client would."""

from __future__ import annotations

import asyncio
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

from litestar.testing import AsyncTestClient

ROOT = Path(__file__).resolve().parent.parent


class Page:
    def __init__(
        self, body: bytes, *, status: int = 200, content_type: str = "text/html; charset=utf-8"
    ):
        self.body = body
        self.status = status
        self.content_type = content_type


class Site:
    """A web server on 127.0.0.1 serving pages that tests put on it."""

    def __init__(self) -> None:
        self.pages: dict[str, Page] = {}
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                page = site.pages.get(urlsplit(self.path).path)
                if page is None:
                    self.send_error(404)
                    return
                self.send_response(page.status)
                self.send_header("Content-Type", page.content_type)
                self.send_header("Content-Length", str(len(page.body)))
                self.end_headers()
                self.wfile.write(page.body)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def add(self, path: str, page: Page) -> str:
        self.pages[path] = page
        return self.base + path

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


async def wait_done(client: AsyncTestClient, article_id: int, within: float = 60) -> dict:  # type: ignore[type-arg]
    """Poll the article until the worker has finished with it, as a client would."""
    deadline = asyncio.get_running_loop().time() + within
    while True:
        response = await client.get(f"/v1/articles/{article_id}")
        body = response.json()
        if body["status"] in ("parsed", "failed"):
            return body
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"article {article_id} still {body['status']} after {within} s")
        await asyncio.sleep(0.1)
