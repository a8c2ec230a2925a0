"""Dependencies between milestones, followed through the activities between them.

In a P6 export most milestones are not linked to each other directly: a milestone precedes
some work, which precedes more work, which precedes another milestone. The export's
relationships (TASKPRED) span the whole project, activities outside the export's TASK table
included, so a chain can be followed from one milestone to the next even where its middle
lies outside the export. A CSV's lists name only the links of its own rows, so there chains
break wherever they leave the file.

A chain counts whatever its relationship types (FS, SS, FF, SF): each one constrains the
successor by the predecessor, and a person asking "what does this milestone wait for?"
wants every such chain.
"""

from __future__ import annotations

from collections import defaultdict, deque
from collections.abc import Collection
from dataclasses import dataclass

from ledger.p6_model import P6Export

__all__ = ["MilestoneDependency", "milestone_dependencies"]


@dataclass(frozen=True)
class MilestoneDependency:
    """``successor`` waits for ``predecessor``; ``via`` are the activities on one shortest
    chain between them, none a milestone (empty for a direct link)."""

    predecessor: str
    successor: str
    via: tuple[str, ...]


def milestone_dependencies(
    *, export: P6Export, among: Collection[str] | None = None, avoid: Collection[str] = ()
) -> tuple[MilestoneDependency, ...]:
    """Every pair of milestones linked by a chain of relationships with no milestone inside.

    `among` is the set of milestone codes (default: the export's plan, e.g. pass the codes
    the ledger holds). A chain stops at the first milestone it meets, so A -> x -> B -> y -> C
    gives A before B and B before C, not A before C. A chain never passes through an
    activity in `avoid`: Rubin's cycle markers (``S18S`` "S18 Start", ``F18F`` "F18
    Complete", ...) follow every milestone of one cycle and precede every one of the next,
    so chains through them say little about which milestone waits for which. Pairs come in
    the order of `among` (the plan's order by default), then nearest successor first.
    """
    codes = list(among) if among is not None else [m.code for m in export.milestones]
    milestones = set(codes)
    avoided = set(avoid)
    successors: dict[str, list[str]] = defaultdict(list)
    for link in export.relationships:
        if link.successor not in successors[link.predecessor]:
            successors[link.predecessor].append(link.successor)

    found = []
    for start in codes:
        # Breadth first, so `via` is a shortest chain; `came_from` also stops cycles, which
        # exports do hold (camera activities linked start-to-start one way, finish the other).
        came_from: dict[str, str] = {start: start}
        queue = deque([start])
        while queue:
            current = queue.popleft()
            for following in successors.get(current, ()):
                if following in came_from or following in avoided:
                    continue
                came_from[following] = current
                if following in milestones:
                    found.append(
                        MilestoneDependency(start, following, _chain(came_from, current, start))
                    )
                else:
                    queue.append(following)
    return tuple(found)


def _chain(came_from: dict[str, str], last: str, start: str) -> tuple[str, ...]:
    chain = []
    while last != start:
        chain.append(last)
        last = came_from[last]
    return tuple(reversed(chain))
