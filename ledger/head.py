"""Keeping the plan at the head and the snapshots, in the transaction of each append.

The head is the fold of every event in (effective, seq) order. An append
whose events all come after the head's last order folds them onto the head
and rewrites only the rows they touched. One that lands earlier (a backdated
import) drops the snapshots it makes stale and folds again from the nearest
snapshot before it. Either way a snapshot is stored every `SNAPSHOT_EVERY`
events on both axes and at every RFC approval, so a view as of any point folds
at most `SNAPSHOT_EVERY` events onto a stored state.

A writer keeps what makes its snapshots cheap in memory, so that a big import
does not slow down as the plan grows: the fold in log order once the two orders
differ (not refolded from the last '#N' snapshot each time), and the encoded
entities of each folded state (re-encoded only when an event touches them).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any

from events import GENESIS_PREV
from ledger import projection
from ledger.errors import ChainBroken
from ledger.fold import apply
from ledger.state import PlanState, Recorded
from ledger.store import Connection, StoredEvent, derived, rows
from ledger.trust import Trust

SNAPSHOT_EVERY = 1024
#: How many rows a fold reads at a time.
BATCH = 10_000


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
    #: The fold in log order up to `position`, kept in memory by a writer once the
    #: orders differ and a '#N' snapshot was due, so that later ones need no refold.
    logged: PlanState | None = field(default=None, repr=False, compare=False)
    #: The entity documents of `state` and of `logged` as last snapshotted (writer only).
    docs: projection.DocCache = field(default_factory=projection.DocCache, repr=False)
    logged_docs: projection.DocCache = field(default_factory=projection.DocCache, repr=False)

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
        # The rows folded again were signed under keys the head knew before these events.
        trust = Trust(head.state.keys)
        head.in_order = False
        _follow_log(conn, head, events)
        head.position = events[-1].seq
        _refold(conn, head, earliest, trust)
        return
    if not head.in_order:
        _follow_log(conn, head, events)
    touched: set[projection.Key] = set()
    oddities = len(head.state.oddities)
    for event in events:
        keys = projection.touches(head.state, event)
        touched |= keys
        head.docs.touch(keys)
        _advance(head, event)
        _snapshot_if_due(conn, head, event)
    changed = projection.changed_rows(
        head.state, touched, oddities_before=oddities, meta=head.meta()
    )
    derived.write_rows(conn, changed)


def catch_up(head: Head, stored: Sequence[StoredEvent]) -> bool:
    """Fold the rows others appended (the next ones after `head`, in seq order) into
    `head`, as their appends folded them into the stored head; False, leaving `head` as
    it was, when one does not pass the check every view makes of what it folds (a key
    registered among them fails it too) or landed before the top (the stored head was
    folded again): load the stored head instead."""
    try:
        trust = Trust(head.state.keys)
        events = list(trust.chain(stored, after=head.position, prev=head.hash, upto=0))
    except ChainBroken:
        return False
    orders = [head.top, *(event.order for event in events)]
    if any(later < earlier for earlier, later in pairwise(orders)):
        return False
    for event in events:
        head.docs.touch(projection.touches(head.state, event))
        _advance(head, event)
        if _effective_snapshot_due(head, event):
            head.since_snapshot = 0
        if head.logged is not None:
            # The log-order fold the writer keeps follows too (the writer that appended
            # these stored any '#N' snapshot among them).
            head.logged_docs.touch(projection.touches(head.logged, event))
            apply(head.logged, event)
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


def _follow_log(conn: Connection, head: Head, events: Sequence[Recorded]) -> None:
    """Fold `events` (just inserted, in seq order, after `head.position`) into the log-order
    state and store the '#N' snapshots that fall among them.

    The state is read (from the nearest stored snapshot) only when one is due; from
    then on it is kept in memory and each event is folded into it once.
    """
    if head.logged is None:
        if not any(event.seq % SNAPSHOT_EVERY == 0 for event in events):
            return
        # The rows read were signed under keys the head knew before these events.
        head.logged = seq_state(conn, events[0].seq - 1, Trust(head.state.keys))
        head.logged_docs = projection.DocCache()
    for event in events:
        head.logged_docs.touch(projection.touches(head.logged, event))
        apply(head.logged, event)
        if event.seq % SNAPSHOT_EVERY == 0:
            doc = projection.snapshot_doc(head.logged, head.logged_docs)
            save_snapshot(conn, "seq", event, event.seq, doc)


def _snapshot_if_due(conn: Connection, head: Head, event: Recorded) -> None:
    """Store the snapshots due after `event` was folded into the head (in the plan's order)."""
    doc = None
    if _effective_snapshot_due(head, event):
        doc = projection.snapshot_doc(head.state, head.docs)
        save_snapshot(conn, "effective", event, head.position, doc)
        head.since_snapshot = 0
    if head.in_order and event.seq % SNAPSHOT_EVERY == 0:
        # Both orders agree, so the head is also the state in log order (and once they
        # differ, `_follow_log` stores these).
        save_snapshot(
            conn, "seq", event, event.seq, doc or projection.snapshot_doc(head.state, head.docs)
        )


def save_snapshot(conn: Connection, axis: str, event: Recorded, count: int, doc: bytes) -> None:
    """Store a snapshot of `count` events on `axis`, taken just after `event`."""
    derived.save_snapshot(
        conn, axis=axis, seq=event.seq, effective=event.effective, count=count, doc=doc
    )


def _refold(conn: Connection, head: Head, earliest: tuple[str, int], trust: Trust) -> None:
    """Fold again from the nearest snapshot before `earliest`, and rewrite the head.

    Every row folded is checked, and they must be all the rows after the snapshot: a
    damaged log is refused (the append with it) rather than folded into the head."""
    derived.drop_snapshots_after(conn, order=earliest)
    start = derived.nearest_snapshot(conn, axis="effective", upto=earliest)
    if start is None:
        state, after, count = PlanState(), None, 0
    else:
        seq, effective, count, doc = start
        state, after = snapshot_state(doc, seq=seq, effective=effective), (effective, seq)
    head.state, head.docs = state, projection.DocCache()
    head.since_snapshot = 0
    while True:
        batch = rows.in_order(conn, after=after, max_seq=head.position, limit=BATCH)
        for row in batch:
            event = trust.event(row)
            apply(head.state, event)
            head.top = event.order
            head.since_snapshot += 1
            count += 1
            if head.since_snapshot >= SNAPSHOT_EVERY or event.type == "rfc.approved":
                save_snapshot(conn, "effective", event, count, projection.snapshot_doc(head.state))
                head.since_snapshot = 0
        if len(batch) < BATCH:
            break
        after = (batch[-1].effective, batch[-1].seq)
    trust.counted(count, expected=head.position, between="the snapshot and the head")
    derived.clear_rows(conn)
    derived.write_rows(conn, projection.all_rows(head.state, head.meta()))


def seq_state(conn: Connection, seq: int, trust: Trust) -> PlanState:
    """The fold of events 1..seq in log order: the nearest stored seq snapshot, then a
    checked run of rows linked to it."""
    start = derived.nearest_snapshot(conn, axis="seq", upto=seq)
    if start is None:
        state, after, prev = PlanState(), 0, GENESIS_PREV
    else:
        after = start[0]
        state = snapshot_state(start[3], seq=after, effective=None)
        prev = state.last.hash.hex() if state.last is not None else ""
    stored = rows.in_seq(conn, after=after, upto=seq)
    for event in trust.chain(stored, after=after, prev=prev, upto=seq):
        apply(state, event)
    return state


def snapshot_state(doc: bytes, *, seq: int, effective: str | None) -> PlanState:
    """A stored snapshot's state, if it says it is the fold up to where it is stored
    (event `seq`, effective at `effective` on the effective axis); else `ChainBroken`."""
    state = projection.state_from_snapshot(doc)
    last = state.last
    if last is None or last.seq != seq or (effective is not None and last.effective != effective):
        raise ChainBroken(
            f"the stored snapshot at event #{seq} does not match the log; nothing from it is "
            "shown. Run `milestone rebuild` to make the snapshots again, then `milestone verify`"
        )
    return state
