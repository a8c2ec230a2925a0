"""The ledger as a transparency log: its origin, the keys that sign for it, its checkpoints.

A checkpoint (`ledger.checkpoint`) names the log it belongs to by its origin,
``milestone-ledger/<ledger id>``, and is signed under a key *named* after that
origin, as C2SP tlog-checkpoint recommends. Every registered key of the ledger
can sign one; a reader tells them apart by key id, and trusts the verifier key
strings (``name+id+base64``) it got from people it trusts: `milestone checkpoint
--key-line` prints one's own.

At every RFC approval the ledger signs a checkpoint of the tree just after the
approval, with the approver's key, in the approval's own transaction, and keeps
it exactly as issued: "the plan RFC-781 approved" then comes with a signed,
offline-checkable commitment to every event up to and including the approval.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from ledger.checkpoint import Checkpoint
from ledger.merkle import TreeState
from ledger.note import VerifierKey, verifier_key
from ledger.signing import Signer
from ledger.state import PlanState, Recorded
from ledger.store import Connection
from ledger.store.checkpoints import StoredCheckpoint, insert_checkpoint

ORIGIN_PREFIX = "milestone-ledger/"


def origin_of(ledger_id: str) -> str:
    """The origin line of this ledger's checkpoints (also the name its keys sign under)."""
    return ORIGIN_PREFIX + ledger_id


def log_key(*, ledger_id: str, public_key: bytes) -> VerifierKey:
    """The verifier key of one of the ledger's keys, as a checkpoint reader trusts it."""
    return verifier_key(name=origin_of(ledger_id), key=public_key)


def log_keys(state: PlanState, *, ledger_id: str, current: bool = True) -> list[VerifierKey]:
    """The verifier keys of the ledger's registered keys (only the unrevoked: `current`)."""
    return [
        log_key(ledger_id=ledger_id, public_key=bytes.fromhex(key.public_key))
        for key in state.keys.values()
        if not (current and key.revoked_seq is not None)
    ]


@dataclass(frozen=True, slots=True)
class Issued:
    """A checkpoint just signed: what it says, its note, and the key that signed it."""

    checkpoint: Checkpoint
    note: str
    key: VerifierKey
    rfc: str | None = None
    recorded_at: str | None = None


def issue(*, signer: Signer, ledger_id: str, size: int, root: bytes) -> Issued:
    """Sign a checkpoint of the tree of `size` events with root `root`."""
    checkpoint = Checkpoint(origin=origin_of(ledger_id), size=size, root=root)
    note = signer.sign_note(checkpoint.text(), name=checkpoint.origin)
    return Issued(checkpoint, note, signer.verifier_key(name=checkpoint.origin))


def record_approvals(
    conn: Connection,
    *,
    events: Sequence[Recorded],
    trees: Mapping[int, TreeState],
    signer: Signer,
    ledger_id: str,
) -> list[StoredCheckpoint]:
    """Sign and keep a checkpoint after each RFC approval among events just appended.

    `trees[seq]` is the tree just after the event `seq`, for each approval. The size is the
    approval's seq, so the checkpoint commits to the approval itself and to
    everything before it; for an approval by itself that is the tree after
    its append.
    """
    kept = []
    for event in events:
        if event.type != "rfc.approved":
            continue
        root = trees[event.seq].root()
        issued = issue(signer=signer, ledger_id=ledger_id, size=event.seq, root=root)
        stored = StoredCheckpoint(
            size=event.seq,
            rfc=event.subject,
            root=root,
            note=issued.note,
            recorded_at=event.recorded_at,
        )
        insert_checkpoint(conn, stored)
        kept.append(stored)
    return kept
