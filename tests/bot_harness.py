"""Helpers for the Slack bot tests: Slack users, a seeded plan, a served bot to drive.

The fixtures that start the bot are in `bot_fixtures` (a pytest plugin the
bot test modules name in `pytest_plugins`).
"""

from __future__ import annotations

import select
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import IO

from slack_standin import TEAM, SlackSender, SlackStandIn

from bot import Settings, build
from bot.server import HttpService
from ledger import requests as rq
from ledger.execute import record
from ledger.ledger import Ledger
from ledger.signing import Signer
from ledger.state import Recorded
from ledger.verify import verify_rows

SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
CHANNEL = "CANNOUNCE"
ALICE = f"slack:{TEAM}/UALICE"  # editor and approver
ADMIN = f"slack:{TEAM}/UADMIN"  # admin
BOB = f"slack:{TEAM}/UBOB"  # no roles


def days_from_today(days: int) -> str:
    """An ISO date relative to today (UTC), as the bot judges 'today'."""
    return (datetime.now(UTC).date() + timedelta(days=days)).isoformat()


@dataclass
class Served:
    """A running bot and everything around it."""

    ledger: Ledger  # the test's own handle on the same database
    admin: Signer
    bot_key: Signer
    settings: Settings
    service: HttpService
    slack: SlackStandIn
    sender: SlackSender
    tmp_path: Path

    def events(self) -> list[Recorded]:
        """Every event, re-read from the database."""
        self.ledger.refresh()
        return list(self.ledger.log)

    def count(self) -> int:
        """How many events the ledger holds."""
        return len(self.events())

    def verified(self) -> bool:
        """Whether `milestone verify` passes on the whole log."""
        report = verify_rows(self.ledger.store.iter_all())
        assert report.ok, report.failure
        return report.ok

    def restart(self, **changes: object) -> None:
        """Stop the bot and start a new one on the same database (and announcer cursor)."""
        self.service.stop()
        self.settings = self.settings.with_changes(**changes)
        self.service = HttpService(build(self.settings), host="127.0.0.1", port=0).start()
        self.sender = SlackSender(self.service.url, SECRET, self.slack)


def seed(ledger: Ledger, admin: Signer, bot_key: Signer) -> None:
    """A small plan, the bot's delegate key, and Slack users with roles."""
    record(
        rq.AddKey(actor="bot:slack", public_key=bot_key.public_raw, delegate_for="slack:"),
        ledger=ledger,
        signer=admin,
    )
    for actor, role in ((ALICE, "editor"), (ALICE, "approver"), (ADMIN, "admin")):
        record(rq.GrantRole(actor=actor, role=role), ledger=ledger, signer=admin)

    def define(**values: object) -> None:
        record(rq.DefineMilestone(**values), ledger=ledger, signer=admin)  # type: ignore[arg-type]

    define(code="LDM-503-01", title="First release", due=days_from_today(60), level=2)
    define(
        code="LDM-503-02",
        title="Second release",
        due=days_from_today(120),
        level=2,
    )
    define(
        code="DM-AP-18",
        title="Alert packet generation",
        due=days_from_today(10),
        releases=["LDM-503-01"],
    )
    define(
        code="DM-AP-19",
        title="Alert distribution",
        due=days_from_today(-5),
        releases=["LDM-503-01"],
    )
    define(
        code="DM-SQRE-3",
        title="Science platform",
        due=days_from_today(90),
        releases=["LDM-503-02"],
    )


def announced(served: Served, seq: int) -> Callable[[SlackStandIn], list[dict[str, object]]]:
    """A check for the stand-in: the channel posts that mention event `#seq`."""
    return lambda slack: [
        p for p in slack.posts() if p.get("channel") == CHANNEL and f"`#{seq}`" in str(p)
    ]


def milestone_process(*args: str, env: dict[str, str]) -> subprocess.Popen[str]:
    """`milestone ARGS` started from this virtual environment, its output piped as text."""
    executable = Path(sys.executable).with_name("milestone")
    return subprocess.Popen(
        [str(executable), *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def output_line(stream: IO[str], timeout: float) -> str:
    """The next line a process writes to `stream`, waited for at most `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        ready, _, _ = select.select([stream], [], [], 0.1)
        if ready:
            return stream.readline()
    raise AssertionError("no output in time")
