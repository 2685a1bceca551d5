"""The operator's commands: `ingest` a list of URLs and follow them, `export claims`."""

from __future__ import annotations

import csv
import io
import json
import sys
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from service.__main__ import main
from service.cli.ingest import Bar, Progress
from tests.ops.conftest import Server
from tests.support import Page, Site

PAGE = (
    "<html><head><title>{title}</title></head><body><article><p>"
    + "Microsoft plans to spend $80 billion on AI data centres in fiscal 2025. " * 3
    + "</p><p>"
    + "The company said the build-out would continue through the year. " * 4
    + "</p></article></body></html>"
)


class Result:
    def __init__(self, returncode: int, stdout: str, stderr: str) -> None:
        self.returncode, self.stdout, self.stderr = returncode, stdout, stderr


@pytest.fixture
def outlay(
    server: Server, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> Callable[..., Result]:
    """`python -m service ARGS` as an operator runs it, in this process (it starts faster)."""
    for name, value in server.env.items():
        if name == "DATABASE_URL" or name.startswith("OUTLAY_"):
            monkeypatch.setenv(name, value)
    monkeypatch.setenv("OUTLAY_LOG_LEVEL", "warning")

    def run(*args: str, stdin: str | None = None) -> Result:
        capsys.readouterr()
        monkeypatch.setattr(sys, "stdin", io.StringIO(stdin or ""))
        try:
            code = main(list(args))
        except SystemExit as exc:  # argparse refuses bad arguments this way
            code = int(exc.code or 0)
        out, err = capsys.readouterr()
        return Result(code, out, err)

    return run


def test_ingest_submits_follows_and_sums_up(
    outlay: Callable[..., Result], server: Server, site: Site, tmp_path: Path
) -> None:
    good = [
        site.add(f"/ops/cli/{n}", Page(PAGE.format(title=f"CLI {n}").encode())) for n in range(3)
    ]
    missing = site.base + "/ops/cli/missing"
    listing = tmp_path / "urls.txt"
    listing.write_text(
        "# to read\n" + "\n".join([*good, "", missing, "ftp://example.com/x"]) + "\n"
    )
    result = outlay("ingest", str(listing), "--api", server.base, "--batch-size", "2",
                    "--poll", "0.2")  # fmt: skip
    assert result.returncode == 0, result.stderr
    summary = result.stdout
    assert "5 URLs: 4 articles, 3 parsed" in summary
    assert "1 failed, 1 rejected" in summary
    assert "failed: http_error 1" in summary
    assert "rejected: ftp://example.com/x" in summary
    progress = result.stderr.strip().splitlines()
    assert progress, "no progress shown"
    assert progress[-1].startswith("[" + "#" * 30 + "] 5/5")
    assert "parsed 3 · failed 1 · rejected 1" in progress[-1]

    # The same list again: nothing new is created, the figures are read back.
    again = outlay("ingest", "-", "--api", server.base, stdin="\n".join(good) + "\n")
    assert again.returncode == 0, again.stderr
    assert "3 URLs: 3 articles, 3 parsed" in again.stdout
    assert "0 failed, 0 rejected" in again.stdout


def test_ingest_rejects_bad_invocations(
    outlay: Callable[..., Result], server: Server, tmp_path: Path
) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_text("\n# nothing\n")
    result = outlay("ingest", str(empty), "--api", server.base)
    assert result.returncode == 2
    assert "no URLs given" in result.stderr
    result = outlay("ingest", str(tmp_path / "absent.txt"), "--api", server.base)
    assert result.returncode == 2
    assert "cannot read" in result.stderr
    result = outlay("ingest", "-", "--api", "http://127.0.0.1:9", stdin="https://a.example/\n")
    assert result.returncode == 1
    assert "cannot reach Outlay" in result.stderr


def _api_claims(server: Server) -> list[dict]:  # type: ignore[type-arg]
    claims, cursor = [], None
    while True:
        params = {"limit": 200, **({"cursor": cursor} if cursor else {})}
        page = httpx.get(f"{server.base}/v1/claims", params=params).json()
        claims.extend(page["items"])
        cursor = page["next_cursor"]
        if cursor is None:
            return claims


def test_export_claims_as_ndjson_and_csv(
    outlay: Callable[..., Result], server: Server, site: Site
) -> None:
    url = site.add("/ops/cli/export", Page(PAGE.format(title="Export").encode()))
    article = httpx.post(f"{server.base}/v1/articles", json={"url": url}, headers=server.headers)
    article = article.json()
    assert server.wait_done(article["id"])["claim_count"] > 0
    expected = {c["id"]: c for c in _api_claims(server)}

    ndjson = outlay("export", "claims", "--format", "ndjson")
    assert ndjson.returncode == 0, ndjson.stderr
    rows = [json.loads(line) for line in ndjson.stdout.splitlines()]
    assert {r["id"] for r in rows} == set(expected)
    assert f"{len(rows)} claims exported" in ndjson.stderr
    for row in rows:
        assert row.pop("article_url").startswith("http")
        assert row == expected[row["id"]]

    as_csv = outlay("export", "claims", "--format", "csv")
    assert as_csv.returncode == 0, as_csv.stderr
    table = list(csv.DictReader(io.StringIO(as_csv.stdout)))
    assert {int(r["id"]) for r in table} == set(expected)
    ours = [r for r in table if r["article_url"] == url]
    assert ours
    for r in ours:
        claim = expected[int(r["id"])]
        assert r["company_slug"] == "microsoft"
        assert int(r["amount_low"]) == claim["amount_low"] == 80_000_000_000
        assert r["evidence_text"] == claim["evidence"]["text"]


def test_export_refuses_an_unknown_format(outlay: Callable[..., Result]) -> None:
    result = outlay("export", "claims", "--format", "xml")
    assert result.returncode == 2
    assert "invalid choice" in result.stderr


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_bar_redraws_one_line_on_a_terminal() -> None:
    progress = Progress(total=4, status={1: "queued", 2: "fetching", 3: "parsed"})
    progress.rejected.append(("ftp://x", "only http and https URLs are accepted"))
    screen = Terminal()
    bar = Bar(screen)
    bar.show(progress.line())
    bar.show(progress.line())  # unchanged: not drawn again
    progress.status.update({1: "parsed", 2: "failed"})
    bar.show(progress.line())
    bar.close()
    frames = screen.getvalue().split("\r\x1b[2K")[1:]
    assert len(frames) == 2
    assert frames[0].startswith("[" + "#" * 15 + "-" * 15 + "] 2/4")
    assert frames[1] == (
        "[" + "#" * 30 + "] 4/4  queued 0 · fetching 0 · parsed 2 · failed 1 · rejected 1\n"
    )


def test_summary_names_what_is_still_pending() -> None:
    progress = Progress(total=2, status={1: "parsed", 2: "queued"}, claims={1: 3})
    assert progress.summary() == (
        "2 URLs: 2 articles, 1 parsed (3 claims), 0 failed, 0 rejected, 1 still pending"
    )
