"""Commands record the right facts, and the fold turns them into the right plan."""

from datetime import date

import pytest
from conftest import make_key
from freezegun import freeze_time

from ledger import commands as c
from ledger.errors import InvalidInput, NotFound, PermissionDenied, Refused
from ledger.ledger import Ledger


def _plan(book, key, rfc=None):
    """LDM-503-05 with DM-AP-18 and DM-NCSA-9 under it."""
    c.define_milestone(
        ledger=book,
        signer=key,
        code="LDM-503-05",
        title="Alert distribution",
        due="2020-07-17",
        level=2,
        rfc=rfc,
    )
    c.define_milestone(
        ledger=book,
        signer=key,
        code="DM-AP-18",
        title="Alert packets",
        due="2020-05-29",
        releases=["LDM-503-05"],
        rfc=rfc,
    )
    c.define_milestone(
        ledger=book,
        signer=key,
        code="DM-NCSA-9",
        title="Alert hosting",
        due="2020-05-31",
        releases=["LDM-503-05"],
        rfc=rfc,
    )


def _approved_rfc(book, key, rfc="RFC-1", version=None):
    c.open_rfc(ledger=book, signer=key, rfc=rfc, title="Baseline")
    return rfc


def test_a_new_ledger_names_its_creator_admin_editor_and_approver(ledger):
    state = ledger.state()

    assert state.name == "test plan"
    assert state.roles["alice"] == {"admin", "editor", "approver"}
    assert [e.type for e in ledger.log] == ["ledger.created", "role.granted", "role.granted"]
    assert ledger.log[0].prev == "0" * 64


def test_definitions_under_an_open_rfc_take_effect_only_at_its_approval(ledger, admin_key):
    c.open_rfc(ledger=ledger, signer=admin_key, rfc="RFC-781", title="Rebaseline")
    _plan(ledger, admin_key, rfc="RFC-781")
    assert ledger.state().milestones == {}
    assert len(ledger.state().pending["RFC-781"]) == 3

    c.approve_rfc(ledger=ledger, signer=admin_key, rfc="RFC-781", version="1.5")

    state = ledger.state()
    assert set(state.milestones) == {"LDM-503-05", "DM-AP-18", "DM-NCSA-9"}
    assert state.milestones["DM-AP-18"].releases == ["LDM-503-05"]
    assert state.milestones["DM-AP-18"].team == "AP"
    assert state.rfcs["RFC-781"].version == "1.5"
    assert state.rfcs["RFC-781"].changes == [5, 6, 7]


def test_a_rejected_rfcs_changes_never_take_effect(ledger, admin_key):
    c.open_rfc(ledger=ledger, signer=admin_key, rfc="RFC-2", title="Bad idea")
    c.define_milestone(
        ledger=ledger,
        signer=admin_key,
        code="LDM-X",
        title="X",
        due="2020-01-01",
        level=2,
        rfc="RFC-2",
    )

    c.reject_rfc(ledger=ledger, signer=admin_key, rfc="RFC-2", reason="no")

    assert "LDM-X" not in ledger.state().milestones
    assert ledger.state().rfcs["RFC-2"].state == "rejected"
    with pytest.raises(Refused, match="rejected"):
        c.define_milestone(
            ledger=ledger,
            signer=admin_key,
            code="LDM-Y",
            title="Y",
            due="2020-01-01",
            level=2,
            rfc="RFC-2",
        )


def test_changes_under_an_approved_rfc_take_effect_at_once(ledger, admin_key):
    c.open_rfc(ledger=ledger, signer=admin_key, rfc="RFC-1", title="Plan")
    c.approve_rfc(ledger=ledger, signer=admin_key, rfc="RFC-1")

    _plan(ledger, admin_key, rfc="RFC-1")

    assert "DM-AP-18" in ledger.state().milestones


def test_one_rfc_can_define_a_milestone_and_then_move_it(ledger, admin_key):
    c.open_rfc(ledger=ledger, signer=admin_key, rfc="RFC-1", title="Plan")
    _plan(ledger, admin_key, rfc="RFC-1")

    c.move_milestone(
        ledger=ledger,
        signer=admin_key,
        code="DM-AP-18",
        to="2020-06-30",
        baseline=True,
        rfc="RFC-1",
    )
    c.approve_rfc(ledger=ledger, signer=admin_key, rfc="RFC-1")

    m = ledger.state().milestones["DM-AP-18"]
    assert (m.baseline, m.forecast) == ("2020-06-30", "2020-06-30")


