"""Verifying the Merkle tree: the stored nodes, checkpoints and cosignatures against the log.

Run after the chain itself verifies, in one more pass over the events: the tree
is computed again from the stored bodies and every node it completes must be
stored with that hash (and no node more); every checkpoint kept must be of this
ledger's origin, at the size and with the root the log had there, signed by the
key that signed the RFC approval it was made at; every cosignature must be a
witness's valid signature over such a checkpoint. Findings are reported like
the chain's, at a seq: a node at the first event it covers, a checkpoint or
cosignature at its size. Nothing here raises on damage.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field, replace

from events import decode_body
from ledger import tlog
from ledger.checkpoint import parse_checkpoint
from ledger.errors import VerificationFailed
from ledger.merkle import Node, TreeState, grow, leaf_hash
from ledger.note import VerifierKey, parse_note, parse_verifier_key, verify_note
from ledger.store import Store, StoredEvent, checkpoints, nodes
from ledger.verify import Failure, Report, verify_store

_KEY_EVENTS = ("ledger.created", "key.registered")
_MAX_FINDINGS = 100


@dataclass
class TreeReport:
    """What the tree check covered, and what it found (the first finding is the verdict)."""

    nodes: int = 0
    checkpoints: int = 0
    cosignatures: int = 0
    findings: list[Failure] = field(default_factory=list)

    @property
    def failure(self) -> Failure | None:
        """The first finding, if any."""
        return self.findings[0] if self.findings else None

    def counts(self) -> dict[str, int]:
        """What was checked, as `--json` shows it beside the report."""
        return {
            "nodes": self.nodes,
            "checkpoints": self.checkpoints,
            "cosignatures": self.cosignatures,
        }


@dataclass
class _Pass:
    """What one pass over the log learns: roots at the sizes asked for, keys, approvals."""

    roots: dict[int, bytes] = field(default_factory=dict)
    keys: dict[str, bytes] = field(default_factory=dict)  # ledger key id -> raw public key
    approvals: dict[int, tuple[str, str]] = field(default_factory=dict)  # seq -> (rfc, key id)
    length: int = 0


def verify_ledger(
    store: Store,
    *,
    ledger_id: str | None = None,
    expect_head: str | None = None,
    expect_length: int | None = None,
) -> tuple[Report, TreeReport | None]:
    """Verify the log (`ledger.verify.verify_store`), then, if it holds, its tree.

    The tree's findings become the report's, so whoever reads the report sees
    them; the tree's own report says what it covered (None: the log did not hold).
    """
    report = verify_store(
        store, ledger_id=ledger_id, expect_head=expect_head, expect_length=expect_length
    )
    if not report.ok:
        return report, None
    tree = verify_tree(store, ledger_id=report.ledger_id, rows=store.iter_all())
    if tree.failure is not None:
        checked = min(report.checked, tree.failure.seq - 1)
        report = replace(
            report, checked=checked, failure=tree.failure, findings=tuple(tree.findings)
        )
    return report, tree


def verify_tree(store: Store, *, ledger_id: str, rows: Iterator[StoredEvent]) -> TreeReport:
    """Check the stored tree, checkpoints and cosignatures against `rows` (the verified log)."""
    report = TreeReport()
    with store.reading() as conn:
        kept = checkpoints.checkpoints(conn)
        cosigned = checkpoints.cosignatures(conn)
    sizes = {c.size for c in kept} | {c.size for c in cosigned}
    seen = _walk(store, rows, sizes, report)
    origin = tlog.origin_of(ledger_id)
    every_key = [tlog.log_key(ledger_id=ledger_id, public_key=k) for k in seen.keys.values()]
    for stored in kept:
        report.checkpoints += 1
        problem = _checkpoint_problem(stored.note, stored.size, stored.root, origin, seen)
        rfc, key_id = seen.approvals.get(stored.size, ("", ""))
        if problem is None and rfc != stored.rfc:
            problem = f"event #{stored.size} is not the approval of {stored.rfc}"
        if problem is None:
            # Signed by the key that signed the approval, as every append signs its checkpoint.
            public = seen.keys.get(key_id)
            problem = (
                _signed(stored.note, [tlog.log_key(ledger_id=ledger_id, public_key=public)])
                if public
                else f"the approval's key {key_id} was never registered"
            )
        if problem is not None:
            what = f"the checkpoint signed at {stored.rfc}'s approval"
            report.findings.append(Failure(stored.size, f"{what}: {problem}"))
    for cosignature in cosigned:
        report.cosignatures += 1
        problem = _checkpoint_problem(
            cosignature.note, cosignature.size, None, origin, seen
        ) or _signed(cosignature.note, every_key)
        if problem is None:
            problem = _witnessed(cosignature.note, cosignature.witness)
        if problem is not None:
            what = f"a checkpoint of {cosignature.size} events as a witness cosigned it"
            report.findings.append(Failure(cosignature.size, f"{what}: {problem}"))
    report.findings.sort(key=lambda finding: finding.seq)
    return report


def _walk(store: Store, rows: Iterator[StoredEvent], sizes: set[int], report: TreeReport) -> _Pass:
    """Grow the tree over the log, comparing each batch's nodes with the stored ones."""
    seen, tree, batch = _Pass(), TreeState(), list[Node]()
    for row in rows:
        tree, made = grow(tree=tree, leaf=leaf_hash(row.body))
        batch.extend(made)
        if tree.size in sizes:
            seen.roots[tree.size] = tree.root()
        if row.type in _KEY_EVENTS:
            data = decode_body(row.body)["data"]
            seen.keys[data["key_id"]] = bytes.fromhex(data["public_key"])
        elif row.type == "rfc.approved":
            seen.approvals[row.seq] = (row.subject, row.key)
        if len(batch) >= 10_000:
            _compare(store, batch, report)
            batch = []
    _compare(store, batch, report)
    seen.length = tree.size
    with store.reading() as conn:
        stored = nodes.count(conn)
    expected = 2 * tree.size - tree.size.bit_count()
    if stored != expected and not report.findings:
        report.findings.append(
            Failure(
                tree.size,
                f"the Merkle tree holds {stored} nodes, not the {expected} a log of "
                f"{tree.size} events makes; `milestone rebuild` makes it again from the log",
            )
        )
    return seen


