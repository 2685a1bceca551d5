"""The container: hadolint passes, the image is multi-stage, slim, non-root, with a HEALTHCHECK
and one entry point for serve, worker and migrate; the health check tells up from down."""

from __future__ import annotations

import json
import shlex
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from service.__main__ import main
from service.cli import health
from tests.databases import free_port
from tests.ops.conftest import Server, service_env
from tests.support import ROOT

DOCKERFILE = ROOT / "Dockerfile"


def instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) pairs, continuation lines joined, comments dropped."""
    text = DOCKERFILE.read_text(encoding="utf-8").replace("\\\n", " ")
    found = []
    for line in text.splitlines():
        stripped = line.strip()
        if stripped and not stripped.startswith("#"):
            word, _, rest = stripped.partition(" ")
            found.append((word.upper(), rest.strip()))
    return found


def test_hadolint_passes() -> None:
    hadolint = Path(sys.executable).parent / "hadolint"
    result = subprocess.run(  # noqa: S603 - the linter from our own environment
        [str(hadolint), "--failure-threshold", "info", str(DOCKERFILE)],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip() == ""


def test_image_is_multi_stage_slim_and_non_root() -> None:
    steps = instructions()
    stages = [args for word, args in steps if word == "FROM"]
    assert len(stages) >= 2
    final = len(steps) - 1 - [w for w, _ in steps][::-1].index("FROM")
    runtime = steps[final:]
    args = dict(arg.split("=", 1) for w, arg in steps if w == "ARG" and "=" in arg)
    base = runtime[0][1].split()[0]
    assert "slim" in args.get(base.strip("${}"), base)
    assert any(w == "COPY" and a.startswith("--from=build") for w, a in runtime)
    users = [a for w, a in runtime if w == "USER"]
    assert users
    assert users[-1].split(":")[0] not in ("0", "root")
    assert any(w == "HEALTHCHECK" and "service.cli.health" in a for w, a in runtime)
    (entry,) = [json.loads(a) for w, a in runtime if w == "ENTRYPOINT"]
    assert entry == ["python", "-m", "service"]
    (cmd,) = [json.loads(a) for w, a in runtime if w == "CMD"]
    assert cmd == ["serve"]


@pytest.mark.parametrize("command", ["serve", "worker", "migrate"])
def test_entry_point_has_the_command(command: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main([command, "--help"])
    assert exited.value.code == 0
    assert f"python -m service {command}" in capsys.readouterr().out


def test_context_leaves_out_local_state() -> None:
    ignored = (ROOT / ".dockerignore").read_text(encoding="utf-8").split()
    for entry in (".venv", ".data", ".git", "service/docs/static"):
        assert entry in ignored
    # The assets the build unpacks come from the pins the build copies in.
    assert any(
        w == "COPY" and "service/docs/assets.json" in shlex.split(a) for w, a in instructions()
    )


def test_health_check_answers_for_the_api(server: Server) -> None:
    port = server.base.rsplit(":", 1)[1]
    assert health.main({"OUTLAY_PORT": port}) == 0
    assert health.main({"OUTLAY_PORT": str(free_port())}) == 1


def test_worker_alone_serves_metrics_and_passes_the_health_check(server: Server) -> None:
    metrics_port = free_port()
    env = service_env(server.database_url, OUTLAY_METRICS_PORT=str(metrics_port))
    proc = subprocess.Popen(
        [sys.executable, "-m", "service", "worker"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            assert proc.poll() is None, proc.stderr.read() if proc.stderr else ""
            try:
                response = httpx.get(f"http://127.0.0.1:{metrics_port}/metrics", timeout=2)
                break
            except httpx.TransportError:
                assert time.monotonic() < deadline, "the worker's metrics port never answered"
                time.sleep(0.2)
        assert response.status_code == 200
        assert "outlay_fetches_total" in response.text
        no_api = str(free_port())
        assert health.main({"OUTLAY_PORT": no_api, "OUTLAY_METRICS_PORT": str(metrics_port)}) == 0
    finally:
        proc.terminate()
        proc.wait(timeout=30)
