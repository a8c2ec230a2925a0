"""Every `/milestone` subcommand through the served bot: reads answer, writes record."""

import pytest
from bot_harness import ADMIN, days_from_today
from slack_standin import TEAM

from ledger import grammar

READS = [
    ("help", ["/milestone complete CODE [--on DATE]", "/milestone rfc approve RFC"]),
    ("", ["/milestone show CODE"]),
    ("help complete", ["Example: `/milestone complete DM-AP-18 on 2020-05-31`"]),
    ("help rfc approve", ["/milestone rfc approve RFC [--version LABEL]"]),
    ("show DM-AP-18", ["Alert packet generation", "In `LDM-503-01`", "on track"]),
    ("show LDM-503-01", ["First release", "Level-3 milestones under it", "`DM-AP-19`"]),
    ("history DM-AP-18", ["History of `DM-AP-18`", "defined Level-3 DM-AP-18", "signature ok"]),
    ("plan", ["Plan as of now", "`LDM-503-01`", "`DM-AP-18`", "`DM-SQRE-3`"]),
    ("plan --as-of #9", ["Plan as of #9", "`LDM-503-02`"]),
    ("late", ["*Late* (1)", "`DM-AP-19`", "late", "As of now; judged on 20"]),
    ("upcoming", ["`DM-AP-18`", "From 20", "through 20"]),
    ("upcoming --days 100", ["`DM-AP-18`", "`DM-SQRE-3`"]),
    ("diff #9 now", ["From #9 to now", "*added*", "`DM-AP-18`"]),
    ("rfc list", ["No RFCs yet"]),
    ("verify", ["*OK*: 12 events verified", "ledger id"]),
    ("log --limit 2", ["*Log* (2 events)", "defined Level-3 DM-SQRE-3"]),
    ("check", ["No oddities"]),
]

pytest_plugins = ["bot_fixtures"]


@pytest.mark.parametrize(("text", "expected"), READS, ids=[t or "(empty)" for t, _ in READS])
def test_a_read_answers_only_the_asker_and_records_nothing(shared_sqlite, text, expected):
    before = shared_sqlite.count()

    answer = shared_sqlite.sender.command(text)

    assert answer.status == 200 and answer.seconds < 3
    assert answer.json["response_type"] == "ephemeral"
    for fragment in expected:
        assert fragment in answer.text
    assert shared_sqlite.count() == before
    assert shared_sqlite.slack.posts() == []


def test_help_lists_every_command_of_the_shared_grammar(shared_sqlite):
    answer = shared_sqlite.sender.command("help")

    for command in grammar.COMMANDS:
        assert f"`/milestone {command.usage()}`" in answer.text


def test_plan_as_of_a_log_position_leaves_out_what_came_later(shared_sqlite):
    answer = shared_sqlite.sender.command("plan --as-of #9")

    assert "`DM-AP-18`" not in answer.text and "`LDM-503-01`" in answer.text


def test_rfc_show_lists_the_changes_proposed_under_it(served_sqlite):
    served_sqlite.sender.command('rfc open RFC-7 "Move the alert work"')
    served_sqlite.sender.command("move DM-AP-18 2031-03-31 --rfc RFC-7")

    answer = served_sqlite.sender.command("rfc show RFC-7")
    listing = served_sqlite.sender.command("rfc list")

    assert "Move the alert work" in answer.text
    assert "forecast moved" in answer.text and "(proposed)" in answer.text
    assert "`RFC-7` open" in listing.text


