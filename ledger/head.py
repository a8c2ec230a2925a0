"""Keeping the plan at the head and the snapshots, in the transaction of each append.

The head is the fold of every event in (effective, seq) order. An append
whose events all come after the head's last order folds them onto the head
and rewrites only the rows they touched. One that lands earlier (a backdated
import) drops the snapshots it makes stale and folds again from the nearest
snapshot before it. Either way a snapshot is stored every `SNAPSHOT_EVERY`
events on both axes and at every RFC approval, so a view as of any point folds
at most `SNAPSHOT_EVERY` events onto a stored state.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any

from ledger import projection
from ledger.fold import apply
from ledger.records import decode_row
from ledger.state import PlanState, Recorded
from ledger.store import Connection, derived, rows

SNAPSHOT_EVERY = 1024
_BATCH = 10_000


@dataclass
class Head:
    """The plan at the head and where it stands in the log."""

    state: PlanState = field(default_factory=PlanState)
    position: int = 0  # the seq of the last event folded in
    genesis: str = ""  # the genesis event's hash, hex
    hash: str = ""  # the hash of the event at `position`, hex
    top: tuple[str, int] = ("", 0)  # the greatest (effective, seq) folded in
    since_snapshot: int = 0  # events folded since the last effective-axis snapshot
    in_order: bool = True  # no event ever landed before the top: both orders agree

    def meta(self) -> dict[str, Any]:
        """The fields the `meta` row keeps beside the state's own."""
        return {
            "position": self.position,
            "genesis": self.genesis,
            "hash": self.hash,
            "top": list(self.top),
            "since_snapshot": self.since_snapshot,
            "in_order": self.in_order,
        }


def load(conn: Connection) -> Head:
    """The head as the derived tables hold it (an empty head for an empty ledger)."""
    state, meta = projection.state_from_rows(derived.load_rows(conn))
    top = meta.get("top") or ["", 0]
    return Head(
        state=state,
        position=int(meta.get("position", 0)),
        genesis=str(meta.get("genesis", "")),
        hash=str(meta.get("hash", "")),
        top=(str(top[0]), int(top[1])),
        since_snapshot=int(meta.get("since_snapshot", 0)),
        in_order=bool(meta.get("in_order", True)),
    )


def position(conn: Connection) -> int:
    """The seq of the last event the head holds, read without loading the plan."""
    doc = derived.load_row(conn, "meta", "")
    if doc is None:
        return 0
    import orjson

    return int(orjson.loads(doc).get("position", 0))


def extend(conn: Connection, head: Head, events: Sequence[Recorded]) -> None:
    """Fold events just inserted (in seq order) into `head` and store what changed."""
    if not events:
        return
    if not head.genesis:
        head.genesis = events[0].hash.hex()
    head.hash = events[-1].hash.hex()
    earliest = min(event.order for event in events)
    orders = [head.top, *(event.order for event in events)]
    # Folding in seq order is only right when that is also the plan's order.
    if any(later < earlier for earlier, later in pairwise(orders)):
        head.in_order = False
        head.position = events[-1].seq
        _refold(conn, head, earliest)
        _seq_snapshots(conn, events)
        return
    touched: set[projection.Key] = set()
    oddities = len(head.state.oddities)
    for event in events:
        touched |= projection.touches(head.state, event)
        _advance(head, event)
        _snapshot_if_due(conn, head, event)
    changed = projection.changed_rows(
        head.state, touched, oddities_before=oddities, meta=head.meta()
    )
    derived.write_rows(conn, changed)


def catch_up(head: Head, events: Sequence[Recorded]) -> bool:
    """Fold events others appended (the next ones after `head`, in seq order) into `head`,
    as their appends folded them into the stored head; False, leaving `head` as it was,
    when one landed before the top (the stored head was folded again: load it instead)."""
    orders = [head.top, *(event.order for event in events)]
    if any(later < earlier for earlier, later in pairwise(orders)):
        return False
    for event in events:
        _advance(head, event)
        if _effective_snapshot_due(head, event):
            head.since_snapshot = 0
    if events:
        head.hash = events[-1].hash.hex()
    return True


def _advance(head: Head, event: Recorded) -> None:
    """Fold the next event, in order, into the head."""
    apply(head.state, event)
    head.position = event.seq
    head.top = event.order
    head.since_snapshot += 1


def _effective_snapshot_due(head: Head, event: Recorded) -> bool:
    return head.since_snapshot >= SNAPSHOT_EVERY or event.type == "rfc.approved"


