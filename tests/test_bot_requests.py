"""Requests to the bot: only Slack's, fresh, once; refused ones logged without their body.

Sent over real HTTP to the bot on 127.0.0.1, signed as Slack signs them.
"""

import logging
import time

import pytest
from bot_harness import SECRET
from slack_bolt.request import BoltRequest
from slack_bolt.response import BoltResponse

from bot import build
from bot.verification import SlackSignature

pytest_plugins = ["bot_fixtures"]

FORM = "application/x-www-form-urlencoded"


@pytest.mark.parametrize(
    "timestamp",
    ["abc", "1.7e9", "-5", "0x10", "17000000²³", "9" * 40, " 1700000000"],
    ids=["word", "float", "negative", "hex", "superscript digits", "huge", "leading space"],
)
def test_a_malformed_timestamp_is_refused_with_401(shared_sqlite, timestamp):
    body, _ = shared_sqlite.sender.command_body("complete DM-AP-18")
    before = shared_sqlite.count()

    answer = shared_sqlite.sender.post(body, content_type=FORM, timestamp=timestamp)

    assert answer.status == 401
    assert shared_sqlite.count() == before


def test_a_request_that_is_not_utf8_is_refused_with_401(shared_sqlite):
    body, _ = shared_sqlite.sender.command_body("complete DM-AP-18")
    before = shared_sqlite.count()

    answers = [
        shared_sqlite.sender.post(body + b"&text=\xff\xfe", content_type=FORM),
        shared_sqlite.sender.post(body, content_type=FORM, headers={"X-Odd": "\xff"}),
    ]

    assert [a.status for a in answers] == [401, 401]
    assert shared_sqlite.count() == before


def test_a_replayed_request_is_refused_with_401_and_a_fresh_signature_is_not(served):
    body, _ = served.sender.command_body("complete DM-AP-18")
    stamp = str(int(time.time()))
    before = served.count()

    first = served.sender.post(body, content_type=FORM, timestamp=stamp)
    replayed = served.sender.post(body, content_type=FORM, timestamp=stamp)
    resigned = served.sender.post(body, content_type=FORM, timestamp=str(int(stamp) + 1))

    assert (first.status, replayed.status, resigned.status) == (200, 401, 200)
    assert served.count() == before + 1  # the re-signed delivery is told what was recorded
    assert first.text == resigned.text


def test_a_refused_request_is_logged_with_why_and_without_its_body(shared_sqlite, caplog):
    caplog.set_level(logging.DEBUG)
    body, _ = shared_sqlite.sender.command_body('retitle DM-AP-18 "MARKER-IN-THE-BODY"')
    stamp = str(int(time.time()))

    statuses = [
        shared_sqlite.sender.post(body, content_type=FORM, secret="not-the-secret").status,
        shared_sqlite.sender.post(body, content_type=FORM, timestamp="soon").status,
        shared_sqlite.sender.post(body, content_type=FORM, timestamp=str(int(stamp) - 600)).status,
    ]

    assert statuses == [401, 401, 401]
    refusals = [r.getMessage() for r in caplog.records if "refused a request" in r.getMessage()]
    assert len(refusals) == 3
    assert "signature does not match" in refusals[0] and "'soon'" in refusals[1]
    assert "MARKER" not in caplog.text and "retitle" not in caplog.text


def test_the_check_is_bolts_own_verification_in_its_place(shared_sqlite):
    app = shared_sqlite.service.bot.app
    kinds = [type(m).__name__ for m in app._middleware_list]

    assert "RequestVerification" not in kinds and "SlackSignature" in kinds
    assert kinds.index("SlackSignature") < kinds.index("SingleTeamAuthorization")
    assert isinstance(app._middleware_list[kinds.index("SlackSignature")], SlackSignature)


def test_start_up_logs_no_warning_about_an_unused_token(served_sqlite, monkeypatch, caplog):
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-test-token")
    monkeypatch.setenv("SLACK_SIGNING_SECRET", SECRET)
    caplog.set_level(logging.DEBUG)

    bot = build(served_sqlite.settings)
    bot.close()

    assert "will be unused" not in caplog.text
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]


class _NoSightings:
    def first_sighting(self, key: str, *, at: float, keep_until: float, wait: float) -> bool:
        raise AssertionError("a Socket Mode request has no signature to record")


def test_socket_mode_requests_carry_no_signature_and_are_passed_on():
    check = SlackSignature(SECRET, sightings=_NoSightings(), ack_budget=2.0)
    passed = BoltResponse(status=200, body="passed")
    request = BoltRequest(body={"type": "block_actions"}, mode="socket_mode")

    answer = check.process(req=request, resp=BoltResponse(status=500), next=lambda: passed)

    assert answer is passed
