"""The plan as of a point before the head: the nearest stored snapshot plus a short fold.

Every row folded here is checked first (its hash is the SHA-256 of its body and
its signature verifies under the key it names), and rows past the head the
ledger itself recorded are never read: a row written into the table behind the
ledger's back is refused, not shown as part of the plan.
"""

from __future__ import annotations

from collections.abc import Mapping

from ledger import projection
from ledger.errors import ChainBroken
from ledger.fold import apply
from ledger.records import decode_row
from ledger.signing import signature_ok
from ledger.state import KeyInfo, PlanState, Recorded
from ledger.store import Connection, StoredEvent, derived, rows

#: Greater than any seq (the largest a 32-bit seq column holds): `(instant, LAST)`
#: orders after every event at that instant.
LAST = 2**31 - 1


def trusted(row: StoredEvent, keys: Mapping[str, KeyInfo]) -> Recorded:
    """The event a row holds, if the row is intact and signed; else `ChainBroken`."""
    key = keys.get(row.key)
    if (
        not row.body_hash_ok
        or key is None
        or not signature_ok(bytes.fromhex(key.public_key), row.hash, row.sig)
    ):
        raise damaged(row.seq, "its hash or signature does not verify")
    try:
        event = decode_row(row)
    except ValueError as error:
        raise damaged(row.seq, str(error)) from None
    if event.seq != row.seq or event.key != row.key:
        raise damaged(row.seq, "its columns disagree with its signed body")
    return event


def damaged(seq: int, reason: str) -> ChainBroken:
    """The error a read raises when it meets a row that is not part of the verified chain."""
    return ChainBroken(
        f"the ledger is damaged at event #{seq} ({reason}); nothing from it is shown. "
        "Run `milestone verify` for the full report"
    )


def in_effective_order(
    conn: Connection, *, upto: tuple[str, int], head: int, keys: Mapping[str, KeyInfo]
) -> tuple[PlanState, int]:
    """The fold of every event at or before `upto` in (effective, seq) order, and its size."""
    start = derived.nearest_snapshot(conn, axis="effective", upto=upto)
    if start is None:
        state, after, count = PlanState(), None, 0
    else:
        seq, effective, count, doc = start
        state, after = projection.state_from_snapshot(doc), (effective, seq)
    for row in rows.in_order(conn, after=after, upto=upto, max_seq=head):
        apply(state, trusted(row, keys))
        count += 1
    return state, count


def in_log_order(conn: Connection, *, seq: int, keys: Mapping[str, KeyInfo]) -> PlanState:
    """The fold of events 1..seq in log order."""
    start = derived.nearest_snapshot(conn, axis="seq", upto=seq)
    if start is None:
        state, after = PlanState(), 0
    else:
        state, after = projection.state_from_snapshot(start[3]), start[0]
    for row in rows.in_seq(conn, after=after, upto=seq):
        apply(state, trusted(row, keys))
    return state
