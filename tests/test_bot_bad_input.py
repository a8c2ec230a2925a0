"""Bad input to the bot: refused requests, and commands answered with what would be right.

Nothing here may append an event; every answer comes within Slack's 3 seconds.
"""

import http.client
import sqlite3
import time
import urllib.parse

import pytest
from bot_harness import SECRET
from slack_standin import signature

pytest_plugins = ["bot_fixtures"]


@pytest.fixture
def body(served):
    raw, _name = served.sender.command_body("complete DM-AP-18")
    return raw


def _post(served, raw, **headers):
    return served.sender.post(
        raw, content_type="application/x-www-form-urlencoded", headers=headers
    )


def test_a_forged_signature_is_refused_with_401_and_records_nothing(served, body):
    before = served.count()

    answer = served.sender.post(
        body, content_type="application/x-www-form-urlencoded", secret="not-the-signing-secret"
    )

    assert answer.status == 401
    assert served.count() == before
    assert served.slack.calls[1:] == []  # nothing sent to Slack beyond the start-up auth.test


def test_a_stale_timestamp_is_refused_with_401_even_when_signed_correctly(served, body):
    before = served.count()
    stale = str(int(time.time()) - 10 * 60)

    answer = served.sender.post(
        body, content_type="application/x-www-form-urlencoded", timestamp=stale
    )

    assert answer.status == 401
    assert served.count() == before


def test_a_body_changed_after_signing_is_refused(served_sqlite):
    raw, _ = served_sqlite.sender.command_body("complete DM-AP-18")
    stamp = str(int(time.time()))
    before = served_sqlite.count()

    tampered = _post(
        served_sqlite,
        raw.replace(b"UALICE", b"UADMIN"),
        **{"X-Slack-Request-Timestamp": stamp, "X-Slack-Signature": signature(SECRET, stamp, raw)},
    )

    assert tampered.status == 401
    assert served_sqlite.count() == before


def test_a_request_without_signature_headers_is_refused(served_sqlite):
    raw, _ = served_sqlite.sender.command_body("complete DM-AP-18")
    before = served_sqlite.count()
    parsed = urllib.parse.urlsplit(served_sqlite.sender.url)
    connection = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=10)

    connection.request(
        "POST", parsed.path, body=raw, headers={"Content-Type": "application/x-www-form-urlencoded"}
    )
    status = connection.getresponse().status
    connection.close()

    assert status == 401
    assert served_sqlite.count() == before


BAD_COMMANDS = [
    ("frobnicate DM-AP-18", "UALICE", ["unknown command 'frobnicate", "try `help`"]),
    ("complete", "UALICE", ["missing CODE", "Usage: complete CODE [--on DATE]"]),
    ("complete DM-AP-18 --when today", "UALICE", ["has no option --when", "--on"]),
    ("move DM-AP-18 2020-02-30", "UALICE", ["2020-02-30 is not a real date", "check day"]),
    ("move DM-AP-18 tomorrow", "UALICE", ["is not a date", "YYYY-MM-DD"]),
    ("complete DM-AP-81", "UALICE", ["no milestone 'DM-AP-81'", "did you mean", "DM-AP-18"]),
    ("show DM-XX-1", "UALICE", ["no milestone 'DM-XX-1'"]),
    (
        "complete DM-AP-18",
        "UBOB",
        [
            "slack:T0TEST/UBOB may not complete milestones",
            "needs the editor role",
            "`/milestone grant",
        ],
    ),
    ("grant <@UBOB> editor", "UALICE", ["may not change roles", "admin role"]),
    ("grant @bob editor", "UADMIN", ["Slack sent @bob as plain text", "Escape channels"]),
    ("grant <@UBOB> overlord", "UADMIN", ["'overlord' is not a role", "editor, approver, admin"]),
    ("rfc open RFC-1 Title", "UBOB", ["may not open RFCs", "approver role"]),
    ("reopen DM-AP-18 --reason oops", "UALICE", ["not completed, so there is nothing to reopen"]),
    ("move DM-AP-18 2031-01-31 --baseline", "UALICE", ["needs an RFC", "--rfc RFC-"]),
    ("move DM-AP-18 2031-01-31 --rfc RFC-404", "UALICE", ["RFC-404 is not in this ledger"]),
    ("retitle DM-AP-18 it's broken", "UALICE", ["a quote is not closed", "double quotes"]),
    ("retitle DM-AP-18 " + "x" * 301, "UALICE", ["301 characters long", "keep it to 300"]),
    ("history", "UALICE", ["missing CODE"]),
    ("plan --as-of 2020-13-01", "UALICE", ["not a real date"]),
    ("rfc show RFC-404", "UALICE", ["RFC-404 is not in this ledger"]),
    ("rfc approve RFC-404", "UALICE", ["RFC-404 is not in this ledger"]),
    ("help frobnicate", "UALICE", ["unknown command 'frobnicate'"]),
]


