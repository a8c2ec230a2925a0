"""Verification: replay the stored log from genesis and check every event.

For each event, in seq order: the seq is the next integer; `prev` is the hash
of the event before; the stored hash is SHA-256 of the stored body; the body is
a valid event; the signature verifies under the named key; that key was
registered before this event and not revoked by then; the key may sign for the
event's actor; the index columns agree with the body; time does not run
backwards. The first failure is reported by seq and reason.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, fields

from pydantic import ValidationError

from events import GENESIS_PREV, Event, body_hash, decode_body
from ledger.signing import signature_ok
from ledger.store import StoredEvent

#: The columns stored beside the body only to be searched; they must agree with it.
_INDEX_COLUMNS = tuple(
    f.name for f in fields(StoredEvent) if f.name not in ("seq", "body", "hash", "sig")
)


@dataclass(frozen=True)
class Failure:
    """The first event that does not verify, and why."""

    seq: int
    reason: str


@dataclass(frozen=True)
class Report:
    """The outcome of a verification."""

    checked: int
    ledger_id: str
    head_hash: str
    failure: Failure | None

    @property
    def ok(self) -> bool:
        """Whether everything held."""
        return self.failure is None


@dataclass
class _Key:
    actor: str
    public: bytes
    delegate_for: str | None
    revoked_at: int | None = None


def verify_rows(
    rows: Iterable[StoredEvent],
    *,
    ledger_id: str | None = None,
    expect_head: str | None = None,
    expect_length: int | None = None,
) -> Report:
    """Verify stored rows (in seq order, from genesis).

    `ledger_id` is the genesis hash the log must start from; `expect_head`, a
    hash the chain must contain (an earlier head someone recorded); and
    `expect_length`, the fewest events the log must hold. Together they catch
    a log that was replaced or cut short.
    """
    keys: dict[str, _Key] = {}
    prev = GENESIS_PREV
    last_recorded = ""
    count = 0
    genesis_hash = ""
    seen_head = expect_head is None
    expect_head = expect_head.lower() if expect_head else None

    def report(failure: Failure | None) -> Report:
        return Report(count, genesis_hash, prev if count else "", failure)

    for row in rows:
        seq = count + 1
        try:
            problem = _check(row, seq, prev, last_recorded, keys)
        except (ValueError, KeyError, TypeError) as error:
            problem = f"the body's data is malformed: {_short(error)}"
        if problem is not None:
            return report(Failure(row.seq if row.seq == seq else seq, problem))
        if seq == 1:
            genesis_hash = row.hash.hex()
            if ledger_id is not None and genesis_hash != ledger_id.lower():
                return report(
                    Failure(1, f"this is ledger {genesis_hash}, not the expected {ledger_id}")
                )
        count = seq
        prev = row.hash.hex()
        last_recorded = row.recorded_at
        if expect_head is not None and prev.startswith(expect_head):
            seen_head = True

    if count == 0:
        return report(Failure(1, "the log is empty: there is no genesis event"))
    if expect_length is not None and count < expect_length:
        return report(
            Failure(
                count + 1,
                f"the log ends at #{count} but at least {expect_length} events were expected: "
                "events were removed from the end",
            )
        )
    if not seen_head:
        return report(
            Failure(
                count + 1,
                f"the chain does not contain the expected head {expect_head}: "
                "the log was cut short or replaced",
            )
        )
    return report(None)


def _check(
    row: StoredEvent, seq: int, prev: str, last_recorded: str, keys: dict[str, _Key]
) -> str | None:
    """Why `row` does not verify as event `seq`, or None. Registers keys as it goes."""
    if row.seq != seq:
        return f"stored seq is {row.seq} where {seq} was expected (a gap or a duplicate)"
    if body_hash(row.body) != row.hash:
        return "the stored hash is not the SHA-256 of the stored body"
    try:
        body = decode_body(row.body)
        event = Event.model_validate(body)
    except (ValueError, ValidationError) as error:
        return f"the body is not a valid event: {_short(error)}"
    if event.seq != seq:
        return f"the body says seq {event.seq} but this is event {seq}"
    if event.prev != prev:
        return "prev does not match the hash of the event before (the chain is broken)"
    for column in _INDEX_COLUMNS:
        if getattr(row, column) != getattr(event, column):
            return f"the stored {column} column does not agree with the signed body"
    if event.recorded_at < last_recorded:
        return "recorded_at is earlier than the previous event's"
    if seq == 1:
        if event.type != "ledger.created":
            return "the first event is not ledger.created"
        data = event.data
        keys[data["key_id"]] = _Key(data["actor"], bytes.fromhex(data["public_key"]), None)
    elif event.type == "ledger.created":
        return "a second ledger.created event"
    key = keys.get(event.key)
    if key is None:
        return f"signed with key {event.key}, which was not registered before this event"
    if key.revoked_at is not None:
        return f"signed with key {event.key}, revoked at event #{key.revoked_at}"
    if event.actor != key.actor and not (
        key.delegate_for and event.actor.startswith(key.delegate_for)
    ):
        return f"key {event.key} belongs to {key.actor} and may not sign for {event.actor}"
    if not signature_ok(key.public, row.hash, row.sig):
        return f"the signature does not verify under key {event.key}"
    if event.type == "key.registered":
        data = event.data
        keys[data["key_id"]] = _Key(
            data["actor"], bytes.fromhex(data["public_key"]), data.get("delegate_for")
        )
    elif event.type == "key.revoked" and event.data["key_id"] in keys:
        keys[event.data["key_id"]].revoked_at = keys[event.data["key_id"]].revoked_at or seq
    return None


def _short(error: Exception) -> str:
    return str(error).strip().splitlines()[0][:200]
