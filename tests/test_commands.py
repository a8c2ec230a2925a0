"""Commands record the right facts, and the fold turns them into the right plan."""

from datetime import date

import pytest
from conftest import make_key
from freezegun import freeze_time

from ledger import requests as rq
from ledger.errors import InvalidInput, NotFound, PermissionDenied, Refused
from ledger.execute import record
from ledger.ledger import Ledger


def _plan(book, key, rfc=None):
    """LDM-503-05 with DM-AP-18 and DM-NCSA-9 under it."""
    record(
        rq.DefineMilestone(
            code="LDM-503-05", title="Alert distribution", due="2020-07-17", level=2, rfc=rfc
        ),
        ledger=book,
        signer=key,
    )
    record(
        rq.DefineMilestone(
            code="DM-AP-18",
            title="Alert packets",
            due="2020-05-29",
            releases=["LDM-503-05"],
            rfc=rfc,
        ),
        ledger=book,
        signer=key,
    )
    record(
        rq.DefineMilestone(
            code="DM-NCSA-9",
            title="Alert hosting",
            due="2020-05-31",
            releases=["LDM-503-05"],
            rfc=rfc,
        ),
        ledger=book,
        signer=key,
    )


def _approved_rfc(book, key, rfc="RFC-1", version=None):
    record(rq.OpenRfc(rfc=rfc, title="Baseline"), ledger=book, signer=key)
    return rfc


def test_a_new_ledger_names_its_creator_admin_editor_and_approver(ledger):
    state = ledger.state()

    assert state.name == "test plan"
    assert state.roles["alice"] == {"admin", "editor", "approver"}
    assert [e.type for e in ledger.log] == ["ledger.created", "role.granted", "role.granted"]
    assert ledger.log[0].prev == "0" * 64


def test_definitions_under_an_open_rfc_take_effect_only_at_its_approval(ledger, admin_key):
    record(rq.OpenRfc(rfc="RFC-781", title="Rebaseline"), ledger=ledger, signer=admin_key)
    _plan(ledger, admin_key, rfc="RFC-781")
    assert ledger.state().milestones == {}
    assert len(ledger.state().pending["RFC-781"]) == 3

    record(rq.ApproveRfc(rfc="RFC-781", version="1.5"), ledger=ledger, signer=admin_key)

    state = ledger.state()
    assert set(state.milestones) == {"LDM-503-05", "DM-AP-18", "DM-NCSA-9"}
    assert state.milestones["DM-AP-18"].releases == ["LDM-503-05"]
    assert state.milestones["DM-AP-18"].team == "AP"
    assert state.rfcs["RFC-781"].version == "1.5"
    assert state.rfcs["RFC-781"].changes == [5, 6, 7]


def test_a_rejected_rfcs_changes_never_take_effect(ledger, admin_key):
    record(rq.OpenRfc(rfc="RFC-2", title="Bad idea"), ledger=ledger, signer=admin_key)
    record(
        rq.DefineMilestone(code="LDM-X", title="X", due="2020-01-01", level=2, rfc="RFC-2"),
        ledger=ledger,
        signer=admin_key,
    )

    record(rq.RejectRfc(rfc="RFC-2", reason="no"), ledger=ledger, signer=admin_key)

    assert "LDM-X" not in ledger.state().milestones
    assert ledger.state().rfcs["RFC-2"].state == "rejected"
    with pytest.raises(Refused, match="rejected"):
        record(
            rq.DefineMilestone(code="LDM-Y", title="Y", due="2020-01-01", level=2, rfc="RFC-2"),
            ledger=ledger,
            signer=admin_key,
        )


def test_changes_under_an_approved_rfc_take_effect_at_once(ledger, admin_key):
    record(rq.OpenRfc(rfc="RFC-1", title="Plan"), ledger=ledger, signer=admin_key)
    record(rq.ApproveRfc(rfc="RFC-1"), ledger=ledger, signer=admin_key)

    _plan(ledger, admin_key, rfc="RFC-1")

    assert "DM-AP-18" in ledger.state().milestones


