"""Gantt: the Level-2 milestones on a time line, with baseline, forecast and completion.

Optionally each Level-2 milestone is followed by its Level-3 members, so one chart shows
a release and the work it gathers. A Level-3 milestone under two releases appears under
both, as it does in LDM-564.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ledger.errors import InvalidInput
from ledger.reports.scope import day, find_live, live
from ledger.state import Milestone, PlanState


@dataclass(frozen=True)
class GanttRow:
    """One milestone on the time line."""

    code: str
    level: int
    title: str
    baseline: str
    forecast: str
    completed: str | None
    status: str  # as Milestone.status: done, late, slipped, on track

    @property
    def dates(self) -> tuple[str, ...]:
        """Every date the row shows."""
        return (self.baseline, self.forecast) + ((self.completed,) if self.completed else ())


@dataclass(frozen=True)
class GanttRelease:
    """A Level-2 milestone and, when asked for, its Level-3 members by forecast then code."""

    release: GanttRow
    members: tuple[GanttRow, ...]


@dataclass(frozen=True)
class Gantt:
    """Level-2 milestones by forecast then code, and the span of dates they cover."""

    today: str
    with_members: bool
    releases: tuple[GanttRelease, ...]
    start: str  # the earliest date any row shows (today when there are no rows)
    end: str  # the latest

    @property
    def rows(self) -> tuple[GanttRow, ...]:
        """Every row in drawing order: each release, then its members."""
        return tuple(row for block in self.releases for row in (block.release, *block.members))


def _row(milestone: Milestone, today: str) -> GanttRow:
    return GanttRow(
        code=milestone.code,
        level=milestone.level,
        title=milestone.title,
        baseline=milestone.baseline,
        forecast=milestone.forecast,
        completed=milestone.completed,
        status=milestone.status(today),
    )


def _order(milestone: Milestone) -> tuple[str, str]:
    return (milestone.forecast, milestone.code)


def _chosen(state: PlanState, releases: Sequence[str]) -> list[Milestone]:
    chosen: dict[str, Milestone] = {}
    for code in releases:
        milestone = find_live(state, code, what="release")
        if milestone.level != 2:
            raise InvalidInput(
                f"{milestone.code} is a Level-{milestone.level} milestone; "
                "--release takes Level-2 codes such as LDM-503-11a"
            )
        chosen[milestone.code] = milestone
    return list(chosen.values())


def gantt(
    *,
    state: PlanState,
    today: str,
    releases: Sequence[str] | None = None,
    with_members: bool = False,
) -> Gantt:
    """The Gantt rows of the plan's Level-2 milestones (all, or the `releases` named).

    `releases` takes codes or aliases; an unknown, withdrawn or Level-3 code raises a typed
    error. With `with_members`, each release is followed by its Level-3 members.
    """
    today = day(today, what="today")
    level2 = list(live(state, level=2)) if releases is None else _chosen(state, releases)
    members: dict[str, list[Milestone]] = {m.code: [] for m in level2}
    if with_members:
        for milestone in live(state, level=3):
            for release in milestone.releases:
                if release in members:
                    members[release].append(milestone)
    blocks = tuple(
        GanttRelease(
            _row(m, today),
            tuple(_row(member, today) for member in sorted(members[m.code], key=_order)),
        )
        for m in sorted(level2, key=_order)
    )
    dates = [d for block in blocks for row in (block.release, *block.members) for d in row.dates]
    return Gantt(
        today=today,
        with_members=with_members,
        releases=blocks,
        start=min(dates, default=today),
        end=max(dates, default=today),
    )
