"""Signed checkpoints and witnesses' cosignatures as rows, kept exactly as issued.

Neither is derived data: a signature cannot be made again without its key, so
`milestone rebuild` leaves both tables alone. What a checkpoint says is
`ledger.checkpoint`'s business; this module only stores and finds them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from ledger.store.tables import CHECKPOINTS, COSIGNATURES


@dataclass(frozen=True, slots=True)
class StoredCheckpoint:
    """A checkpoint row: the tree size it commits to, the RFC whose approval made it,
    the root hash, the signed note exactly as issued, and when."""

    size: int
    rfc: str | None
    root: bytes
    note: str
    recorded_at: str


@dataclass(frozen=True, slots=True)
class StoredCosignature:
    """A checkpoint as one witness cosigned it; `witness` is its verifier key."""

    witness: str
    size: int
    note: str


_CHECKPOINTS = sa.select(
    CHECKPOINTS.c.size,
    CHECKPOINTS.c.rfc,
    CHECKPOINTS.c.root,
    CHECKPOINTS.c.note,
    CHECKPOINTS.c.recorded_at,
)
_COSIGNATURES = sa.select(COSIGNATURES.c.witness, COSIGNATURES.c.size, COSIGNATURES.c.note)


def _checkpoint(row: Sequence[Any]) -> StoredCheckpoint:
    # Drivers hand binary columns back as bytes or memoryview; keep exact bytes.
    return StoredCheckpoint(row[0], row[1], bytes(row[2]), row[3], row[4])


def insert_checkpoint(conn: Connection, checkpoint: StoredCheckpoint) -> None:
    """Keep a checkpoint just signed, in the caller's transaction."""
    conn.execute(
        sa.insert(CHECKPOINTS).values(
            size=checkpoint.size,
            rfc=checkpoint.rfc,
            root=checkpoint.root,
            note=checkpoint.note,
            recorded_at=checkpoint.recorded_at,
        )
    )


def checkpoints(
    conn: Connection, *, sizes: Sequence[int] | None = None, rfc: str | None = None
) -> list[StoredCheckpoint]:
    """Stored checkpoints, smallest first: all, those of some sizes, or that of an RFC."""
    query = _CHECKPOINTS
    if sizes is not None:
        if not sizes:
            return []
        query = query.where(CHECKPOINTS.c.size.in_(list(sizes)))
    if rfc is not None:
        query = query.where(CHECKPOINTS.c.rfc == rfc)
    return [_checkpoint(row) for row in conn.execute(query.order_by(CHECKPOINTS.c.size))]


def insert_cosignature(conn: Connection, cosignature: StoredCosignature) -> None:
    """Keep a witness's cosigned checkpoint (replacing an earlier one at the same size)."""
    conn.execute(
        sa.delete(COSIGNATURES).where(
            COSIGNATURES.c.witness == cosignature.witness, COSIGNATURES.c.size == cosignature.size
        )
    )
    conn.execute(
        sa.insert(COSIGNATURES).values(
            witness=cosignature.witness, size=cosignature.size, note=cosignature.note
        )
    )


def cosignatures(
    conn: Connection, *, witness: str | None = None, sizes: Sequence[int] | None = None
) -> list[StoredCosignature]:
    """Stored cosignatures, by size then witness: all, one witness's, or at some sizes."""
    query = _COSIGNATURES
    if witness is not None:
        query = query.where(COSIGNATURES.c.witness == witness)
    if sizes is not None:
        if not sizes:
            return []
        query = query.where(COSIGNATURES.c.size.in_(list(sizes)))
    query = query.order_by(COSIGNATURES.c.size, COSIGNATURES.c.witness)
    return [StoredCosignature(*row) for row in conn.execute(query)]


def last_cosignature(conn: Connection, *, witness: str) -> StoredCosignature | None:
    """The largest checkpoint `witness` has cosigned, if any."""
    query = _COSIGNATURES.where(COSIGNATURES.c.witness == witness)
    row = conn.execute(query.order_by(COSIGNATURES.c.size.desc()).limit(1)).first()
    return StoredCosignature(*row) if row is not None else None
