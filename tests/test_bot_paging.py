"""Long answers in Slack: a page at a time behind a "more" button, all of it, to whoever asks.

The button's value carries the command's words, the page and the length of
the log when the first page was answered, so a click is idempotent and works
after the bot restarts.
"""

import json
import re

import pytest
from slack_standin import buttons, message_text

from bot import render
from bot.blocks import Reply, section
from bot.limits import problems
from bot.more import MORE_ACTION, PageRequest
from ledger import requests as rq
from ledger.execute import record

pytest_plugins = ["bot_fixtures"]


@pytest.fixture
def long_log(served_sqlite):
    """A log long enough for several pages: 150 moves recorded at a terminal."""
    for day in range(150):
        record(
            rq.MoveMilestone(code="DM-AP-18", to=f"2031-{day // 28 + 1:02d}-{day % 28 + 1:02d}"),
            ledger=served_sqlite.ledger,
            signer=served_sqlite.admin,
        )
    return served_sqlite


def _click(served, button, **kwargs):
    click = served.sender.click(button, **kwargs)
    assert (click.status, click.body) == (200, b"")  # acknowledged at once; the page follows
    found = served.slack.wait_for(lambda s: s.responses(click.response_name), what="the page")
    return found[-1]


def _seqs(message):
    return [int(n) for n in re.findall(r"`#(\d+)`", message_text(message))]


def test_a_long_log_comes_a_page_at_a_time_and_every_event_is_on_a_page(long_log):
    before = long_log.count()
    pages = [long_log.sender.command("log").json]

    while MORE_ACTION in buttons(pages[-1]):
        pages.append(_click(long_log, buttons(pages[-1])[MORE_ACTION]))

    assert len(pages) >= 3
    assert all(problems(page) == [] for page in pages)
    assert all(page["response_type"] == "ephemeral" for page in pages)
    assert all(page.get("replace_original") is False for page in pages[1:])
    shown = [seq for page in pages for seq in _seqs(page)]
    assert shown == list(range(before, 0, -1))  # newest first, each event once
    assert "page 2 of" in message_text(pages[1])
    assert long_log.count() == before


def test_the_same_button_clicked_twice_answers_the_same_page_and_records_nothing(long_log):
    button = buttons(long_log.sender.command("log").json)[MORE_ACTION]
    before = long_log.count()

    first, again = _click(long_log, button), _click(long_log, button)

    assert message_text(first) == message_text(again)
    assert long_log.count() == before


def test_the_button_works_after_the_bot_restarts(long_log):
    button = buttons(long_log.sender.command("log").json)[MORE_ACTION]
    before_restart = _click(long_log, button)

    long_log.restart()

    assert message_text(_click(long_log, button, user="UBOB")) == message_text(before_restart)


def test_a_page_asked_after_the_ledger_moved_says_so(long_log):
    button = buttons(long_log.sender.command("log").json)[MORE_ACTION]
    long_log.sender.command("complete DM-AP-19")

    page = _click(long_log, button)

    assert "1 event(s) were recorded since the first page" in message_text(page)


def test_paged_answers_link_to_the_web_view_when_one_is_configured(long_log):
    plain = long_log.sender.command("log --actor alice")
    long_log.restart(web_url="https://plan.example.org")

    linked = long_log.sender.command("log --actor alice")

    assert "plan.example.org" not in plain.text
    assert "<https://plan.example.org/log?actor=alice|" in linked.text
    assert problems(linked.json) == []


def test_a_short_answer_has_no_button_and_no_link(served_sqlite):
    served_sqlite.restart(web_url="https://plan.example.org")

    answer = served_sqlite.sender.command("show DM-AP-18")

    assert buttons(answer.json) == {} and "plan.example.org" not in answer.text


@pytest.mark.parametrize(
    "value",
    [
        PageRequest(("complete", "DM-AP-18"), 2, 1).encode(),
        PageRequest(("grant", "slack:T0TEST/UBOB", "admin"), 2, 1).encode(),
        json.dumps({"w": "log", "p": "two"}),
        "not json",
    ],
    ids=["a change", "a grant", "malformed", "not json"],
)
def test_a_button_value_the_bot_did_not_make_records_nothing(served_sqlite, value):
    before = served_sqlite.count()

    page = _click(served_sqlite, {"action_id": MORE_ACTION, "value": value})

    assert message_text(page).startswith(":warning:")
    assert served_sqlite.count() == before


def test_an_answer_slack_would_refuse_is_replaced_by_one_it_takes(served_sqlite, monkeypatch):
    oversize = Reply("x", (section("x" * 3001),))
    monkeypatch.setattr(render, "answer", lambda result: oversize)

    answer = served_sqlite.sender.command("show DM-AP-18")

    assert answer.status == 200 and problems(answer.json) == []
    assert answer.text.startswith(":warning: the answer is too long for Slack")
