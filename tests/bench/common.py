"""What the benchmarks share: a database of their own, the service in a subprocess, a local
web server, latency figures, process memory, and wrk (or an async client when wrk is missing).

Benchmarks talk to the service only through its HTTP API and the documented tables, so they
keep working while the extractor, the parser and the totals change underneath.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import math
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Iterator, Sequence
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))  # run as a script: the service and tests packages

from service.claims.eval import find_shared  # noqa: E402
from tests import databases  # noqa: E402
from tests.databases import free_port  # noqa: E402

PYTHON = sys.executable


def shared_dir() -> Path:
    path = find_shared()
    if not (path / "bench" / "article-extraction" / "ground-truth.json").is_file():
        sys.exit(f"no shared data at {path}: set OUTLAY_SHARED to the shared/ folder")
    return path


def emit(figures: dict[str, object]) -> None:
    """The benchmark's figures: one JSON line, always the last thing it prints."""

    def clean(value: object) -> object:
        # JSON has no infinity: a figure that could not be measured is null.
        return None if isinstance(value, float) and not math.isfinite(value) else value

    print(json.dumps({k: clean(v) for k, v in figures.items()}), flush=True)


def note(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# -- database --------------------------------------------------------------------------


def _answers(host: str, port: int) -> bool:
    return databases.answers(host, port)


def server_url() -> str:
    """BENCH_DATABASE_URL, TEST_DATABASE_URL, a local server on 5432, else an embedded one."""
    return databases.server_url(
        ("BENCH_DATABASE_URL", "TEST_DATABASE_URL"), prefix="outlay-bench-pg-"
    )


with_database = databases.with_database


@contextlib.asynccontextmanager
async def bench_database(prefix: str = "outlay_bench") -> AsyncIterator[str]:
    """A database of the benchmark's own, dropped at the end (even when the benchmark fails)."""
    async with databases.scratch_database(server_url(), prefix) as url:
        yield url


async def migrate(url: str) -> None:
    """Migrations and the company registry, as `python -m service migrate` applies them."""
    proc = await asyncio.create_subprocess_exec(
        PYTHON, "-m", "service", "migrate", cwd=ROOT, env=service_env(url)
    )
    if await proc.wait() != 0:
        raise RuntimeError("migrate failed")


async def api_key(url: str) -> str:
    """A key that may submit articles, made as an operator makes one (`service keys create`)."""
    proc = await asyncio.create_subprocess_exec(
        PYTHON, "-m", "service", "keys", "create", "--name", "bench", "--scopes", "read,ingest",
        cwd=ROOT, env=service_env(url), stdout=asyncio.subprocess.PIPE,
    )  # fmt: skip
    out, _ = await proc.communicate()
    if proc.returncode != 0:
        raise RuntimeError("could not create an API key")
    return out.decode().strip().splitlines()[-1].strip()


# -- processes ---------------------------------------------------------------------------


def service_env(url: str, **settings: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("OUTLAY_")}
    env.update(
        DATABASE_URL=url,
        OUTLAY_LOG_FORMAT="json",
        OUTLAY_LOG_LEVEL="warning",
        # Reads are open, as under `make run`, and no rate limit stands between the load and
        # the code measured; submitting still takes a key (api_key()).
        OUTLAY_PUBLIC_READ="true",
        OUTLAY_RATE_READ="1000000000",
        OUTLAY_RATE_INGEST="1000000000",
        OUTLAY_RATE_ANONYMOUS="1000000000",
        PYTHONPATH=str(ROOT),
    )
    env.update({f"OUTLAY_{k.upper()}": v for k, v in settings.items()})
    return env


class Process:
    """A child process started by a benchmark; stopped with SIGTERM, then SIGKILL."""

    def __init__(self, args: Sequence[str], *, env: dict[str, str], log: Path | None = None):
        self.log = log
        out = open(log, "wb") if log else subprocess.DEVNULL  # noqa: SIM115
        self.proc = subprocess.Popen(
            list(args), cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip

    @property
    def pid(self) -> int:
        return self.proc.pid

    def alive(self) -> bool:
        return self.proc.poll() is None

    def stop(self, timeout: float = 20) -> None:
        if self.proc.poll() is not None:
            return
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(5)

    def tail(self, lines: int = 20) -> str:
        if not self.log or not self.log.exists():
            return ""
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])