def _seq_snapshots(conn: Connection, events: Sequence[Recorded]) -> None:
    """Store the log-order snapshots that fall among `events` (just inserted, in seq
    order): one fold from the stored state before them, then the events in memory."""
    due = [event.seq for event in events if event.seq % SNAPSHOT_EVERY == 0]
    if not due:
        return
    logged = seq_state(conn, events[0].seq - 1)
    for event in events:
        if event.seq > due[-1]:
            break
        apply(logged, event)
        if event.seq % SNAPSHOT_EVERY == 0:
            _save(conn, "seq", event, event.seq, projection.snapshot_doc(logged))


def _snapshot_if_due(conn: Connection, head: Head, event: Recorded) -> None:
    if _effective_snapshot_due(head, event):
        _save(conn, "effective", event, head.position, projection.snapshot_doc(head.state))
        head.since_snapshot = 0
    if event.seq % SNAPSHOT_EVERY == 0:
        if head.in_order:
            # Both orders agree, so the head is also the state in log order.
            doc = projection.snapshot_doc(head.state)
        else:
            doc = projection.snapshot_doc(seq_state(conn, event.seq))
        _save(conn, "seq", event, event.seq, doc)


def _save(conn: Connection, axis: str, event: Recorded, count: int, doc: bytes) -> None:
    derived.save_snapshot(
        conn, axis=axis, seq=event.seq, effective=event.effective, count=count, doc=doc
    )


def _refold(conn: Connection, head: Head, earliest: tuple[str, int]) -> None:
    """Fold again from the nearest snapshot before `earliest`, and rewrite the head."""
    derived.drop_snapshots_after(conn, order=earliest)
    start = derived.nearest_snapshot(conn, axis="effective", upto=earliest)
    if start is None:
        state, after, count = PlanState(), None, 0
    else:
        seq, effective, count, doc = start
        state, after = projection.state_from_snapshot(doc), (effective, seq)
    head.state = state
    head.since_snapshot = 0
    while True:
        batch = rows.in_order(conn, after=after, max_seq=head.position, limit=_BATCH)
        for row in batch:
            event = decode_row(row)
            apply(head.state, event)
            head.top = event.order
            head.since_snapshot += 1
            count += 1
            if head.since_snapshot >= SNAPSHOT_EVERY or event.type == "rfc.approved":
                _save(conn, "effective", event, count, projection.snapshot_doc(head.state))
                head.since_snapshot = 0
        if len(batch) < _BATCH:
            break
        after = (batch[-1].effective, batch[-1].seq)
    derived.clear_rows(conn)
    derived.write_rows(conn, projection.all_rows(head.state, head.meta()))


def rebuild(conn: Connection, *, progress: Callable[[str], None] | None = None) -> Head:
    """Drop every derived row and fold the whole log again (`milestone rebuild`).

    Two linear passes: the plan's order for the head and its snapshots, then
    log order for the '#N' snapshots and where the log ends. `progress` hears
    how far each pass has come, a batch at a time.
    """
    say = progress or (lambda message: None)
    derived.clear(conn)
    head = Head()
    count, after = 0, None
    while batch := rows.in_order(conn, after=after, limit=_BATCH):
        for row in batch:
            event = decode_row(row)
            apply(head.state, event)
            head.top, count = event.order, count + 1
            head.since_snapshot += 1
            if head.since_snapshot >= SNAPSHOT_EVERY or event.type == "rfc.approved":
                _save(conn, "effective", event, count, projection.snapshot_doc(head.state))
                head.since_snapshot = 0
        after = batch[-1].effective, batch[-1].seq
        say(f"  plan: {count} events folded")
    logged, last = PlanState(), ("", 0)
    seq = 0
    while batch := rows.in_seq(conn, after=seq, upto=seq + _BATCH):
        for row in batch:
            event = decode_row(row)
            apply(logged, event)
            head.in_order = head.in_order and event.order >= last
            last = event.order
            if event.seq == 1:
                head.genesis = event.hash.hex()
            if event.seq % SNAPSHOT_EVERY == 0:
                _save(conn, "seq", event, event.seq, projection.snapshot_doc(logged))
        seq = batch[-1].seq
        say(f"  log: {seq} events folded")
        head.position, head.hash = seq, batch[-1].hash.hex()
    derived.write_rows(conn, projection.all_rows(head.state, head.meta()))
    return head


def seq_state(conn: Connection, seq: int) -> PlanState:
    """The fold of events 1..seq in log order, from the nearest stored seq snapshot."""
    start = derived.nearest_snapshot(conn, axis="seq", upto=seq)
    if start is None:
        state, after = PlanState(), 0
    else:
        state, after = projection.state_from_snapshot(start[3]), start[0]
    for row in rows.in_seq(conn, after=after, upto=seq):
        apply(state, decode_row(row))
    return state
