"""Bot replicas over one ledger: a request one accepted and another is sent again gets 401.

The signatures seen are kept in the ledger's database, so every replica knows
them: two bots on one database, served over real HTTP on 127.0.0.1 (built in
this process, and as two `milestone serve` processes), on each store. A
signature is kept while its request could pass the timestamp check, and
pruned after.
"""

from __future__ import annotations

import logging
import os
import signal
import time
from collections.abc import Iterator

import pytest
from bot_harness import SECRET, Served, milestone_process, output_line
from freezegun import freeze_time
from slack_standin import SlackSender, signature

from bot import build
from bot.server import HttpService
from bot.verification import CLOCK_MARGIN, WINDOW, SlackSignature
from ledger.ledger import Ledger
from ledger.store import Store, sightings

pytest_plugins = ["bot_fixtures"]

FORM = "application/x-www-form-urlencoded"
REPLAY = "already answered (a replay)"


@pytest.fixture
def second(served: Served) -> Iterator[SlackSender]:
    """Another bot (another create_app) on the served bot's database, over HTTP."""
    bot = build(served.settings.with_changes(channel=None))
    service = HttpService(bot, host="127.0.0.1", port=0).start()
    try:
        yield SlackSender(service.url, SECRET, served.slack)
    finally:
        service.stop()


def _refusals(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if "refused a request" in r.getMessage()]


def test_a_request_replayed_to_another_replica_is_refused_with_401(served, second, caplog):
    caplog.set_level(logging.INFO)
    body, _ = served.sender.command_body('retitle DM-AP-18 "MARKER-IN-THE-BODY"')
    stamp = str(int(time.time()))
    before = served.count()

    first = served.sender.post(body, content_type=FORM, timestamp=stamp)
    to_second = second.post(body, content_type=FORM, timestamp=stamp)
    to_first = served.sender.post(body, content_type=FORM, timestamp=stamp)
    other_body, _ = second.command_body("show DM-AP-19")
    other = second.post(other_body, content_type=FORM, timestamp=stamp)

    assert (first.status, to_second.status, to_first.status, other.status) == (200, 401, 401, 200)
    assert to_second.body == to_first.body == b'{"error": "invalid request"}'
    assert served.count() == before + 1
    assert "Alert distribution" in other.text
    refusals = _refusals(caplog)
    assert len(refusals) == 2 and all(REPLAY in r for r in refusals)
    assert not [r for r in refusals if "MARKER" in r or "retitle" in r]


def test_a_signature_is_kept_while_its_request_could_pass_and_pruned_after(ledger, db_url):
    # Two replicas: two stores on one database, each as a process of its own opens it.
    stores = [Store.open(db_url), Store.open(db_url)]
    one, two = (SlackSignature(SECRET, sightings=store, ack_budget=2.0) for store in stores)
    try:
        with freeze_time("2030-01-02 03:04:05") as clock:
            stamp = str(int(time.time()))
            sent = [(f"text=show+DM-AP-{n}", stamp) for n in (1, 2)]
            signed = [(body, ts, signature(SECRET, ts, body.encode())) for body, ts in sent]

            accepted = [one.refusal(*signed[0]), two.refusal(*signed[1])]
            replays = [two.refusal(*signed[0]), one.refusal(*signed[1])]
            clock.tick(WINDOW - 1)
            late_replay = two.refusal(*signed[0])  # still valid: still refused as a replay
            with stores[0].reading() as conn:
                kept = sightings.count(conn)

            clock.tick(CLOCK_MARGIN + 2)  # the requests are too old to pass anyway
            stale = one.refusal(*signed[0])
            now = str(int(time.time()))
            fresh = one.refusal("text=plan", now, signature(SECRET, now, b"text=plan"))
            with stores[1].reading() as conn:
                left = sightings.count(conn)
    finally:
        for store in stores:
            store.close()

    assert accepted == [None, None]
    assert all(REPLAY in (r or "") for r in (*replays, late_replay))
    assert "over five minutes off" in (stale or "")
    assert fresh is None
    assert (kept, left) == (2, 1)  # both kept, then both pruned as the third came


def test_when_the_database_is_too_busy_to_say_the_request_is_let_in_and_logged(
    sqlite_url, admin_key, caplog
):
    caplog.set_level(logging.WARNING)
    book = Ledger.create(sqlite_url, name="plan", signer=admin_key, actor="alice")
    check = SlackSignature(SECRET, sightings=book.store, ack_budget=2.0)
    stamp = str(int(time.time()))
    body = "text=show+DM-AP-1"
    signed = (body, stamp, signature(SECRET, stamp, body.encode()))
    try:
        with book.store.writing():  # a long append at a terminal holds SQLite's write lock
            started = time.monotonic()
            let_in = check.refusal(*signed)
            waited = time.monotonic() - started
        replay = check.refusal(*signed)
    finally:
        book.close()

    assert let_in is None and 0.2 < waited < 2.0  # an eighth of the 2 s to acknowledge
    assert [r.getMessage() for r in caplog.records] == [
        "could not check whether a request is a replay, so it is let in: the database at "
        f"{sqlite_url} was busy for over 0.25 s (another writer holds its lock); the request "
        "was not recorded"
    ]
    assert replay is None  # nothing was recorded, so nothing is known to refuse it by


@pytest.mark.slow
def test_two_milestone_serve_processes_refuse_a_request_replayed_between_them(served):
    env = {
        **os.environ,
        "SLACK_BOT_TOKEN": "xoxb-test-token",
        "SLACK_SIGNING_SECRET": SECRET,
        "MILESTONE_SLACK_API_URL": served.slack.api_url,
        "MILESTONE_BOT_KEY": str(served.settings.bot_key),
    }
    env.pop("MILESTONE_SLACK_CHANNEL", None)
    args = ("--db", served.settings.db_url, "serve", "--port", "0", "--no-web")
    processes = [milestone_process(*args, env=env) for _ in range(2)]
    try:
        senders = []
        for process in processes:
            line = output_line(process.stdout, 30)
            assert line.startswith("serving http://127.0.0.1:"), line
            senders.append(SlackSender(line.split()[1], SECRET, served.slack))
        body, _ = senders[0].command_body("complete DM-AP-18")
        stamp = str(int(time.time()))
        before = served.count()

        first = senders[0].post(body, content_type=FORM, timestamp=stamp)
        replayed = senders[1].post(body, content_type=FORM, timestamp=stamp)
        other = senders[1].command("show DM-AP-18")

        assert (first.status, replayed.status, other.status) == (200, 401, 200)
        assert "Recorded" in first.text and "done" in other.text
        assert served.count() == before + 1
    finally:
        for process in processes:
            process.send_signal(signal.SIGTERM)
        codes = []
        for process in processes:
            try:
                codes.append(process.wait(timeout=20))
            finally:
                process.kill()
    logs = [process.stderr.read() for process in processes]
    assert codes == [0, 0], logs
    assert REPLAY in logs[1] and "complete DM-AP-18" not in logs[1]