async def wait_ready(base: str, proc: Process, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    async with httpx.AsyncClient(base_url=base, timeout=5, trust_env=False) as client:
        while time.monotonic() < deadline:
            if not proc.alive():
                raise RuntimeError(f"the server exited:\n{proc.tail()}")
            with contextlib.suppress(httpx.TransportError):
                if (await client.get("/health/ready")).status_code == 200:
                    return
            await asyncio.sleep(0.2)
    raise RuntimeError(f"the server did not get ready in {timeout} s:\n{proc.tail()}")


class Served(str):
    """The page server's base URL, knowing the process that serves it."""

    pid: int


@contextlib.contextmanager
def page_server(folder: Path) -> Iterator[Served]:
    """Serve `folder` on 127.0.0.1 from a process of its own (the benchmark's client stays free)."""
    port = free_port()
    proc = Process(
        [PYTHON, "-m", "http.server", "--bind", "127.0.0.1", "--directory", str(folder), str(port)],
        env=dict(os.environ),
    )
    try:
        deadline = time.monotonic() + 15
        while not _answers("127.0.0.1", port):
            if time.monotonic() > deadline or not proc.alive():
                raise RuntimeError("the page server did not start")
            time.sleep(0.05)
        served = Served(f"http://127.0.0.1:{port}")
        served.pid = proc.pid
        yield served
    finally:
        proc.stop()


# -- measurements ------------------------------------------------------------------------


def percentile(values: Sequence[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q / 100 * len(ordered) + 0.5) - 1))
    return ordered[index]


def latency_figures(seconds: Sequence[float]) -> dict[str, float]:
    ms = [s * 1000 for s in seconds]
    return {
        "n": len(ms),
        "p50_ms": round(percentile(ms, 50), 2),
        "p99_ms": round(percentile(ms, 99), 2),
        "max_ms": round(max(ms), 2) if ms else float("nan"),
        "mean_ms": round(statistics.fmean(ms), 2) if ms else float("nan"),
    }


