"""What defining, moving, completing, reopening, retitling, linking, withdrawing,
reinstating, renaming and making depend a milestone record."""

from __future__ import annotations

from datetime import date

from events.milestone_facts import (
    BaselineMoved,
    ForecastMoved,
    MilestoneCompleted,
    MilestoneDefined,
    MilestoneDepends,
    MilestoneIndependent,
    MilestoneLinked,
    MilestoneReinstated,
    MilestoneRenamed,
    MilestoneReopened,
    MilestoneRetitled,
    MilestoneUnlinked,
    MilestoneWithdrawn,
)
from ledger.append import Draft
from ledger.errors import InvalidInput, Refused
from ledger.requests import (
    CompleteMilestone,
    DefineMilestone,
    DependMilestone,
    LinkMilestone,
    Membership,
    MoveMilestone,
    ReinstateMilestone,
    RenameMilestone,
    ReopenMilestone,
    RetitleMilestone,
    UndependMilestone,
    UnlinkMilestone,
    WithdrawMilestone,
)
from ledger.rules import live_milestone, require_new_code, require_no_cycle, withdrawn_milestone
from ledger.state import PlanState


def define(state: PlanState, request: DefineMilestone, *, today: date) -> list[Draft]:
    """A new milestone, under Level-2 milestones that are in the plan; its code must be new."""
    code = request.code
    if (existing := state.resolve(code)) is not None:
        found = state.milestones[existing]
        if found.withdrawn:
            raise Refused(
                f"{code} was withdrawn from the plan ({found.title!r}); bring it back with "
                f"`milestone reinstate {found.code} --reason TEXT`, or choose another code"
            )
        raise Refused(
            f"{code} is already in the plan ({found.title!r}, due {found.forecast}); "
            "use retitle, move or link to change it"
        )
    require_new_code(state, code, doing="defining a milestone")
    linked: list[str] = []
    for release in request.releases:
        parent = live_milestone(state, release)
        if parent.level != 2:
            raise InvalidInput(
                f"{parent.code} is a Level-{parent.level} milestone; --in takes Level-2 codes"
            )
        if parent.code not in linked:
            linked.append(parent.code)
    fact = MilestoneDefined(
        code=code,
        level=2 if request.level == 2 else 3,
        title=request.title,
        baseline=request.due,
        forecast=request.due,
        releases=tuple(linked),
    )
    return [Draft(fact, subject=code)]


def retitle(state: PlanState, request: RetitleMilestone, *, today: date) -> list[Draft]:
    """A new title, which must differ from the current one."""
    milestone = live_milestone(state, request.code)
    if milestone.title == request.title:
        raise Refused(f"{milestone.code} already has that title; nothing to change")
    return [Draft(MilestoneRetitled(code=milestone.code, title=request.title), milestone.code)]


def _membership(state: PlanState, request: Membership, verb: str) -> tuple[str, str, bool]:
    """The Level-3 code, the Level-2 code, and whether the first is under the second."""
    milestone = live_milestone(state, request.code)
    parent = live_milestone(state, request.release)
    if milestone.level != 3 or parent.level != 2:
        raise InvalidInput(
            f"{verb} takes a Level-3 code then a Level-2 code; {milestone.code} is "
            f"Level {milestone.level} and {parent.code} is Level {parent.level}"
        )
    return milestone.code, parent.code, parent.code in milestone.releases


def link(state: PlanState, request: LinkMilestone, *, today: date) -> list[Draft]:
    """A Level-3 milestone put under a Level-2 one it is not under yet."""
    code, release, linked = _membership(state, request, "link")
    if linked:
        raise Refused(f"{code} is already under {release}")
    return [Draft(MilestoneLinked(code=code, release=release), code)]


def unlink(state: PlanState, request: UnlinkMilestone, *, today: date) -> list[Draft]:
    """A Level-3 milestone taken out of a Level-2 one it is under."""
    code, release, linked = _membership(state, request, "unlink")
    if not linked:
        raise Refused(f"{code} is not under {release}; nothing to unlink")
    return [Draft(MilestoneUnlinked(code=code, release=release), code)]


