"""The fold's cases for milestone changes: one small handler per event type. Pure; never raises.

`ledger.fold` applies these at once, or keeps them pending until the RFC they name is
approved. Whatever cannot be applied (a change to an unknown milestone) is noted in
`state.oddities` for `milestone check`.

Backdated imports make a few cases reachable that no command records (`ledger.import_plan`
lands a late revision before later changes, then restores the plan those changes were
decided on): a definition of a code the plan holds only as a withdrawn milestone, a
reinstatement of a milestone that is in the plan, a dependency recorded twice. Each is
folded to what the event states, without an oddity, so that later changes fold onto the
plan they were made against.
"""

from __future__ import annotations

from collections.abc import Callable

from ledger.rules import forecast_after_baseline_move
from ledger.state import Milestone, PlanState, Recorded

Handler = Callable[[PlanState, Recorded], None]


def _milestone(state: PlanState, event: Recorded) -> Milestone | None:
    code = state.resolve(event.data.get("code", event.subject))
    if code is None:
        state.oddities.append((event.seq, f"{event.type} names unknown milestone {event.subject}"))
        return None
    return state.milestones[code]


def _free_withdrawn_code(state: PlanState, code: str) -> bool:
    """Make `code` free if only a withdrawn milestone holds it (as its code or an alias).

    Returns False when a milestone in the plan holds it. A withdrawn milestone whose code
    it is leaves the state (its events stay in the log), aliases and all; a withdrawn
    milestone's alias is simply dropped.
    """
    holder = state.resolve(code)
    if holder is None:
        return True
    found = state.milestones[holder]
    if not found.withdrawn:
        return False
    if holder == code:
        del state.milestones[code]
        for alias in found.aliases:
            state.aliases.pop(alias, None)
    else:
        found.aliases.remove(code)
        del state.aliases[code]
    return True


def _defined(state: PlanState, event: Recorded) -> None:
    data = event.data
    code = data["code"]
    if not _free_withdrawn_code(state, code):
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


def _other(state: PlanState, event: Recorded, key: str) -> str:
    """The code of the second milestone an event names (a release, a predecessor), as the
    plan knows it now; as written when the plan does not know it."""
    return state.resolve(event.data[key]) or event.data[key]


def _add(codes: list[str], code: str) -> None:
    # Ordered lists, not sets: the order is the order the plan shows them in.
    if code not in codes:
        codes.append(code)


def _remove(codes: list[str], code: str) -> None:
    if code in codes:
        codes.remove(code)


def _linked(state: PlanState, event: Recorded) -> None:
    if (m := _milestone(state, event)) is not None:
        _add(m.releases, _other(state, event, "release"))


def _unlinked(state: PlanState, event: Recorded) -> None:
    if (m := _milestone(state, event)) is not None:
        _remove(m.releases, _other(state, event, "release"))


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


def _reinstated(state: PlanState, event: Recorded) -> None:
    if (m := _milestone(state, event)) is not None:
        m.withdrawn = False


def _renamed(state: PlanState, event: Recorded) -> None:
    m = _milestone(state, event)
    new = event.data["new_code"]
    if m is None:
        return
    holder = state.resolve(new)
    # A withdrawn milestone's code is free to take; another live one's alias moves here.
    if (
        holder not in (None, m.code)
        and not _free_withdrawn_code(state, new)
        and new in state.milestones
    ):
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
        other.depends = [new if code == old else code for code in other.depends]


def _depends(state: PlanState, event: Recorded) -> None:
    if (m := _milestone(state, event)) is not None:
        _add(m.depends, _other(state, event, "predecessor"))


def _independent(state: PlanState, event: Recorded) -> None:
    if (m := _milestone(state, event)) is not None:
        _remove(m.depends, _other(state, event, "predecessor"))


#: Changes to milestones: these wait for their RFC's approval.
CHANGES: dict[str, Handler] = {
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
    "milestone.reinstated": _reinstated,
    "milestone.depends": _depends,
    "milestone.independent": _independent,
}