def test_one_rfc_can_define_a_milestone_and_then_move_it(ledger, admin_key):
    record(rq.OpenRfc(rfc="RFC-1", title="Plan"), ledger=ledger, signer=admin_key)
    _plan(ledger, admin_key, rfc="RFC-1")

    record(
        rq.MoveMilestone(code="DM-AP-18", to="2020-06-30", baseline=True, rfc="RFC-1"),
        ledger=ledger,
        signer=admin_key,
    )
    record(rq.ApproveRfc(rfc="RFC-1"), ledger=ledger, signer=admin_key)

    m = ledger.state().milestones["DM-AP-18"]
    assert (m.baseline, m.forecast) == ("2020-06-30", "2020-06-30")


def test_defining_without_an_rfc_under_baseline_control_is_refused(ledger, admin_key):
    with pytest.raises(Refused, match="needs an RFC"):
        record(
            rq.DefineMilestone(code="LDM-1", title="T", due="2020-01-01", level=2),
            ledger=ledger,
            signer=admin_key,
        )
    assert len(ledger.log) == 3


def test_every_milestone_change_is_folded(open_ledger, admin_key):
    book, key = open_ledger, admin_key
    _plan(book, key)
    record(
        rq.DefineMilestone(code="LDM-503-8b", title="CCOB", due="2018-09-06", level=2),
        ledger=book,
        signer=key,
    )

    record(
        rq.RetitleMilestone(code="DM-AP-18", title="Alert packet generation"),
        ledger=book,
        signer=key,
    )
    record(rq.LinkMilestone(code="DM-AP-18", release="LDM-503-8b"), ledger=book, signer=key)
    record(rq.UnlinkMilestone(code="DM-NCSA-9", release="LDM-503-05"), ledger=book, signer=key)
    record(
        rq.MoveMilestone(code="DM-AP-18", to="2020-06-15", reason="late"), ledger=book, signer=key
    )
    record(rq.OpenRfc(rfc="RFC-9", title="Move"), ledger=book, signer=key)
    record(rq.ApproveRfc(rfc="RFC-9"), ledger=book, signer=key)
    record(
        rq.MoveMilestone(code="LDM-503-05", to="2020-08-01", baseline=True, rfc="RFC-9"),
        ledger=book,
        signer=key,
    )
    record(rq.CompleteMilestone(code="DM-AP-18", on="2020-05-31"), ledger=book, signer=key)
    record(rq.ReopenMilestone(code="DM-AP-18", reason="found a bug"), ledger=book, signer=key)
    record(rq.CompleteMilestone(code="DM-AP-18", on=date(2020, 6, 1)), ledger=book, signer=key)
    record(rq.WithdrawMilestone(code="DM-NCSA-9", reason="descoped"), ledger=book, signer=key)
    record(rq.RenameMilestone(code="LDM-503-8b", new_code="LDM-503-08b"), ledger=book, signer=key)

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
    record(rq.MoveMilestone(code="DM-AP-18", to="2020-07-01"), ledger=open_ledger, signer=admin_key)
    record(rq.OpenRfc(rfc="RFC-3", title="x"), ledger=open_ledger, signer=admin_key)
    record(rq.ApproveRfc(rfc="RFC-3"), ledger=open_ledger, signer=admin_key)

    record(
        rq.MoveMilestone(code="DM-AP-18", to="2020-06-01", baseline=True, rfc="RFC-3"),
        ledger=open_ledger,
        signer=admin_key,
    )

    m = open_ledger.state().milestones["DM-AP-18"]
    assert (m.baseline, m.forecast) == ("2020-06-01", "2020-07-01")