def test_defining_without_an_rfc_under_baseline_control_is_refused(ledger, admin_key):
    with pytest.raises(Refused, match="needs an RFC"):
        c.define_milestone(
            ledger=ledger, signer=admin_key, code="LDM-1", title="T", due="2020-01-01", level=2
        )
    assert len(ledger.log) == 3


def test_every_milestone_change_is_folded(open_ledger, admin_key):
    book, key = open_ledger, admin_key
    _plan(book, key)
    c.define_milestone(
        ledger=book, signer=key, code="LDM-503-8b", title="CCOB", due="2018-09-06", level=2
    )

    c.retitle_milestone(ledger=book, signer=key, code="DM-AP-18", title="Alert packet generation")
    c.link_milestone(ledger=book, signer=key, code="DM-AP-18", release="LDM-503-8b")
    c.link_milestone(ledger=book, signer=key, code="DM-NCSA-9", release="LDM-503-05", unlink=True)
    c.move_milestone(ledger=book, signer=key, code="DM-AP-18", to="2020-06-15", reason="late")
    c.open_rfc(ledger=book, signer=key, rfc="RFC-9", title="Move")
    c.approve_rfc(ledger=book, signer=key, rfc="RFC-9")
    c.move_milestone(
        ledger=book, signer=key, code="LDM-503-05", to="2020-08-01", baseline=True, rfc="RFC-9"
    )
    c.complete_milestone(ledger=book, signer=key, code="DM-AP-18", on="2020-05-31")
    c.reopen_milestone(ledger=book, signer=key, code="DM-AP-18", reason="found a bug")
    c.complete_milestone(ledger=book, signer=key, code="DM-AP-18", on=date(2020, 6, 1))
    c.withdraw_milestone(ledger=book, signer=key, code="DM-NCSA-9", reason="descoped")
    c.rename_milestone(ledger=book, signer=key, code="LDM-503-8b", new_code="LDM-503-08b")

    s = book.state()
    ap18 = s.milestones["DM-AP-18"]
    assert ap18.title == "Alert packet generation"
    assert ap18.releases == ["LDM-503-05", "LDM-503-08b"]
    assert (ap18.baseline, ap18.forecast) == ("2020-05-29", "2020-06-15")
    assert (ap18.completed, ap18.completed_by) == ("2020-06-01", "alice")
    assert s.milestones["DM-NCSA-9"].withdrawn
    assert s.milestones["DM-NCSA-9"].releases == []
    assert s.milestones["LDM-503-05"].baseline == "2020-08-01"
    assert s.milestones["LDM-503-05"].forecast == "2020-08-01"  # followed: never moved alone
    assert s.resolve("LDM-503-8b") == "LDM-503-08b"
    assert s.milestones["LDM-503-08b"].aliases == ["LDM-503-8b"]
    assert [e.type for e in book.log[-12:]] == [
        "milestone.retitled",
        "milestone.linked",
        "milestone.unlinked",
        "milestone.forecast_moved",
        "rfc.opened",
        "rfc.approved",
        "milestone.baseline_moved",
        "milestone.completed",
        "milestone.reopened",
        "milestone.completed",
        "milestone.withdrawn",
        "milestone.renamed",
    ]


def test_a_baseline_move_leaves_a_forecast_that_was_moved_on_its_own(open_ledger, admin_key):
    _plan(open_ledger, admin_key)
    c.move_milestone(ledger=open_ledger, signer=admin_key, code="DM-AP-18", to="2020-07-01")
    c.open_rfc(ledger=open_ledger, signer=admin_key, rfc="RFC-3", title="x")
    c.approve_rfc(ledger=open_ledger, signer=admin_key, rfc="RFC-3")

    c.move_milestone(
        ledger=open_ledger,
        signer=admin_key,
        code="DM-AP-18",
        to="2020-06-01",
        baseline=True,
        rfc="RFC-3",
    )

    m = open_ledger.state().milestones["DM-AP-18"]
    assert (m.baseline, m.forecast) == ("2020-06-01", "2020-07-01")


