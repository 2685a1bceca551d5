"""Operator commands beside serve/worker/migrate: `ingest` a list of URLs, `export claims`."""

from __future__ import annotations

import argparse
from collections.abc import Callable

from service import config

Command = Callable[[config.Settings, argparse.Namespace], int]


def add_parsers(sub: argparse._SubParsersAction) -> dict[str, Command]:  # type: ignore[type-arg]
    """Declare the commands on `python -m service`'s parser; returns name -> handler."""
    from service.cli import export, ingest  # noqa: PLC0415

    ingest.add_parser(sub)
    export.add_parser(sub)
    return {"ingest": ingest.run, "export": export.run}
