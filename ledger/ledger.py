"""The ledger: a store plus the decoded log, the plan it folds to, and locked appends.

`Ledger` keeps the log in memory in two orders (seq, and effective-then-seq),
with snapshots of the fold every `SNAPSHOT_EVERY` events so that a view as of
any point folds at most that many events onto a copy of the nearest snapshot.
Snapshots are only ever taken of a prefix of the order, so an event that lands
in the middle (a backdated import) drops the snapshots after it and nothing
else: views between snapshots stay exact.
"""

from __future__ import annotations

import bisect
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from events import (
    GENESIS_PREV,
    Fact,
    body_hash,
    canonical_bytes,
    decode_body,
    fact_data,
    format_instant,
)
from events.catalogue import LedgerCreated, RoleGranted
from ledger.asof import NOW, AsOf
from ledger.errors import (
    ChainBroken,
    Conflict,
    InvalidInput,
    NotFound,
    NotInitialised,
)
from ledger.fold import apply
from ledger.rules import authorise
from ledger.signing import Signer, signature_ok
from ledger.state import PlanState, Recorded
from ledger.store import Store, StoredEvent

SNAPSHOT_EVERY = 1024

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    """The current time, timezone-aware UTC (freezegun-friendly)."""
    return datetime.now(UTC)


@dataclass(frozen=True)
class Draft:
    """A fact about to be recorded, as decided by a command against the current state."""

    fact: Fact
    subject: str
    rfc: str | None = None
    effective: str | None = None


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


class Timeline:
    """Events in one fixed order, with lazily taken snapshots of their fold."""

    def __init__(self) -> None:
        self.events: list[Recorded] = []
        self._snapshots: dict[int, PlanState] = {0: PlanState()}

    def add(self, event: Recorded, index: int) -> None:
        """Insert an event at `index`, dropping snapshots it makes stale."""
        self.events.insert(index, event)
        if index < len(self.events) - 1:
            self._snapshots = {n: s for n, s in self._snapshots.items() if n <= index}

    def state_at(self, count: int) -> PlanState:
        """A fresh state folded from the first `count` events."""
        self._warm()
        start = max(n for n in self._snapshots if n <= count)
        state = self._snapshots[start].copy()
        for index in range(start, count):
            apply(state, self.events[index])
        return state

    def _warm(self) -> None:
        """Take the missing snapshots, folding once from the last one to the end.

        Done on the first view that needs them, so every later view folds at most
        `SNAPSHOT_EVERY` events onto a copy, wherever in the log it falls.
        """
        last = max(self._snapshots)
        if last + SNAPSHOT_EVERY > len(self.events):
            return
        state = self._snapshots[last].copy()
        for index in range(last, len(self.events)):
            apply(state, self.events[index])
            done = index + 1
            if done % SNAPSHOT_EVERY == 0:
                self._snapshots[done] = state.copy()


