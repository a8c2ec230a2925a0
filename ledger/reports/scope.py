"""Which milestones a report is about, and the checked days it is judged on."""

from __future__ import annotations

import difflib
from collections.abc import Iterator
from datetime import date

from ledger.asof import parse_date
from ledger.errors import InvalidInput, NotFound
from ledger.state import Milestone, PlanState

LEVELS = (2, 3)


def day(text: str, *, what: str) -> str:
    """`text` as a checked ISO date, or `InvalidInput` saying how to write one."""
    return parse_date(text, what=what).isoformat()


def level_of(level: int | None) -> int | None:
    """`level` if it is a milestone level (or None for every level), else `InvalidInput`."""
    if level is not None and level not in LEVELS:
        raise InvalidInput(f"level {level} is not a milestone level; use 2 or 3")
    return level


def live(state: PlanState, *, level: int | None = None) -> Iterator[Milestone]:
    """The milestones still in the plan (not withdrawn), of one level or of every level."""
    for milestone in state.milestones.values():
        if not milestone.withdrawn and (level is None or milestone.level == level):
            yield milestone


def find_live(state: PlanState, code: str, *, what: str) -> Milestone:
    """The milestone a code or alias names, or a typed error suggesting close codes.

    The same rule as the commands' lookup, kept here so reports do not import the
    append path (and with it the store).
    """
    resolved = state.resolve(code)
    if resolved is None:
        names = list(state.milestones) + list(state.aliases)
        close = difflib.get_close_matches(code.strip(), names, n=3, cutoff=0.6)
        hint = f"; did you mean {' or '.join(close)}?" if close else "; `milestone plan` lists them"
        raise NotFound(f"{what} {code.strip()!r} is not a milestone in the plan{hint}")
    milestone = state.milestones[resolved]
    if milestone.withdrawn:
        raise InvalidInput(f"{what} {milestone.code} was withdrawn from the plan")
    return milestone


def days_between(start: str, end: str) -> int:
    """Days from the ISO date `start` to `end` (negative when `end` is earlier)."""
    return (date.fromisoformat(end) - date.fromisoformat(start)).days
