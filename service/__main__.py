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

    class Server(uvicorn.Server):
        """On SIGTERM the worker stops claiming at once, while requests in flight finish."""

        def handle_exit(self, sig: int, frame: object) -> None:
            worker = app.state.get("worker")
            if worker is not None:
                worker.stop()
            super().handle_exit(sig, frame)  # type: ignore[arg-type]
            # Once drained, exit normally instead of re-raising the signal, so that exit
            # handlers run: they stop the embedded PostgreSQL that `make run` started.
            self._captured_signals.clear()

    log.get(__name__).info(
        "serving", host=settings.host, port=settings.port, worker=settings.run_worker
    )
    Server(
        uvicorn.Config(
            app,
            host=settings.host,
            port=settings.port,
            log_config=None,
            access_log=False,
            timeout_graceful_shutdown=int(settings.shutdown_grace) or 1,
        )
    ).run()
    return 0


async def _worker(settings: config.Settings) -> None:
    from service.companies.sync import sync_registry  # noqa: PLC0415
    from service.figures.rates import sync_rates  # noqa: PLC0415
    from service.jobs.runner import running_worker, worker_pool  # noqa: PLC0415
    from service.observability import metrics  # noqa: PLC0415

    if settings.metrics_port:
        metrics.serve_standalone(settings.metrics_port, settings.host)
    async with worker_pool(settings.database_url or "", settings) as pool:
        async with pool.acquire() as conn:
            await db.migrate(conn)
            await sync_registry(conn)
            await sync_rates(conn)
        async with running_worker(pool, settings) as worker:
            loop = asyncio.get_running_loop()
            for sig in (signal.SIGTERM, signal.SIGINT):
                loop.add_signal_handler(sig, worker.stop)
            assert worker.task is not None
            await worker.task


def cmd_worker(settings: config.Settings, _: argparse.Namespace) -> int:
    settings = msgspec.structs.replace(settings, database_url=_database_url(settings))
    asyncio.run(_worker(settings))
    return 0


async def _migrate(url: str) -> list[str]:
    from service.companies.sync import sync_registry  # noqa: PLC0415
    from service.figures.rates import sync_rates  # noqa: PLC0415

    async with db.pool_lifespan(url, min_size=1, max_size=1) as pool, pool.acquire() as conn:
        applied = await db.migrate(conn)
        await sync_registry(conn)
        await sync_rates(conn)
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


async def _reprocess(url: str, settings: config.Settings, args: argparse.Namespace) -> int:
    import multiprocessing  # noqa: PLC0415
    import os  # noqa: PLC0415
    from concurrent.futures import ProcessPoolExecutor  # noqa: PLC0415

    from service.articles import reprocess  # noqa: PLC0415

    processes = settings.parse_processes or os.cpu_count() or 1
    async with db.pool_lifespan(url, min_size=1, max_size=processes + 2) as pool:
        async with pool.acquire() as conn:
            ids = await reprocess.select_ids(
                conn, article=args.article, before_version=args.before_version
            )
        totals = {"reprocessed": 0, "skipped": 0, "added": 0, "removed": 0, "changed": 0}
        ctx = multiprocessing.get_context("forkserver")
        with ProcessPoolExecutor(processes, mp_context=ctx) as executor:
            limit = asyncio.Semaphore(processes)

            async def one(article_id: int) -> None:
                async with limit:
                    outcome = await reprocess.reprocess(pool, executor, article_id)
                totals[outcome.status] += 1
                for key in ("added", "removed", "changed"):
                    totals[key] += getattr(outcome, key)
                print(msgspec.json.encode(outcome).decode(), flush=True)

            await asyncio.gather(*(one(i) for i in ids))
    print(
        f"{totals['reprocessed']} reprocessed, {totals['skipped']} skipped: "
        f"{totals['added']} claims added, {totals['removed']} removed, {totals['changed']} changed"
    )
    return 0


def cmd_reprocess(settings: config.Settings, args: argparse.Namespace) -> int:
    return asyncio.run(_reprocess(_database_url(settings), settings, args))


async def _add_alias(url: str, slug: str, alias: str) -> int:
    from service.companies.aliases import AliasError, add_alias  # noqa: PLC0415

    async with db.pool_lifespan(url, min_size=1, max_size=1) as pool, pool.acquire() as conn:
        try:
            await add_alias(conn, slug=slug, alias=alias)
        except LookupError:
            print(f"no company with the slug {slug!r}", file=sys.stderr)
            return 1
        except AliasError as exc:
            print(str(exc), file=sys.stderr)
            return 1
    print(f"{alias!r} now names {slug}")
    return 0


def cmd_companies(settings: config.Settings, args: argparse.Namespace) -> int:
    return asyncio.run(_add_alias(_database_url(settings), args.slug, args.alias))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m service", description="Outlay")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("serve", help="run the API (and a worker, unless OUTLAY_RUN_WORKER=false)")
    sub.add_parser("worker", help="run ingestion workers only")
    sub.add_parser("migrate", help="apply database migrations and sync the company registry")
    p = sub.add_parser("openapi", help="write the OpenAPI document")
    p.add_argument("--output", default="openapi/openapi.json")
    p = sub.add_parser("reprocess", help="parse and extract stored pages again")
    which = p.add_mutually_exclusive_group(required=True)
    which.add_argument("--all", action="store_true", help="every article with a stored page")
    which.add_argument("--article", type=int, metavar="ID")
    which.add_argument("--before-version", metavar="V", help="articles extracted before version V")
    p = sub.add_parser("companies", help="manage companies")
    company_commands = p.add_subparsers(dest="company_command", required=True)
    p = company_commands.add_parser("add-alias", help="teach Outlay another name of a company")
    p.add_argument("slug")
    p.add_argument("alias")
    from service import cli  # noqa: PLC0415

    operator_commands = cli.add_parsers(sub)
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
        "reprocess": cmd_reprocess,
        "companies": cmd_companies,
        **operator_commands,
        "keys": cmd_keys,
    }
    return commands[args.command](settings, args)


if __name__ == "__main__":
    raise SystemExit(main())
