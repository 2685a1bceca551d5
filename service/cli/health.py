"""The container's HEALTHCHECK: exit 0 when this container's Outlay answers.

`serve` answers /health/live on OUTLAY_PORT; a worker run alone has no API, so its metrics
port (OUTLAY_METRICS_PORT) answers for it. Standard library only: it runs every 30 s.
"""

from __future__ import annotations

import os
import sys
import urllib.error
import urllib.request


def probe(url: str, timeout: float = 3.0) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310 - loopback
            return bool(response.status == 200)
    except (urllib.error.URLError, OSError):
        return False


def main(env: dict[str, str] | None = None) -> int:
    env = dict(os.environ) if env is None else env
    urls = [f"http://127.0.0.1:{env.get('OUTLAY_PORT', '8000')}/health/live"]
    if env.get("OUTLAY_METRICS_PORT", "0") not in ("", "0"):
        urls.append(f"http://127.0.0.1:{env['OUTLAY_METRICS_PORT']}/metrics")
    for url in urls:
        if probe(url):
            return 0
    print(f"unhealthy: no answer from {', '.join(urls)}", file=sys.stderr)
    return 1


if __name__ == "__main__":
    raise SystemExit(main())
