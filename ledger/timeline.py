"""Where a backdated change lands in the plan's time: the plan as of an instant, the first
later change, and the instant just before it.

An import of a revision dated D is computed against the plan as of D, not the head: a
ledger may already hold the revisions that came after it. These reads run inside the
import's append (under the write lock, so nothing moves while they read) and check every
row they fold, as every view does.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from events import format_instant, parse_instant
from ledger import views
from ledger.fold import apply, takes_effect
from ledger.state import PlanState, Recorded
from ledger.store import rows
from ledger.trust import Trust

if TYPE_CHECKING:
    from ledger.ledger import Ledger

_BATCH = 256


def holds_events_after(ledger: Ledger, instant: str) -> bool:
    """Whether any event the ledger recorded is effective after `instant`."""
    with ledger.store.reading() as conn:
        found = rows.in_order(conn, after=(instant, views.LAST), max_seq=ledger.length, limit=1)
    return bool(found)


def plan_at(ledger: Ledger, instant: str) -> PlanState:
    """The plan (and everything else) folded from every event effective at or before
    `instant`, in the plan's order: what `--as-of` that instant shows."""
    state, _ = views.read_checked(
        ledger,
        lambda conn, trust: views.in_effective_order(
            conn, upto=(instant, views.LAST), head=ledger.length, trust=trust
        ),
    )
    return state


def next_change(ledger: Ledger, *, after: str, state: PlanState) -> Recorded | None:
    """The first event effective after `after` that changes a milestone, or None.

    `state` is the plan as of `after`; it is folded forward here (pass a copy), because
    whether an event changes a milestone depends on what came before it (a change under
    an RFC waits for its approval; an approval with nothing waiting changes nothing).
    """
    trust = Trust(ledger.state().keys)
    cursor = (after, views.LAST)
    with ledger.store.reading() as conn:
        while True:
            batch = rows.in_order(conn, after=cursor, max_seq=ledger.length, limit=_BATCH)
            for row in batch:
                event = trust.event(row)
                if takes_effect(state, event):
                    return event
                apply(state, event)
            if len(batch) < _BATCH:
                return None
            cursor = (batch[-1].effective, batch[-1].seq)


def just_before(instant: str) -> str:
    """The instant one microsecond (the ledger's resolution) before `instant`."""
    return format_instant(parse_instant(instant) - timedelta(microseconds=1))