def _compare(store: Store, made: list[Node], report: TreeReport) -> None:
    by_level: dict[int, list[Node]] = defaultdict(list)
    for node in made:
        by_level[node.level].append(node)
    with store.reading() as conn:
        for level, wanted in by_level.items():
            # One range query a level: the nodes one batch completes are adjacent.
            lo, hi = wanted[0].index, wanted[-1].index + 1
            found = dict(nodes.level_range(conn, level=level, lo=lo, hi=hi))
            for node in wanted:
                report.nodes += 1
                if found.get(node.index) == node.hash or len(report.findings) >= _MAX_FINDINGS:
                    continue
                first, last = node.index << level, (node.index + 1) << level
                state = "wrong" if node.index in found else "missing"
                report.findings.append(
                    Failure(
                        first + 1,
                        f"the Merkle tree's node over events #{first + 1}-#{last} is {state}; "
                        "`milestone rebuild` makes the tree again from the log",
                    )
                )


def _checkpoint_problem(
    note: str, size: int, root: bytes | None, origin: str, seen: _Pass
) -> str | None:
    """Why a kept note is not a checkpoint of this log at `size` (and `root`), or None."""
    try:
        head = parse_checkpoint(parse_note(note).text)
    except VerificationFailed as error:
        return f"its note is malformed ({error})"
    if head.origin != origin:
        return f"it is of {head.origin!r}, not of this ledger"
    if head.size != size or (root is not None and head.root != root):
        return "its note says another size or root than its row"
    if size not in seen.roots:
        return f"the log holds {seen.length} events, fewer than its {size}"
    if seen.roots[size] != head.root:
        return "its root is not the root of the log at its size: the log was rewritten"
    return None


def _signed(note: str, keys: list[VerifierKey]) -> str | None:
    try:
        verify_note(note=note, verifiers=keys)
    except VerificationFailed as error:
        return f"its signature does not verify ({error})"
    return None


def _witnessed(note: str, witness: str) -> str | None:
    try:
        verify_note(note=note, verifiers=[parse_verifier_key(witness)])
    except VerificationFailed as error:
        return f"the witness's signature does not verify ({error})"
    return None
