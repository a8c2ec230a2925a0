"""Inclusion and consistency proofs over the events' Merkle tree (RFC 9162 2.1.3, 2.1.4).

Making a proof needs the hashes of a few subtrees of the log. Every such subtree is
cut at RFC 9162's split points, so it is a run of *perfect* subtrees (see
`ledger.merkle.NodeId`); a proof therefore first lists the perfect subtrees it needs
(O(log n) of them), asks a `ReadNodes` for all of them at once, and folds them. A
store that keeps the nodes `ledger.merkle.grow` returns, one row each, answers that
with a single indexed query, however long the log.

Checking a proof needs nothing but the proof: `verify_inclusion` and
`verify_consistency` are RFC 9162's algorithms 2.1.3.2 and 2.1.4.2. They return
False for anything that is not a valid proof, whatever its shape, and never raise.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Protocol

from ledger.errors import ChainBroken, InvalidInput
from ledger.merkle import HASH_SIZE, MAX_SIZE, Node, NodeId, TreeState, fold_right, node_hash

#: In a tree of under 2**63 leaves an inclusion proof has at most 63 hashes, a consistency
#: proof at most 64: anything longer is refused before hashing.
_MAX_PROOF = 64


class ReadNodes(Protocol):
    """Anything that returns stored perfect-subtree hashes, in the order asked.

    `nodes` lists (level, index) pairs, at most 2 * log2(size) of them and no
    duplicates; the answer holds one 32-byte hash for each. A SQL store answers with
    one query on a table whose primary key is (level, idx), joining the wanted pairs
    so that each is a key lookup (SQLite plans ``(level, idx) IN (VALUES ...)`` as a
    scan), then orders the rows as asked::

        WITH wanted(l, i) AS (VALUES (?, ?), (?, ?), ...)
        SELECT level, idx, hash FROM wanted JOIN merkle_node ON level = l AND idx = i

    Asking for a node the tree does not hold yet is the caller's bug; an
    implementation may raise, or answer short, which is refused as `ChainBroken`.
    """

    def __call__(self, nodes: Sequence[NodeId], /) -> Sequence[bytes]:
        """The hashes of `nodes`, one per (level, index), in the same order."""
        ...


class MemoryNodes:
    """Every perfect-subtree hash in memory, one list per level: the reference ReadNodes."""

    def __init__(self) -> None:
        self._levels: list[list[bytes]] = []

    def add(self, nodes: Iterable[Node]) -> None:
        """Keep the nodes `ledger.merkle.grow` returned; they must arrive in append order."""
        for node in nodes:
            while len(self._levels) <= node.level:
                self._levels.append([])
            level = self._levels[node.level]
            if node.index != len(level):
                raise InvalidInput(
                    f"node ({node.level}, {node.index}) arrived out of order; "
                    f"the next at level {node.level} is index {len(level)}"
                )
            level.append(node.hash)

    def __call__(self, nodes: Sequence[NodeId], /) -> list[bytes]:
        """The hashes of `nodes`, in the order asked."""
        return [self._levels[level][index] for level, index in nodes]


def _largest_power_below(n: int) -> int:
    """RFC 9162's k: the largest power of two smaller than n (n > 1)."""
    return 1 << ((n - 1).bit_length() - 1)


def _pieces(lo: int, hi: int) -> list[NodeId]:
    """The perfect subtrees that make up leaves [lo, hi), largest first.

    Proofs only ask for ranges that start at a multiple of the largest power of two
    not above their length (RFC 9162 splits there), so each piece is aligned.
    """
    pieces = []
    while lo < hi:
        level = (hi - lo).bit_length() - 1
        pieces.append((level, lo >> level))
        lo += 1 << level
    return pieces


def _inclusion_plan(index: int, size: int) -> list[list[NodeId]]:
    """RFC 9162 2.1.3.1 PATH(index, D[size]): per proof hash, the pieces it folds."""
    plan: list[list[NodeId]] = []
    lo, hi = 0, size
    while hi - lo > 1:
        k = _largest_power_below(hi - lo)
        if index < lo + k:
            plan.append(_pieces(lo + k, hi))
            hi = lo + k
        else:
            plan.append(_pieces(lo, lo + k))
            lo += k
    plan.reverse()  # found root first; a proof lists them leaf first
    return plan


def _consistency_plan(old_size: int, new_size: int) -> list[list[NodeId]]:
    """RFC 9162 2.1.4.1 PROOF(old_size, D[new_size]) = SUBPROOF(m, D[n], true)."""
    plan: list[list[NodeId]] = []
    lo, hi, whole_old_tree = 0, new_size, True
    while old_size != hi:
        k = _largest_power_below(hi - lo)
        if old_size <= lo + k:
            plan.append(_pieces(lo + k, hi))
            hi = lo + k
        else:
            plan.append(_pieces(lo, lo + k))
            lo += k
            whole_old_tree = False
    if not whole_old_tree:
        # The verifier knows the old root only when this subtree is the whole old tree.
        plan.append(_pieces(lo, hi))
    plan.reverse()
    return plan


