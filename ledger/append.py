"""Sealing: turning decided facts into signed, chained rows. The one place events are made.

Every event any command or import records is encoded (RFC 8785), hashed,
signed and chained here, so there is exactly one definition of what a stored
event is.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from events.codec import GENESIS_PREV, body_hash, canonical_bytes, decode_body, format_instant
from ledger.signing import Signer
from ledger.state import Recorded
from ledger.store import StoredEvent

if TYPE_CHECKING:
    from events.fact import Fact


@dataclass(frozen=True)
class Draft:
    """A fact about to be recorded, as decided by a command against the current state."""

    fact: Fact
    subject: str
    rfc: str | None = None
    effective: str | None = None


def seal(
    drafts: Sequence[Draft],
    *,
    signer: Signer,
    actor: str,
    idem: str | None,
    after: StoredEvent | None,
    now: datetime,
) -> list[tuple[StoredEvent, Recorded]]:
    """The rows (and their decoded events) that record `drafts` after the head `after`."""
    from events.fact import fact_data

    prev = after.hash.hex() if after is not None else GENESIS_PREV
    seq = after.seq if after is not None else 0
    # Never earlier than the previous event, even if this clock is behind.
    recorded_at = max(format_instant(now), after.recorded_at if after is not None else "")
    key_id = signer.key_id
    bodies = []
    for index, draft in enumerate(drafts):
        seq += 1
        body: dict[str, Any] = {
            "seq": seq,
            "id": str(uuid.uuid4()),
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
    from ledger.signing_pool import sign_all

    signatures = sign_all(signer, [hash_ for _, _, hash_ in bodies])
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
    return [
        (
            StoredEvent(
                seq=event.seq,
                id=event.id,
                type=event.type,
                subject=event.subject,
                actor=actor,
                key=key_id,
                rfc=event.rfc,
                idem=event.idem,
                recorded_at=recorded_at,
                effective=event.effective,
                body=raw,
                hash=event.hash,
                sig=signature,
            ),
            event,
        )
        for event, (_, raw, _), signature in zip(events, bodies, signatures(), strict=True)
    ]
