"""The events as a Merkle tree: RFC 9162 section 2.1 hashing, kept incrementally.

A leaf is SHA-256(0x00 || event body) and an interior node SHA-256(0x01 || left ||
right), so the tree is the one Certificate Transparency and Go's checksum database
build, and their tools check our proofs. The tree of n leaves is summed up by its
frontier: the roots of the perfect subtrees that n's binary digits describe, left to
right (n = 6 = 4 + 2: the root of leaves 0-3, then of leaves 4-5). Appending a leaf
merges it into the frontier the way adding one carries through a binary number, so
an append costs O(log n) hashes and the root of the current size is at hand.

Every merge completes a perfect subtree, named by its `level` (it covers 2**level
leaves) and `index` (it starts at leaf index * 2**level). Those nodes are what a
store keeps so that proofs (`ledger.proofs`) never rehash the log.
"""

from __future__ import annotations

import hashlib
from collections.abc import Container, Iterable
from dataclasses import dataclass

from ledger.errors import InvalidInput

HASH_SIZE = 32
#: RFC 9162 2.1.1: the hash of an empty tree is the hash of the empty string.
EMPTY_ROOT = hashlib.sha256(b"").digest()
#: Sizes travel as Go int64 and as 8 bytes; nothing larger can be proved to Go's tlog.
MAX_SIZE = 2**63 - 1

_LEAF = b"\x00"
_NODE = b"\x01"
_SIZE_BYTES = 8

#: A perfect subtree: (level, index) covers leaves [index * 2**level, (index + 1) * 2**level).
NodeId = tuple[int, int]


@dataclass(frozen=True, slots=True)
class Node:
    """A perfect subtree's hash, as a store would keep it: one row per node."""

    level: int
    index: int
    hash: bytes


