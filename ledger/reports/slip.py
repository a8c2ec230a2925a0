"""Slip: every milestone's forecast at two points of the plan, and how far it moved.

Milestones are matched across the two points by code or alias, so a renamed milestone
keeps its history. One that is only in the later plan is `added`, one only in the
earlier plan (or withdrawn since) is `removed`; neither has a slip to sort by, so they
follow the matched milestones.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from ledger.reports.scope import day, days_between, level_of, live
from ledger.state import Milestone, PlanState

Change = Literal["moved", "unchanged", "added", "removed"]


@dataclass(frozen=True)
class SlipRow:
    """One milestone's forecast before and after, and the slip in days (later is positive)."""

    code: str  # as the later plan names it (the earlier plan, for a removed one)
    level: int
    title: str
    before: str | None  # the forecast at the earlier point; None when added
    after: str | None  # the forecast at the later point; None when removed
    days: int | None  # after - before; None when added or removed
    change: Change
    completed: str | None  # at the later point (the earlier one, for a removed one)
    was: str | None = None  # the earlier code, when it was renamed


@dataclass(frozen=True)
class Slip:
    """Every milestone's slip between two points, largest slip first."""

    before_label: str
    after_label: str
    level: int | None
    today: str | None  # the day the later plan is judged on, when the caller knows it
    rows: tuple[SlipRow, ...]

    @property
    def slipped(self) -> int:
        """How many milestones are forecast later than they were."""
        return sum(1 for row in self.rows if row.days is not None and row.days > 0)

    @property
    def advanced(self) -> int:
        """How many are forecast earlier than they were."""
        return sum(1 for row in self.rows if row.days is not None and row.days < 0)


def _sort_key(row: SlipRow) -> tuple[int, int, str, str]:
    if row.days is not None:
        return (0, -row.days, "", row.code)
    if row.change == "added":
        return (1, 0, row.after or "", row.code)
    return (2, 0, row.before or "", row.code)


def _moved(prior: Milestone, now: Milestone) -> SlipRow:
    days = days_between(prior.forecast, now.forecast)
    return SlipRow(
        code=now.code,
        level=now.level,
        title=now.title,
        before=prior.forecast,
        after=now.forecast,
        days=days,
        change="moved" if days else "unchanged",
        completed=now.completed,
        was=prior.code if prior.code != now.code else None,
    )


def slip(
    *,
    before: PlanState,
    after: PlanState,
    before_label: str = "before",
    after_label: str = "after",
    level: int | None = None,
    today: str | None = None,
) -> Slip:
    """Each milestone's forecast in `before` and in `after`, sorted by slip, largest first.

    Ties sort by code; `added` milestones (by forecast) and `removed` ones (by their last
    forecast) come after every matched one. The labels name the two points ("2018-04-13",
    "RFC-781") for headings and legends; `today`, the day the later plan is judged on, is
    where a chart draws its today line. `level` keeps one level (2 or 3) or both (None).
    """
    level = level_of(level)
    today = None if today is None else day(today, what="today")
    old = {m.code: m for m in live(before, level=level)}
    matched: set[str] = set()
    rows: list[SlipRow] = []
    for now in live(after, level=level):
        prior = next(
            (old[name] for name in (now.code, *now.aliases) if name in old and name not in matched),
            None,
        )
        if prior is None:
            rows.append(
                SlipRow(
                    now.code, now.level, now.title, None, now.forecast, None, "added", now.completed
                )
            )
            continue
        matched.add(prior.code)
        rows.append(_moved(prior, now))
    rows.extend(
        SlipRow(m.code, m.level, m.title, m.forecast, None, None, "removed", m.completed)
        for code, m in old.items()
        if code not in matched
    )
    return Slip(before_label, after_label, level, today, tuple(sorted(rows, key=_sort_key)))
