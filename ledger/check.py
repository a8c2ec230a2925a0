"""Oddities in a plan: things that are recorded but probably not meant.

Projections never refuse what is recorded; they note it, and `milestone check`
reports it here together with the structural oddities of the plan itself.
"""

from __future__ import annotations

from dataclasses import dataclass

from ledger.ledger import View
from ledger.order import natural


@dataclass(frozen=True)
class Oddity:
    """One thing worth a look."""

    kind: str
    code: str
    message: str


def check(view: View) -> list[Oddity]:
    """Every oddity of a view, grouped by kind and ordered by code."""
    state = view.state
    live = {code: m for code, m in state.milestones.items() if not m.withdrawn}
    found: list[Oddity] = []
    for m in sorted(live.values(), key=lambda m: natural(m.code)):
        if m.level == 3 and not any(r in live for r in m.releases):
            found.append(
                Oddity("orphan", m.code, f"{m.code} is under no Level-2 milestone in the plan")
            )
        if m.completed is not None and m.completed > m.forecast:
            found.append(
                Oddity(
                    "completed-late",
                    m.code,
                    f"{m.code} was completed on {m.completed}, after its due date {m.forecast}",
                )
            )
        for release in m.releases:
            parent = live.get(release)
            if parent is None:
                continue
            if m.forecast > parent.forecast:
                found.append(
                    Oddity(
                        "due-after-release",
                        m.code,
                        f"{m.code} is due {m.forecast}, after {parent.code} ({parent.forecast})",
                    )
                )
            if parent.completed is not None and m.completed is None:
                found.append(
                    Oddity(
                        "release-done-early",
                        parent.code,
                        f"{parent.code} was completed on {parent.completed} while {m.code} "
                        "under it is still open",
                    )
                )
        for code in m.depends:
            before = live.get(code)
            if before is not None and m.completed is None and m.forecast < before.forecast:
                found.append(
                    Oddity(
                        "before-predecessor",
                        m.code,
                        f"{m.code} is forecast {m.forecast}, before {before.code} "
                        f"({before.forecast}), which it waits for",
                    )
                )
    for seq, message in state.oddities:
        found.append(Oddity("log", f"#{seq}", message))
    for rfc_id, events in sorted(state.pending.items()):
        rfc = state.rfcs.get(rfc_id)
        if rfc is None:
            found.append(
                Oddity(
                    "unknown-rfc",
                    rfc_id,
                    f"{len(events)} change(s) wait for {rfc_id}, which was never opened",
                )
            )
    order = {"log": 0, "unknown-rfc": 1}
    return sorted(found, key=lambda o: (order.get(o.kind, 2), o.kind, natural(o.code)))
