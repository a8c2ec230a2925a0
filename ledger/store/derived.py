"""Reading and writing the derived tables: the plan at the head and the stored snapshots.

Documents are opaque bytes here (the projection module encodes them); this
module only knows which rows exist and which snapshot is nearest a point.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from ledger.store.rows import as_bytes
from ledger.store.sql import Conn

_ALL_ROWS = "SELECT kind, key, doc FROM plan_rows"
#: One row of the plan at the head (`ledger.store.base.READ_AHEAD` names it too).
ROW = "SELECT doc FROM plan_rows WHERE kind = :kind AND key = :key"


def load_rows(conn: Conn, kinds: Iterable[str] | None = None) -> list[tuple[str, str, bytes]]:
    """Every row of the plan at the head, or only those of the given kinds."""
    if kinds is None:
        found = conn.all(_ALL_ROWS)
    else:
        wanted = list(kinds)
        marks = ", ".join(f":k{n}" for n in range(len(wanted)))
        params = {f"k{n}": kind for n, kind in enumerate(wanted)}
        found = conn.all(f"{_ALL_ROWS} WHERE kind IN ({marks})", params) if wanted else []
    return [(kind, key, as_bytes(doc)) for kind, key, doc in found]


def load_row(conn: Conn, kind: str, key: str) -> bytes | None:
    """One row's document, or None."""
    doc = conn.scalar(ROW, {"kind": kind, "key": key})
    return as_bytes(doc) if doc is not None else None


def write_rows(conn: Conn, changed: Mapping[tuple[str, str], bytes | None]) -> None:
    """Replace the given rows (None deletes one), in the caller's transaction."""
    if not changed:
        return
    gone = [key for key, doc in changed.items() if doc is None]
    if gone:
        conn.executemany("DELETE FROM plan_rows WHERE kind = ? AND key = ?", gone)
    kept = [(kind, key, doc) for (kind, key), doc in changed.items() if doc is not None]
    if kept:
        # An upsert (both stores speak it) rewrites a row where it lies: a delete and an
        # insert would move it to the end of the table, dirtying two pages, not one.
        conn.executemany(_UPSERT, kept)


_UPSERT = (
    "INSERT INTO plan_rows (kind, key, doc) VALUES (?, ?, ?) "
    "ON CONFLICT (kind, key) DO UPDATE SET doc = excluded.doc"
)


def clear_rows(conn: Conn) -> None:
    """Drop the plan at the head (to be written again whole)."""
    conn.execute("DELETE FROM plan_rows")


def clear(conn: Conn) -> None:
    """Drop every derived row (the plan and the snapshots), to be rebuilt from the log."""
    conn.execute("DELETE FROM plan_rows")
    conn.execute("DELETE FROM snapshots")


def save_snapshot(
    conn: Conn, *, axis: str, seq: int, effective: str, count: int, doc: bytes
) -> None:
    """Store the fold after the event `seq` on `axis` (replacing an older one there)."""
    params = {"axis": axis, "seq": seq, "effective": effective, "count": count, "doc": doc}
    conn.execute("DELETE FROM snapshots WHERE axis = :axis AND seq = :seq", params)
    conn.execute(
        "INSERT INTO snapshots (axis, seq, effective, count, doc) "
        "VALUES (:axis, :seq, :effective, :count, :doc)",
        params,
    )


_NEAREST_SEQ = (
    "SELECT seq, effective, count FROM snapshots WHERE axis = :axis AND seq <= :seq "
    "ORDER BY seq DESC LIMIT 1"
)
# No index orders snapshots by (effective, seq): the search sorts the rows it finds, so it
# must not carry their documents (a thousand states at a million events); the one wanted
# is read after, by its key.
_NEAREST_KEY = (
    "SELECT seq, effective, count FROM snapshots WHERE axis = :axis "
    "AND effective <= :eff AND (effective < :eff OR (effective = :eff AND seq <= :seq)) "
    "ORDER BY effective DESC, seq DESC LIMIT 1"
)
_DOC = "SELECT doc FROM snapshots WHERE axis = :axis AND seq = :seq"


def nearest_snapshot(
    conn: Conn, *, axis: str, upto: tuple[str, int] | int
) -> tuple[int, str, int, bytes] | None:
    """The latest snapshot at or before `upto`: (seq, effective, count, doc), or None.

    On the `seq` axis `upto` is a seq; on the `effective` axis an (effective, seq) key.
    """
    if isinstance(upto, int):
        row = conn.first(_NEAREST_SEQ, {"axis": axis, "seq": upto})
    else:
        row = conn.first(_NEAREST_KEY, {"axis": axis, "eff": upto[0], "seq": upto[1]})
    if row is None:
        return None
    doc = conn.scalar(_DOC, {"axis": axis, "seq": row[0]})
    return (row[0], row[1], row[2], as_bytes(doc))


_NEXT_KEY = (
    "SELECT seq, effective, count FROM snapshots WHERE axis = 'effective' "
    "AND effective >= :eff AND (effective > :eff OR (effective = :eff AND seq > :seq)) "
    "ORDER BY effective, seq LIMIT 1"
)


def next_snapshot(conn: Conn, *, after: tuple[str, int]) -> tuple[int, str, int] | None:
    """The first effective-axis snapshot after the (effective, seq) key `after`:
    (seq, effective, count), or None."""
    row = conn.first(_NEXT_KEY, {"eff": after[0], "seq": after[1]})
    return (row[0], row[1], row[2]) if row is not None else None


def drop_snapshots_after(conn: Conn, *, order: tuple[str, int]) -> None:
    """Forget the effective-axis snapshots an event at `order` lands before (they are stale)."""
    conn.execute(
        "DELETE FROM snapshots WHERE axis = 'effective' "
        "AND (effective > :eff OR (effective = :eff AND seq >= :seq))",
        {"eff": order[0], "seq": order[1]},
    )
