"""The events' Merkle tree as rows: one per perfect subtree, keyed by (level, idx).

What a node means is `ledger.merkle`'s business; this module only stores and
finds them. A proof asks for a few dozen nodes at once, and `reader` answers
with one query that joins the wanted pairs, so each is a primary-key lookup
(SQLite plans ``(level, idx) IN (VALUES ...)`` as a scan of the whole table).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from ledger.errors import ChainBroken
from ledger.store.rows import as_bytes
from ledger.store.sql import Conn, Refused

_INSERT = "INSERT INTO merkle_nodes (level, idx, hash) VALUES (?, ?, ?)"
_RANGE = (
    "SELECT idx, hash FROM merkle_nodes WHERE level = :level AND idx >= :lo AND idx < :hi "
    "ORDER BY idx"
)


def insert(conn: Conn, nodes: Iterable[tuple[int, int, bytes]]) -> None:
    """Store completed nodes as (level, index, hash), in the caller's transaction."""
    rows = list(nodes)
    if not rows:
        return
    conn.executemany(_INSERT, rows, refused=_past_the_head)


def _past_the_head(_error: Refused) -> ChainBroken:
    # Nodes past the head: the derived table was damaged or written by hand.
    return ChainBroken(
        "the stored Merkle tree already holds nodes past the log's head; nothing was "
        "recorded. Run `milestone rebuild` to make the tree again from the log"
    )


def read(conn: Conn, wanted: Sequence[tuple[int, int]]) -> list[bytes]:
    """The hashes of the (level, index) nodes asked for, in that order; short if some are absent.

    One query however many are asked: a proof in a tree of a million leaves
    asks for about forty.
    """
    if not wanted:
        return []
    pairs = ", ".join(f"(:l{n}, :i{n})" for n in range(len(wanted)))
    params: dict[str, int] = {}
    for n, (level, index) in enumerate(wanted):
        params[f"l{n}"], params[f"i{n}"] = level, index
    query = (
        f"WITH wanted(l, i) AS (VALUES {pairs}) "
        "SELECT level, idx, hash FROM wanted JOIN merkle_nodes ON level = l AND idx = i"
    )
    found = {(row[0], row[1]): as_bytes(row[2]) for row in conn.all(query, params)}
    return [found[node] for node in wanted if node in found]


def level_range(conn: Conn, *, level: int, lo: int, hi: int) -> list[tuple[int, bytes]]:
    """The stored nodes of one level with lo <= index < hi, as (index, hash), in order."""
    rows = conn.all(_RANGE, {"level": level, "lo": lo, "hi": hi})
    return [(row[0], as_bytes(row[1])) for row in rows]


def count(conn: Conn) -> int:
    """How many nodes are stored."""
    return int(conn.scalar("SELECT count(*) FROM merkle_nodes") or 0)


def clear(conn: Conn) -> None:
    """Drop every node (to be computed again from the log)."""
    conn.execute("DELETE FROM merkle_nodes")