YESTERDAY = days_from_today(-1)
WRITES = [
    # (earlier commands, user, command, event type, data it must hold)
    ([], "UALICE", "complete DM-AP-19", "milestone.completed", {"code": "DM-AP-19"}),
    ([], "UALICE", f"complete DM-AP-19 on {YESTERDAY}", "milestone.completed", {"on": YESTERDAY}),
    ([], "UALICE", f"complete DM-AP-19 --on {YESTERDAY}", "milestone.completed", {"on": YESTERDAY}),
    (
        [],
        "UALICE",
        'move DM-AP-18 2031-01-31 --reason "waiting on the broker"',
        "milestone.forecast_moved",
        {"to": "2031-01-31", "reason": "waiting on the broker"},
    ),
    (
        ["complete DM-AP-19"],
        "UALICE",
        'reopen DM-AP-19 --reason "tests failed"',
        "milestone.reopened",
        {"reason": "tests failed"},
    ),
    (
        [],
        "UALICE",
        "retitle DM-AP-18 “Alert packets, v2”",
        "milestone.retitled",
        {"title": "Alert packets, v2"},
    ),
    ([], "UALICE", "link DM-AP-18 LDM-503-02", "milestone.linked", {"release": "LDM-503-02"}),
    (
        ["link DM-AP-18 LDM-503-02"],
        "UALICE",
        "unlink DM-AP-18 LDM-503-02",
        "milestone.unlinked",
        {"release": "LDM-503-02"},
    ),
    (
        [],
        "UALICE",
        'withdraw DM-SQRE-3 --reason "descoped"',
        "milestone.withdrawn",
        {"code": "DM-SQRE-3"},
    ),
    (
        ['withdraw DM-SQRE-3 --reason "descoped"'],
        "UALICE",
        'reinstate DM-SQRE-3 --reason "back in scope"',
        "milestone.reinstated",
        {"code": "DM-SQRE-3", "reason": "back in scope"},
    ),
    (
        [],
        "UALICE",
        "depend DM-AP-18 on DM-AP-19",
        "milestone.depends",
        {"code": "DM-AP-18", "predecessor": "DM-AP-19"},
    ),
    (
        ["depend DM-AP-18 --on DM-AP-19"],
        "UALICE",
        "undepend DM-AP-18 on DM-AP-19",
        "milestone.independent",
        {"code": "DM-AP-18", "predecessor": "DM-AP-19"},
    ),
    (
        [],
        "UALICE",
        'rfc open RFC-9 "Descope the platform"',
        "rfc.opened",
        {"id": "RFC-9", "title": "Descope the platform"},
    ),
    (
        ['rfc open RFC-9 "x"'],
        "UALICE",
        "rfc reject RFC-9 --reason 'not now'",
        "rfc.rejected",
        {"reason": "not now"},
    ),
    (
        [],
        "UADMIN",
        "grant <@UBOB|bob> editor",
        "role.granted",
        {"actor": f"slack:{TEAM}/UBOB", "role": "editor"},
    ),
    (
        [],
        "UADMIN",
        "grant <@UBOB> approver",
        "role.granted",
        {"actor": f"slack:{TEAM}/UBOB", "role": "approver"},
    ),
    (
        [],
        "UALICE",
        'define DM-AP-20 "Alert filtering" --due 2031-05-01 --in LDM-503-01',
        "milestone.defined",
        {"code": "DM-AP-20", "releases": ["LDM-503-01"]},
    ),
]


@pytest.mark.parametrize(
    ("setup", "user", "text", "event_type", "data"), WRITES, ids=[w[2] for w in WRITES]
)
def test_a_write_records_one_signed_event_by_the_slack_user(
    served_sqlite, setup, user, text, event_type, data
):
    for earlier in setup:
        assert "Recorded" in served_sqlite.sender.command(earlier).text
    before = served_sqlite.count()

    answer = served_sqlite.sender.command(text, user=user)

    assert answer.status == 200 and answer.seconds < 3
    assert answer.json["response_type"] == "ephemeral"
    assert "Recorded" in answer.text, answer.text
    events = served_sqlite.events()
    assert len(events) == before + 1
    event = events[-1]
    assert event.type == event_type
    assert event.actor == f"slack:{TEAM}/{user}"
    assert event.key == served_sqlite.bot_key.key_id
    assert {k: event.data[k] for k in data} == data
    assert served_sqlite.verified()


def test_a_user_granted_editor_from_slack_can_then_complete(served_sqlite):
    served_sqlite.sender.command("grant <@UBOB|bob> editor", user="UADMIN")

    answer = served_sqlite.sender.command("complete DM-AP-18", user="UBOB")

    assert "Recorded" in answer.text
    assert served_sqlite.events()[-1].actor == f"slack:{TEAM}/UBOB"


def test_a_change_under_an_open_rfc_says_it_is_only_proposed(served_sqlite):
    served_sqlite.sender.command('rfc open RFC-7 "Move the alert work"')

    answer = served_sqlite.sender.command("move DM-AP-18 2031-03-31 --rfc RFC-7")

    assert "proposed under `RFC-7`" in answer.text
    assert served_sqlite.events()[-1].rfc == "RFC-7"
    assert served_sqlite.ledger.state().milestones["DM-AP-18"].forecast != "2031-03-31"


def test_grant_made_in_slack_names_the_user_by_id_not_by_display_name(served_sqlite):
    served_sqlite.sender.command("grant <@UBOB|Mallory> editor", user="UADMIN")

    event = served_sqlite.events()[-1]
    state = served_sqlite.ledger.state()

    assert state.has_role(f"slack:{TEAM}/UBOB", "editor")
    assert not any("Mallory" in actor for actor in state.roles)
    assert event.actor == ADMIN
