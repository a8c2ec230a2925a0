"""The Slack bot, served for real: slash commands become signed events by the Slack user.

Requests are signed as Slack signs them and sent over HTTP to the bot on
127.0.0.1; what the bot sends back to Slack lands in a local stand-in.
"""

import json
import time

from bot_harness import ALICE, CHANNEL, announced
from slack_standin import TEAM, buttons, message_text
from typer.testing import CliRunner

from cli.app import app as cli_app

pytest_plugins = ["bot_fixtures"]


def test_completing_from_slack_records_a_signed_event_by_that_slack_user(served):
    before = served.count()

    answer = served.sender.command("complete DM-AP-18")

    assert answer.status == 200
    assert answer.seconds < 3
    assert answer.json["response_type"] == "ephemeral"
    assert "Recorded" in answer.text and "completed DM-AP-18" in answer.text
    event = served.events()[-1]
    assert served.count() == before + 1
    assert (event.type, event.actor, event.key) == (
        "milestone.completed",
        ALICE,
        served.bot_key.key_id,
    )
    assert event.data["code"] == "DM-AP-18"
    assert served.verified()


def test_the_terminal_sees_a_slack_change_a_moment_later(served):
    served.sender.command("complete DM-AP-18")

    result = CliRunner().invoke(
        cli_app, ["--db", served.settings.db_url, "history", "DM-AP-18", "--json"]
    )

    assert result.exit_code == 0, result.output
    last = json.loads(result.output)[-1]
    assert (last["actor"], last["signature"]) == (ALICE, "ok")
    assert last["summary"].startswith("completed DM-AP-18")


def test_a_change_from_slack_is_announced_in_the_channel_once(served):
    served.sender.command("complete DM-AP-18")
    seq = served.events()[-1].seq

    posts = served.slack.wait_for(announced(served, seq), what=f"announcement of #{seq}")

    assert len(posts) == 1
    assert posts[0]["channel"] == CHANNEL
    assert "<@UALICE>" in message_text(posts[0]) and "completed DM-AP-18" in message_text(posts[0])
    served.service.bot.announcer.announce_pending()
    assert len(announced(served, seq)(served.slack)) == 1


def test_a_retried_delivery_records_once(served):
    body, _name = served.sender.command_body("move DM-AP-18 " + "2031-01-31", trigger="T.retry.1")
    before = served.count()

    sent = int(time.time())

    first = served.sender.post(
        body, content_type="application/x-www-form-urlencoded", timestamp=str(sent)
    )
    # Slack retries after its 3-second timeout, signing the retry anew as it sends it.
    again = served.sender.post(
        body,
        content_type="application/x-www-form-urlencoded",
        headers={"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"},
        timestamp=str(sent + 3),
    )

    assert (first.status, again.status) == (200, 200)
    assert served.count() == before + 1
    assert first.text == again.text  # the retry is told what the first delivery recorded
    assert served.events()[-1].idem == f"slack/{TEAM}/T.retry.1"


def test_approving_an_rfc_asks_first_and_records_on_the_confirmed_click(served):
    served.sender.command('rfc open RFC-7 "Move the alert work"')
    served.sender.command("move DM-AP-18 2031-03-31 --rfc RFC-7")
    before = served.count()

    prompt = served.sender.command("rfc approve RFC-7 --version 1.5")

    assert prompt.status == 200
    assert served.count() == before  # asking records nothing
    button = buttons(prompt.json)["milestone_rfc_approve"]
    assert button["confirm"]["confirm"]["text"] == "Approve"
    assert "forecast moved" in prompt.text

    click = served.sender.click(button)

    assert (click.status, click.body) == (200, b"")  # acknowledged at once
    replies = served.slack.wait_for(lambda s: s.responses(click.response_name), what="reply")
    assert replies[0]["replace_original"] is True
    assert "approved RFC-7" in message_text(replies[0])
    event = served.events()[-1]
    assert (event.type, event.actor, event.data["version"]) == ("rfc.approved", ALICE, "1.5")
    assert served.ledger.state().milestones["DM-AP-18"].forecast == "2031-03-31"
    assert served.verified()


def test_while_the_database_is_locked_the_ack_says_so_and_the_answer_follows(served):
    served.restart(ack_budget=0.3)
    before = served.count()

    with served.ledger.store.writing():  # a long write elsewhere holds the ledger's write lock
        answer = served.sender.command("complete DM-AP-18")
        read = served.sender.command("show DM-AP-18")
        assert served.slack.responses(answer.response_name) == []

    assert answer.status == 200 and answer.seconds < 1.5
    assert "slow to answer" in answer.text and "complete" in answer.text
    assert "Alert packet generation" in read.text and read.seconds < 1.5  # reads go on
    late = served.slack.wait_for(lambda s: s.responses(answer.response_name), what="late answer")
    assert "Recorded" in message_text(late[0]) and late[0]["response_type"] == "ephemeral"
    assert served.count() == before + 1
    assert served.verified()
