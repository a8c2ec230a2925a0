"""The rules several parts of the ledger ask, each decided by one function in `ledger.rules`."""

from dataclasses import dataclass

import pytest

from ledger import rules
from ledger.errors import NotFound, PermissionDenied, Refused
from ledger.state import KeyInfo, Milestone, PlanState, Rfc


@dataclass
class _Signer:
    key_id: str


def _keys_state():
    return PlanState(
        keys={
            "a" * 16: KeyInfo("a" * 16, "alice", "00", 1),
            "b" * 16: KeyInfo("b" * 16, "bot:slack", "00", 2, delegate_for="slack:"),
            "c" * 16: KeyInfo("c" * 16, "carol", "00", 3, revoked_seq=9),
        }
    )


def test_a_key_signs_for_its_actor_and_a_delegate_key_for_its_prefix():
    alice, bot, _ = _keys_state().keys.values()

    assert rules.may_sign_for(alice, "alice")
    assert not rules.may_sign_for(alice, "slack:T1/U1")
    assert rules.may_sign_for(bot, "slack:T1/U1")
    assert not rules.may_sign_for(bot, "alice")


def test_authorise_names_the_acting_actor_or_says_why_not():
    state = _keys_state()

    assert rules.authorise(state, signer=_Signer("a" * 16), actor=None) == "alice"
    assert rules.authorise(state, signer=_Signer("b" * 16), actor="slack:T1/U1") == "slack:T1/U1"
    with pytest.raises(PermissionDenied, match="signs for bot:slack, not for alice"):
        rules.authorise(state, signer=_Signer("b" * 16), actor="alice")
    with pytest.raises(PermissionDenied, match="revoked at event #9"):
        rules.authorise(state, signer=_Signer("c" * 16), actor=None)
    with pytest.raises(PermissionDenied, match="not registered"):
        rules.authorise(state, signer=_Signer("d" * 16), actor=None)


def test_change_control_takes_open_and_approved_rfcs_and_refuses_the_rest():
    state = PlanState(
        baseline_control=True,
        rfcs={
            "RFC-1": Rfc("RFC-1", "open one", "open", "alice", 4),
            "RFC-2": Rfc("RFC-2", "done", "approved", "alice", 5),
            "RFC-3": Rfc("RFC-3", "no", "rejected", "alice", 6, decided_on="2020-01-01"),
        },
    )

    assert rules.change_control(state, "rfc-1", required=True, doing="x")[1] == "RFC-1"
    assert rules.change_control(state, "RFC-2", required=True, doing="x") == (state, "RFC-2")
    assert rules.change_control(state, None, required=False, doing="x") == (state, None)
    with pytest.raises(Refused, match="defining X needs an RFC"):
        rules.change_control(state, None, required=True, doing="defining X")
    with pytest.raises(Refused, match="rejected on 2020-01-01"):
        rules.change_control(state, "RFC-3", required=False, doing="x")
    with pytest.raises(NotFound, match="rfc open RFC-4"):
        rules.change_control(state, "RFC-4", required=False, doing="x")


def test_when_a_change_needs_an_rfc():
    controlled, free = PlanState(baseline_control=True), PlanState(baseline_control=False)

    assert rules.rfc_required("always", free)
    assert rules.rfc_required("baseline control", controlled)
    assert not rules.rfc_required("baseline control", free)
    assert not rules.rfc_required("no", controlled)


def test_the_forecast_follows_the_baseline_unless_it_was_moved_on_its_own():
    follows = rules.forecast_after_baseline_move(
        baseline="2020-05-01", forecast="2020-05-01", to="2020-06-01"
    )
    stays = rules.forecast_after_baseline_move(
        baseline="2020-05-01", forecast="2020-05-20", to="2020-06-01"
    )

    assert (follows, stays) == ("2020-06-01", "2020-05-20")


def test_a_withdrawn_milestone_is_found_but_cannot_change():
    gone = Milestone("DM-X-1", 3, "t", "2020-01-01", "2020-01-01", 1, withdrawn=True)
    state = PlanState(milestones={"DM-X-1": gone})

    assert rules.find_milestone(state, " DM-X-1 ") is gone
    with pytest.raises(Refused, match="withdrawn"):
        rules.live_milestone(state, "DM-X-1")
