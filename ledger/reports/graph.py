"""Graph: milestones as nodes, "must be done first" as edges, and the critical path.

Two kinds of edge, both pointing from the milestone that must be done first: a Level-3
milestone to each Level-2 milestone it belongs to (`member`), and a predecessor to its
successor (`depends`). Predecessor links are passed in, not read from the state, so the
graph works before the ledger records them and with whatever mapping a caller has.

The critical path to a milestone is the chain that drives its date: starting from it,
each step goes to the predecessor that finishes last (its completion day if done, else
its forecast), until a milestone with no predecessors. If that predecessor slips, so
does everything after it on the chain.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import Literal

from ledger.errors import InvalidInput
from ledger.reports.scope import day, find_live, live
from ledger.state import Milestone, PlanState

EdgeKind = Literal["member", "depends"]

NO_PREDECESSORS: Mapping[str, Sequence[str]] = {}


@dataclass(frozen=True)
class GraphNode:
    """A milestone in the graph."""

    code: str
    level: int
    title: str
    forecast: str
    completed: str | None
    status: str  # as Milestone.status: done, late, slipped, on track
    critical: bool  # on the critical path
    outside: bool  # not in the chosen release, drawn because something in it depends on it

    @property
    def late(self) -> bool:
        """Not done, and forecast before the day the graph is judged on."""
        return self.status == "late"


@dataclass(frozen=True)
class GraphEdge:
    """`source` must be done before `target`."""

    source: str
    target: str
    kind: EdgeKind
    critical: bool


@dataclass(frozen=True)
class Graph:
    """The nodes and edges to draw, and the critical path to `target` (first to last)."""

    today: str
    release: str | None
    target: str | None
    nodes: tuple[GraphNode, ...]
    edges: tuple[GraphEdge, ...]
    critical_path: tuple[str, ...]
    missing: tuple[str, ...]  # codes the predecessor mapping names that are not in the plan


def _finish(milestone: Milestone) -> str:
    return milestone.completed or milestone.forecast


def _edges(
    state: PlanState, predecessors: Mapping[str, Sequence[str]], missing: set[str]
) -> dict[tuple[str, str], EdgeKind]:
    """Every edge of the whole plan, by (source, target).

    A predecessor link that repeats a membership is drawn once, as the membership.
    """
    edges: dict[tuple[str, str], EdgeKind] = {}
    for successor, names in predecessors.items():
        after = state.resolve(successor)
        if after is None or state.milestones[after].withdrawn:
            missing.add(successor)
            continue
        for name in names:
            first = state.resolve(name)
            if first is None or state.milestones[first].withdrawn:
                missing.add(name)
            elif first != after:
                edges[(first, after)] = "depends"
    for milestone in live(state, level=3):
        for release in milestone.releases:
            found = state.milestones.get(release)
            if found is not None and not found.withdrawn:
                edges[(milestone.code, release)] = "member"
    return edges


def _upstream(seeds: set[str], before: Mapping[str, Sequence[str]]) -> set[str]:
    """`seeds` and everything that must be done before any of them."""
    seen, todo = set(seeds), list(seeds)
    while todo:
        for first in before.get(todo.pop(), ()):
            if first not in seen:
                seen.add(first)
                todo.append(first)
    return seen


def _members(release: str, edges: Mapping[tuple[str, str], EdgeKind]) -> set[str]:
    return {
        first for (first, after), kind in edges.items() if after == release and kind == "member"
    }


def _critical_path(
    state: PlanState, target: str, before: Mapping[str, Sequence[str]]
) -> tuple[str, ...]:
    path, seen = [target], {target}
    while True:
        # Candidates in code order, so max() breaks a tie on dates by the smaller code.
        candidates = sorted(code for code in before.get(path[-1], ()) if code not in seen)
        if not candidates:
            return tuple(reversed(path))
        driver = max(candidates, key=lambda code: _finish(state.milestones[code]))
        path.append(driver)
        seen.add(driver)  # a cycle in recorded links must not loop forever


def graph(
    *,
    state: PlanState,
    today: str,
    release: str | None = None,
    predecessors: Mapping[str, Sequence[str]] = NO_PREDECESSORS,
    target: str | None = None,
) -> Graph:
    """The dependency graph of the plan, or of one Level-2 `release`, with its critical path.

    `predecessors` maps a milestone's code to the codes that must be done before it (codes
    or aliases; names not in the plan are listed in `missing`, not raised, as projections
    never refuse what is recorded). With `release`, the graph holds that release, its
    members and everything upstream of them (and of `target`); with only `target`, that
    milestone and everything upstream of it; with neither, the whole plan. The critical
    path runs to `target`, which defaults to `release`; with neither there is none.
    """
    today = day(today, what="today")
    chosen = None if release is None else find_live(state, release, what="release")
    if chosen is not None and chosen.level != 2:
        raise InvalidInput(
            f"{chosen.code} is a Level-{chosen.level} milestone; --release takes a Level-2 code"
        )
    goal = chosen if target is None else find_live(state, target, what="target")
    missing: set[str] = set()
    edges = _edges(state, predecessors, missing)
    before: dict[str, list[str]] = {}
    for first, after in edges:
        before.setdefault(after, []).append(first)
    if goal is None:
        codes = {m.code for m in live(state)}
    else:
        codes = _upstream({m.code for m in (chosen, goal) if m is not None}, before)
    inside = codes if chosen is None else {chosen.code, *_members(chosen.code, edges)}
    path = () if goal is None else _critical_path(state, goal.code, before)
    on_path = set(path)
    steps = set(pairwise(path))
    ordered = sorted((state.milestones[c] for c in codes), key=lambda m: (m.forecast, m.code))
    return Graph(
        today=today,
        release=None if chosen is None else chosen.code,
        target=None if goal is None else goal.code,
        nodes=tuple(
            GraphNode(
                code=m.code,
                level=m.level,
                title=m.title,
                forecast=m.forecast,
                completed=m.completed,
                status=m.status(today),
                critical=m.code in on_path,
                outside=m.code not in inside,
            )
            for m in ordered
        ),
        edges=tuple(
            GraphEdge(first, after, kind, (first, after) in steps)
            for (first, after), kind in sorted(edges.items())
            if first in codes and after in codes
        ),
        critical_path=path,
        missing=tuple(sorted(missing)),
    )
