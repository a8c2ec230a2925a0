"""Fixtures for the Slack bot tests: a seeded ledger, the bot served for real, Slack stood in.

`served` runs on each store (`db_url`); `served_sqlite` on SQLite only, for
the many flows where the store makes no difference to the bot; `shared_sqlite`
is one served bot for a whole module, for tests that record nothing.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from bot_harness import CHANNEL, SECRET, Served, seed
from conftest import make_key
from slack_standin import SlackSender, SlackStandIn

from bot import Settings, build
from bot.server import HttpService
from ledger.ledger import Ledger
from ledger.signing import Signer, generate_key_file


def serve(db_url: str, admin: Signer, tmp_path: Path, **changes: object) -> Iterator[Served]:
    """Create and seed a ledger at `db_url`, serve the bot over it, and clean up after."""
    ledger = Ledger.create(
        db_url, name="test plan", signer=admin, actor="alice", baseline_control=False
    )
    bot_key = make_key(tmp_path, "bot")
    seed(ledger, admin, bot_key)
    with SlackStandIn() as slack:
        settings = Settings(
            bot_token="xoxb-test-token",
            db_url=db_url,
            bot_key=tmp_path / "keys" / "bot.pem",
            signing_secret=SECRET,
            api_url=slack.api_url,
            channel=CHANNEL,
            announcer_wait=0.1,
        )
        settings = settings.with_changes(**changes)
        service = HttpService(build(settings), host="127.0.0.1", port=0).start()
        _announcer_started(ledger, settings)
        served = Served(
            ledger,
            admin,
            bot_key,
            settings,
            service,
            slack,
            SlackSender(service.url, SECRET, slack),
            tmp_path,
        )
        try:
            yield served
        finally:
            served.service.stop()
            ledger.close()


def _announcer_started(ledger: Ledger, settings: Settings) -> None:
    """Wait until the announcer's first run has set its cursor at the head, so that what a
    test records next is announced rather than taken for history."""
    deadline = time.monotonic() + 10
    while settings.channel and ledger.store.cursor(settings.announcer) == 0:
        assert time.monotonic() < deadline, "the announcer did not start"
        time.sleep(0.01)


@pytest.fixture
def served(db_url: str, admin_key: Signer, tmp_path: Path) -> Iterator[Served]:
    """The bot served on 127.0.0.1 over a seeded ledger, on each store."""
    yield from serve(db_url, admin_key, tmp_path)


@pytest.fixture
def served_sqlite(sqlite_url: str, admin_key: Signer, tmp_path: Path) -> Iterator[Served]:
    """The bot served on 127.0.0.1 over a seeded SQLite ledger."""
    yield from serve(sqlite_url, admin_key, tmp_path)


@pytest.fixture(scope="module")
def shared_sqlite(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """One served bot for a module's tests that must record nothing (and check they do not)."""
    tmp_path = tmp_path_factory.mktemp("bot")
    admin = generate_key_file(tmp_path / "keys" / "alice.pem")
    yield from serve(f"sqlite:///{tmp_path / 'milestones.db'}", admin, tmp_path)
