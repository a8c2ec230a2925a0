"""Differences between two views of the plan, milestone by milestone.

Milestones are matched across the two views by code or alias, so a rename is
reported as a rename, not as one milestone dropped and another added.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from ledger.ledger import View
from ledger.order import natural
from ledger.state import Milestone, PlanState


@dataclass(frozen=True)
class Move:
    """A date that changed."""

    code: str
    which: str  # forecast | baseline
    before: str
    after: str
    days: int


@dataclass(frozen=True)
class Change:
    """A value that changed (title, code, membership)."""

    code: str
    before: str
    after: str


@dataclass(frozen=True)
class PlanDiff:
    """What changed from view `before` to view `after`."""

    before: str
    after: str
    added: list[str] = field(default_factory=list)
    withdrawn: list[str] = field(default_factory=list)
    renamed: list[Change] = field(default_factory=list)
    retitled: list[Change] = field(default_factory=list)
    moved: list[Move] = field(default_factory=list)
    completed: list[Change] = field(default_factory=list)
    reopened: list[str] = field(default_factory=list)
    redated: list[Change] = field(default_factory=list)  # completion date changed
    relinked: list[Change] = field(default_factory=list)

    @property
    def counts(self) -> dict[str, int]:
        """How many of each kind of change."""
        return {
            "added": len(self.added),
            "withdrawn": len(self.withdrawn),
            "renamed": len(self.renamed),
            "retitled": len(self.retitled),
            "moved": len({m.code for m in self.moved}),
            "completed": len(self.completed),
            "reopened": len(self.reopened),
            "redated": len(self.redated),
            "relinked": len(self.relinked),
        }


def _live(state: PlanState) -> dict[str, Milestone]:
    return {code: m for code, m in state.milestones.items() if not m.withdrawn}


def _days(a: str, b: str) -> int:
    return (date.fromisoformat(b) - date.fromisoformat(a)).days


def diff(before: View, after: View) -> PlanDiff:
    """Compare two views of the plan."""
    old, new = _live(before.state), _live(after.state)
    result = PlanDiff(before.label, after.label)
    matched: set[str] = set()
    # Earlier codes by their current ones, so a renamed Level-2 does not count as a relink.
    renames = {alias: code for code, m in new.items() for alias in m.aliases}
    for code in sorted(new, key=natural):
        m = new[code]
        prior = next(
            (old[name] for name in (code, *m.aliases) if name in old and name not in matched), None
        )
        if prior is None:
            result.added.append(code)
            continue
        matched.add(prior.code)
        if prior.code != code:
            result.renamed.append(Change(code, prior.code, code))
        if prior.title != m.title:
            result.retitled.append(Change(code, prior.title, m.title))
        for which in ("baseline", "forecast"):
            a, b = getattr(prior, which), getattr(m, which)
            if a != b:
                result.moved.append(Move(code, which, a, b, _days(a, b)))
        if m.completed is not None and prior.completed is None:
            result.completed.append(Change(code, "", m.completed))
        elif m.completed is None and prior.completed is not None:
            result.reopened.append(code)
        elif m.completed != prior.completed:
            # Done in both, on another day now: say so rather than drop it.
            result.redated.append(Change(code, prior.completed or "", m.completed or ""))
        was = sorted({renames.get(r, r) for r in prior.releases})
        now = sorted(m.releases)
        if was != now:
            result.relinked.append(Change(code, ", ".join(was), ", ".join(now)))
    result.withdrawn.extend(sorted((code for code in old if code not in matched), key=natural))
    return result
