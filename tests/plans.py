"""A small plan built by hand, judged on 2020-08-01, shared by the report and chart tests.

Two releases, R1 (done) and R2 (slipped), and five Level-3 milestones under them: A-1 and
A-2 done, A-3 late, A-4 withdrawn, A-5 forecast earlier than its baseline.
"""

from __future__ import annotations

from ledger.state import Milestone, PlanState

TODAY = "2020-08-01"


def milestone(
    code: str,
    level: int,
    baseline: str,
    forecast: str | None = None,
    *,
    releases: tuple[str, ...] = (),
    completed: str | None = None,
    by: str | None = None,
    withdrawn: bool = False,
) -> Milestone:
    """A milestone titled `Title of CODE`, its forecast on its baseline unless given."""
    return Milestone(
        code=code,
        level=level,
        title=f"Title of {code}",
        baseline=baseline,
        forecast=forecast or baseline,
        defined_seq=1,
        releases=list(releases),
        completed=completed,
        completed_by=by,
        completed_seq=None if completed is None else 10,
        withdrawn=withdrawn,
    )


def state_of(*milestones: Milestone, aliases: dict[str, str] | None = None) -> PlanState:
    """A plan state holding just these milestones (and aliases)."""
    return PlanState(milestones={m.code: m for m in milestones}, aliases=dict(aliases or {}))


def hand_plan() -> PlanState:
    """Two releases and five Level-3 milestones, one of them withdrawn; R2 is also `R-2`."""
    return state_of(
        milestone("R1", 2, "2020-03-31", completed="2020-04-02", by="alice"),
        milestone("R2", 2, "2020-06-30", "2020-09-30"),
        milestone("A-1", 3, "2020-01-15", releases=("R1",), completed="2020-01-10", by="bob"),
        milestone(
            "A-2", 3, "2020-02-15", "2020-03-15", releases=("R1", "R2"), completed="2020-03-20"
        ),
        milestone("A-3", 3, "2020-05-01", "2020-07-01", releases=("R2",)),
        milestone("A-4", 3, "2020-06-01", releases=("R2",), completed="2020-05-05", withdrawn=True),
        milestone("A-5", 3, "2020-09-01", "2020-08-15", releases=("R2",)),
        aliases={"R-2": "R2"},
    )


def earlier_plan() -> PlanState:
    """The same plan before anything moved: every forecast on its baseline, A-4 still in."""
    state = hand_plan()
    for m in state.milestones.values():
        m.forecast, m.completed, m.withdrawn = m.baseline, None, False
    return state
