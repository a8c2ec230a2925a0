"""Sealing: turning decided facts into signed, chained rows. The one place events are made.

Every event any command or import records is encoded (RFC 8785), hashed,
signed and chained here, so there is exactly one definition of what a stored
event is.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from events.codec import GENESIS_PREV, body_hash, canonical_bytes, decode_body, format_instant
from ledger import tree
from ledger.merkle import TreeState
from ledger.signing import Signer
from ledger.state import Recorded
from ledger.store import StoredEvent, WriteTransaction

if TYPE_CHECKING:
    from events.fact import Fact


@dataclass(frozen=True)
class Draft:
    """A fact about to be recorded, as decided by a command against the current state."""

    fact: Fact
    subject: str
    rfc: str | None = None
    effective: str | None = None


@dataclass(frozen=True)
class Sealed:
    """Drafts made into events, their signatures still being made (see `seal`)."""

    events: list[Recorded]
    bodies: list[bytes]  # the stored body of each event, in order
    signatures: Iterator[list[bytes]]  # the signatures chunk by chunk, each once made

    def rows(self) -> Iterator[list[StoredEvent]]:
        """The stored rows, a chunk at a time as its signatures are ready (call once)."""
        done = 0
        for signatures in self.signatures:
            chunk = self.events[done : done + len(signatures)]
            yield [
                StoredEvent(
                    seq=event.seq,
                    id=event.id,
                    type=event.type,
                    subject=event.subject,
                    actor=event.actor,
                    key=event.key,
                    rfc=event.rfc,
                    idem=event.idem,
                    recorded_at=event.recorded_at,
                    effective=event.effective,
                    body=body,
                    hash=event.hash,
                    sig=signature,
                )
                for event, body, signature in zip(
                    chunk, self.bodies[done : done + len(chunk)], signatures, strict=True
                )
            ]
            done += len(signatures)

    def pairs(self) -> list[tuple[StoredEvent, Recorded]]:
        """Every stored row with its decoded event, once all are signed (call once)."""
        rows = [row for chunk in self.rows() for row in chunk]
        return list(zip(rows, self.events, strict=True))


def new_ids(count: int) -> list[str]:
    """`count` random (version 4) UUIDs as text, as `str(uuid.uuid4())` writes them, from
    one read of the system's randomness (a batch makes thousands)."""
    entropy = os.urandom(16 * count)
    ids = []
    for start in range(0, 16 * count, 16):
        value = int.from_bytes(entropy[start : start + 16], "big")
        # RFC 9562: the version nibble is 4 and the variant bits are 10.
        value = (value & _CLEAR_VERSION) | _VERSION_4
        text = f"{value:032x}"
        ids.append(f"{text[:8]}-{text[8:12]}-{text[12:16]}-{text[16:20]}-{text[20:]}")
    return ids


_CLEAR_VERSION = ~((0xF000 << 64) | (0xC000 << 48)) & ((1 << 128) - 1)
_VERSION_4 = (4 << 76) | (2 << 62)


def seal(
    drafts: Sequence[Draft],
    *,
    signer: Signer,
    actor: str,
    idem: str | None,
    after: StoredEvent | None,
    now: datetime,
) -> Sealed:
    """The events that record `drafts` after the head `after`: encoded, hashed and
    chained, and being signed (a big batch in worker processes while the caller goes
    on; `Sealed.rows` hands the signed rows over as they are ready)."""
    from events.fact import fact_data

    prev = after.hash.hex() if after is not None else GENESIS_PREV
    seq = after.seq if after is not None else 0
    # Never earlier than the previous event, even if this clock is behind.
    recorded_at = max(format_instant(now), after.recorded_at if after is not None else "")
    key_id = signer.key_id
    ids = new_ids(len(drafts))
    bodies: list[tuple[dict[str, Any], bytes, bytes]] = []
    for index, draft in enumerate(drafts):
        seq += 1
        body: dict[str, Any] = {
            "seq": seq,
            "id": ids[index],
            "type": draft.fact.type,
            "subject": draft.subject,
            "data": fact_data(draft.fact),
            "actor": actor,
            "key": key_id,
            "recorded_at": recorded_at,
            "effective": draft.effective or recorded_at,
            "rfc": draft.rfc,
            # Only the first event of a command carries the key: it is unique.
            "idem": idem if index == 0 else None,
            "prev": prev,
        }
        raw = canonical_bytes(body)
        hash_ = body_hash(raw)
        bodies.append((body, raw, hash_))
        prev = hash_.hex()
    # The chain is made; the signatures (each of one hash) are made meanwhile, in
    # parallel for a big batch, while this process decodes what it stored.
    # Imported here: the worker pool's modules are no part of a read that imports Draft.
    from ledger.signing_pool import sign_in_chunks

    signatures = sign_in_chunks(signer, [hash_ for _, _, hash_ in bodies])
    events = [
        Recorded(
            seq=body["seq"],
            id=body["id"],
            type=body["type"],
            subject=body["subject"],
            actor=actor,
            key=key_id,
            rfc=body["rfc"],
            idem=body["idem"],
            recorded_at=recorded_at,
            effective=body["effective"],
            # As decoded from the stored bytes, so the head folds exactly what a reader would.
            data=decode_body(raw)["data"],
            prev=body["prev"],
            hash=hash_,
        )
        for body, raw, hash_ in bodies
    ]
    return Sealed(events, [raw for _, raw, _ in bodies], signatures)


def store_sealed(
    txn: WriteTransaction, sealed: Sealed, *, tree_before: TreeState | None
) -> tuple[TreeState | None, dict[int, TreeState]]:
    """Store sealed events and their Merkle nodes in `txn`: the tree after them, and the
    tree just after each RFC approval among them (for its checkpoint).

    The tree needs only the bodies, so it grows while the signatures are made; then
    the rows go in a chunk at a time as their signatures come.
    """
    events = sealed.events
    if not events:
        return tree_before, {}
    approvals = {e.seq for e in events if e.type == "rfc.approved"}
    grown = tree.grow_by(
        txn.conn, sealed.bodies, first=events[0].seq, known=tree_before, keep=approvals
    )
    for rows in sealed.rows():
        txn.insert_many(rows)
    return grown
