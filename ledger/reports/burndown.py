"""Burndown: how many milestones the plan expected done by each day, and how many were done.

Four cumulative series over the same days: due by the baseline, due by the forecast, due by
the forecast as it stood at an earlier point of the plan (`compare`), and completed. A
series only changes on a day something falls due or is completed, so the report lists
exactly those days (plus `since` and `today`) and a renderer draws steps between them:
nothing is lost to monthly sampling.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, replace

from ledger.reports.scope import day, level_of, live
from ledger.state import Milestone, PlanState


@dataclass(frozen=True)
class BurndownPoint:
    """Cumulative counts at the end of one day."""

    date: str
    baseline: int
    forecast: int
    compare: int | None  # None when there is no compare point
    completed: int


@dataclass(frozen=True)
class Burndown:
    """The burndown of one level of the plan (or of every level), judged on `today`."""

    today: str
    level: int | None
    since: str | None
    compare_label: str | None
    total: int  # milestones counted in the plan
    compare_total: int | None  # milestones counted in the compare plan
    points: tuple[BurndownPoint, ...]

    def at(self, on: str) -> BurndownPoint:
        """The counts at the end of the ISO date `on`, between the listed days too."""
        index = bisect_right([p.date for p in self.points], on)
        if index == 0:
            # Every day something falls due or is done is listed (from `since` on), so
            # before the first one the report counts nothing.
            return BurndownPoint(on, 0, 0, None if self.compare_total is None else 0, 0)
        return replace(self.points[index - 1], date=on)


def _counted(state: PlanState, level: int | None, since: str | None) -> list[Milestone]:
    # Work finished before `since` is not part of the story being told (a plan replanned
    # in 2018 should not start a 2021 chart with hundreds of old completions).
    return [
        m
        for m in live(state, level=level)
        if since is None or m.completed is None or m.completed >= since
    ]


def _at(days: list[str], on: str) -> int:
    return bisect_right(days, on)


def burndown(
    *,
    state: PlanState,
    today: str,
    compare: PlanState | None = None,
    compare_label: str | None = None,
    level: int | None = None,
    since: str | None = None,
) -> Burndown:
    """Cumulative baseline-due, forecast-due, compare-forecast-due and completed counts.

    Counts the milestones of `level` (2, 3, or None for both) that are in the plan and were
    not completed before `since`; days before `since` are folded into `since`. The compare
    series counts the compare plan's own milestones by the same rule, with the forecasts it
    had then, so milestones added or withdrawn since show as a different total rather than
    vanishing. `compare_label` names that point for legends ("RFC-781").
    """
    today = day(today, what="today")
    since = None if since is None else day(since, what="--since")
    level = level_of(level)
    counted = _counted(state, level, since)
    baseline = sorted(m.baseline for m in counted)
    forecast = sorted(m.forecast for m in counted)
    completed = sorted(m.completed for m in counted if m.completed is not None)
    earlier = (
        None if compare is None else sorted(m.forecast for m in _counted(compare, level, since))
    )
    days = {today, *baseline, *forecast, *completed, *(earlier or ())}
    if since is not None:
        days = {d for d in days if d >= since} | {since}
    points = tuple(
        BurndownPoint(
            date=d,
            baseline=_at(baseline, d),
            forecast=_at(forecast, d),
            compare=None if earlier is None else _at(earlier, d),
            completed=_at(completed, d),
        )
        for d in sorted(days)
    )
    return Burndown(
        today=today,
        level=level,
        since=since,
        compare_label=compare_label if compare is not None else None,
        total=len(counted),
        compare_total=None if earlier is None else len(earlier),
        points=points,
    )
