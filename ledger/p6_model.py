"""What a Primavera P6 export says, as frozen, typed values (no IO, no parsing).

`ledger.p6` builds these from a file; `ledger.p6_plan` turns them into the `Revision` shape
the LDM-564 importer consumes; `ledger.p6_links` follows relationships between milestones.
Dates are calendar days: P6 writes a time of day (8:00 AM, 5:00 PM) that is a scheduling
artefact, and LDM-564 shows days.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal

__all__ = [
    "STATUSES",
    "Activity",
    "Levels",
    "P6Export",
    "P6Milestone",
    "Relationship",
    "RelationshipKind",
    "Status",
]

Status = Literal["Not Started", "In Progress", "Completed"]
STATUSES: tuple[Status, ...] = ("Not Started", "In Progress", "Completed")
RelationshipKind = Literal["FS", "SS", "FF", "SF"]


@dataclass(frozen=True)
class Activity:
    """One row of the export's activity table (TASK), with the dates P6 gave it.

    ``finish`` is P6's current finish (the forecast; the actual finish once completed) and is
    None when the export has no such column, as the CSV exports do not. The early, late and
    target finishes are None unless the export carries P6's columns for them.
    """

    code: str
    name: str
    status: Status
    wbs: str | None
    start: date | None
    baseline_finish: date | None
    finish: date | None
    actual_finish: date | None
    early_finish: date | None
    late_finish: date | None
    target_finish: date | None
    row: int  # the 1-based row in the file, for messages that a person can act on

    @property
    def due(self) -> date | None:
        """The baseline finish, falling back to the finish, then the start (Rubin's rule)."""
        return self.baseline_finish or self.finish or self.start

    @property
    def forecast(self) -> date | None:
        """The current finish (early finish if that is all there is), else the due date."""
        return self.finish or self.early_finish or self.due

    @property
    def completed(self) -> date | None:
        """The day it was done, or None while it is not ``Completed``.

        Some completed activities carry no actual finish (start milestones such as ``S17S``
        carry only a start); they are done on their finish, else their start, since P6 sets
        those to the actual dates once an activity is complete.
        """
        if self.status != "Completed":
            return None
        return self.actual_finish or self.finish or self.start


@dataclass(frozen=True)
class Relationship:
    """One predecessor link: ``successor`` depends on ``predecessor``.

    ``kind`` and ``lag_hours`` come from TASKPRED; a CSV's predecessor and successor lists
    name only the activities, so there both are None.
    """

    predecessor: str
    successor: str
    kind: RelationshipKind | None
    lag_hours: float | None
    row: int  # the TASKPRED row, or the CSV row whose list named it first


@dataclass(frozen=True)
class Levels:
    """How activity ids say a milestone's level; the defaults are Rubin's.

    Level 2: ids starting with one of ``level2``. Level 3: ids starting with one of
    ``level3`` that are immediate predecessors of a Level-2 milestone, except ids matching
    ``not_milestones`` in full (from 2019 Rubin scheduled Jira tickets such as ``DM-10853``
    as activities, and did not list them in LDM-564).
    """

    level2: tuple[str, ...] = ("LDM-",)
    level3: tuple[str, ...] = ("DM-",)
    not_milestones: str = r"DM-\d+"


@dataclass(frozen=True)
class P6Milestone:
    """A milestone of the plan as the export states it.

    ``title`` is P6's activity name as exported. ``releases`` holds, for a Level-3 milestone,
    the Level-2 milestones it is an immediate predecessor of, in plan order.
    """

    code: str
    level: Literal[2, 3]
    title: str
    status: Status
    due: date
    forecast: date
    completed: date | None
    releases: tuple[str, ...]


@dataclass(frozen=True)
class P6Export:
    """One P6 export, read and normalised.

    ``project`` is the P6 project the WBS codes name (``LSST ME 19-04``, month-end April 2019)
    and ``month_end`` the last day of its month; both None when the codes do not say.
    ``milestones`` lists Level 2 in plan order (due date, then code, as LDM-564 orders its
    sections), then Level 3 in the order the releases first list them. ``dependencies`` are
    the relationships whose two ends are both milestones of the plan. ``notes`` say what was
    read with a choice a person may want to know about (skipped tickets, cut lists).
    """

    source: str
    format: Literal["xls", "csv"]
    project: str | None
    month_end: date | None
    activities: tuple[Activity, ...]
    relationships: tuple[Relationship, ...]
    milestones: tuple[P6Milestone, ...]
    dependencies: tuple[Relationship, ...]
    notes: tuple[str, ...]

    @property
    def releases(self) -> tuple[P6Milestone, ...]:
        """The Level-2 milestones, in plan order."""
        return tuple(m for m in self.milestones if m.level == 2)

    def members(self, release: str) -> tuple[P6Milestone, ...]:
        """The Level-3 milestones of one release, in plan order (due date, then code)."""
        found = [m for m in self.milestones if release in m.releases]
        return tuple(sorted(found, key=lambda m: (m.due, m.code)))
