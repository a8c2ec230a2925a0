"""Benchmark the events' Merkle tree and its proofs.

    python bench/bench_merkle.py 1000000

Measures, for a tree of N leaves:

- appends per second to the incremental tree state (TreeState.appended), and with the
  completed nodes kept as a store would keep them (grow + MemoryNodes.add);
- the median time of an inclusion proof and of a consistency proof, made through the
  ReadNodes interface from memory, and from an SQLite table of the nodes
  (merkle_node(level, idx, hash), one indexed query per proof), and of their checks.
"""

from __future__ import annotations

import argparse
import hashlib
import random
import sqlite3
import statistics
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from ledger.merkle import NodeId, TreeState, grow, leaf_hash
from ledger.proofs import (
    MemoryNodes,
    ReadNodes,
    consistency_proof,
    inclusion_proof,
    verify_consistency,
    verify_inclusion,
)


def _median_ms(action: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


class SQLiteNodes:
    """A ReadNodes over an SQLite table, as the store would hold the tree."""

    def __init__(self, path: Path) -> None:
        self.db = sqlite3.connect(path)
        self.db.execute(
            "CREATE TABLE merkle_node (level INTEGER NOT NULL, idx INTEGER NOT NULL, "
            "hash BLOB NOT NULL, PRIMARY KEY (level, idx)) WITHOUT ROWID"
        )

    def __call__(self, nodes: Sequence[NodeId], /) -> list[bytes]:
        # A join against the wanted pairs makes one primary-key lookup each; SQLite
        # plans `(level, idx) IN (VALUES ...)` as a scan of the whole table instead.
        wanted = ",".join("(?,?)" for _ in nodes)
        rows = self.db.execute(
            f"WITH wanted(l, i) AS (VALUES {wanted}) "
            "SELECT level, idx, hash FROM wanted JOIN merkle_node ON level = l AND idx = i",
            [part for node in nodes for part in node],
        ).fetchall()
        found = {(level, idx): digest for level, idx, digest in rows}
        return [found[node] for node in nodes]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("leaves", type=int, nargs="?", default=1_000_000)
    parser.add_argument("--runs", type=int, default=1000, help="proofs timed per kind")
    args = parser.parse_args()
    n = args.leaves
    leaves = [hashlib.sha256(b"event %d" % i).digest() for i in range(n)]

    start = time.perf_counter()
    body = b'{"type":"milestone.completed","subject":"DM-AP-18","data":{"on":"2024-05-01"}}' * 4
    for _ in range(n):
        leaf_hash(body)
    print(f"leaf hash of a {len(body)}-byte body: {n / (time.perf_counter() - start):,.0f}/s")

    state = TreeState()
    start = time.perf_counter()
    for leaf in leaves:
        state = state.appended(leaf)
    elapsed = time.perf_counter() - start
    print(f"tree state appends ({n:,} leaves): {n / elapsed:,.0f}/s")

    state, memory = TreeState(), MemoryNodes()
    rows = []
    start = time.perf_counter()
    for leaf in leaves:
        state, completed = grow(tree=state, leaf=leaf)
        memory.add(completed)
        rows.extend((node.level, node.index, node.hash) for node in completed)
    elapsed = time.perf_counter() - start
    print(f"appends keeping every completed node: {n / elapsed:,.0f}/s ({len(rows):,} nodes)")
    root = state.root()

    rng = random.Random(9162)
    with tempfile.TemporaryDirectory() as tmp:
        sqlite = SQLiteNodes(Path(tmp) / "nodes.db")
        with sqlite.db:
            sqlite.db.executemany("INSERT INTO merkle_node VALUES (?, ?, ?)", rows)
        stores: list[tuple[str, ReadNodes]] = [("memory", memory), ("sqlite", sqlite)]
        for name, read in stores:
            ms = _median_ms(
                lambda read=read: inclusion_proof(index=rng.randrange(n), size=n, read=read),
                args.runs,
            )
            print(f"inclusion proof, {n:,} leaves, {name}: median {ms:.3f} ms")
            ms = _median_ms(
                lambda read=read: consistency_proof(
                    old_size=rng.randrange(1, n), new_size=n, read=read
                ),
                args.runs,
            )
            print(f"consistency proof, {n:,} leaves, {name}: median {ms:.3f} ms")

        index = rng.randrange(n)
        proof = inclusion_proof(index=index, size=n, read=memory)
        ms = _median_ms(
            lambda: verify_inclusion(
                index=index, size=n, leaf_hash=leaves[index], proof=proof, root=root
            ),
            args.runs,
        )
        print(f"inclusion check ({len(proof)} hashes): median {ms:.3f} ms")
        old = rng.randrange(1, n)
        old_root = TreeState().extended(leaves[:old]).root()
        proof = consistency_proof(old_size=old, new_size=n, read=memory)
        ms = _median_ms(
            lambda: verify_consistency(
                old_size=old, new_size=n, old_root=old_root, new_root=root, proof=proof
            ),
            args.runs,
        )
        print(f"consistency check ({len(proof)} hashes): median {ms:.3f} ms")
        sqlite.db.close()


if __name__ == "__main__":
    main()