def test_keys_and_roles_are_recorded_and_enforced(open_ledger, admin_key, tmp_path):
    bob = make_key(tmp_path, "bob")
    _plan(open_ledger, admin_key)
    c.add_key(ledger=open_ledger, signer=admin_key, actor_name="bob", public_raw=bob.public_raw)

    with pytest.raises(PermissionDenied, match="needs the editor role"):
        c.complete_milestone(ledger=open_ledger, signer=bob, code="DM-AP-18")
    with pytest.raises(PermissionDenied, match="needs the admin role"):
        c.grant_role(ledger=open_ledger, signer=bob, actor_name="bob", role="admin")
    c.grant_role(ledger=open_ledger, signer=admin_key, actor_name="bob", role="editor")
    c.complete_milestone(ledger=open_ledger, signer=bob, code="DM-AP-18", on="2020-05-30")
    c.grant_role(ledger=open_ledger, signer=admin_key, actor_name="bob", role="editor", revoke=True)
    c.revoke_key(ledger=open_ledger, signer=admin_key, key_id=bob.key_id, reason="left")

    assert open_ledger.log[-3].actor == "bob"
    assert not open_ledger.state().has_role("bob", "editor")
    with pytest.raises(PermissionDenied, match="revoked"):
        c.reopen_milestone(ledger=open_ledger, signer=bob, code="DM-AP-18", reason="x")


def test_an_unregistered_key_may_not_append(open_ledger, tmp_path):
    stranger = make_key(tmp_path, "mallory")

    with pytest.raises(PermissionDenied, match="not registered"):
        c.open_rfc(ledger=open_ledger, signer=stranger, rfc="RFC-5", title="x")


def test_a_delegate_key_signs_for_slack_actors_only(open_ledger, admin_key, tmp_path):
    bot = make_key(tmp_path, "bot")
    c.add_key(
        ledger=open_ledger,
        signer=admin_key,
        actor_name="bot:slack",
        public_raw=bot.public_raw,
        delegate_for="slack:",
    )
    c.grant_role(ledger=open_ledger, signer=admin_key, actor_name="slack:T1/U1", role="editor")
    _plan(open_ledger, admin_key)

    c.complete_milestone(
        ledger=open_ledger, signer=bot, actor="slack:T1/U1", code="DM-AP-18", on="2020-05-01"
    )

    assert open_ledger.log[-1].actor == "slack:T1/U1"
    assert open_ledger.log[-1].key == bot.key_id
    with pytest.raises(PermissionDenied, match="signs for bot:slack, not for alice"):
        c.reopen_milestone(
            ledger=open_ledger, signer=bot, actor="alice", code="DM-AP-18", reason="x"
        )


def test_the_same_idempotency_key_records_a_command_once(open_ledger, admin_key):
    _plan(open_ledger, admin_key)

    first = c.complete_milestone(
        ledger=open_ledger,
        signer=admin_key,
        code="DM-AP-18",
        on="2020-05-01",
        idem="slack:trigger:123",
    )
    again = c.complete_milestone(
        ledger=open_ledger,
        signer=admin_key,
        code="DM-AP-18",
        on="2020-05-01",
        idem="slack:trigger:123",
    )

    assert [e.seq for e in first] == [e.seq for e in again]
    assert sum(e.type == "milestone.completed" for e in open_ledger.log) == 1


def test_two_ledger_objects_see_each_others_appends_before_validating(
    open_ledger, admin_key, db_url
):
    _plan(open_ledger, admin_key)
    other = Ledger.open(db_url)
    c.complete_milestone(ledger=open_ledger, signer=admin_key, code="DM-AP-18", on="2020-05-01")

    with pytest.raises(Refused, match="already completed: on 2020-05-01, recorded by alice"):
        c.complete_milestone(ledger=other, signer=admin_key, code="DM-AP-18", on="2020-05-02")
    other.close()


@freeze_time("2027-01-10 09:00:00")
def test_recorded_at_comes_from_the_clock_and_never_runs_backwards(open_ledger, admin_key):
    c.open_rfc(ledger=open_ledger, signer=admin_key, rfc="RFC-1", title="a")
    with freeze_time("2025-01-01"):
        c.open_rfc(ledger=open_ledger, signer=admin_key, rfc="RFC-2", title="b")

    a, b = open_ledger.log[-2:]
    assert a.recorded_at == "2027-01-10T09:00:00.000000Z"
    assert b.recorded_at == a.recorded_at
    assert b.effective == b.recorded_at


