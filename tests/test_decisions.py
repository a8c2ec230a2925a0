"""Decisions are pure: a hand-built state and a request in, the facts to record out. No database."""

from datetime import date

import pytest

from events import fact_data
from ledger import requests as rq
from ledger.errors import InvalidInput, NotFound, Refused
from ledger.execute import decide
from ledger.fold import with_proposals
from ledger.state import KeyInfo, Milestone, PlanState, Recorded, Rfc

TODAY = date(2020, 6, 1)


def _milestone(code, level=3, *, due="2020-05-29", releases=(), **changes):
    return Milestone(
        code=code,
        level=level,
        title=changes.pop("title", f"Work {code}"),
        baseline=changes.pop("baseline", due),
        forecast=changes.pop("forecast", due),
        defined_seq=1,
        releases=list(releases),
        **changes,
    )


def _state(*milestones, **rest):
    state = PlanState(name="hand-built", **rest)
    for m in milestones:
        state.milestones[m.code] = m
    return state


@pytest.fixture
def plan():
    """LDM-503-05 with DM-AP-18 under it, and DM-NCSA-9 done on 2020-05-20."""
    return _state(
        _milestone("LDM-503-05", 2, due="2020-07-17"),
        _milestone("DM-AP-18", releases=["LDM-503-05"]),
        _milestone(
            "DM-NCSA-9",
            releases=["LDM-503-05"],
            completed="2020-05-20",
            completed_by="bob",
            completed_seq=7,
        ),
    )


def _proposed(seq, draft, rfc):
    """A draft as the fold keeps a proposal waiting for its RFC."""
    return Recorded(
        seq=seq,
        id=f"event-{seq}",
        type=draft.fact.type,
        subject=draft.subject,
        actor="alice",
        key="k",
        rfc=rfc,
        idem=None,
        recorded_at="2020-06-01T00:00:00.000000Z",
        effective="2020-06-01T00:00:00.000000Z",
        data=fact_data(draft.fact),
        prev="",
        hash=b"",
    )


def _facts(drafts):
    return [(d.fact.type, d.subject, fact_data(d.fact)) for d in drafts]


def test_defining_a_level3_milestone_links_it_to_the_level2_ones_named(plan):
    request = rq.DefineMilestone(
        code="DM-AP-19", title="Alert filtering", due="2020-08-01", releases=["LDM-503-05"]
    )

    drafts = decide(request, plan, today=TODAY)

    assert _facts(drafts) == [
        (
            "milestone.defined",
            "DM-AP-19",
            {
                "code": "DM-AP-19",
                "level": 3,
                "title": "Alert filtering",
                "baseline": "2020-08-01",
                "forecast": "2020-08-01",
                "releases": ["LDM-503-05"],
            },
        )
    ]
    assert drafts[0].rfc is None  # the append path, not the decision, names the RFC


def test_defining_a_code_already_in_the_plan_is_refused(plan):
    request = rq.DefineMilestone(code="DM-AP-18", title="x", due="2020-01-01", level=3)

    with pytest.raises(Refused, match="already in the plan"):
        decide(request, plan, today=TODAY)


def test_a_forecast_move_records_where_it_moved_from(plan):
    request = rq.MoveMilestone(code="DM-AP-18", to="2020-06-30", reason="late hardware")

    drafts = decide(request, plan, today=TODAY)

    assert _facts(drafts) == [
        (
            "milestone.forecast_moved",
            "DM-AP-18",
            {
                "code": "DM-AP-18",
                "from": "2020-05-29",
                "to": "2020-06-30",
                "reason": "late hardware",
            },
        )
    ]


def test_a_baseline_move_records_the_baseline_it_leaves(plan):
    plan.milestones["DM-AP-18"].forecast = "2020-06-10"

    drafts = decide(
        rq.MoveMilestone(code="DM-AP-18", to="2020-07-01", baseline=True, rfc="RFC-1"),
        plan,
        today=TODAY,
    )

    assert _facts(drafts)[0][0] == "milestone.baseline_moved"
    assert _facts(drafts)[0][2]["from"] == "2020-05-29"


def test_moving_a_completed_milestone_is_refused(plan):
    with pytest.raises(Refused, match="reopen it before moving"):
        decide(rq.MoveMilestone(code="DM-NCSA-9", to="2020-07-01"), plan, today=TODAY)


def test_completion_defaults_to_today_and_refuses_the_future(plan):
    drafts = decide(rq.CompleteMilestone(code="DM-AP-18"), plan, today=TODAY)

    assert _facts(drafts) == [
        ("milestone.completed", "DM-AP-18", {"code": "DM-AP-18", "on": "2020-06-01"})
    ]
    with pytest.raises(InvalidInput, match="in the future"):
        decide(rq.CompleteMilestone(code="DM-AP-18", on="2020-06-02"), plan, today=TODAY)


def test_completing_twice_says_when_and_by_whom(plan):
    with pytest.raises(Refused, match=r"on 2020-05-20, recorded by bob \(event #7\)"):
        decide(rq.CompleteMilestone(code="DM-NCSA-9"), plan, today=TODAY)