def test_keys_and_roles_are_recorded_and_enforced(open_ledger, admin_key, tmp_path):
    bob = make_key(tmp_path, "bob")
    _plan(open_ledger, admin_key)
    record(rq.AddKey(actor="bob", public_key=bob.public_raw), ledger=open_ledger, signer=admin_key)

    with pytest.raises(PermissionDenied, match="needs the editor role"):
        record(rq.CompleteMilestone(code="DM-AP-18"), ledger=open_ledger, signer=bob)
    with pytest.raises(PermissionDenied, match="needs the admin role"):
        record(rq.GrantRole(actor="bob", role="admin"), ledger=open_ledger, signer=bob)
    record(rq.GrantRole(actor="bob", role="editor"), ledger=open_ledger, signer=admin_key)
    record(rq.CompleteMilestone(code="DM-AP-18", on="2020-05-30"), ledger=open_ledger, signer=bob)
    record(rq.RevokeRole(actor="bob", role="editor"), ledger=open_ledger, signer=admin_key)
    record(rq.RevokeKey(key_id=bob.key_id, reason="left"), ledger=open_ledger, signer=admin_key)

    assert open_ledger.log[-3].actor == "bob"
    assert not open_ledger.state().has_role("bob", "editor")
    with pytest.raises(PermissionDenied, match="revoked"):
        record(rq.ReopenMilestone(code="DM-AP-18", reason="x"), ledger=open_ledger, signer=bob)


def test_an_unregistered_key_may_not_append(open_ledger, tmp_path):
    stranger = make_key(tmp_path, "mallory")

    with pytest.raises(PermissionDenied, match="not registered"):
        record(rq.OpenRfc(rfc="RFC-5", title="x"), ledger=open_ledger, signer=stranger)


def test_a_delegate_key_signs_for_slack_actors_only(open_ledger, admin_key, tmp_path):
    bot = make_key(tmp_path, "bot")
    record(
        rq.AddKey(actor="bot:slack", public_key=bot.public_raw, delegate_for="slack:"),
        ledger=open_ledger,
        signer=admin_key,
    )
    record(rq.GrantRole(actor="slack:T1/U1", role="editor"), ledger=open_ledger, signer=admin_key)
    _plan(open_ledger, admin_key)

    record(
        rq.CompleteMilestone(code="DM-AP-18", on="2020-05-01"),
        ledger=open_ledger,
        signer=bot,
        actor="slack:T1/U1",
    )

    assert open_ledger.log[-1].actor == "slack:T1/U1"
    assert open_ledger.log[-1].key == bot.key_id
    with pytest.raises(PermissionDenied, match="signs for bot:slack, not for alice"):
        record(
            rq.ReopenMilestone(code="DM-AP-18", reason="x"),
            ledger=open_ledger,
            signer=bot,
            actor="alice",
        )


def test_the_same_idempotency_key_records_a_command_once(open_ledger, admin_key):
    _plan(open_ledger, admin_key)

    first = record(
        rq.CompleteMilestone(code="DM-AP-18", on="2020-05-01"),
        ledger=open_ledger,
        signer=admin_key,
        idem="slack:trigger:123",
    )
    again = record(
        rq.CompleteMilestone(code="DM-AP-18", on="2020-05-01"),
        ledger=open_ledger,
        signer=admin_key,
        idem="slack:trigger:123",
    )

    assert [e.seq for e in first] == [e.seq for e in again]
    assert sum(e.type == "milestone.completed" for e in open_ledger.log) == 1


def test_two_ledger_objects_see_each_others_appends_before_validating(
    open_ledger, admin_key, db_url
):
    _plan(open_ledger, admin_key)
    other = Ledger.open(db_url)
    record(
        rq.CompleteMilestone(code="DM-AP-18", on="2020-05-01"), ledger=open_ledger, signer=admin_key
    )

    with pytest.raises(Refused, match="already completed: on 2020-05-01, recorded by alice"):
        record(
            rq.CompleteMilestone(code="DM-AP-18", on="2020-05-02"), ledger=other, signer=admin_key
        )
    other.close()


