"""Facts about milestones: defined, retitled, linked, moved, completed, withdrawn, renamed,
reinstated, made to depend on another."""

from __future__ import annotations

from datetime import date
from typing import ClassVar, Literal

from pydantic import Field

from events.fact import Fact


class MilestoneDefined(Fact):
    """A milestone entered the plan."""

    type: ClassVar[str] = "milestone.defined"
    code: str
    level: Literal[2, 3]
    title: str
    baseline: date
    forecast: date
    releases: tuple[str, ...] = ()


class MilestoneRetitled(Fact):
    """A milestone's title changed."""

    type: ClassVar[str] = "milestone.retitled"
    code: str
    title: str


class MilestoneLinked(Fact):
    """A Level-3 milestone now belongs to a Level-2 milestone (`release`)."""

    type: ClassVar[str] = "milestone.linked"
    code: str
    release: str


class MilestoneUnlinked(Fact):
    """A Level-3 milestone no longer belongs to a Level-2 milestone."""

    type: ClassVar[str] = "milestone.unlinked"
    code: str
    release: str


class ForecastMoved(Fact):
    """The expected date of a milestone moved; the approved baseline did not."""

    type: ClassVar[str] = "milestone.forecast_moved"
    code: str
    from_: date = Field(alias="from")
    to: date
    reason: str | None = None


class BaselineMoved(Fact):
    """The approved date of a milestone moved (always under an RFC)."""

    type: ClassVar[str] = "milestone.baseline_moved"
    code: str
    from_: date = Field(alias="from")
    to: date
    reason: str | None = None


class MilestoneCompleted(Fact):
    """A milestone was done on a given date."""

    type: ClassVar[str] = "milestone.completed"
    code: str
    on: date


class MilestoneReopened(Fact):
    """A completed milestone turned out not to be done."""

    type: ClassVar[str] = "milestone.reopened"
    code: str
    reason: str


class MilestoneWithdrawn(Fact):
    """A milestone left the plan."""

    type: ClassVar[str] = "milestone.withdrawn"
    code: str
    reason: str


class MilestoneRenamed(Fact):
    """A milestone's code changed; the old code remains an alias."""

    type: ClassVar[str] = "milestone.renamed"
    code: str
    new_code: str


class MilestoneReinstated(Fact):
    """A withdrawn milestone came back into the plan, as it was when it left."""

    type: ClassVar[str] = "milestone.reinstated"
    code: str
    reason: str


class MilestoneDepends(Fact):
    """A milestone now waits for another one (`predecessor`)."""

    type: ClassVar[str] = "milestone.depends"
    code: str
    predecessor: str


class MilestoneIndependent(Fact):
    """A milestone no longer waits for `predecessor`."""

    type: ClassVar[str] = "milestone.independent"
    code: str
    predecessor: str