def leaf_hash(data: bytes) -> bytes:
    """The hash of a leaf holding `data` (an event's canonical body)."""
    return hashlib.sha256(_LEAF + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """The hash of an interior node over two child hashes."""
    return hashlib.sha256(_NODE + left + right).digest()


def fold_right(hashes: Iterable[bytes]) -> bytes:
    """Hash a run of adjacent perfect subtrees, largest first, into the root over all of them.

    RFC 9162 splits a range at its largest power of two, so the left part is the
    first (largest) perfect subtree and the right part is the rest, recursively.
    """
    pending = list(hashes)
    if not pending:
        return EMPTY_ROOT
    root = pending.pop()
    while pending:
        root = node_hash(pending.pop(), root)
    return root


def _check_hash(value: object, what: str) -> bytes:
    if not isinstance(value, bytes) or len(value) != HASH_SIZE:
        raise InvalidInput(f"{what} must be {HASH_SIZE} bytes (a SHA-256 hash), got {value!r:.80}")
    return value


@dataclass(frozen=True)
class TreeState:
    """The compact state of a tree of `size` leaves: the roots of its perfect subtrees.

    `peaks` holds one hash per set bit of `size`, the largest subtree first. A
    TreeState is a value: appending returns a new one, so a store can compute the
    next state before its transaction commits and keep the old one if it rolls back.
    """

    size: int = 0
    peaks: tuple[bytes, ...] = ()

    def __post_init__(self) -> None:
        if isinstance(self.size, bool) or not isinstance(self.size, int):
            raise InvalidInput(f"a tree size is a whole number, got {self.size!r}")
        if not 0 <= self.size <= MAX_SIZE:
            raise InvalidInput(f"a tree size is between 0 and {MAX_SIZE}, got {self.size}")
        if len(self.peaks) != self.size.bit_count():
            raise InvalidInput(
                f"a tree of {self.size} leaves has {self.size.bit_count()} perfect subtrees, "
                f"got {len(self.peaks)} hashes"
            )
        for peak in self.peaks:
            _check_hash(peak, "a subtree hash")

    def root(self) -> bytes:
        """The tree's root hash (RFC 9162 MTH); the empty tree's is SHA-256 of nothing."""
        return fold_right(self.peaks)

    def appended(self, leaf: bytes) -> TreeState:
        """The state after appending one leaf hash (see `leaf_hash`)."""
        return grow(tree=self, leaf=leaf)[0]

    def extended(self, leaves: Iterable[bytes]) -> TreeState:
        """The state after appending many leaf hashes, in order (rebuilding from a log)."""
        size, peaks = self.size, list(self.peaks)
        for leaf in leaves:
            size = _merge(size, peaks, _check_hash(leaf, "a leaf hash"), None)
        return TreeState(size=size, peaks=tuple(peaks))

    def to_bytes(self) -> bytes:
        """Serialise: the size as 8 big-endian bytes, then the peaks (8 + 32 * popcount bytes)."""
        return self.size.to_bytes(_SIZE_BYTES, "big") + b"".join(self.peaks)

    def to_hex(self) -> str:
        """`to_bytes`, hex encoded, for a text column or a log line."""
        return self.to_bytes().hex()

    @classmethod
    def from_bytes(cls, data: bytes) -> TreeState:
        """Read back what `to_bytes` wrote; refuse anything of the wrong length."""
        if not isinstance(data, bytes) or len(data) < _SIZE_BYTES:
            raise InvalidInput(f"a tree state is at least {_SIZE_BYTES} bytes, got {data!r:.80}")
        size = int.from_bytes(data[:_SIZE_BYTES], "big")
        rest = data[_SIZE_BYTES:]
        if size > MAX_SIZE or len(rest) != HASH_SIZE * size.bit_count():
            raise InvalidInput(
                f"a tree state of {len(data)} bytes cannot describe a tree of {size} leaves; "
                f"expected {_SIZE_BYTES + HASH_SIZE * size.bit_count()} bytes"
            )
        peaks = tuple(rest[i : i + HASH_SIZE] for i in range(0, len(rest), HASH_SIZE))
        return cls(size=size, peaks=peaks)

    @classmethod
    def from_hex(cls, text: str) -> TreeState:
        """Read back what `to_hex` wrote."""
        try:
            data = bytes.fromhex(text)
        except (TypeError, ValueError):
            raise InvalidInput(f"a tree state is hex digits, got {text!r:.80}") from None
        return cls.from_bytes(data)


def _merge(size: int, peaks: list[bytes], leaf: bytes, completed: list[Node] | None) -> int:
    """Append `leaf` to the frontier in place; optionally record the nodes it completes."""
    if size >= MAX_SIZE:
        raise InvalidInput(f"a tree holds at most {MAX_SIZE} leaves")
    if completed is not None:
        completed.append(Node(0, size, leaf))
    carry, level, position = leaf, 0, size
    # Each trailing 1 bit of the old size is a perfect subtree of the same height as
    # the one being carried: merge them, exactly as binary addition carries.
    while position & 1:
        carry = node_hash(peaks.pop(), carry)
        level += 1
        position >>= 1
        if completed is not None:
            completed.append(Node(level, position, carry))
    peaks.append(carry)
    return size + 1


def grow(*, tree: TreeState, leaf: bytes) -> tuple[TreeState, tuple[Node, ...]]:
    """Append one leaf hash; return the new state and every node it completed.

    The nodes are the leaf itself (level 0) and one interior node per subtree the
    leaf completes: 1 + (trailing 1 bits of the old size), two on average. A store
    inserts them beside the event so that any later proof reads O(log n) of them.
    """
    peaks = list(tree.peaks)
    completed: list[Node] = []
    size = _merge(tree.size, peaks, _check_hash(leaf, "a leaf hash"), completed)
    return TreeState(size=size, peaks=tuple(peaks)), tuple(completed)


def grow_many(
    *, tree: TreeState, leaves: Iterable[bytes], keep: Container[int] = ()
) -> tuple[TreeState, list[Node], dict[int, TreeState]]:
    """Append many leaf hashes, in order: the final state, every node they complete, and
    the state at each size in `keep` (a batch needs only a few, so no state is made per leaf).
    """
    size, peaks = tree.size, list(tree.peaks)
    completed: list[Node] = []
    kept: dict[int, TreeState] = {}
    for leaf in leaves:
        size = _merge(size, peaks, _check_hash(leaf, "a leaf hash"), completed)
        if size in keep:
            kept[size] = TreeState(size=size, peaks=tuple(peaks))
    return TreeState(size=size, peaks=tuple(peaks)), completed, kept
