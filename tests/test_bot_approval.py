"""Approving an RFC from Slack: a prompt with a confirm dialog, and one approval per prompt."""

import json
import time

import pytest
from bot_harness import ALICE
from slack_standin import buttons, message_text

pytest_plugins = ["bot_fixtures"]


@pytest.fixture
def prompt(served_sqlite):
    """An open RFC with one proposal, and the approval prompt for it."""
    served_sqlite.sender.command('rfc open RFC-7 "Move the alert work"')
    served_sqlite.sender.command("move DM-AP-18 2031-03-31 --rfc RFC-7")
    answer = served_sqlite.sender.command("rfc approve RFC-7")
    return buttons(answer.json)


def _reply(served, click):
    found = served.slack.wait_for(lambda s: s.responses(click.response_name), what="reply")
    return message_text(found[-1])


def _approvals(served):
    return [e for e in served.events() if e.type == "rfc.approved"]


def test_a_double_click_approves_once(served_sqlite, prompt):
    first = served_sqlite.sender.click(prompt["milestone_rfc_approve"])
    second = served_sqlite.sender.click(prompt["milestone_rfc_approve"])

    texts = [_reply(served_sqlite, first), _reply(served_sqlite, second)]

    assert len(_approvals(served_sqlite)) == 1
    seq = _approvals(served_sqlite)[0].seq
    assert all(f"`#{seq}` approved RFC-7" in text for text in texts)
    assert served_sqlite.verified()


def test_the_same_interaction_delivered_twice_approves_once(served_sqlite, prompt):
    payload = {
        "type": "block_actions",
        "team": {"id": "T0TEST"},
        "trigger_id": "9.9.same",
        "user": {"id": "UALICE", "team_id": "T0TEST"},
        "response_url": served_sqlite.slack.response_url("same"),
        "actions": [
            {
                "action_id": "milestone_rfc_approve",
                "block_id": "b",
                "value": prompt["milestone_rfc_approve"]["value"],
                "action_ts": "1.2",
            }
        ],
    }

    sent = int(time.time())
    served_sqlite.sender.click_payload(payload, name="same", timestamp=str(sent))
    # A second delivery is signed when it is sent: a later timestamp, another signature.
    served_sqlite.sender.click_payload(payload, name="same", timestamp=str(sent + 2))
    served_sqlite.slack.wait_for(lambda s: len(s.responses("same")) == 2, what="two replies")

    assert len(_approvals(served_sqlite)) == 1


def test_a_click_by_someone_without_the_approver_role_records_nothing(served_sqlite, prompt):
    before = served_sqlite.count()

    click = served_sqlite.sender.click(prompt["milestone_rfc_approve"], user="UBOB")

    assert "may not approve RFCs" in _reply(served_sqlite, click)
    assert served_sqlite.count() == before


def test_the_clicker_not_the_asker_is_the_approver(served_sqlite):
    served_sqlite.sender.command("grant <@UCAROL> approver", user="UADMIN")
    served_sqlite.sender.command('rfc open RFC-7 "Move the alert work"')
    answer = served_sqlite.sender.command("rfc approve RFC-7")

    click = served_sqlite.sender.click(buttons(answer.json)["milestone_rfc_approve"], user="UCAROL")

    assert "approved RFC-7" in _reply(served_sqlite, click)
    assert [e.actor for e in _approvals(served_sqlite)] == ["slack:T0TEST/UCAROL"]


def test_when_the_ledger_moved_since_the_prompt_it_asks_again_with_what_is_now_proposed(
    served_sqlite, prompt
):
    served_sqlite.sender.command("move DM-AP-19 2031-04-30 --rfc RFC-7")
    before = served_sqlite.count()

    click = served_sqlite.sender.click(prompt["milestone_rfc_approve"])
    found = served_sqlite.slack.wait_for(lambda s: s.responses(click.response_name), what="reply")

    assert served_sqlite.count() == before
    assert "moved on" in message_text(found[0]) and "DM-AP-19" in message_text(found[0])
    fresh = buttons(found[0])["milestone_rfc_approve"]
    again = served_sqlite.sender.click(fresh)
    assert "approved RFC-7" in _reply(served_sqlite, again)
    assert len(_approvals(served_sqlite)) == 1
    state = served_sqlite.ledger.state()
    assert state.milestones["DM-AP-19"].forecast == "2031-04-30"


def test_cancel_records_nothing_and_says_so(served_sqlite, prompt):
    before = served_sqlite.count()

    click = served_sqlite.sender.click(prompt["milestone_rfc_cancel"])

    assert "Not approved" in _reply(served_sqlite, click)
    assert served_sqlite.count() == before


def test_an_rfc_already_decided_gets_no_button(served_sqlite, prompt):
    served_sqlite.sender.click(prompt["milestone_rfc_approve"])
    served_sqlite.slack.wait_for(lambda s: _approvals(served_sqlite), what="approval")

    answer = served_sqlite.sender.command("rfc approve RFC-7")

    assert "already approved" in answer.text
    assert buttons(answer.json) == {}


def test_a_button_value_the_bot_did_not_make_is_refused(served_sqlite, prompt):
    forged = dict(prompt["milestone_rfc_approve"], value="{not json")
    before = served_sqlite.count()

    click = served_sqlite.sender.click(forged)

    assert "not one the bot made" in _reply(served_sqlite, click)
    assert served_sqlite.count() == before


def test_the_prompt_carries_what_the_click_needs(served_sqlite, prompt):
    value = json.loads(prompt["milestone_rfc_approve"]["value"])

    assert value["words"] == ["rfc", "approve", "RFC-7"]
    assert value["head"] == served_sqlite.count()
    assert prompt["milestone_rfc_approve"]["confirm"]["title"]["text"] == "Approve RFC-7?"


def test_approval_through_the_button_on_each_store(served):
    served.sender.command('rfc open RFC-8 "Descope"')
    served.sender.command('withdraw DM-SQRE-3 --reason "descoped" --rfc RFC-8')
    button = buttons(served.sender.command("rfc approve RFC-8").json)["milestone_rfc_approve"]

    click = served.sender.click(button)
    served.sender.click(button)

    assert "approved RFC-8" in _reply(served, click)
    assert [e.actor for e in _approvals(served)] == [ALICE]
    assert served.ledger.state().milestones["DM-SQRE-3"].withdrawn
    assert served.verified()