def rss_mb(pid: int) -> float:
    """Resident memory of one process, from /proc (0 when it is gone)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def pss_mb(pid: int) -> float:
    """Proportional memory of one process: pages shared with others (the forkserver's parse
    processes share the parser's) count by their share, so a sum over processes is honest."""
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def descendants(pid: int) -> list[int]:
    found: list[int] = []
    stack = [pid]
    while stack:
        current = stack.pop()
        for task in Path(f"/proc/{current}/task").glob("*/children"):
            with contextlib.suppress(OSError):
                for child in task.read_text().split():
                    found.append(int(child))
                    stack.append(int(child))
    return found


def cpu_s(pid: int) -> float:
    """CPU time (user + system) one process and its children that have ended have used so
    far, from /proc (0 when it is gone). Counting ended children keeps the CPU of a parse
    process that was replaced, or a database backend that closed, with its parent."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return sum(int(f) for f in fields[11:15]) / os.sysconf("SC_CLK_TCK")


def postgres_pids() -> list[int]:
    """Every PostgreSQL process on the machine (the server runs beside the benchmark)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/comm"):
        with contextlib.suppress(OSError):
            if stat.read_text().startswith("postgres"):
                found.append(int(stat.parent.name))
    return found


class CpuLedger:
    """Who used the CPU between two readings: named groups of processes, each group's
    processes found again at each reading (a parse pool's processes, PostgreSQL backends)."""

    def __init__(self, groups: dict[str, object]) -> None:
        self.groups = groups  # name -> callable returning the group's pids
        self.start = self._read()

    def _read(self) -> dict[str, dict[int, float]]:
        return {
            name: {pid: cpu_s(pid) for pid in pids()}  # type: ignore[operator]
            for name, pids in self.groups.items()
        }

    def spent(self) -> dict[str, float]:
        """CPU seconds per group since the ledger opened (processes that ended are lost)."""
        now = self._read()
        return {
            name: round(sum(t - self.start[name].get(pid, 0.0) for pid, t in now[name].items()), 2)
            for name in now
        }


# -- load --------------------------------------------------------------------------------

_WRK_LATENCY = re.compile(r"^\s+(50|75|90|99)%\s+([\d.]+)(us|ms|s)\s*$", re.M)
_WRK_RPS = re.compile(r"Requests/sec:\s+([\d.]+)")
_WRK_ERRORS = re.compile(r"Non-2xx or 3xx responses:\s+(\d+)")
_WRK_TIMEOUTS = re.compile(r"Socket errors:.*timeout (\d+)")
_UNIT = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def have_wrk() -> bool:
    return shutil.which("wrk") is not None


def _lua(paths: Sequence[str]) -> str:
    """Requests cycling through `paths`, saying they accept gzip as browsers and HTTP
    libraries (httpx, requests) do."""
    quoted = ", ".join(json.dumps(p) for p in paths)
    return (
        f"local paths = {{{quoted}}}\nlocal i = 0\n"
        'local headers = {["Accept-Encoding"] = "gzip, deflate"}\n'
        "request = function()\n  i = i % #paths + 1\n"
        "  return wrk.format('GET', paths[i], headers)\nend\n"
    )


def wrk(base: str, paths: Sequence[str], *, connections: int, seconds: int) -> dict[str, float]:
    """p50/p99 and requests/s of GETs cycling through `paths`, from wrk (one thread)."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(_lua(paths))
    try:
        out = subprocess.run(
            ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--latency", "--timeout", "10s",
             "-s", script.name, base],
            capture_output=True, text=True, timeout=seconds + 30, check=True,
        ).stdout  # fmt: skip
    finally:
        os.unlink(script.name)
    latency = {m[0]: float(m[1]) * _UNIT[m[2]] for m in _WRK_LATENCY.findall(out)}
    errors = _WRK_ERRORS.search(out)
    rps = float(_WRK_RPS.search(out).group(1))  # type: ignore[union-attr]
    timeouts = _WRK_TIMEOUTS.search(out)
    if rps == 0 or "50" not in latency:
        # Nothing finished in time: wrk's latency lines then describe no request at all.
        latency = {"50": float("inf"), "99": float("inf")}
    return {
        "rps": round(rps, 1),
        "p50_ms": round(latency["50"], 2),
        "p99_ms": round(latency["99"], 2),
        "errors": int(errors.group(1)) if errors else 0,
        "timeouts": int(timeouts.group(1)) if timeouts else 0,
    }


async def async_load(
    base: str, paths: Sequence[str], *, connections: int, seconds: int
) -> dict[str, float]:
    """The same measurement as wrk() with httpx, for machines without wrk (the client then
    costs CPU the server would have had, so ratios come out closer to 1)."""
    latencies: list[float] = []
    errors = 0
    stop = time.monotonic() + seconds
    counter = 0

    async def one(client: httpx.AsyncClient) -> None:
        nonlocal errors, counter
        while time.monotonic() < stop:
            path = paths[counter % len(paths)]
            counter += 1
            started = time.perf_counter()
            response = await client.get(path)
            latencies.append(time.perf_counter() - started)
            errors += response.status_code >= 400

    limits = httpx.Limits(max_connections=connections, max_keepalive_connections=connections)
    async with httpx.AsyncClient(base_url=base, timeout=10, limits=limits, trust_env=False) as c:
        began = time.perf_counter()
        await asyncio.gather(*(one(c) for _ in range(connections)))
        elapsed = time.perf_counter() - began
    figures = latency_figures(latencies)
    return {
        "rps": round(len(latencies) / elapsed, 1),
        "p50_ms": figures["p50_ms"] if latencies else float("inf"),
        "p99_ms": figures["p99_ms"] if latencies else float("inf"),
        "errors": errors,
        "timeouts": 0,
    }


async def load(
    base: str, paths: Sequence[str], *, connections: int = 4, seconds: int = 8
) -> dict[str, float]:
    if have_wrk():
        return await asyncio.to_thread(wrk, base, paths, connections=connections, seconds=seconds)
    return await async_load(base, paths, connections=connections, seconds=seconds)
