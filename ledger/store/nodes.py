"""The events' Merkle tree as rows: one per perfect subtree, keyed by (level, idx).

What a node means is `ledger.merkle`'s business; this module only stores and
finds them. A proof asks for a few dozen nodes at once, and `reader` answers
with one query that joins the wanted pairs, so each is a primary-key lookup
(SQLite plans ``(level, idx) IN (VALUES ...)`` as a scan of the whole table).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import sqlalchemy as sa
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError

from ledger.errors import ChainBroken
from ledger.store.tables import MERKLE_NODES

_INSERT_SQL = "INSERT INTO merkle_nodes (level, idx, hash) VALUES ({mark}, {mark}, {mark})"
_COUNT = sa.select(sa.func.count()).select_from(MERKLE_NODES)
_RANGE = (
    sa.select(MERKLE_NODES.c.idx, MERKLE_NODES.c.hash)
    .where(
        MERKLE_NODES.c.level == sa.bindparam("level"),
        MERKLE_NODES.c.idx >= sa.bindparam("lo"),
        MERKLE_NODES.c.idx < sa.bindparam("hi"),
    )
    .order_by(MERKLE_NODES.c.idx)
)


def insert(conn: Connection, nodes: Iterable[tuple[int, int, bytes]]) -> None:
    """Store completed nodes as (level, index, hash), in the caller's transaction.

    Every append runs this, so the statement goes to the driver as it is: through
    a compiled Core insert it cost three times as much (45 against 17 us).
    """
    rows = list(nodes)
    if not rows:
        return
    mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
    try:
        conn.exec_driver_sql(_INSERT_SQL.format(mark=mark), rows)
    except IntegrityError:
        # Nodes past the head: the derived table was damaged or written by hand.
        raise ChainBroken(
            "the stored Merkle tree already holds nodes past the log's head; nothing was "
            "recorded. Run `milestone rebuild` to make the tree again from the log"
        ) from None


def read(conn: Connection, wanted: Sequence[tuple[int, int]]) -> list[bytes]:
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
    query = sa.text(
        f"WITH wanted(l, i) AS (VALUES {pairs}) "
        "SELECT level, idx, hash FROM wanted JOIN merkle_nodes ON level = l AND idx = i"
    )
    found = {(row[0], row[1]): bytes(row[2]) for row in conn.execute(query, params)}
    return [found[node] for node in wanted if node in found]


def level_range(conn: Connection, *, level: int, lo: int, hi: int) -> list[tuple[int, bytes]]:
    """The stored nodes of one level with lo <= index < hi, as (index, hash), in order."""
    rows = conn.execute(_RANGE, {"level": level, "lo": lo, "hi": hi})
    return [(row[0], bytes(row[1])) for row in rows]


def count(conn: Connection) -> int:
    """How many nodes are stored."""
    return int(conn.execute(_COUNT).scalar() or 0)


def clear(conn: Connection) -> None:
    """Drop every node (to be computed again from the log)."""
    conn.execute(sa.delete(MERKLE_NODES))
