"""The plan as of a point before the head: the nearest stored snapshot plus a short fold.

Every row folded here is checked first (its hash is the SHA-256 of its body, it
names a key the ledger knows, and it is signed), and rows past the head the
ledger itself recorded are never read: a row written into the table behind the
ledger's back is refused, not shown as part of the plan. Rows that follow each
other in the log are checked as a chain (`checked_run`): each names the hash of
the one before, so the last one's signature vouches for them all, and one
signature is checked rather than a thousand.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ledger import projection
from ledger.asof import AsOf
from ledger.errors import ChainBroken, InvalidInput, NotFound
from ledger.fold import apply, fold
from ledger.records import decode_row
from ledger.signing import signature_ok
from ledger.state import KeyInfo, PlanState, Recorded
from ledger.store import Connection, StoredEvent, derived, rows

if TYPE_CHECKING:
    from ledger.ledger import Ledger

#: Greater than any seq (the largest a 32-bit seq column holds): `(instant, LAST)`
#: orders after every event at that instant.
LAST = 2**31 - 1


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


def checked_run(found: Sequence[StoredEvent], keys: Mapping[str, KeyInfo]) -> list[Recorded]:
    """The events of rows that follow each other in the log, each checked as `trusted`
    checks it: every row's hash is its body's, its columns are its body's, it names a
    known key and the hash of the row before, and the last row's signature verifies,
    which signs every hash before it. If anything does not hold (or the rows are not
    one run), each row is checked on its own, so the error names the damaged row."""
    ordered = sorted(found, key=lambda row: row.seq)
    events: list[Recorded] = []
    for row in ordered:
        key = keys.get(row.key)
        try:
            event = decode_row(row)
        except ValueError:
            break
        follows = not events or (
            row.seq == events[-1].seq + 1 and event.prev == events[-1].hash.hex()
        )
        if key is None or not follows or event.seq != row.seq or event.key != row.key:
            break
        if not row.body_hash_ok:
            break
        events.append(event)
    else:
        last = ordered[-1] if ordered else None
        if last is None or signature_ok(
            bytes.fromhex(keys[last.key].public_key), last.hash, last.sig
        ):
            by_seq = {event.seq: event for event in events}
            return [by_seq[row.seq] for row in found]
    return [trusted(row, keys) for row in found]


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
    for event in checked_run(rows.in_order(conn, after=after, upto=upto, max_seq=head), keys):
        apply(state, event)
        count += 1
    return state, count


def in_log_order(conn: Connection, *, seq: int, keys: Mapping[str, KeyInfo]) -> PlanState:
    """The fold of events 1..seq in log order."""
    start = derived.nearest_snapshot(conn, axis="seq", upto=seq)
    if start is None:
        state, after = PlanState(), 0
    else:
        state, after = projection.state_from_snapshot(start[3]), start[0]
    for event in checked_run(rows.in_seq(conn, after=after, upto=seq), keys):
        apply(state, event)
    return state


def view(ledger: Ledger, as_of: AsOf, *, known_at: str | None = None) -> View:
    """The plan as of a selector, optionally limited to events recorded by `known_at`."""
    if known_at is not None:
        return _view_known_at(ledger, as_of, known_at)
    keys = ledger.state().keys
    with ledger.store.reading() as conn:
        if as_of.kind == "seq":
            count = _seq_count(ledger, as_of)
            state = in_log_order(conn, seq=count, keys=keys)
            day = state.last.effective[:10] if state.last else ledger.today()
            return View(state, as_of, day, count)
        if as_of.kind in ("date", "instant"):
            upto = (as_of.value, LAST)
            day = as_of.value[:10]
        else:
            decision = find_approval(ledger, as_of)
            upto, day = decision.order, decision.effective[:10]
        state, count = in_effective_order(conn, upto=upto, head=ledger.length, keys=keys)
    return View(state, as_of, day, count)


def _seq_count(ledger: Ledger, as_of: AsOf) -> int:
    if as_of.seq > ledger.length:
        raise NotFound(
            f"{as_of.text} is beyond the end of the log (the last event is #{ledger.length})"
        )
    return as_of.seq


def _view_known_at(ledger: Ledger, as_of: AsOf, known_at: str) -> View:
    known = [e for e in ledger.log if e.recorded_at <= known_at]
    if not known:
        raise NotFound(
            f"nothing was recorded by {known_at}; the ledger began at "
            f"{ledger.log[0].recorded_at if ledger.log else 'no time yet'}"
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
