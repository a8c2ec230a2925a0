"""`python -m web`: serve the read-only web view alone (what `milestone web` hands over to).

The composition root of the web view as a program: settings come from the
environment here and nowhere else. `app_from_environ` is the same for a
server that mounts the pages beside something else (`milestone serve`).
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
from collections.abc import Sequence

from ledger.errors import LedgerError
from web.app import WebApp, create_app
from web.server import Server
from web.settings import Settings


def parser() -> argparse.ArgumentParser:
    """The options of `python -m web` (and so of `milestone web`)."""
    options = argparse.ArgumentParser(
        prog="milestone web",
        description="Serve the read-only web view of the ledger at http://HOST:PORT/. "
        "Configured by MILESTONE_DB_URL, MILESTONE_WEB_TOKEN and MILESTONE_WEB_TRUST_HEADER; "
        "see the README.",
    )
    options.add_argument("--db", help="the ledger database URL (default: MILESTONE_DB_URL)")
    options.add_argument("--host", default="127.0.0.1", help="address to listen on")
    options.add_argument("--port", type=int, default=8000, help="HTTP port")
    return options


def app_from_environ() -> WebApp:
    """The web view configured from the environment (for `milestone serve`'s mount)."""
    return create_app(Settings.from_env(os.environ))


def _interrupt(_signum: int, _frame: object) -> None:
    raise KeyboardInterrupt


def main(argv: Sequence[str] | None = None) -> int:
    """Serve until interrupted (Ctrl-C or SIGTERM: a clean stop, status 0)."""
    args = parser().parse_args(argv)
    signal.signal(signal.SIGTERM, _interrupt)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    try:
        app = create_app(Settings.from_env(os.environ, db_url=args.db))
        server = Server(app, host=args.host, port=args.port)
        print(f"serving {server.url} (Ctrl-C stops)", flush=True)
        server.run()
    except KeyboardInterrupt:
        return 0
    except LedgerError as error:
        print(f"error: {error}", file=sys.stderr)
        return error.exit_code
    return 0


if __name__ == "__main__":
    sys.exit(main())
