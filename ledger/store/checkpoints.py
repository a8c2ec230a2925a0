"""Signed checkpoints and witnesses' cosignatures as rows, kept exactly as issued.

Neither is derived data: a signature cannot be made again without its key, so
`milestone rebuild` leaves both tables alone. What a checkpoint says is
`ledger.checkpoint`'s business; this module only stores and finds them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ledger.store.rows import as_bytes
from ledger.store.sql import Conn


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


_CHECKPOINTS = "SELECT size, rfc, root, note, recorded_at FROM checkpoints"
_COSIGNATURES = "SELECT witness, size, note FROM cosignatures"


def _checkpoint(row: Sequence[Any]) -> StoredCheckpoint:
    return StoredCheckpoint(row[0], row[1], as_bytes(row[2]), row[3], row[4])


def _in(column: str, values: Sequence[Any], params: dict[str, Any]) -> str:
    """`column IN (...)` with a named parameter per value, added to `params`."""
    names = [f"{column}{n}" for n in range(len(values))]
    params.update(zip(names, values, strict=True))
    return f"{column} IN ({', '.join(':' + name for name in names)})"


def insert_checkpoint(conn: Conn, checkpoint: StoredCheckpoint) -> None:
    """Keep a checkpoint just signed, in the caller's transaction."""
    conn.execute(
        "INSERT INTO checkpoints (size, rfc, root, note, recorded_at) "
        "VALUES (:size, :rfc, :root, :note, :recorded_at)",
        {
            "size": checkpoint.size,
            "rfc": checkpoint.rfc,
            "root": checkpoint.root,
            "note": checkpoint.note,
            "recorded_at": checkpoint.recorded_at,
        },
    )


def checkpoints(
    conn: Conn, *, sizes: Sequence[int] | None = None, rfc: str | None = None
) -> list[StoredCheckpoint]:
    """Stored checkpoints, smallest first: all, those of some sizes, or that of an RFC."""
    where: list[str] = []
    params: dict[str, Any] = {}
    if sizes is not None:
        if not sizes:
            return []
        where.append(_in("size", list(sizes), params))
    if rfc is not None:
        where.append("rfc = :rfc")
        params["rfc"] = rfc
    sql = _CHECKPOINTS + (f" WHERE {' AND '.join(where)}" if where else "") + " ORDER BY size"
    return [_checkpoint(row) for row in conn.all(sql, params)]


def insert_cosignature(conn: Conn, cosignature: StoredCosignature) -> None:
    """Keep a witness's cosigned checkpoint (replacing an earlier one at the same size)."""
    params = {"witness": cosignature.witness, "size": cosignature.size, "note": cosignature.note}
    conn.execute("DELETE FROM cosignatures WHERE witness = :witness AND size = :size", params)
    conn.execute(
        "INSERT INTO cosignatures (witness, size, note) VALUES (:witness, :size, :note)", params
    )


def cosignatures(
    conn: Conn, *, witness: str | None = None, sizes: Sequence[int] | None = None
) -> list[StoredCosignature]:
    """Stored cosignatures, by size then witness: all, one witness's, or at some sizes."""
    where: list[str] = []
    params: dict[str, Any] = {}
    if witness is not None:
        where.append("witness = :witness")
        params["witness"] = witness
    if sizes is not None:
        if not sizes:
            return []
        where.append(_in("size", list(sizes), params))
    sql = _COSIGNATURES + (f" WHERE {' AND '.join(where)}" if where else "")
    return [StoredCosignature(*row) for row in conn.all(sql + " ORDER BY size, witness", params)]


def last_cosignature(conn: Conn, *, witness: str) -> StoredCosignature | None:
    """The largest checkpoint `witness` has cosigned, if any."""
    row = conn.first(
        f"{_COSIGNATURES} WHERE witness = :witness ORDER BY size DESC LIMIT 1",
        {"witness": witness},
    )
    return StoredCosignature(*row) if row is not None else None
