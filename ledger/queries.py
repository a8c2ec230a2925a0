"""Read-side queries of the plan: the plan laid out, and one milestone.

Each function takes a view of the ledger and returns plain dataclasses that
front ends render; none of them prints or changes anything. The log's queries
(a milestone's history, the filtered log) are in `ledger.audit`, the RFCs' in
`ledger.rfcs`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from ledger.asof import NOW, AsOf
from ledger.describe import describe
from ledger.ledger import Ledger, View
from ledger.rules import find_milestone
from ledger.state import Milestone


@dataclass(frozen=True)
class MilestoneRow:
    """A milestone as shown in a plan or list."""

    code: str
    level: int
    title: str
    team: str | None
    baseline: str
    forecast: str
    completed: str | None
    status: str
    releases: list[str]
    aliases: list[str]
    days_late: int | None = None  # how many days past its forecast, when it is late
    depends: list[str] = field(default_factory=list)  # the milestones it waits for


@dataclass(frozen=True)
class ReleaseBlock:
    """A Level-2 milestone and the Level-3 milestones under it."""

    release: MilestoneRow
    milestones: list[MilestoneRow]


@dataclass(frozen=True)
class Plan:
    """The whole plan at one point, laid out as LDM-564 lays it out."""

    as_of: str
    today: str
    events: int
    releases: list[ReleaseBlock]
    unassigned: list[MilestoneRow]


def row(milestone: Milestone, today: str) -> MilestoneRow:
    """A milestone as a row, its status judged on `today`."""
    status = milestone.status(today)
    late_by = None
    if status == "late":
        late_by = (date.fromisoformat(today) - date.fromisoformat(milestone.forecast)).days
    return MilestoneRow(
        code=milestone.code,
        level=milestone.level,
        title=milestone.title,
        team=milestone.team,
        baseline=milestone.baseline,
        forecast=milestone.forecast,
        completed=milestone.completed,
        status=status,
        releases=list(milestone.releases),
        aliases=list(milestone.aliases),
        days_late=late_by,
        depends=list(milestone.depends),
    )


def _due_order(m: Milestone) -> tuple[str, str]:
    return (m.forecast, m.code)


def plan(view: View) -> Plan:
    """The plan of a view: Level-2 milestones by due date then code, each with its
    Level-3 milestones by due date then code; withdrawn ones left out."""
    state, today = view.state, view.today
    live = [m for m in state.milestones.values() if not m.withdrawn]
    level2 = sorted((m for m in live if m.level == 2), key=_due_order)
    members: dict[str, list[Milestone]] = {m.code: [] for m in level2}
    unassigned = []
    for m in live:
        if m.level != 3:
            continue
        homes = [r for r in m.releases if r in members]
        for release in homes:
            members[release].append(m)
        if not homes:
            unassigned.append(m)
    blocks = [
        ReleaseBlock(
            row(m, today), [row(child, today) for child in sorted(members[m.code], key=_due_order)]
        )
        for m in level2
    ]
    return Plan(
        view.label,
        today,
        view.position,
        blocks,
        [row(m, today) for m in sorted(unassigned, key=_due_order)],
    )


# --- one milestone ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Proposal:
    """A change waiting for an RFC's approval."""

    seq: int
    rfc: str
    summary: str


@dataclass(frozen=True)
class MilestoneDetail:
    """Everything about one milestone at one point."""

    milestone: MilestoneRow
    withdrawn: bool
    completed_by: str | None
    members: list[MilestoneRow]
    proposals: list[Proposal]
    as_of: str
    #: The milestones in the plan that wait for this one (its successors), by code.
    needed_by: list[str] = field(default_factory=list)


def show(view: View, code: str) -> MilestoneDetail:
    """One milestone as of a view, with its Level-3 members and changes awaiting RFCs."""
    state = view.state
    milestone = find_milestone(state, code)
    members = sorted(
        (m for m in state.milestones.values() if milestone.code in m.releases and not m.withdrawn),
        key=_due_order,
    )
    names = {milestone.code, *milestone.aliases}
    proposals = [
        Proposal(event.seq, rfc_id, describe(event))
        for rfc_id, events in state.pending.items()
        for event in events
        if event.subject in names
    ]
    return MilestoneDetail(
        row(milestone, view.today),
        milestone.withdrawn,
        milestone.completed_by,
        [row(m, view.today) for m in members],
        proposals,
        view.label,
        sorted(
            m.code
            for m in state.milestones.values()
            if milestone.code in m.depends and not m.withdrawn
        ),
    )


def view_of(ledger: Ledger, as_of: AsOf = NOW, known_at: str | None = None) -> View:
    """Shorthand for `ledger.view`, for symmetry with the other queries."""
    return ledger.view(as_of, known_at=known_at)
