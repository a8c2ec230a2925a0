"""Text from the ledger is inert in Slack: a title such as `<!channel>` pings nobody."""

import re

import pytest
from bot_harness import ALICE, announced
from slack_standin import message_text

from ledger import requests as rq
from ledger.execute import record

NASTY = "<!channel> & <@UADMIN> <https://evil.example|click>"
SAFE = "&lt;!channel&gt; &amp; &lt;@UADMIN&gt; &lt;https://evil.example|click&gt;"

pytest_plugins = ["bot_fixtures"]


@pytest.fixture(scope="module")
def nasty(shared_sqlite):
    """A milestone whose title and reason are made of Slack markup, recorded at a terminal."""
    ledger, admin = shared_sqlite.ledger, shared_sqlite.admin
    record(
        rq.DefineMilestone(code="DM-AP-66", title=NASTY, due="2031-01-01", releases=["LDM-503-01"]),
        ledger=ledger,
        signer=admin,
    )
    record(
        rq.MoveMilestone(code="DM-AP-66", to="2031-02-01", reason=NASTY),
        ledger=ledger,
        signer=admin,
    )
    record(rq.RetitleMilestone(code="DM-AP-19", title=NASTY), ledger=ledger, signer=admin)
    return shared_sqlite


def _markup(text):
    """The Slack markup in some text: <...> sequences that are not our own user mentions."""
    return [m for m in re.findall(r"<[^>]*>", text) if not re.fullmatch(r"<@U(ALICE|BOB)>", m)]


@pytest.mark.parametrize(
    "text",
    [
        "show DM-AP-66",
        "plan",
        "history DM-AP-66",
        "late --as-of 2031-06-01",
        "diff #12 now",
        "log --limit 3",
    ],
)
def test_ledger_text_in_replies_is_escaped(nasty, text):
    answer = nasty.sender.command(text)

    assert SAFE.split(" ")[0] in answer.text, answer.text
    assert _markup(answer.text) == []


def test_ledger_text_in_announcements_is_escaped(nasty):
    seq = nasty.events()[-1].seq

    posts = nasty.slack.wait_for(announced(nasty, seq), what="announcement")

    text = message_text(posts[0])
    assert SAFE in text
    assert _markup(text) == []


def test_markup_typed_in_slack_is_recorded_as_plain_text_and_shown_escaped(served_sqlite):
    answer = served_sqlite.sender.command(
        'retitle DM-AP-18 "<!channel> &lt;b&gt; &amp; <#C1|general>"'
    )

    event = served_sqlite.events()[-1]
    assert event.data["title"] == "@channel <b> & #general"
    assert "@channel &lt;b&gt; &amp; #general" in answer.text
    assert _markup(answer.text) == []


def test_titles_named_in_announcements_and_approvals_are_escaped(served_sqlite):
    ledger, bot_key = served_sqlite.ledger, served_sqlite.bot_key
    for request in (
        rq.RetitleMilestone(code="DM-AP-18", title=NASTY),
        rq.OpenRfc(rfc="RFC-7", title=NASTY),
        rq.MoveMilestone(code="DM-AP-18", to="2031-03-31", rfc="RFC-7"),
    ):
        record(request, ledger=ledger, signer=bot_key, actor=ALICE)
    served_sqlite.slack.wait_for(announced(served_sqlite, served_sqlite.count()), what="moves")
    record(rq.ApproveRfc(rfc="RFC-7"), ledger=ledger, signer=bot_key, actor=ALICE)
    seq = served_sqlite.count()

    posts = served_sqlite.slack.wait_for(announced(served_sqlite, seq), what="the approval")

    text = message_text(posts[0])
    assert f"approved RFC-7 “{SAFE}”" in text and f"DM-AP-18 {SAFE} forecast moved" in text
    assert _markup(text) == []
