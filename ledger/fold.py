"""The fold: one small `apply` case per event type. Pure, and never raises.

A change that names an RFC takes effect only once that RFC is approved: until
then it waits in `state.pending`; approval applies all of them at once, and a
rejection drops them. Whatever cannot be applied (a completion of an unknown
milestone, say) is noted in `state.oddities` for `milestone check`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import replace

from ledger.rules import forecast_after_baseline_move
from ledger.state import KeyInfo, Milestone, PlanState, Recorded, Rfc

Handler = Callable[[PlanState, Recorded], None]


def _milestone(state: PlanState, event: Recorded) -> Milestone | None:
    code = state.resolve(event.data.get("code", event.subject))
    if code is None:
        state.oddities.append((event.seq, f"{event.type} names unknown milestone {event.subject}"))
        return None
    return state.milestones[code]


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


def _defined(state: PlanState, event: Recorded) -> None:
    data = event.data
    code = data["code"]
    if code in state.milestones or code in state.aliases:
        state.oddities.append((event.seq, f"{code} defined again"))
        return
    state.milestones[code] = Milestone(
        code=code,
        level=data["level"],
        title=data["title"],
        baseline=data["baseline"],
        forecast=data["forecast"],
        defined_seq=event.seq,
        releases=list(data.get("releases", ())),
    )


def _retitled(state: PlanState, event: Recorded) -> None:
    if (m := _milestone(state, event)) is not None:
        m.title = event.data["title"]


def _linked(state: PlanState, event: Recorded) -> None:
    if (m := _milestone(state, event)) is not None:
        release = state.resolve(event.data["release"]) or event.data["release"]
        if release not in m.releases:
            m.releases.append(release)


def _unlinked(state: PlanState, event: Recorded) -> None:
    if (m := _milestone(state, event)) is not None:
        release = state.resolve(event.data["release"]) or event.data["release"]
        if release in m.releases:
            m.releases.remove(release)


def _forecast_moved(state: PlanState, event: Recorded) -> None:
    if (m := _milestone(state, event)) is not None:
        m.forecast = event.data["to"]


def _baseline_moved(state: PlanState, event: Recorded) -> None:
    if (m := _milestone(state, event)) is not None:
        m.forecast = forecast_after_baseline_move(
            baseline=m.baseline, forecast=m.forecast, to=event.data["to"]
        )
        m.baseline = event.data["to"]


def _completed(state: PlanState, event: Recorded) -> None:
    if (m := _milestone(state, event)) is not None:
        m.completed = event.data["on"]
        m.completed_by = event.actor
        m.completed_seq = event.seq


def _reopened(state: PlanState, event: Recorded) -> None:
    if (m := _milestone(state, event)) is not None:
        m.completed = m.completed_by = m.completed_seq = None


def _withdrawn(state: PlanState, event: Recorded) -> None:
    if (m := _milestone(state, event)) is not None:
        m.withdrawn = True


def _renamed(state: PlanState, event: Recorded) -> None:
    m = _milestone(state, event)
    new = event.data["new_code"]
    if m is None:
        return
    if new in state.milestones:
        state.oddities.append((event.seq, f"{m.code} renamed to {new}, which already exists"))
        return
    old = m.code
    del state.milestones[old]
    m.code = new
    # Renaming back to an earlier spelling: that spelling is the code again, not an alias.
    m.aliases = [alias for alias in m.aliases if alias != new]
    m.aliases.append(old)
    state.milestones[new] = m
    state.aliases.pop(new, None)
    for alias in m.aliases:
        state.aliases[alias] = new
    for other in state.milestones.values():
        other.releases = [new if release == old else release for release in other.releases]


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
            _CHANGES[change.type](state, change)


def _rfc_rejected(state: PlanState, event: Recorded) -> None:
    if _decide(state, event, "rejected") is not None:
        state.pending.pop(event.data["id"], None)


def _nothing(state: PlanState, event: Recorded) -> None:
    """Facts that record provenance only (an import's summary) change no state."""


#: Changes to milestones: these wait for their RFC's approval.
_CHANGES: dict[str, Handler] = {
    "milestone.defined": _defined,
    "milestone.retitled": _retitled,
    "milestone.linked": _linked,
    "milestone.unlinked": _unlinked,
    "milestone.forecast_moved": _forecast_moved,
    "milestone.baseline_moved": _baseline_moved,
    "milestone.completed": _completed,
    "milestone.reopened": _reopened,
    "milestone.withdrawn": _withdrawn,
    "milestone.renamed": _renamed,
}

_OTHERS: dict[str, Handler] = {
    "ledger.created": _created,
    "key.registered": _key_registered,
    "key.revoked": _key_revoked,
    "role.granted": _role_granted,
    "role.revoked": _role_revoked,
    "rfc.opened": _rfc_opened,
    "rfc.approved": _rfc_approved,
    "rfc.rejected": _rfc_rejected,
    "revision.imported": _nothing,
}


def apply(state: PlanState, event: Recorded) -> None:
    """Fold one event into `state`."""
    state.last = event
    change = _CHANGES.get(event.type)
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
            pending=dict(state.pending),
            oddities=list(state.oddities),
        )
        for change in pending:
            code = state.resolve(change.data.get("code", change.subject))
            if code is not None:
                hypothetical.milestones[code] = state.milestones[code].copy()
    for change in hypothetical.pending.pop(rfc_id):
        _CHANGES[change.type](hypothetical, change)
    return hypothetical
