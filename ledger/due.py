"""What is due: milestones past their forecast, and those due in a window of days."""

from __future__ import annotations

from datetime import date, timedelta

from ledger.errors import InvalidInput
from ledger.ledger import View
from ledger.order import natural
from ledger.queries import MilestoneRow, row


def late(view: View) -> list[MilestoneRow]:
    """Milestones not done whose forecast date is before the view's day, most overdue first."""
    rows = [
        row(m, view.today)
        for m in view.state.milestones.values()
        if not m.withdrawn and m.completed is None and m.forecast < view.today
    ]
    return sorted(rows, key=lambda r: (r.forecast, natural(r.code)))


def upcoming(view: View, *, days: int = 30) -> list[MilestoneRow]:
    """Milestones not done that are due from the view's day through `days` days later."""
    start, until = upcoming_window(view, days=days)
    rows = [
        row(m, view.today)
        for m in view.state.milestones.values()
        if not m.withdrawn and m.completed is None and start <= m.forecast <= until
    ]
    return sorted(rows, key=lambda r: (r.forecast, natural(r.code)))


def upcoming_window(view: View, *, days: int) -> tuple[str, str]:
    """The first and last day (ISO) that `upcoming` looks at."""
    if days < 0:
        raise InvalidInput("--days must be zero or more")
    start = date.fromisoformat(view.today)
    try:
        until = start + timedelta(days=days)
    except OverflowError:
        until = date.max
    return start.isoformat(), until.isoformat()
