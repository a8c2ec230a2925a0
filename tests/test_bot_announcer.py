"""The announcer: every event, however appended, posted to the channel exactly once."""

import logging
import re
import time

from bot_harness import CHANNEL, announced
from typer.testing import CliRunner

from bot import Announcer, build_announcer
from bot.access import LedgerAccess
from bot.app import web_client
from cli.app import app as cli_app
from ledger import requests as rq
from ledger.execute import record

pytest_plugins = ["bot_fixtures"]


def _announced_seqs(slack):
    return [int(n) for post in slack.posts() for n in re.findall(r"`#(\d+)`", str(post["blocks"]))]


def _complete_at_terminal(served, code):
    result = CliRunner().invoke(
        cli_app,
        [
            "--db",
            served.settings.db_url,
            "--key",
            str(served.tmp_path / "keys" / "alice.pem"),
            "complete",
            code,
        ],
    )
    assert result.exit_code == 0, result.output
    return served.events()[-1].seq


def test_a_change_at_the_terminal_is_announced_once_and_not_again_after_a_restart(served):
    first = _complete_at_terminal(served, "DM-AP-18")
    served.slack.wait_for(announced(served, first), what=f"#{first}")

    served.restart()
    second = _complete_at_terminal(served, "DM-AP-19")
    served.slack.wait_for(announced(served, second), what=f"#{second}")

    assert _announced_seqs(served.slack) == [first, second]
    post = announced(served, first)(served.slack)[0]
    assert post["channel"] == CHANNEL
    assert "alice completed DM-AP-18" in post["text"]


def test_on_its_first_start_the_announcer_posts_nothing_from_before(served_sqlite):
    seq = _complete_at_terminal(served_sqlite, "DM-AP-18")

    served_sqlite.slack.wait_for(announced(served_sqlite, seq), what=f"#{seq}")

    assert _announced_seqs(served_sqlite.slack) == [seq]  # not the 12 seeded events


def test_replicas_sharing_a_database_announce_each_event_once(served):
    replicas = [
        Announcer(
            access=LedgerAccess(db_url=served.settings.db_url, signer=None),
            client=web_client(served.settings),
            channel=CHANNEL,
            batch=3,
            idle=0.05,
        )
        for _ in range(2)
    ]
    for replica in replicas:
        replica.start()
    try:
        for day in range(1, 26):
            record(
                rq.MoveMilestone(code="DM-AP-18", to=f"2031-01-{day:02d}"),
                ledger=served.ledger,
                signer=served.admin,
            )
        last = served.events()[-1].seq
        served.slack.wait_for(lambda s: last in _announced_seqs(s), what="the last move")
    finally:
        for replica in replicas:
            replica.stop()
            replica.access.close()

    seqs = _announced_seqs(served.slack)
    assert sorted(seqs) == list(range(last - 24, last + 1))


def test_an_announcement_slack_refuses_is_logged_with_a_hint_and_later_ones_go_out(
    served_sqlite, caplog
):
    served_sqlite.slack.errors["chat.postMessage"] = "not_in_channel"
    caplog.set_level(logging.ERROR, logger="bot.announcer")
    refused = _complete_at_terminal(served_sqlite, "DM-AP-18")
    served_sqlite.slack.wait_for(lambda s: s.posts(), what="the refused post")
    deadline = time.monotonic() + 5
    while "invite the bot" not in caplog.text and time.monotonic() < deadline:
        time.sleep(0.01)

    del served_sqlite.slack.errors["chat.postMessage"]
    later = _complete_at_terminal(served_sqlite, "DM-AP-19")
    served_sqlite.slack.wait_for(announced(served_sqlite, later), what=f"#{later}")

    assert f"#{refused}" in caplog.text and "invite the bot" in caplog.text
    assert _announced_seqs(served_sqlite.slack) == [refused, later]  # each attempted once


def test_the_announcer_runs_on_its_own_without_the_bots_key(served_sqlite):
    settings = served_sqlite.settings.with_changes(
        bot_key=served_sqlite.tmp_path / "no-such-key.pem",
        announcer="standalone",
        announcer_wait=0.05,
    )
    announcer = build_announcer(settings)
    announcer.start()
    try:
        seq = _complete_at_terminal(served_sqlite, "DM-AP-18")
        served_sqlite.slack.wait_for(
            lambda s: _announced_seqs(s).count(seq) == 2, what="both announcers"
        )
    finally:
        announcer.stop()
        announcer.access.close()

    assert _announced_seqs(served_sqlite.slack) == [seq, seq]  # one per announcer name


def test_a_follower_cursor_moves_only_from_where_its_caller_saw_it(ledger):
    store = ledger.store

    claims = [
        store.advance_cursor("f", expected=0, to=3),
        store.advance_cursor("f", expected=0, to=5),  # a second first run lost the race
        store.advance_cursor("f", expected=3, to=7),
        store.advance_cursor("f", expected=3, to=9),  # another replica moved it first
    ]

    assert claims == [True, False, True, False]
    assert store.cursor("f") == 7