# --- bad input: what is wrong, what would be right, and nothing appended ------------------------


def _refuses(book, error, match, action):
    before = len(book.log)
    with pytest.raises(error, match=match):
        action()
    book.refresh()
    assert len(book.log) == before


@pytest.mark.parametrize(
    ("error", "match", "call"),
    [
        (
            NotFound,
            "did you mean DM-AP-18",
            lambda b, k: c.complete_milestone(ledger=b, signer=k, code="DM-AP-81"),
        ),
        (
            InvalidInput,
            "not a real date",
            lambda b, k: c.move_milestone(ledger=b, signer=k, code="DM-AP-18", to="2020-02-30"),
        ),
        (
            InvalidInput,
            "YYYY-MM-DD",
            lambda b, k: c.move_milestone(ledger=b, signer=k, code="DM-AP-18", to="next week"),
        ),
        (
            Refused,
            "already 2020-05-29",
            lambda b, k: c.move_milestone(ledger=b, signer=k, code="DM-AP-18", to="2020-05-29"),
        ),
        (
            Refused,
            "nothing to reopen",
            lambda b, k: c.reopen_milestone(ledger=b, signer=k, code="DM-AP-18", reason="why"),
        ),
        (
            Refused,
            "needs an RFC",
            lambda b, k: c.move_milestone(
                ledger=b, signer=k, code="DM-AP-18", to="2020-06-01", baseline=True
            ),
        ),
        (
            NotFound,
            "RFC-404 is not in this ledger",
            lambda b, k: c.move_milestone(
                ledger=b, signer=k, code="DM-AP-18", to="2020-06-01", baseline=True, rfc="RFC-404"
            ),
        ),
        (
            InvalidInput,
            "RFC-<number>",
            lambda b, k: c.open_rfc(ledger=b, signer=k, rfc="781", title="x"),
        ),
        (
            InvalidInput,
            "control character",
            lambda b, k: c.retitle_milestone(ledger=b, signer=k, code="DM-AP-18", title="bell\x07"),
        ),
        (
            InvalidInput,
            "keep it to 300",
            lambda b, k: c.retitle_milestone(ledger=b, signer=k, code="DM-AP-18", title="x" * 301),
        ),
        (
            InvalidInput,
            "is empty",
            lambda b, k: c.retitle_milestone(ledger=b, signer=k, code="DM-AP-18", title="   "),
        ),
        (
            Refused,
            "already has that title",
            lambda b, k: c.retitle_milestone(
                ledger=b, signer=k, code="DM-AP-18", title="Alert packets"
            ),
        ),
        (
            Refused,
            "already in the plan",
            lambda b, k: c.define_milestone(
                ledger=b,
                signer=k,
                code="DM-AP-18",
                title="x",
                due="2020-01-01",
                level=3,
                releases=["LDM-503-05"],
            ),
        ),
        (
            InvalidInput,
            "--level 2",
            lambda b, k: c.define_milestone(
                ledger=b, signer=k, code="DM-AP-99", title="x", due="2020-01-01"
            ),
        ),
        (
            InvalidInput,
            "not valid",
            lambda b, k: c.define_milestone(
                ledger=b, signer=k, code="DM AP 99", title="x", due="2020-01-01", level=2
            ),
        ),
        (
            InvalidInput,
            "Level-3 milestone; --in takes Level-2",
            lambda b, k: c.define_milestone(
                ledger=b,
                signer=k,
                code="DM-AP-99",
                title="x",
                due="2020-01-01",
                releases=["DM-AP-18"],
            ),
        ),
        (
            Refused,
            "already under",
            lambda b, k: c.link_milestone(
                ledger=b, signer=k, code="DM-AP-18", release="LDM-503-05"
            ),
        ),
        (
            InvalidInput,
            "not a role",
            lambda b, k: c.grant_role(ledger=b, signer=k, actor_name="bob", role="boss"),
        ),
        (
            Refused,
            "already holds",
            lambda b, k: c.grant_role(ledger=b, signer=k, actor_name="alice", role="admin"),
        ),
        (
            NotFound,
            "no key",
            lambda b, k: c.revoke_key(ledger=b, signer=k, key_id="0000000000000000", reason="x"),
        ),
        (
            InvalidInput,
            "in the future",
            lambda b, k: c.complete_milestone(ledger=b, signer=k, code="DM-AP-18", on="2999-01-01"),
        ),
        (
            NotFound,
            "not in this ledger",
            lambda b, k: c.approve_rfc(ledger=b, signer=k, rfc="RFC-77"),
        ),
    ],
)
def test_bad_input_is_refused_with_a_helpful_message_and_appends_nothing(
    open_ledger, admin_key, error, match, call
):
    _plan(open_ledger, admin_key)

    _refuses(open_ledger, error, match, lambda: call(open_ledger, admin_key))


