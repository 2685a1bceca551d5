"""The product's app with one extra route for benchmarks: a floor to measure the others against.

    PYTHONPATH=. granian --interface asgi tests.bench.app:app       (or uvicorn tests.bench.app:app)
    python tests/bench/app.py uvicorn|granian --port N --workers W

`GET /bench/floor` runs `SELECT 1` through the same pool, connection dependency, middleware,
read guard and serialiser as the real routes and answers a page of one item, so an endpoint's
requests/s over the floor's is the share of the server's capacity its own query and shaping
leave. The route exists only in this benchmark's app instance, never in the product.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import msgspec
from litestar import Litestar, get

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from service.app import from_environment  # noqa: E402
from service.auth import require_scope  # noqa: E402
from service.http import Conn  # noqa: E402


class FloorItem(msgspec.Struct, frozen=True):
    value: int


class FloorPage(msgspec.Struct, frozen=True):
    items: list[FloorItem]
    next_cursor: str | None


# Guarded as every read is: the guard counts the request against the caller's rate limit (a
# query) before the route runs. The floor predates the guards (issue 5) and went without,
# which charged each list endpoint a round trip and the guard's work it does not own.
@get("/bench/floor", include_in_schema=False, guards=[require_scope("read")])
async def floor(conn: Conn) -> FloorPage:
    return FloorPage(items=[FloorItem(await conn.fetchval("SELECT 1"))], next_cursor=None)


def build() -> Litestar:
    """The app as an ASGI server imports it in production, plus the floor."""
    app = from_environment()
    app.register(floor)
    return app


app = build()


def main() -> None:
    args = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    args.add_argument("server", choices=["uvicorn", "granian"])
    args.add_argument("--port", type=int, required=True)
    args.add_argument("--workers", type=int, default=1)
    opts = args.parse_args()
    if opts.server == "uvicorn":
        import uvicorn  # noqa: PLC0415

        uvicorn.run(
            "tests.bench.app:app", host="127.0.0.1", port=opts.port, workers=opts.workers,
            log_config=None, access_log=False,
        )  # fmt: skip
    else:
        from granian import Granian  # noqa: PLC0415
        from granian.constants import Interfaces  # noqa: PLC0415

        Granian(
            "tests.bench.app:app", address="127.0.0.1", port=opts.port, workers=opts.workers,
            interface=Interfaces.ASGI, log_access=False,
        ).serve()  # fmt: skip


if __name__ == "__main__":
    main()
