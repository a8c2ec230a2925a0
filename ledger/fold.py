"""The fold: one small `apply` case per event type. Pure, and never raises.

The cases for milestone changes are in `ledger.fold_milestones`; the ledger's own
facts (keys, roles, RFCs, imports) and the change-control rule that holds a change
until its RFC is approved are here.

A change that names an RFC takes effect only once that RFC is approved: until
then it waits in `state.pending`; approval applies all of them at once, and a
rejection drops them. Whatever cannot be applied (a completion of an unknown
milestone, say) is noted in `state.oddities` for `milestone check`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from ledger.fold_milestones import CHANGES, Handler
from ledger.state import KeyInfo, PlanState, Recorded, Rfc


def _created(state: PlanState, event: Recorded) -> None:
    data = event.data
    state.name = data["name"]
    state.baseline_control = data.get("baseline_control", True)
    state.roles.setdefault(data["actor"], set()).add("admin")
    state.keys[data["key_id"]] = KeyInfo(
        data["key_id"], data["actor"], data["public_key"], event.seq
    )


def _key_registered(state: PlanState, event: Recorded) -> None:
    data = event.data
    state.keys[data["key_id"]] = KeyInfo(
        data["key_id"], data["actor"], data["public_key"], event.seq, data.get("delegate_for")
    )


def _key_revoked(state: PlanState, event: Recorded) -> None:
    key = state.keys.get(event.data["key_id"])
    if key is not None and key.revoked_seq is None:
        key.revoked_seq = event.seq


def _role_granted(state: PlanState, event: Recorded) -> None:
    state.roles.setdefault(event.data["actor"], set()).add(event.data["role"])


def _role_revoked(state: PlanState, event: Recorded) -> None:
    state.roles.get(event.data["actor"], set()).discard(event.data["role"])


def _rfc_opened(state: PlanState, event: Recorded) -> None:
    rfc_id = event.data["id"]
    if rfc_id in state.rfcs:
        state.oddities.append((event.seq, f"{rfc_id} opened again"))
        return
    state.rfcs[rfc_id] = Rfc(rfc_id, event.data["title"], "open", event.actor, event.seq)


def _decide(state: PlanState, event: Recorded, outcome: str) -> Rfc | None:
    rfc_id = event.data["id"]
    rfc = state.rfcs.get(rfc_id)
    if rfc is None:
        # An import may approve an RFC the ledger never saw opened.
        rfc = state.rfcs[rfc_id] = Rfc(rfc_id, rfc_id, "open", event.actor, event.seq)
        rfc.changes = [change.seq for change in state.pending.get(rfc_id, ())]
    if rfc.state != "open":
        state.oddities.append((event.seq, f"{rfc_id} {outcome} but it was already {rfc.state}"))
        return None
    rfc.state = outcome
    rfc.decided_on = event.data["on"]
    rfc.decided_by = event.actor
    rfc.decided_seq = event.seq
    rfc.version = event.data.get("version")
    return rfc


def _rfc_approved(state: PlanState, event: Recorded) -> None:
    if _decide(state, event, "approved") is not None:
        for change in state.pending.pop(event.data["id"], ()):
            CHANGES[change.type](state, change)


def _rfc_rejected(state: PlanState, event: Recorded) -> None:
    if _decide(state, event, "rejected") is not None:
        state.pending.pop(event.data["id"], None)


def _revision_imported(state: PlanState, event: Recorded) -> None:
    # An import's summary changes no milestone; what its source said inconsistently is
    # kept for `milestone check`.
    source = event.data.get("source", event.subject)
    for warning in event.data.get("warnings", ()):
        state.oddities.append((event.seq, f"{source}: {warning}"))


_OTHERS: dict[str, Handler] = {
    "ledger.created": _created,
    "key.registered": _key_registered,
    "key.revoked": _key_revoked,
    "role.granted": _role_granted,
    "role.revoked": _role_revoked,
    "rfc.opened": _rfc_opened,
    "rfc.approved": _rfc_approved,
    "rfc.rejected": _rfc_rejected,
    "revision.imported": _revision_imported,
}


def apply(state: PlanState, event: Recorded) -> None:
    """Fold one event into `state`."""
    state.last = event
    change = CHANGES.get(event.type)
    if change is None:
        handler = _OTHERS.get(event.type)
        if handler is None:
            state.oddities.append((event.seq, f"unknown event type {event.type}"))
        else:
            handler(state, event)
        return
    rfc_id = event.rfc
    if rfc_id is None:
        change(state, event)
        return
    rfc = state.rfcs.get(rfc_id)
    if rfc is not None:
        rfc.changes.append(event.seq)
    if rfc is None or rfc.state == "open":
        state.pending.setdefault(rfc_id, []).append(event)
    elif rfc.state == "approved":
        change(state, event)
    # A rejected RFC's changes never take effect.


def takes_effect(state: PlanState, event: Recorded) -> bool:
    """Whether folding `event` into `state` changes a milestone (judged before it is folded).

    A milestone change does unless it waits for an RFC that is not approved; an approval
    does when changes wait for it. Nothing else does.
    """
    if event.type in CHANGES:
        if event.rfc is None:
            return True
        rfc = state.rfcs.get(event.rfc)
        return rfc is not None and rfc.state == "approved"
    if event.type == "rfc.approved":
        rfc_id = event.data.get("id", event.subject)
        rfc = state.rfcs.get(rfc_id)
        return bool(state.pending.get(rfc_id)) and (rfc is None or rfc.state == "open")
    return False


def fold(events: Iterable[Recorded], state: PlanState | None = None) -> PlanState:
    """Fold `events` (already in the order wanted) into `state`, or into a new one."""
    state = state if state is not None else PlanState()
    for event in events:
        apply(state, event)
    return state


def with_proposals(state: PlanState, rfc_id: str) -> PlanState:
    """A copy of `state` in which the changes proposed under an open RFC have taken effect.

    Commands proposed under an RFC are validated against this, so that an RFC can
    define a milestone and then move it before it is approved. Only the
    milestones the proposals touch are copied: a full copy of a large plan on
    every proposal would make appends slower as the ledger grows.
    """
    pending = state.pending.get(rfc_id)
    if not pending:
        return state
    if any(change.type == "milestone.renamed" for change in pending):
        # A rename rewrites other milestones' memberships: copy everything.
        hypothetical = state.copy()
    else:
        hypothetical = replace(
            state,
            milestones=dict(state.milestones),
            # A definition may free a withdrawn milestone's alias (`fold_milestones`).
            aliases=dict(state.aliases),
            pending=dict(state.pending),
            oddities=list(state.oddities),
        )
        for change in pending:
            code = state.resolve(change.data.get("code", change.subject))
            if code is not None:
                hypothetical.milestones[code] = state.milestones[code].copy()
    for change in hypothetical.pending.pop(rfc_id):
        CHANGES[change.type](hypothetical, change)
    return hypothetical
