"""The announcer keeps Slack's pace: one message a second a channel, bursts as one message,
and as long a wait as a 429's Retry-After asks for. What it posts names titles, and an
approval lists what took effect with it."""

import itertools
import logging
import re

import pytest
from bot_harness import ALICE, announced
from slack_standin import message_text

from bot import Announcer
from bot import announcer as module
from bot.access import LedgerAccess
from bot.announcer import Pace
from bot.app import web_client
from bot.blocks import Reply, section
from bot.limits import problems
from ledger import requests as rq
from ledger.execute import record

pytest_plugins = ["bot_fixtures"]


def _announced_seqs(slack):
    return [int(n) for post in slack.posts() for n in re.findall(r"`#(\d+)`", str(post["blocks"]))]


def test_the_pace_waits_a_second_after_a_post_and_longer_when_slack_asks():
    now = [100.0]
    pace = Pace(interval=1.0, clock=lambda: now[0])

    fresh = pace.delay("C1")
    pace.posted("C1")
    after_post = pace.delay("C1"), pace.delay("C2")
    now[0] += 0.4
    later = pace.delay("C1")
    pace.posted("C1", wait=30)

    assert fresh == 0 and after_post == (1.0, 0)
    assert later == pytest.approx(0.6)
    assert pace.delay("C1") == 30


def test_a_burst_is_announced_in_a_few_messages_a_second_apart_each_event_once(served_sqlite):
    slack = served_sqlite.slack
    slack.post_interval = 1.0  # Slack's pace: a post sooner is refused with 429
    first = served_sqlite.count() + 1

    for day in range(1, 41):
        record(
            rq.MoveMilestone(code="DM-AP-18", to=f"2031-02-{day % 28 + 1:02d}", reason=f"r{day}"),
            ledger=served_sqlite.ledger,
            signer=served_sqlite.admin,
        )
    last = served_sqlite.count()
    slack.wait_for(lambda s: last in _announced_seqs(s), what="the last move")

    calls = slack.post_calls()
    gaps = [b.at - a.at for a, b in itertools.pairwise(calls)]
    assert [c.status for c in calls] == [200] * len(calls)  # never faster than Slack allows
    assert 1 <= len(calls) <= 4 and all(gap >= 0.95 for gap in gaps)
    assert _announced_seqs(slack) == list(range(first, last + 1))
    assert all(problems(p) == [] for p in slack.posts())


def test_a_429_is_waited_out_for_as_long_as_retry_after_says_then_posted_once(
    served_sqlite, caplog
):
    caplog.set_level(logging.WARNING, logger="bot.announcer")
    slack = served_sqlite.slack
    slack.throttle["chat.postMessage"] = ["2"]

    record(
        rq.CompleteMilestone(code="DM-AP-18"),
        ledger=served_sqlite.ledger,
        signer=served_sqlite.admin,
    )
    seq = served_sqlite.count()
    slack.wait_for(announced(served_sqlite, seq), what=f"#{seq}")

    refused, taken = slack.post_calls()
    assert (refused.status, taken.status) == (429, 200)
    assert taken.at - refused.at >= 1.95
    assert len(announced(served_sqlite, seq)(slack)) == 1
    assert "wait 2 s" in caplog.text and "HTTP 429" in caplog.text


def test_an_announcement_names_the_milestones_title(served_sqlite):
    record(
        rq.CompleteMilestone(code="DM-AP-19"),
        ledger=served_sqlite.ledger,
        signer=served_sqlite.admin,
    )
    seq = served_sqlite.count()

    post = served_sqlite.slack.wait_for(announced(served_sqlite, seq), what=f"#{seq}")[0]

    assert "alice completed DM-AP-19 Alert distribution on " in post["text"]


@pytest.fixture
def quiet_announcer(served_sqlite):
    """An announcer of its own, run by hand, posting to a channel of its own."""
    announcer = Announcer(
        access=LedgerAccess(db_url=served_sqlite.settings.db_url, signer=None),
        client=web_client(served_sqlite.settings, wait_when_limited=False),
        channel="CBYHAND",
        name="by-hand",
        web="https://plan.example.org",
    )
    announcer.start_at_head()
    yield announcer
    announcer.access.close()


def _posts(served):
    return [p for p in served.slack.posts() if p["channel"] == "CBYHAND"]


def test_an_approval_lists_the_changes_that_took_effect_with_their_titles(
    served_sqlite, quiet_announcer
):
    ledger, bot_key = served_sqlite.ledger, served_sqlite.bot_key

    def as_alice(request):
        record(request, ledger=ledger, signer=bot_key, actor=ALICE)

    as_alice(rq.OpenRfc(rfc="RFC-7", title="Move the alert work"))
    as_alice(rq.MoveMilestone(code="DM-AP-18", to="2031-03-31", rfc="RFC-7"))
    as_alice(rq.MoveMilestone(code="DM-AP-19", to="2031-04-30", rfc="RFC-7"))
    quiet_announcer.announce_pending()
    as_alice(rq.ApproveRfc(rfc="RFC-7", version="1.5"))

    quiet_announcer.announce_pending()

    proposals, approval = _posts(served_sqlite)
    assert "3 changes" in proposals["text"] and "takes effect when it is approved" in str(proposals)
    text = message_text(approval)
    assert "approved RFC-7 “Move the alert work” on " in text and "as version 1.5" in text
    assert "2 change(s) took effect with it" in text
    assert "DM-AP-18 Alert packet generation forecast moved" in text
    assert "DM-AP-19 Alert distribution forecast moved" in text
    assert problems(approval) == []


def test_a_burst_with_an_approval_in_it_has_a_button_to_what_the_approval_changed(
    served_sqlite, quiet_announcer
):
    ledger, bot_key = served_sqlite.ledger, served_sqlite.bot_key
    for request in (
        rq.OpenRfc(rfc="RFC-8", title="Alerts"),
        rq.MoveMilestone(code="DM-AP-18", to="2031-03-31", rfc="RFC-8"),
        rq.ApproveRfc(rfc="RFC-8"),
        rq.CompleteMilestone(code="DM-AP-19"),
    ):
        record(request, ledger=ledger, signer=bot_key, actor=ALICE)

    quiet_announcer.announce_pending()

    (post,) = _posts(served_sqlite)
    assert "approved RFC-8" in post["text"] and "1 change(s) took effect" in post["text"]
    button = post["blocks"][-1]["elements"][0]
    assert button["text"]["text"] == "What RFC-8 changed"
    assert '"w":["rfc","show","RFC-8"]' in button["value"]
    assert problems(post) == []


def test_a_message_slack_would_refuse_is_replaced_by_a_brief_one_naming_the_events(
    served_sqlite, quiet_announcer, monkeypatch, caplog
):
    monkeypatch.setattr(
        module, "announcement", lambda news, web=None: Reply("x", (section("x" * 3001),))
    )
    record(
        rq.CompleteMilestone(code="DM-AP-18"),
        ledger=served_sqlite.ledger,
        signer=served_sqlite.admin,
    )
    seq = served_sqlite.count()

    quiet_announcer.announce_pending()

    (post,) = _posts(served_sqlite)
    assert post["text"] == (
        f"Events #{seq} to #{seq} were recorded; `/milestone log --since {seq - 1}` shows them."
    )
    assert problems(post) == [] and "breaks Slack's limits" in caplog.text
