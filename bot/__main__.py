"""`python -m bot`: serve the Slack bot (what `milestone serve` hands over to).

The composition root of the bot as a program: settings come from the
environment here and nowhere else.
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
from collections.abc import Sequence

from uvicorn.importer import import_from_string

from bot.app import build, build_announcer
from bot.server import EVENTS_PATH, HttpService, serve_socket_mode
from bot.settings import Settings
from ledger.errors import LedgerError


def parser() -> argparse.ArgumentParser:
    """The options of `python -m bot` (and so of `milestone serve`)."""
    options = argparse.ArgumentParser(
        prog="milestone serve",
        description="Run the Slack bot: requests at http://HOST:PORT/slack/events, or Socket "
        "Mode. Configured by SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET, SLACK_APP_TOKEN, "
        "MILESTONE_BOT_KEY, MILESTONE_SLACK_CHANNEL, MILESTONE_SLACK_API_URL, "
        "MILESTONE_WEB_URL and MILESTONE_DB_URL; see docs/slack.md.",
    )
    options.add_argument("--db", help="the ledger database URL (default: MILESTONE_DB_URL)")
    options.add_argument("--host", default="127.0.0.1", help="address to listen on")
    options.add_argument("--port", type=int, default=3000, help="HTTP port")
    options.add_argument("--socket", action="store_true", help="connect by Socket Mode instead")
    options.add_argument(
        "--no-announce", action="store_true", help="do not post changes to the channel"
    )
    options.add_argument(
        "--announce-only", action="store_true", help="run only the announcer (no requests)"
    )
    options.add_argument(
        "--mount",
        metavar="MODULE:FACTORY",
        help="also serve the ASGI app FACTORY() makes at every other path (HTTP mode)",
    )
    return options


def _interrupt(_signum: int, _frame: object) -> None:
    raise KeyboardInterrupt


def main(argv: Sequence[str] | None = None) -> int:
    """Serve until interrupted (Ctrl-C or SIGTERM: a clean stop, status 0)."""
    args = parser().parse_args(argv)
    # uvicorn stops gracefully on SIGTERM, then raises it again for whoever comes after:
    # that is this handler, so the bot is closed (announcer finished) rather than killed.
    signal.signal(signal.SIGTERM, _interrupt)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    announce = not args.no_announce
    try:
        settings = Settings.from_env(os.environ, db_url=args.db)
        if args.announce_only:
            announcer = build_announcer(settings)
            print(f"announcing changes in {settings.channel} (Ctrl-C stops)", flush=True)
            try:
                announcer.run()
            except KeyboardInterrupt:
                pass
            finally:
                announcer.access.close()
            return 0
        if args.socket:
            settings.require_socket()
            print("connecting to Slack by Socket Mode (Ctrl-C stops)", flush=True)
            serve_socket_mode(build(settings), announce=announce)
            return 0
        settings.require_http()
        # The bot knows nothing of what it serves beside it: it is named, like a uvicorn app.
        beside = import_from_string(args.mount)() if args.mount else None
        service = HttpService(
            build(settings), host=args.host, port=args.port, announce=announce, beside=beside
        )
        print(f"serving {service.url} (Ctrl-C stops)", flush=True)
        if beside is not None:
            print(f"and {args.mount} at {service.url.removesuffix(EVENTS_PATH)}/", flush=True)
        service.run()
    except KeyboardInterrupt:
        return 0
    except LedgerError as error:
        print(f"error: {error}", file=sys.stderr)
        return error.exit_code
    return 0


if __name__ == "__main__":
    sys.exit(main())