def move(state: PlanState, request: MoveMilestone, *, today: date) -> list[Draft]:
    """The forecast (or baseline) of an open milestone, moved to a date it is not at."""
    milestone = live_milestone(state, request.code)
    if milestone.completed is not None:
        raise Refused(
            f"{milestone.code} was completed on {milestone.completed}; reopen it before "
            "moving its dates"
        )
    which = "baseline" if request.baseline else "forecast"
    current = milestone.baseline if request.baseline else milestone.forecast
    if current == request.to.isoformat():
        raise Refused(f"the {which} of {milestone.code} is already {current}; nothing to move")
    fact_type = BaselineMoved if request.baseline else ForecastMoved
    fact = fact_type.model_validate(
        {"code": milestone.code, "from": current, "to": request.to, "reason": request.reason}
    )
    return [Draft(fact, milestone.code)]


def complete(state: PlanState, request: CompleteMilestone, *, today: date) -> list[Draft]:
    """A completion on a day that has come, of a milestone not completed yet."""
    day = request.on or today
    if day > today:
        raise InvalidInput(
            f"completion date {day} is in the future; give the day the work was done"
        )
    milestone = live_milestone(state, request.code)
    if milestone.completed is not None:
        raise Refused(
            f"{milestone.code} is already completed: on {milestone.completed}, recorded by "
            f"{milestone.completed_by} (event #{milestone.completed_seq}); reopen it first "
            "to record another date"
        )
    return [Draft(MilestoneCompleted(code=milestone.code, on=day), milestone.code)]


def reopen(state: PlanState, request: ReopenMilestone, *, today: date) -> list[Draft]:
    """A completed milestone marked not done after all."""
    milestone = live_milestone(state, request.code)
    if milestone.completed is None:
        raise Refused(f"{milestone.code} is not completed, so there is nothing to reopen")
    return [Draft(MilestoneReopened(code=milestone.code, reason=request.reason), milestone.code)]


def withdraw(state: PlanState, request: WithdrawMilestone, *, today: date) -> list[Draft]:
    """A milestone in the plan taken out of it."""
    milestone = live_milestone(state, request.code)
    fact = MilestoneWithdrawn(code=milestone.code, reason=request.reason)
    return [Draft(fact, milestone.code)]


def rename(state: PlanState, request: RenameMilestone, *, today: date) -> list[Draft]:
    """A new code for a milestone, one no other milestone uses."""
    milestone = live_milestone(state, request.code)
    new_code = request.new_code
    if milestone.code == new_code:
        raise Refused(f"{milestone.code} already has that code")
    if state.resolve(new_code) != milestone.code:  # its own earlier code may come back
        doing = f"renaming {milestone.code}"
        require_new_code(state, new_code, doing=doing, renaming=milestone.code)
    return [Draft(MilestoneRenamed(code=milestone.code, new_code=new_code), milestone.code)]


def reinstate(state: PlanState, request: ReinstateMilestone, *, today: date) -> list[Draft]:
    """A withdrawn milestone back in the plan, with the title, dates and links it had."""
    milestone = withdrawn_milestone(state, request.code)
    fact = MilestoneReinstated(code=milestone.code, reason=request.reason)
    return [Draft(fact, milestone.code)]


def depend(state: PlanState, request: DependMilestone, *, today: date) -> list[Draft]:
    """A milestone waiting for another one it does not wait for yet, closing no loop."""
    milestone = live_milestone(state, request.code)
    predecessor = live_milestone(state, request.on)
    if predecessor.code in milestone.depends:
        raise Refused(f"{milestone.code} already waits for {predecessor.code}")

    def waits_for(code: str) -> list[str]:
        found = state.milestones.get(code)
        return found.depends if found is not None else []

    require_no_cycle(waits_for, code=milestone.code, predecessor=predecessor.code)
    fact = MilestoneDepends(code=milestone.code, predecessor=predecessor.code)
    return [Draft(fact, milestone.code)]


def undepend(state: PlanState, request: UndependMilestone, *, today: date) -> list[Draft]:
    """A milestone no longer waiting for one it waits for."""
    milestone = live_milestone(state, request.code)
    predecessor = state.resolve(request.on) or request.on
    if predecessor not in milestone.depends:
        waits = ", ".join(milestone.depends) or "nothing"
        raise Refused(
            f"{milestone.code} does not wait for {request.on} (it waits for {waits}); "
            "nothing to undo"
        )
    fact = MilestoneIndependent(code=milestone.code, predecessor=predecessor)
    return [Draft(fact, milestone.code)]
