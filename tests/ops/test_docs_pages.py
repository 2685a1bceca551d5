"""The docs pages render in a browser with no internet: every script comes from Outlay itself."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import httpx
import pytest

from service.docs import assets
from tests.ops.conftest import Server

PAGES = ["swagger", "redoc", "scalar"]


def render(url: str, folder: Path, name: str) -> str:
    """The page's DOM after its scripts ran, and a screenshot beside it, from headless Chromium.

    Every host name but 127.0.0.1 resolves to nothing, so a page that needs a CDN stays blank.
    """
    chromium = shutil.which("chromium")
    assert chromium, "chromium is missing: `make install` installs it (apt-get install chromium)"
    result = subprocess.run(  # noqa: S603 - fixed program, local URL
        [
            chromium,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-dev-shm-usage",
            f"--user-data-dir={folder / f'profile-{name}'}",
            "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
            "--window-size=1280,900",
            "--virtual-time-budget=15000",
            f"--screenshot={folder / f'{name}.png'}",
            "--dump-dom",
            url,
        ],
        capture_output=True,
        text=True,
        timeout=90,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout


def test_assets_are_installed() -> None:
    assert assets.missing() == [], "run `make install` to fetch the docs assets"


def test_docs_redirects_to_the_preferred_page(server: Server) -> None:
    response = httpx.get(f"{server.base}/docs", follow_redirects=False)
    assert response.status_code == 302
    assert response.headers["location"].endswith("/schema/swagger")


@pytest.mark.parametrize("page", PAGES)
def test_page_loads_nothing_from_outside(server: Server, page: str) -> None:
    html = httpx.get(f"{server.base}/schema/{page}").text
    urls = re.findall(r"""(?:src|href)\s*=\s*["']([^"']+)""", html)
    assert urls, "the page references no script"
    assert [u for u in urls if re.match(r"(?:https?:)?//", u)] == []
    for url in urls:
        if url.startswith("/"):
            assert httpx.get(server.base + url).status_code == 200, url


@pytest.mark.parametrize("page", PAGES)
def test_page_renders_the_api_offline(server: Server, page: str, tmp_path: Path) -> None:
    dom = render(f"{server.base}/schema/{page}", tmp_path, page)
    # Swagger UI breaks long paths with <wbr>: drop those before reading the text.
    text = re.sub(r"<[^>]+>", " ", re.sub(r"<wbr\s*/?>", "", dom))
    # The title and the articles operation are drawn by the page's script, not in the HTML sent.
    assert re.search(r"\bOutlay\b", text), f"no API title in the rendered {page} page"
    assert "/v1/articles" in text, f"no /v1/articles operation in the rendered {page} page"
    assert "Submit an article" in text
    screenshot = tmp_path / f"{page}.png"
    assert screenshot.stat().st_size > 10_000, "the screenshot is blank"