@pytest.mark.parametrize(
    ("text", "user", "expected"), BAD_COMMANDS, ids=[t[:40] for t, _, _ in BAD_COMMANDS]
)
def test_a_bad_command_is_answered_ephemerally_with_what_would_be_right(
    shared_sqlite, text, user, expected
):
    before = shared_sqlite.count()

    answer = shared_sqlite.sender.command(text, user=user)

    assert answer.status == 200 and answer.seconds < 3
    assert answer.json["response_type"] == "ephemeral"
    assert answer.text.startswith(":warning:"), answer.text
    for fragment in expected:
        assert fragment in answer.text, answer.text
    assert shared_sqlite.count() == before
    assert shared_sqlite.slack.posts() == []


def test_completing_a_completed_milestone_says_when_and_by_whom(served):
    served.sender.command("complete DM-AP-18")
    before = served.count()

    answer = served.sender.command("complete DM-AP-18")

    assert answer.status == 200
    assert "already completed" in answer.text and "by slack:T0TEST/UALICE" in answer.text
    assert served.count() == before


def test_a_role_the_user_lacks_is_refused_on_each_store(served):
    before = served.count()

    answer = served.sender.command("move DM-AP-18 2031-01-31", user="UBOB")

    assert "needs the editor role" in answer.text
    assert served.count() == before


def test_writes_are_refused_with_the_fix_while_the_bots_key_is_not_registered(
    served_sqlite, tmp_path
):
    from conftest import make_key

    stranger = make_key(tmp_path, "stranger")
    served_sqlite.restart(bot_key=tmp_path / "keys" / "stranger.pem")
    before = served_sqlite.count()

    answer = served_sqlite.sender.command("complete DM-AP-18")

    assert f"your key {stranger.key_id} is not registered" in answer.text
    assert "`/milestone key add" in answer.text
    assert served_sqlite.count() == before


def test_a_damaged_row_is_never_shown_and_verify_reports_it(served_sqlite):
    path = served_sqlite.settings.db_url.removeprefix("sqlite:///")
    with sqlite3.connect(path) as conn:
        conn.execute("DROP TRIGGER events_no_update")
        body = conn.execute("SELECT body FROM events WHERE seq = 11").fetchone()[0]
        conn.execute(
            "UPDATE events SET body = ? WHERE seq = 11",
            (body.replace(b"Alert distribution", b"Alert distributiom"),),
        )
    served_sqlite.restart()
    before = served_sqlite.count()

    read = served_sqlite.sender.command("show DM-AP-18")
    past = served_sqlite.sender.command("plan --as-of '#12'")
    report = served_sqlite.sender.command("verify")

    # The plan at the head is what the ledger recorded and signed, never the forged text;
    # a view that would fold the damaged row refuses and names verify.
    assert "Alert packet" in read.text and "distributiom" not in read.text
    assert "damaged at event #11" in past.text and "milestone verify" in past.text
    assert "*FAILED* at event #11" in report.text
    assert served_sqlite.count() == before