class Ledger:
    """A milestone ledger: read it, fold it, append to it."""

    def __init__(self, store: Store, *, clock: Clock = utc_now) -> None:
        self.store = store
        self.clock = clock
        self.log: list[Recorded] = []  # seq order: log[i].seq == i + 1
        self._effective = Timeline()  # (effective, seq) order
        self._by_seq = Timeline()  # seq order, for '#N' views
        self._keys: list[tuple[str, int]] = []  # order keys of _effective.events
        self._head_state = PlanState()
        self._head_dirty = False
        self.broken: tuple[int, str] | None = None
        self._head_checked = 0

    # --- opening ----------------------------------------------------------------------------

    @classmethod
    def open(cls, url: str, *, clock: Clock = utc_now) -> Ledger:
        """Open an existing ledger and load its log."""
        ledger = cls(Store.open(url), clock=clock)
        ledger.refresh()
        if not ledger.log:
            raise NotInitialised(
                f"the database at {ledger.store.where} holds no ledger yet; run `milestone init`"
            )
        return ledger

    @classmethod
    def create(
        cls,
        url: str,
        *,
        name: str,
        signer: Signer,
        actor: str,
        baseline_control: bool = True,
        clock: Clock = utc_now,
    ) -> Ledger:
        """Create a ledger: the genesis event names `actor` admin with `signer`'s key,
        and grants that actor the editor and approver roles too."""
        ledger = cls(Store.open(url, create=True), clock=clock)
        ledger.refresh()
        if ledger.log:
            raise InvalidInput(
                f"{ledger.store.where} already holds the ledger {ledger.state().name!r} "
                f"(id {ledger.ledger_id}); use it, or choose another --db"
            )
        genesis = LedgerCreated(
            name=name,
            actor=actor,
            key_id=signer.key_id,
            public_key=signer.public_hex,
            baseline_control=baseline_control,
        )
        drafts = [Draft(genesis, subject=name)] + [
            Draft(RoleGranted(actor=actor, role=role), subject=actor)
            for role in ("editor", "approver")
        ]
        ledger._append(signer=signer, actor=actor, decide=lambda _state: drafts, genesis=True)
        return ledger

    def close(self) -> None:
        """Release the database connections."""
        self.store.close()

    # --- the log ----------------------------------------------------------------------------

    @property
    def ledger_id(self) -> str:
        """The hash of the genesis event, hex: this ledger's identity."""
        if not self.log:
            return ""
        return self.log[0].hash.hex()

    @property
    def head(self) -> Recorded | None:
        """The last event loaded."""
        return self.log[-1] if self.log else None

    def refresh(self) -> None:
        """Load events appended since the last load (by anyone)."""
        self._extend(self.store.read(after=len(self.log)))

    def _extend(self, stored: Sequence[StoredEvent]) -> None:
        for row in stored:
            event = self._decode(row)
            self.log.append(event)
            self._by_seq.add(event, len(self.log) - 1)
            key = event.order
            if not self._keys or key >= self._keys[-1]:
                self._keys.append(key)
                self._effective.add(event, len(self._keys) - 1)
                if not self._head_dirty:
                    apply(self._head_state, event)
            else:
                index = bisect.bisect_left(self._keys, key)
                self._keys.insert(index, key)
                self._effective.add(event, index)
                self._head_dirty = True

    def _decode(self, row: StoredEvent) -> Recorded:
        """Decode a stored row; note (once) where the hash chain first breaks."""
        expected_prev = self.log[-1].hash.hex() if self.log else GENESIS_PREV
        try:
            body = decode_body(row.body)
            event = Recorded(
                seq=body["seq"],
                id=body["id"],
                type=body["type"],
                subject=body["subject"],
                actor=body["actor"],
                key=body["key"],
                rfc=body.get("rfc"),
                idem=body.get("idem"),
                recorded_at=body["recorded_at"],
                effective=body["effective"],
                data=body["data"],
                prev=body["prev"],
                hash=row.hash,
            )
        except (ValueError, KeyError, TypeError) as error:
            self._note_break(row.seq, f"body does not decode ({error})")
            return Recorded(
                row.seq,
                row.id,
                row.type,
                row.subject,
                row.actor,
                row.key,
                row.rfc,
                row.idem,
                row.recorded_at,
                row.effective,
                {},
                "",
                row.hash,
            )
        if event.seq != len(self.log) + 1 or row.seq != event.seq:
            self._note_break(row.seq, f"seq {event.seq} where {len(self.log) + 1} was expected")
        elif event.prev != expected_prev:
            self._note_break(row.seq, "prev does not match the hash of the event before")
        elif body_hash(row.body) != row.hash:
            self._note_break(row.seq, "stored hash does not match the body")
        return event

    def _note_break(self, seq: int, reason: str) -> None:
        if self.broken is None:
            self.broken = (seq, reason)

    # --- views ------------------------------------------------------------------------------

    def state(self) -> PlanState:
        """The plan and everything else as of now (all events, effective order).

        The returned state is the ledger's own: treat it as read-only.
        """
        if self._head_dirty:
            self._head_state = self._effective.state_at(len(self._keys))
            self._head_dirty = False
        return self._head_state

    def today(self) -> str:
        """Today's UTC date, ISO."""
        return self.clock().date().isoformat()

    def view(self, as_of: AsOf = NOW, *, known_at: str | None = None) -> View:
        """The plan as of a selector, optionally limited to events recorded by `known_at`."""
        if known_at is not None:
            return self._view_known_at(as_of, known_at)
        if as_of.kind == "now":
            return View(self.state(), as_of, self.today(), len(self.log))
        if as_of.kind == "seq":
            count = self._seq_count(as_of)
            state = self._by_seq.state_at(count)
            return View(state, as_of, _day(self.log[count - 1].effective), count)
        if as_of.kind in ("date", "instant"):
            count = bisect.bisect_right(self._keys, (as_of.value, len(self.log) + 1))
            today = as_of.value[:10]
            return View(self._effective.state_at(count), as_of, today, count)
        decision = self.find_approval(as_of)
        count = bisect.bisect_left(self._keys, decision.order) + 1
        return View(self._effective.state_at(count), as_of, _day(decision.effective), count)

    def _seq_count(self, as_of: AsOf) -> int:
        if as_of.seq > len(self.log):
            raise NotFound(
                f"{as_of.text} is beyond the end of the log (the last event is #{len(self.log)})"
            )
        return as_of.seq

    def _view_known_at(self, as_of: AsOf, known_at: str) -> View:
        known = [e for e in self.log if e.recorded_at <= known_at]
        if not known:
            raise NotFound(
                f"nothing was recorded by {known_at}; the ledger began at "
                f"{self.log[0].recorded_at if self.log else 'no time yet'}"
            )
        if as_of.kind == "seq":
            count = min(self._seq_count(as_of), len(known))
            return View(_fold_list(known[:count]), as_of, _day(known[count - 1].effective), count)
        ordered = sorted(known, key=lambda e: e.order)
        if as_of.kind == "now":
            cut = ordered
            today = known_at[:10]
        elif as_of.kind in ("date", "instant"):
            cut = [e for e in ordered if e.effective <= as_of.value]
            today = as_of.value[:10]
        else:
            decision = self.find_approval(as_of)
            if decision.recorded_at > known_at:
                raise NotFound(f"{as_of.text} was not yet approved as known at {known_at}")
            cut = [e for e in ordered if e.order <= decision.order]
            today = _day(decision.effective)
        return View(_fold_list(cut), as_of, today, len(cut))

    def find_approval(self, as_of: AsOf) -> Recorded:
        """The `rfc.approved` event an RFC or version selector names."""
        state = self.state()
        if as_of.kind == "rfc":
            rfc = state.rfcs.get(as_of.value)
            if rfc is None:
                raise NotFound(
                    f"{as_of.value} is not in this ledger; `milestone rfc list` shows RFCs"
                )
            if rfc.state != "approved" or rfc.decided_seq is None:
                raise InvalidInput(
                    f"{as_of.value} is {rfc.state}, not approved, so there is no plan 'as of' "
                    "its approval; use a date or a log position ('#N') instead"
                )
            return self.log[rfc.decided_seq - 1]
        for event in self.log:
            if event.type == "rfc.approved" and event.data.get("version") == as_of.value:
                return event
        labels = sorted({r.version for r in state.rfcs.values() if r.version})
        known = ", ".join(f"v{label}" for label in labels) or "none yet"
        raise NotFound(f"no approval carried version {as_of.value}; known versions: {known}")

    # --- appending --------------------------------------------------------------------------

    def append(
        self,
        *,
        signer: Signer,
        actor: str | None,
        decide: Callable[[PlanState], Draft | Sequence[Draft]],
        idem: str | None = None,
        expect_head: int | None = None,
    ) -> list[Recorded]:
        """Record what `decide` returns, atomically, under the write lock.

        `decide` runs against the state at the head (after catching up with
        events others appended) and raises a typed error to refuse; then nothing
        is appended. With `idem`, a command already recorded under that key is
        not recorded again: its events are returned instead. With `expect_head`,
        the append is refused with `Conflict` if the head moved past that seq.
        """

        def decide_list(state: PlanState) -> Sequence[Draft]:
            drafts = decide(state)
            return [drafts] if isinstance(drafts, Draft) else drafts

        return self._append(
            signer=signer, actor=actor, decide=decide_list, idem=idem, expect_head=expect_head
        )

    def _append(
        self,
        *,
        signer: Signer,
        actor: str | None,
        decide: Callable[[PlanState], Sequence[Draft]],
        idem: str | None = None,
        expect_head: int | None = None,
        genesis: bool = False,
    ) -> list[Recorded]:
        written: list[StoredEvent] = []
        with self.store.writing() as txn:
            caught_up = txn.read_after(len(self.log))
            self._extend(caught_up)
            if idem is not None and (done := txn.by_idem(idem)) is not None:
                return [e for e in self.log if e.idem == idem] or [self._decode(done)]
            if genesis and self.log:
                raise Conflict("another process created this ledger at the same moment")
            if not genesis:
                self._check_head(caught_up[-1] if caught_up else None)
            if expect_head is not None and len(self.log) != expect_head:
                raise Conflict(
                    f"the ledger moved on while you were deciding (head was #{expect_head}, "
                    f"now #{len(self.log)}); look again and retry"
                )
            state = self.state()
            if not genesis:
                actor = authorise(state, signer=signer, actor=actor)
            assert actor is not None
            drafts = decide(state)
            prev = self.log[-1].hash.hex() if self.log else GENESIS_PREV
            last_recorded = self.log[-1].recorded_at if self.log else ""
            # Never earlier than the previous event, even if this clock is behind.
            now = max(format_instant(self.clock()), last_recorded)
            for index, draft in enumerate(drafts):
                body: dict[str, Any] = {
                    "seq": len(self.log) + index + 1,
                    "id": str(uuid.uuid4()),
                    "type": draft.fact.type,
                    "subject": draft.subject,
                    "data": fact_data(draft.fact),
                    "actor": actor,
                    "key": signer.key_id,
                    "recorded_at": now,
                    "effective": draft.effective or now,
                    "rfc": draft.rfc,
                    # Only the first event of a command carries the key: it is unique.
                    "idem": idem if index == 0 else None,
                    "prev": prev,
                }
                raw = canonical_bytes(body)
                hash_ = body_hash(raw)
                row = StoredEvent(
                    seq=body["seq"],
                    id=body["id"],
                    type=body["type"],
                    subject=body["subject"],
                    actor=actor,
                    key=signer.key_id,
                    rfc=draft.rfc,
                    idem=body["idem"],
                    recorded_at=now,
                    effective=body["effective"],
                    body=raw,
                    hash=hash_,
                    sig=signer.sign(hash_),
                )
                txn.insert(row)
                written.append(row)
                prev = hash_.hex()
        self._extend(written)
        self._head_checked = len(self.log)
        return self.log[-len(written) :] if written else []

    def _check_head(self, head_row: StoredEvent | None = None) -> None:
        """Refuse to append after a broken chain or a head whose signature fails.

        `head_row` is the stored head when the caller has just read it (inside
        the write lock): reading it again would hold the lock for a round trip
        on a second connection.
        """
        if self.broken is not None:
            seq, reason = self.broken
            raise ChainBroken(
                f"the ledger does not verify at event {seq} ({reason}); nothing can be appended "
                "until it is repaired. Run `milestone verify` for the full report"
            )
        if self._head_checked == len(self.log) or not self.log:
            return
        head = self.log[-1]
        if head_row is not None and head_row.seq == head.seq:
            row = head_row
        else:
            row = self.store.read(after=head.seq - 1, upto=head.seq)[0]
        key = self.state().keys.get(head.key)
        if key is None or not signature_ok(bytes.fromhex(key.public_key), row.hash, row.sig):
            self._note_break(head.seq, "the signature of the head event does not verify")
            self._check_head()
        self._head_checked = len(self.log)


def _fold_list(events: Sequence[Recorded]) -> PlanState:
    state = PlanState()
    for event in events:
        apply(state, event)
    return state


def _day(instant: str) -> str:
    return instant[:10]


def dump_fields(event: Recorded) -> dict[str, Any]:
    """An event as a JSON-ready dict (for --json output and exports)."""
    return {
        "seq": event.seq,
        "id": event.id,
        "type": event.type,
        "subject": event.subject,
        "data": event.data,
        "actor": event.actor,
        "key": event.key,
        "recorded_at": event.recorded_at,
        "effective": event.effective,
        "rfc": event.rfc,
        "idem": event.idem,
        "prev": event.prev,
        "hash": event.hash.hex(),
    }
