"""The command line: serve, worker, migrate, openapi, keys."""

from __future__ import annotations

import argparse
import asyncio
import signal
import sys
from pathlib import Path

import msgspec

from service import config, db, log
from service.auth import cli as keys_cli


def _database_url(settings: config.Settings) -> str:
    return settings.database_url or db.embedded_url(settings.data_dir)


def cmd_serve(settings: config.Settings, _: argparse.Namespace) -> int:
    import uvicorn  # noqa: PLC0415

    from service.app import create_app  # noqa: PLC0415

    settings = msgspec.structs.replace(settings, database_url=_database_url(settings))
    app = create_app(settings)
    log.get(__name__).info(
        "serving", host=settings.host, port=settings.port, worker=settings.run_worker
    )
    uvicorn.run(app, host=settings.host, port=settings.port, log_config=None, access_log=False)
    return 0


async def _worker(settings: config.Settings) -> None:
    import multiprocessing  # noqa: PLC0415
    import os  # noqa: PLC0415
    from concurrent.futures import ProcessPoolExecutor  # noqa: PLC0415

    from service.articles import fetch  # noqa: PLC0415
    from service.companies.sync import sync_registry  # noqa: PLC0415
    from service.jobs.worker import Worker  # noqa: PLC0415

    async with db.pool_lifespan(
        settings.database_url or "", min_size=1, max_size=settings.worker_concurrency + 2
    ) as pool:
        async with pool.acquire() as conn:
            await db.migrate(conn)
            await sync_registry(conn)
        processes = settings.parse_processes or os.cpu_count() or 1
        with ProcessPoolExecutor(
            processes, mp_context=multiprocessing.get_context("forkserver")
        ) as ex:
            async with fetch.make_client(
                user_agent=settings.user_agent,
                connect_timeout=settings.fetch_connect_timeout,
                read_timeout=settings.fetch_timeout,
            ) as client:
                worker = Worker(pool=pool, client=client, executor=ex, settings=settings)
                loop = asyncio.get_running_loop()
                for sig in (signal.SIGTERM, signal.SIGINT):
                    loop.add_signal_handler(sig, worker.stop)
                await worker.run()


def cmd_worker(settings: config.Settings, _: argparse.Namespace) -> int:
    settings = msgspec.structs.replace(settings, database_url=_database_url(settings))
    asyncio.run(_worker(settings))
    return 0


async def _migrate(url: str) -> list[str]:
    from service.companies.sync import sync_registry  # noqa: PLC0415

    async with db.pool_lifespan(url, min_size=1, max_size=1) as pool, pool.acquire() as conn:
        applied = await db.migrate(conn)
        await sync_registry(conn)
        return applied


def cmd_migrate(settings: config.Settings, _: argparse.Namespace) -> int:
    applied = asyncio.run(_migrate(_database_url(settings)))
    print(f"{len(applied)} migration(s) applied" + (": " + ", ".join(applied) if applied else ""))
    return 0


def cmd_openapi(settings: config.Settings, args: argparse.Namespace) -> int:
    from service.app import create_app  # noqa: PLC0415

    document = openapi_document(
        create_app(msgspec.structs.replace(settings, database_url="postgresql://unused"))
    )
    if args.output == "-":
        sys.stdout.write(document)
    else:
        Path(args.output).write_text(document, encoding="utf-8")
    return 0


def cmd_keys(settings: config.Settings, args: argparse.Namespace) -> int:
    return keys_cli.run(settings, args, _database_url(settings))


def openapi_document(app: object) -> str:
    """The OpenAPI document as committed: sorted keys, two-space indent, final newline."""
    import json  # noqa: PLC0415

    schema = app.openapi_schema.to_schema()  # type: ignore[attr-defined]
    return json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m service", description="Outlay")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("serve", help="run the API (and a worker, unless OUTLAY_RUN_WORKER=false)")
    sub.add_parser("worker", help="run ingestion workers only")
    sub.add_parser("migrate", help="apply database migrations and sync the company registry")
    p = sub.add_parser("openapi", help="write the OpenAPI document")
    p.add_argument("--output", default="openapi/openapi.json")
    keys_cli.register(sub)
    args = parser.parse_args(argv)
    try:
        settings = config.from_env()
    except config.ConfigError as exc:
        print(f"configuration error: {exc}", file=sys.stderr)
        return 2
    log.configure(fmt=settings.log_format, level=settings.log_level)
    commands = {
        "serve": cmd_serve,
        "worker": cmd_worker,
        "migrate": cmd_migrate,
        "openapi": cmd_openapi,
        "keys": cmd_keys,
    }
    return commands[args.command](settings, args)


if __name__ == "__main__":
    raise SystemExit(main())
