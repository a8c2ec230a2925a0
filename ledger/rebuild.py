"""`milestone rebuild`: drop every derived row and fold the whole log again.

The log is read twice, in linear passes: in the plan's order for the head and its
snapshots, then in log order for the '#N' snapshots and where the log ends. The
caller verifies the log first (`ledger.upkeep`): this folds what it reads.
"""

from __future__ import annotations

from collections.abc import Callable

from ledger import projection
from ledger.fold import apply
from ledger.head import BATCH, SNAPSHOT_EVERY, Head, save_snapshot
from ledger.records import decode_row
from ledger.state import PlanState
from ledger.store import Connection, derived, rows


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
    while batch := rows.in_order(conn, after=after, limit=BATCH):
        for row in batch:
            event = decode_row(row)
            apply(head.state, event)
            head.top, count = event.order, count + 1
            head.since_snapshot += 1
            if head.since_snapshot >= SNAPSHOT_EVERY or event.type == "rfc.approved":
                save_snapshot(conn, "effective", event, count, projection.snapshot_doc(head.state))
                head.since_snapshot = 0
        after = batch[-1].effective, batch[-1].seq
        say(f"  plan: {count} events folded")
    logged, last = PlanState(), ("", 0)
    seq = 0
    while batch := rows.in_seq(conn, after=seq, upto=seq + BATCH):
        for row in batch:
            event = decode_row(row)
            apply(logged, event)
            head.in_order = head.in_order and event.order >= last
            last = event.order
            if event.seq == 1:
                head.genesis = event.hash.hex()
            if event.seq % SNAPSHOT_EVERY == 0:
                save_snapshot(conn, "seq", event, event.seq, projection.snapshot_doc(logged))
        seq = batch[-1].seq
        say(f"  log: {seq} events folded")
        head.position, head.hash = seq, batch[-1].hash.hex()
    derived.write_rows(conn, projection.all_rows(head.state, head.meta()))
    return head
