"""Celebrate: the milestones completed since a day, and who recorded each completion."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from ledger.reports.scope import day, live
from ledger.state import PlanState


@dataclass(frozen=True)
class Completion:
    """A milestone done, the day it was done and who recorded it."""

    completed: str
    code: str
    title: str
    level: int
    recorded_by: str | None  # None only for a state folded from hand-made events
    seq: int | None  # the completion event, for a front end to show when it was recorded
    releases: tuple[str, ...]
    recorded_at: str | None = None  # when the completion was recorded (UTC), when known


@dataclass(frozen=True)
class Celebration:
    """Completions on or after `since`, oldest first."""

    since: str
    completions: tuple[Completion, ...]


def celebrate(
    *, state: PlanState, since: str, recorded_at: Mapping[int, str] | None = None
) -> Celebration:
    """The milestones in the plan completed on or after `since`, by completion day then code.

    Withdrawn milestones are left out: the plan no longer holds them, so there is nothing
    to celebrate in them. `recorded_at` maps completion events' seqs to when the ledger
    recorded them (the state holds only the seq), for saying when as well as who.
    """
    when = recorded_at or {}
    since = day(since, what="--since")
    done = sorted(
        (m for m in live(state) if m.completed is not None and m.completed >= since),
        key=lambda m: (m.completed or "", m.code),
    )
    return Celebration(
        since=since,
        completions=tuple(
            Completion(
                completed=m.completed or "",
                code=m.code,
                title=m.title,
                level=m.level,
                recorded_by=m.completed_by,
                seq=m.completed_seq,
                releases=tuple(m.releases),
                recorded_at=None if m.completed_seq is None else when.get(m.completed_seq),
            )
            for m in done
        ),
    )