def _resolve(plan: list[list[NodeId]], read: ReadNodes) -> list[bytes]:
    """Read every piece the plan needs in one call and fold each proof hash."""
    wanted = [node for element in plan for node in element]
    if not wanted:
        return []
    hashes = list(read(wanted))
    if len(hashes) != len(wanted) or not all(_is_hash(h) for h in hashes):
        raise ChainBroken(
            f"the stored Merkle nodes are incomplete: asked for {len(wanted)} hashes, "
            f"got {len(hashes)} (or some not {HASH_SIZE} bytes); rebuild the tree from the log"
        )
    proof, start = [], 0
    for element in plan:
        proof.append(fold_right(hashes[start : start + len(element)]))
        start += len(element)
    return proof


def _check_size(value: object, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_SIZE:
        raise InvalidInput(f"{what} must be a whole number from 0 to {MAX_SIZE}, got {value!r}")
    return value


def root_at(*, size: int, read: ReadNodes) -> bytes:
    """The root hash of the tree when it held `size` leaves, from stored nodes."""
    _check_size(size, "a tree size")
    return _resolve([_pieces(0, size)], read)[0] if size else fold_right([])


def state_at(*, size: int, read: ReadNodes) -> TreeState:
    """The tree state (frontier) at `size` leaves, from stored nodes: its peaks are nodes.

    A store need not persist the frontier: before appending it reads this for the
    head's size (one query of at most log2(size) rows) and grows it.
    """
    _check_size(size, "a tree size")
    wanted = _pieces(0, size)
    return TreeState(size=size, peaks=tuple(_resolve([[node] for node in wanted], read)))


def inclusion_proof(*, index: int, size: int, read: ReadNodes) -> list[bytes]:
    """The audit path proving leaf `index` (0-based: seq - 1) is in the tree of `size` leaves."""
    _check_size(index, "a leaf index")
    _check_size(size, "a tree size")
    if index >= size:
        raise InvalidInput(
            f"leaf {index} is not in a tree of {size} leaves; "
            f"a leaf index runs from 0 to size - 1 (an event's seq - 1)"
        )
    return _resolve(_inclusion_plan(index, size), read)


def consistency_proof(*, old_size: int, new_size: int, read: ReadNodes) -> list[bytes]:
    """The proof that the tree of `new_size` leaves extends the tree of `old_size` leaves."""
    _check_size(old_size, "the old tree size")
    _check_size(new_size, "the new tree size")
    if not 0 < old_size <= new_size:
        raise InvalidInput(
            f"a consistency proof goes from a non-empty tree to one at least as large, "
            f"not from {old_size} to {new_size} leaves"
        )
    return _resolve(_consistency_plan(old_size, new_size), read)


def _is_hash(value: object) -> bool:
    return isinstance(value, bytes) and len(value) == HASH_SIZE


def _is_size(value: object) -> bool:
    return not isinstance(value, bool) and isinstance(value, int) and 0 <= value <= MAX_SIZE


def _is_path(proof: object) -> bool:
    return (
        isinstance(proof, list | tuple)
        and len(proof) <= _MAX_PROOF
        and all(_is_hash(h) for h in proof)
    )


def _shift_to_odd(fn: int, sn: int) -> tuple[int, int]:
    """Right-shift both until fn's lowest bit is set or fn is 0 (RFC 9162 wording)."""
    while fn and not fn & 1:
        fn >>= 1
        sn >>= 1
    return fn, sn


def verify_inclusion(
    *, index: int, size: int, leaf_hash: bytes, proof: Sequence[bytes], root: bytes
) -> bool:
    """Whether `proof` shows leaf `index` with `leaf_hash` in the tree of `size` with `root`.

    RFC 9162 2.1.3.2. Anything malformed (wrong types, lengths, sizes) is False.
    """
    if not (_is_size(index) and _is_size(size) and index < size):
        return False
    if not (_is_hash(leaf_hash) and _is_hash(root) and _is_path(proof)):
        return False
    fn, sn, r = index, size - 1, leaf_hash
    for p in proof:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            fn, sn = _shift_to_odd(fn, sn)
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    return sn == 0 and r == root


def verify_consistency(
    *,
    old_size: int,
    new_size: int,
    old_root: bytes,
    new_root: bytes,
    proof: Sequence[bytes],
) -> bool:
    """Whether `proof` shows the tree (`new_size`, `new_root`) extends (`old_size`, `old_root`).

    RFC 9162 2.1.4.2, plus the case it leaves out: equal sizes need an empty proof
    and equal roots. A proof from the empty tree proves nothing and is refused.
    Anything malformed is False.
    """
    if not (_is_size(old_size) and _is_size(new_size) and 0 < old_size <= new_size):
        return False
    if not (_is_hash(old_root) and _is_hash(new_root) and _is_path(proof)):
        return False
    if old_size == new_size:
        return len(proof) == 0 and old_root == new_root
    if not proof:
        return False
    path = list(proof)
    if old_size & (old_size - 1) == 0:
        path.insert(0, old_root)  # the old tree is a perfect subtree: its root is implied
    fn, sn = old_size - 1, new_size - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            fn, sn = _shift_to_odd(fn, sn)
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    return sn == 0 and fr == old_root and sr == new_root