def test_an_unknown_code_suggests_close_ones(plan):
    with pytest.raises(NotFound, match="did you mean DM-AP-18"):
        decide(rq.ReopenMilestone(code="DM-AP-81", reason="x"), plan, today=TODAY)


def test_a_withdrawn_milestone_cannot_change(plan):
    plan.milestones["DM-AP-18"].withdrawn = True

    with pytest.raises(Refused, match="withdrawn"):
        decide(rq.RetitleMilestone(code="DM-AP-18", title="New"), plan, today=TODAY)


def test_linking_and_unlinking_check_levels_and_membership(plan):
    plan.milestones["LDM-503-06"] = _milestone("LDM-503-06", 2)

    linked = decide(rq.LinkMilestone(code="DM-AP-18", release="LDM-503-06"), plan, today=TODAY)

    assert _facts(linked)[0][:2] == ("milestone.linked", "DM-AP-18")
    with pytest.raises(Refused, match="already under"):
        decide(rq.LinkMilestone(code="DM-AP-18", release="LDM-503-05"), plan, today=TODAY)
    with pytest.raises(Refused, match="nothing to unlink"):
        decide(rq.UnlinkMilestone(code="DM-AP-18", release="LDM-503-06"), plan, today=TODAY)
    with pytest.raises(InvalidInput, match="Level-3 code then a Level-2 code"):
        decide(rq.LinkMilestone(code="LDM-503-05", release="LDM-503-06"), plan, today=TODAY)


def test_renaming_onto_a_used_code_is_refused(plan):
    with pytest.raises(Refused, match="DM-NCSA-9 is already a milestone: 'Work DM-NCSA-9'"):
        decide(rq.RenameMilestone(code="DM-AP-18", new_code="DM-NCSA-9"), plan, today=TODAY)


def test_a_proposal_is_decided_on_the_plan_with_the_rfcs_earlier_proposals(plan):
    plan.rfcs["RFC-7"] = Rfc("RFC-7", "Add work", "open", "alice", 10)
    defined = decide(
        rq.DefineMilestone(
            code="DM-AP-20", title="Later", due="2020-09-01", releases=["LDM-503-05"]
        ),
        plan,
        today=TODAY,
    )[0]
    plan.pending["RFC-7"] = [_proposed(11, defined, "RFC-7")]

    with pytest.raises(NotFound):
        decide(rq.MoveMilestone(code="DM-AP-20", to="2020-10-01"), plan, today=TODAY)
    moved = decide(
        rq.MoveMilestone(code="DM-AP-20", to="2020-10-01"),
        with_proposals(plan, "RFC-7"),
        today=TODAY,
    )

    assert _facts(moved)[0][2]["from"] == "2020-09-01"


def test_approving_records_today_unless_a_date_is_given_and_keeps_labels_unique():
    state = _state(
        rfcs={
            "RFC-1": Rfc("RFC-1", "a", "approved", "alice", 3, version="1.0"),
            "RFC-2": Rfc("RFC-2", "b", "open", "alice", 4),
        }
    )

    drafts = decide(rq.ApproveRfc(rfc="RFC-2", version="v1.1"), state, today=TODAY)

    assert _facts(drafts) == [
        ("rfc.approved", "RFC-2", {"id": "RFC-2", "on": "2020-06-01", "version": "1.1"})
    ]
    with pytest.raises(Refused, match=r"version 1\.0 was already given to RFC-1"):
        decide(rq.ApproveRfc(rfc="RFC-2", version="1.0"), state, today=TODAY)
    with pytest.raises(Refused, match="already approved"):
        decide(rq.RejectRfc(rfc="RFC-1"), state, today=TODAY)


def test_roles_and_keys_are_granted_and_revoked_once():
    state = _state(
        roles={"alice": {"admin"}},
        keys={"00ff00ff00ff00ff": KeyInfo("00ff00ff00ff00ff", "bob", "ab" * 32, 2)},
    )

    granted = decide(rq.GrantRole(actor="bob", role="Editor"), state, today=TODAY)

    assert _facts(granted) == [("role.granted", "bob", {"actor": "bob", "role": "editor"})]
    with pytest.raises(Refused, match="already holds"):
        decide(rq.GrantRole(actor="alice", role="admin"), state, today=TODAY)
    with pytest.raises(Refused, match="nothing to take away"):
        decide(rq.RevokeRole(actor="bob", role="editor"), state, today=TODAY)
    revoked = decide(rq.RevokeKey(key_id="00FF00FF00FF00FF", reason="left"), state, today=TODAY)
    assert _facts(revoked)[0][:2] == ("key.revoked", "00ff00ff00ff00ff")
    with pytest.raises(NotFound, match="no key"):
        decide(rq.RevokeKey(key_id="1111111111111111", reason="x"), state, today=TODAY)


def test_every_change_of_the_grammar_has_a_decision():
    from ledger.execute import DECISIONS

    changes = [r for r in rq.GRAMMAR if issubclass(r, rq.Change)]

    assert [r for r in changes if r not in DECISIONS] == []
