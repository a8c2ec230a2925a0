"""Reading and writing the derived tables: the plan at the head and the stored snapshots.

Documents are opaque bytes here (the projection module encodes them); this
module only knows which rows exist and which snapshot is nearest a point.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from ledger.store.tables import PLAN_ROWS, SNAPSHOTS

_ALL_ROWS = sa.select(PLAN_ROWS.c.kind, PLAN_ROWS.c.key, PLAN_ROWS.c.doc)
_ROW = _ALL_ROWS.where(
    PLAN_ROWS.c.kind == sa.bindparam("kind"), PLAN_ROWS.c.key == sa.bindparam("key")
)
_DELETE_ROW = sa.delete(PLAN_ROWS).where(
    PLAN_ROWS.c.kind == sa.bindparam("k"), PLAN_ROWS.c.key == sa.bindparam("y")
)
_INSERT_ROW = sa.insert(PLAN_ROWS)


def load_rows(conn: Connection, kinds: Iterable[str] | None = None) -> list[tuple[str, str, bytes]]:
    """Every row of the plan at the head, or only those of the given kinds."""
    query = _ALL_ROWS if kinds is None else _ALL_ROWS.where(PLAN_ROWS.c.kind.in_(list(kinds)))
    return [(kind, key, bytes(doc)) for kind, key, doc in conn.execute(query).all()]


def load_row(conn: Connection, kind: str, key: str) -> bytes | None:
    """One row's document, or None."""
    row = conn.execute(_ROW, {"kind": kind, "key": key}).first()
    return bytes(row[2]) if row is not None else None


def write_rows(conn: Connection, changed: Mapping[tuple[str, str], bytes | None]) -> None:
    """Replace the given rows (None deletes one), in the caller's transaction."""
    if not changed:
        return
    # Delete then insert: one portable upsert for both stores.
    conn.execute(_DELETE_ROW, [{"k": kind, "y": key} for kind, key in changed])
    inserts = [
        {"kind": kind, "key": key, "doc": doc} for (kind, key), doc in changed.items() if doc
    ]
    if inserts:
        conn.execute(_INSERT_ROW, inserts)


def clear_rows(conn: Connection) -> None:
    """Drop the plan at the head (to be written again whole)."""
    conn.execute(sa.delete(PLAN_ROWS))


def clear(conn: Connection) -> None:
    """Drop every derived row (the plan and the snapshots), to be rebuilt from the log."""
    conn.execute(sa.delete(PLAN_ROWS))
    conn.execute(sa.delete(SNAPSHOTS))


def save_snapshot(
    conn: Connection, *, axis: str, seq: int, effective: str, count: int, doc: bytes
) -> None:
    """Store the fold after the event `seq` on `axis` (replacing an older one there)."""
    conn.execute(sa.delete(SNAPSHOTS).where(SNAPSHOTS.c.axis == axis, SNAPSHOTS.c.seq == seq))
    conn.execute(
        sa.insert(SNAPSHOTS).values(axis=axis, seq=seq, effective=effective, count=count, doc=doc)
    )


def nearest_snapshot(
    conn: Connection, *, axis: str, upto: tuple[str, int] | int
) -> tuple[int, str, int, bytes] | None:
    """The latest snapshot at or before `upto`: (seq, effective, count, doc), or None.

    On the `seq` axis `upto` is a seq; on the `effective` axis an (effective, seq) key.
    """
    query = sa.select(SNAPSHOTS.c.seq, SNAPSHOTS.c.effective, SNAPSHOTS.c.count, SNAPSHOTS.c.doc)
    query = query.where(SNAPSHOTS.c.axis == axis)
    if isinstance(upto, int):
        query = query.where(SNAPSHOTS.c.seq <= upto).order_by(SNAPSHOTS.c.seq.desc())
    else:
        eff, seq = upto
        query = query.where(
            SNAPSHOTS.c.effective <= eff,
            sa.or_(
                SNAPSHOTS.c.effective < eff,
                sa.and_(SNAPSHOTS.c.effective == eff, SNAPSHOTS.c.seq <= seq),
            ),
        ).order_by(SNAPSHOTS.c.effective.desc(), SNAPSHOTS.c.seq.desc())
    row = conn.execute(query.limit(1)).first()
    return (row[0], row[1], row[2], bytes(row[3])) if row is not None else None


def drop_snapshots_after(conn: Connection, *, order: tuple[str, int]) -> None:
    """Forget the effective-axis snapshots an event at `order` lands before (they are stale)."""
    eff, seq = order
    conn.execute(
        sa.delete(SNAPSHOTS).where(
            SNAPSHOTS.c.axis == "effective",
            sa.or_(
                SNAPSHOTS.c.effective > eff,
                sa.and_(SNAPSHOTS.c.effective == eff, SNAPSHOTS.c.seq >= seq),
            ),
        )
    )