def test_completing_a_completed_milestone_says_when_and_by_whom(open_ledger, admin_key):
    _plan(open_ledger, admin_key)
    c.complete_milestone(ledger=open_ledger, signer=admin_key, code="DM-AP-18", on="2020-05-30")

    _refuses(
        open_ledger,
        Refused,
        r"on 2020-05-30, recorded by alice \(event #\d+\)",
        lambda: c.complete_milestone(ledger=open_ledger, signer=admin_key, code="DM-AP-18"),
    )


def test_a_withdrawn_milestone_cannot_be_touched(open_ledger, admin_key):
    _plan(open_ledger, admin_key)
    c.withdraw_milestone(ledger=open_ledger, signer=admin_key, code="DM-AP-18", reason="gone")

    _refuses(
        open_ledger,
        Refused,
        "withdrawn",
        lambda: c.complete_milestone(ledger=open_ledger, signer=admin_key, code="DM-AP-18"),
    )


def test_approving_or_rejecting_a_decided_rfc_is_refused(open_ledger, admin_key):
    c.open_rfc(ledger=open_ledger, signer=admin_key, rfc="RFC-1", title="a")
    c.approve_rfc(ledger=open_ledger, signer=admin_key, rfc="RFC-1", version="1.0")
    c.open_rfc(ledger=open_ledger, signer=admin_key, rfc="RFC-2", title="b")

    _refuses(
        open_ledger,
        Refused,
        "already approved",
        lambda: c.approve_rfc(ledger=open_ledger, signer=admin_key, rfc="RFC-1"),
    )
    _refuses(
        open_ledger,
        Refused,
        "already approved",
        lambda: c.reject_rfc(ledger=open_ledger, signer=admin_key, rfc="RFC-1"),
    )
    _refuses(
        open_ledger,
        Refused,
        "version 1.0 was already given to RFC-1",
        lambda: c.approve_rfc(ledger=open_ledger, signer=admin_key, rfc="RFC-2", version="1.0"),
    )
    _refuses(
        open_ledger,
        Refused,
        "already exists",
        lambda: c.open_rfc(ledger=open_ledger, signer=admin_key, rfc="rfc-2", title="c"),
    )


def test_validating_proposals_never_changes_the_plan_in_force(open_ledger, admin_key):
    _plan(open_ledger, admin_key)
    c.open_rfc(ledger=open_ledger, signer=admin_key, rfc="RFC-4", title="slip")
    k = {"ledger": open_ledger, "signer": admin_key, "rfc": "RFC-4"}

    c.move_milestone(code="DM-AP-18", to="2020-09-01", baseline=True, **k)
    c.link_milestone(code="DM-NCSA-9", release="LDM-503-05", unlink=True, **k)
    c.retitle_milestone(code="DM-AP-18", title="Alert packets, later", **k)

    now = open_ledger.state().milestones
    assert (now["DM-AP-18"].baseline, now["DM-AP-18"].title) == ("2020-05-29", "Alert packets")
    assert now["DM-NCSA-9"].releases == ["LDM-503-05"]
    c.approve_rfc(ledger=open_ledger, signer=admin_key, rfc="RFC-4")
    after = open_ledger.state().milestones
    assert (after["DM-AP-18"].baseline, after["DM-AP-18"].title) == (
        "2020-09-01",
        "Alert packets, later",
    )
    assert after["DM-NCSA-9"].releases == []