@freeze_time("2027-01-10 09:00:00")
def test_recorded_at_comes_from_the_clock_and_never_runs_backwards(open_ledger, admin_key):
    record(rq.OpenRfc(rfc="RFC-1", title="a"), ledger=open_ledger, signer=admin_key)
    with freeze_time("2025-01-01"):
        record(rq.OpenRfc(rfc="RFC-2", title="b"), ledger=open_ledger, signer=admin_key)

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
            lambda b, k: record(rq.CompleteMilestone(code="DM-AP-81"), ledger=b, signer=k),
        ),
        (
            InvalidInput,
            "not a real date",
            lambda b, k: record(
                rq.MoveMilestone(code="DM-AP-18", to="2020-02-30"), ledger=b, signer=k
            ),
        ),
        (
            InvalidInput,
            "YYYY-MM-DD",
            lambda b, k: record(
                rq.MoveMilestone(code="DM-AP-18", to="next week"), ledger=b, signer=k
            ),
        ),
        (
            Refused,
            "already 2020-05-29",
            lambda b, k: record(
                rq.MoveMilestone(code="DM-AP-18", to="2020-05-29"), ledger=b, signer=k
            ),
        ),
        (
            Refused,
            "nothing to reopen",
            lambda b, k: record(
                rq.ReopenMilestone(code="DM-AP-18", reason="why"), ledger=b, signer=k
            ),
        ),
        (
            Refused,
            "needs an RFC",
            lambda b, k: record(
                rq.MoveMilestone(code="DM-AP-18", to="2020-06-01", baseline=True),
                ledger=b,
                signer=k,
            ),
        ),
        (
            NotFound,
            "RFC-404 is not in this ledger",
            lambda b, k: record(
                rq.MoveMilestone(code="DM-AP-18", to="2020-06-01", baseline=True, rfc="RFC-404"),
                ledger=b,
                signer=k,
            ),
        ),
        (
            InvalidInput,
            "RFC-<number>",
            lambda b, k: record(rq.OpenRfc(rfc="781", title="x"), ledger=b, signer=k),
        ),
        (
            InvalidInput,
            "control character",
            lambda b, k: record(
                rq.RetitleMilestone(code="DM-AP-18", title="bell\x07"), ledger=b, signer=k
            ),
        ),
        (
            InvalidInput,
            "keep it to 300",
            lambda b, k: record(
                rq.RetitleMilestone(code="DM-AP-18", title="x" * 301), ledger=b, signer=k
            ),
        ),
        (
            InvalidInput,
            "is empty",
            lambda b, k: record(
                rq.RetitleMilestone(code="DM-AP-18", title="   "), ledger=b, signer=k
            ),
        ),
        (
            Refused,
            "already has that title",
            lambda b, k: record(
                rq.RetitleMilestone(code="DM-AP-18", title="Alert packets"), ledger=b, signer=k
            ),
        ),
        (
            Refused,
            "already in the plan",
            lambda b, k: record(
                rq.DefineMilestone(
                    code="DM-AP-18", title="x", due="2020-01-01", level=3, releases=["LDM-503-05"]
                ),
                ledger=b,
                signer=k,
            ),
        ),
        (
            InvalidInput,
            "--level 2",
            lambda b, k: record(
                rq.DefineMilestone(code="DM-AP-99", title="x", due="2020-01-01"), ledger=b, signer=k
            ),
        ),
        (
            InvalidInput,
            "not valid",
            lambda b, k: record(
                rq.DefineMilestone(code="DM AP 99", title="x", due="2020-01-01", level=2),
                ledger=b,
                signer=k,
            ),
        ),
        (
            InvalidInput,
            "Level-3 milestone; --in takes Level-2",
            lambda b, k: record(
                rq.DefineMilestone(
                    code="DM-AP-99", title="x", due="2020-01-01", releases=["DM-AP-18"]
                ),
                ledger=b,
                signer=k,
            ),
        ),
        (
            Refused,
            "already under",
            lambda b, k: record(
                rq.LinkMilestone(code="DM-AP-18", release="LDM-503-05"), ledger=b, signer=k
            ),
        ),
        (
            InvalidInput,
            "not a role",
            lambda b, k: record(rq.GrantRole(actor="bob", role="boss"), ledger=b, signer=k),
        ),
        (
            Refused,
            "already holds",
            lambda b, k: record(rq.GrantRole(actor="alice", role="admin"), ledger=b, signer=k),
        ),
        (
            NotFound,
            "no key",
            lambda b, k: record(
                rq.RevokeKey(key_id="0000000000000000", reason="x"), ledger=b, signer=k
            ),
        ),
        (
            InvalidInput,
            "in the future",
            lambda b, k: record(
                rq.CompleteMilestone(code="DM-AP-18", on="2999-01-01"), ledger=b, signer=k
            ),
        ),
        (
            NotFound,
            "not in this ledger",
            lambda b, k: record(rq.ApproveRfc(rfc="RFC-77"), ledger=b, signer=k),
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
    record(
        rq.CompleteMilestone(code="DM-AP-18", on="2020-05-30"), ledger=open_ledger, signer=admin_key
    )

    _refuses(
        open_ledger,
        Refused,
        r"on 2020-05-30, recorded by alice \(event #\d+\)",
        lambda: record(rq.CompleteMilestone(code="DM-AP-18"), ledger=open_ledger, signer=admin_key),
    )


def test_a_withdrawn_milestone_cannot_be_touched(open_ledger, admin_key):
    _plan(open_ledger, admin_key)
    record(
        rq.WithdrawMilestone(code="DM-AP-18", reason="gone"), ledger=open_ledger, signer=admin_key
    )

    _refuses(
        open_ledger,
        Refused,
        "withdrawn",
        lambda: record(rq.CompleteMilestone(code="DM-AP-18"), ledger=open_ledger, signer=admin_key),
    )


def test_approving_or_rejecting_a_decided_rfc_is_refused(open_ledger, admin_key):
    record(rq.OpenRfc(rfc="RFC-1", title="a"), ledger=open_ledger, signer=admin_key)
    record(rq.ApproveRfc(rfc="RFC-1", version="1.0"), ledger=open_ledger, signer=admin_key)
    record(rq.OpenRfc(rfc="RFC-2", title="b"), ledger=open_ledger, signer=admin_key)

    _refuses(
        open_ledger,
        Refused,
        "already approved",
        lambda: record(rq.ApproveRfc(rfc="RFC-1"), ledger=open_ledger, signer=admin_key),
    )
    _refuses(
        open_ledger,
        Refused,
        "already approved",
        lambda: record(rq.RejectRfc(rfc="RFC-1"), ledger=open_ledger, signer=admin_key),
    )
    _refuses(
        open_ledger,
        Refused,
        "version 1.0 was already given to RFC-1",
        lambda: record(
            rq.ApproveRfc(rfc="RFC-2", version="1.0"), ledger=open_ledger, signer=admin_key
        ),
    )
    _refuses(
        open_ledger,
        Refused,
        "already exists",
        lambda: record(rq.OpenRfc(rfc="rfc-2", title="c"), ledger=open_ledger, signer=admin_key),
    )


def test_validating_proposals_never_changes_the_plan_in_force(open_ledger, admin_key):
    _plan(open_ledger, admin_key)
    record(rq.OpenRfc(rfc="RFC-4", title="slip"), ledger=open_ledger, signer=admin_key)
    k = {"ledger": open_ledger, "signer": admin_key}

    record(rq.MoveMilestone(code="DM-AP-18", to="2020-09-01", baseline=True, rfc="RFC-4"), **k)
    record(rq.UnlinkMilestone(code="DM-NCSA-9", release="LDM-503-05", rfc="RFC-4"), **k)
    record(rq.RetitleMilestone(code="DM-AP-18", title="Alert packets, later", rfc="RFC-4"), **k)

    now = open_ledger.state().milestones
    assert (now["DM-AP-18"].baseline, now["DM-AP-18"].title) == ("2020-05-29", "Alert packets")
    assert now["DM-NCSA-9"].releases == ["LDM-503-05"]
    record(rq.ApproveRfc(rfc="RFC-4"), ledger=open_ledger, signer=admin_key)
    after = open_ledger.state().milestones
    assert (after["DM-AP-18"].baseline, after["DM-AP-18"].title) == (
        "2020-09-01",
        "Alert packets, later",
    )
    assert after["DM-NCSA-9"].releases == []
