"""The events' Merkle tree as derived data: grown by each append, rebuilt from the log.

Leaf i is the event with seq i + 1, hashed from its stored body bytes exactly
(RFC 9162: SHA-256(0x00 || body)), so the tree commits to what was signed. An
append stores the nodes its events complete (two per event on average) in the
same transaction as the events, so the tree never lags the log and a proof
reads O(log n) stored nodes (`ledger.proofs`). Like the plan at the head, the
nodes can be dropped and computed again from the log (`rebuild`).
"""

from __future__ import annotations

from collections.abc import Container, Sequence

from ledger import proofs
from ledger.merkle import Node, NodeId, TreeState, grow, grow_many, leaf_hash
from ledger.store import Connection, StoredEvent, nodes, rows

_BATCH = 5000


def reader(conn: Connection) -> proofs.ReadNodes:
    """The stored nodes as `ledger.proofs` reads them: one query per proof, on `conn`."""

    def read(wanted: Sequence[NodeId], /) -> list[bytes]:
        return nodes.read(conn, wanted)

    return read


def state_at(conn: Connection, size: int) -> TreeState:
    """The tree of the first `size` events, from its stored peaks (at most log2(size) rows)."""
    return proofs.state_at(size=size, read=reader(conn))


def root_at(conn: Connection, size: int) -> bytes:
    """The root hash of the tree of the first `size` events, from stored nodes."""
    return proofs.root_at(size=size, read=reader(conn))


def grow_by(
    conn: Connection,
    bodies: Sequence[bytes],
    *,
    first: int,
    known: TreeState | None = None,
    keep: Container[int] = (),
) -> tuple[TreeState, dict[int, TreeState]]:
    """Add the events `first`, `first` + 1, ... with these stored bodies (at least one)
    to the stored tree: the tree after them all, and the tree just after each event
    whose seq is in `keep`.

    `known` is the tree before them if the caller still holds it (the usual
    case: the same process made the last append); otherwise it is read back
    from the stored peaks.
    """
    start = first - 1
    tree = known if known is not None and known.size == start else state_at(conn, start)
    tree, completed, kept = grow_many(
        tree=tree, leaves=(leaf_hash(body) for body in bodies), keep=keep
    )
    _insert(conn, completed)
    return tree, kept


def grown(tree: TreeState, rows: Sequence[StoredEvent]) -> TreeState:
    """`tree` with the events after it added, in seq order (others stored their nodes)."""
    for row in rows:
        tree, _ = grow(tree=tree, leaf=leaf_hash(row.body))
    return tree


def rebuild(conn: Connection) -> TreeState:
    """Drop every stored node and compute the tree again from the log (in batches)."""
    nodes.clear(conn)
    tree, after = TreeState(), 0
    while batch := rows.in_seq(conn, after=after, upto=after + _BATCH):
        completed: list[Node] = []
        for row in batch:
            tree, made = grow(tree=tree, leaf=leaf_hash(row.body))
            completed.extend(made)
        _insert(conn, completed)
        after = batch[-1].seq
    return tree


def _insert(conn: Connection, completed: Sequence[Node]) -> None:
    nodes.insert(conn, [(node.level, node.index, node.hash) for node in completed])
