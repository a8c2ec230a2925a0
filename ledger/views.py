"""The plan as of a point before the head: the nearest stored snapshot plus a short fold.

Every row read here is checked before it is folded (`ledger.trust`: intact,
signed, agreeing with its columns, in its place in the chain), and rows past the
head the ledger itself recorded are never read: a row written into the table
behind the ledger's back, or changed there, is refused, never shown as part of
the plan. A view checks what it reads, and it reads little: `--known-at` alone
reads the log from its start.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import closing
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeVar

from events import GENESIS_PREV
from ledger import head as heads
from ledger.asof import AsOf
from ledger.errors import Conflict, InvalidInput, NotFound
from ledger.fold import apply, fold
from ledger.state import PlanState, Recorded
from ledger.store import Connection, StoredEvent, derived, rows
from ledger.trust import Trust

if TYPE_CHECKING:
    from ledger.ledger import Ledger

#: Greater than any seq (the largest a 32-bit seq column holds): `(instant, LAST)`
#: orders after every event at that instant.
LAST = 2**31 - 1

#: Rows read at a time where a view reads the log from its start (`--known-at`).
_BATCH = 5000
#: How often a view reads again when other processes append while it reads.
_ATTEMPTS = 5

T = TypeVar("T")


@dataclass(frozen=True)
class View:
    """The plan folded to some point, with the date its statuses are judged on."""

    state: PlanState
    as_of: AsOf
    today: str
    position: int  # how many events were folded

    @property
    def label(self) -> str:
        """How to name this point to a person."""
        return "now" if self.as_of.kind == "now" else self.as_of.text


def in_effective_order(
    conn: Connection, *, upto: tuple[str, int], head: int, trust: Trust
) -> tuple[PlanState, int]:
    """The fold of every event at or before `upto` in (effective, seq) order, and its size.

    The rows between the nearest snapshot before `upto` and the next one after it (or
    the head) are all read and checked, and must number what those two counted: so a
    row whose seq or effective column was changed cannot drop out of the fold unseen.
    """
    start = derived.nearest_snapshot(conn, axis="effective", upto=upto)
    if start is None:
        state, after, count = PlanState(), None, 0
    else:
        seq, effective, count, doc = start
        state, after = heads.snapshot_state(doc, seq=seq, effective=effective), (effective, seq)
        if after == upto:
            return state, count
    end = derived.next_snapshot(conn, after=upto)
    stretch = rows.in_order(conn, after=after, upto=end and (end[1], end[0]), max_seq=head)
    between = f"{_key(after)} and {_key(end and (end[1], end[0]))}"
    events = trust.window(stretch, count=(end[2] if end else head) - count, between=between)
    for event in events:
        if event.order > upto:
            break
        apply(state, event)
        count += 1
    return state, count


def _key(order: tuple[str, int] | None) -> str:
    if order is None:
        return "the head"
    return f"event #{order[1]} (effective {order[0]})"


def view(ledger: Ledger, as_of: AsOf, *, known_at: str | None = None) -> View:
    """The plan as of a selector, optionally limited to events recorded by `known_at`."""
    if known_at is not None:
        return _view_known_at(ledger, as_of, known_at)
    if as_of.kind == "seq":
        count = _seq_count(ledger, as_of)
        state = read_checked(ledger, lambda conn, trust: heads.seq_state(conn, count, trust))
        day = state.last.effective[:10] if state.last else ledger.today()
        return View(state, as_of, day, count)
    if as_of.kind in ("date", "instant"):
        upto = (as_of.value, LAST)
        day = as_of.value[:10]
    else:
        decision = find_approval(ledger, as_of)
        upto, day = decision.order, decision.effective[:10]
    state, count = read_checked(
        ledger,
        lambda conn, trust: in_effective_order(conn, upto=upto, head=ledger.length, trust=trust),
    )
    return View(state, as_of, day, count)


def read_checked(ledger: Ledger, read: Callable[[Connection, Trust], T]) -> T:
    """Call `read` in one read transaction that sees the head the ledger holds (the snapshots
    it counts on and the keys its rows are checked under must be the head's)."""
    for _attempt in range(_ATTEMPTS):
        with ledger.store.reading() as conn:
            if heads.position(conn) == ledger.length:
                return read(conn, Trust(ledger.state().keys))
        ledger.refresh()  # another process appended meanwhile: look again
    raise Conflict("the ledger kept moving while this view was read; try again")


def _seq_count(ledger: Ledger, as_of: AsOf) -> int:
    if as_of.seq > ledger.length:
        raise NotFound(
            f"{as_of.text} is beyond the end of the log (the last event is #{ledger.length})"
        )
    return as_of.seq


def _view_known_at(ledger: Ledger, as_of: AsOf, known_at: str) -> View:
    known = known_by(ledger, known_at)
    if not known:
        first = ledger.events(ledger.store.rows([1]))
        raise NotFound(
            f"nothing was recorded by {known_at}; the ledger began at "
            f"{first[0].recorded_at if first else 'no time yet'}"
        )
    if as_of.kind == "seq":
        count = min(_seq_count(ledger, as_of), len(known))
        return View(fold(known[:count]), as_of, known[count - 1].effective[:10], count)
    ordered = sorted(known, key=lambda e: e.order)
    if as_of.kind == "now":
        cut, today = ordered, known_at[:10]
    elif as_of.kind in ("date", "instant"):
        cut = [e for e in ordered if e.effective <= as_of.value]
        today = as_of.value[:10]
    else:
        decision = find_approval(ledger, as_of)
        if decision.recorded_at > known_at:
            raise NotFound(f"{as_of.text} was not yet approved as known at {known_at}")
        cut = [e for e in ordered if e.order <= decision.order]
        today = decision.effective[:10]
    return View(fold(cut), as_of, today, len(cut))


def known_by(ledger: Ledger, known_at: str) -> list[Recorded]:
    """The events recorded at or before `known_at`: a run of the log from its start (time
    never runs backwards in it), checked and linked up to the first event recorded later."""

    def read(conn: Connection, trust: Trust) -> list[Recorded]:
        known: list[Recorded] = []
        log = trust.chain(
            _from_start(conn, ledger.length),
            after=0,
            prev=GENESIS_PREV,
            upto=ledger.length,
            long=True,
        )
        with closing(log):
            for event in log:
                if event.recorded_at > known_at:
                    break
                known.append(event)
        return known

    return read_checked(ledger, read)


def _from_start(conn: Connection, head: int) -> Iterator[StoredEvent]:
    """The rows of events 1..`head`, in seq order, read a batch at a time."""
    after = 0
    while after < head and (
        batch := rows.in_seq(conn, after=after, upto=min(after + _BATCH, head))
    ):
        yield from batch
        after = batch[-1].seq


def find_approval(ledger: Ledger, as_of: AsOf) -> Recorded:
    """The `rfc.approved` event an RFC or version selector names."""
    state = ledger.state()
    if as_of.kind == "rfc":
        rfc = state.rfcs.get(as_of.value)
        if rfc is None:
            raise NotFound(f"{as_of.value} is not in this ledger; `milestone rfc list` shows RFCs")
        if rfc.state != "approved" or rfc.decided_seq is None:
            raise InvalidInput(
                f"{as_of.value} is {rfc.state}, not approved, so there is no plan 'as of' "
                "its approval; use a date or a log position ('#N') instead"
            )
        seq = rfc.decided_seq
    else:
        found = sorted(
            (r.decided_seq for r in state.rfcs.values() if r.version == as_of.value),
            key=lambda s: s or 0,
        )
        if not found or found[0] is None:
            labels = sorted({r.version for r in state.rfcs.values() if r.version})
            known = ", ".join(f"v{label}" for label in labels) or "none yet"
            raise NotFound(f"no approval carried version {as_of.value}; known versions: {known}")
        seq = found[0]
    return ledger.events(ledger.store.rows([seq]))[0]
