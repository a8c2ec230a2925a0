"""What the ledger answers about its tree: checkpoints now and at approvals, and proofs.

A proof is made from stored nodes (`ledger.tree`): O(log n) rows in one
query, whatever the length of the log. A checkpoint someone brings (to prove
an event in it, or from it to another) must be one of this ledger's: same
origin, a size it has reached, and the root its tree had at that size;
otherwise no proof from it could verify, and the refusal says why. Its
signature is the reader's to check (`ledger.proof_check`), since the proof
carries the checkpoint verbatim.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ledger import proofs, tlog, tree
from ledger.checkpoint import Checkpoint, parse_checkpoint
from ledger.errors import NotFound, Refused, VerificationFailed
from ledger.note import parse_note
from ledger.proof_file import ConsistencyProof, InclusionProof
from ledger.rules import authorise
from ledger.store import Connection, checkpoints, rows

if TYPE_CHECKING:
    from ledger.ledger import Ledger
    from ledger.signing import Signer


@dataclass(frozen=True)
class CheckpointInfo:
    """A checkpoint as people see it: what it commits to, who signed it, and its note."""

    origin: str
    size: int
    root: str  # base64, as in the note
    note: str  # the signed note, with any witnesses' cosignatures
    signers: list[str] = field(default_factory=list)  # ledger key ids of the log's signatures
    witnesses: list[str] = field(default_factory=list)  # witnesses' verifier key names
    rfc: str | None = None  # the RFC whose approval made it
    recorded_at: str | None = None
    key_line: str | None = None  # the verifier key of a checkpoint just signed


def current(ledger: Ledger, *, signer: Signer) -> CheckpointInfo:
    """A checkpoint of the tree at the head, signed now by `signer` (a registered key)."""
    authorise(ledger.state(), signer=signer, actor=None)
    with ledger.store.reading() as conn:
        root = tree.root_at(conn, ledger.length)
    issued = tlog.issue(signer=signer, ledger_id=ledger.ledger_id, size=ledger.length, root=root)
    return _info(ledger, issued.note, key_line=issued.key.encode())


def key_line(ledger: Ledger, *, signer: Signer) -> str:
    """The verifier key a reader trusts to check checkpoints `signer` signs for this ledger."""
    return signer.verifier_key(name=tlog.origin_of(ledger.ledger_id)).encode()


def stored(
    ledger: Ledger, *, rfc: str | None = None, sizes: Sequence[int] | None = None
) -> list[CheckpointInfo]:
    """The checkpoints signed at RFC approvals (all, one RFC's, or those of some sizes),
    with their cosignatures."""
    with ledger.store.reading() as conn:
        kept = checkpoints.checkpoints(conn, rfc=rfc, sizes=sizes)
        cosigned = checkpoints.cosignatures(conn, sizes=[c.size for c in kept])
    lines: dict[int, list[str]] = {}
    for cosignature in cosigned:
        # A cosigned note is the checkpoint's note plus the witness's line, last.
        lines.setdefault(cosignature.size, []).append(cosignature.note.splitlines()[-1] + "\n")
    return [
        _info(ledger, c.note + "".join(lines.get(c.size, [])), rfc=c.rfc, at=c.recorded_at)
        for c in kept
    ]


def at_approval(ledger: Ledger, rfc: str) -> CheckpointInfo | None:
    """The checkpoint signed when `rfc` was approved, if one was (approvals before schema 3
    have none)."""
    found = stored(ledger, rfc=rfc)
    return found[-1] if found else None


def _info(
    ledger: Ledger, note: str, *, rfc: str | None = None, at: str | None = None, key_line: str = ""
) -> CheckpointInfo:
    parsed = parse_note(note)
    head = parse_checkpoint(parsed.text)
    ids = {}
    for key in ledger.state().keys.values():
        public = bytes.fromhex(key.public_key)
        verifier = tlog.log_key(ledger_id=ledger.ledger_id, public_key=public)
        ids[(verifier.name, verifier.key_id)] = key.key_id
    signers = [ids[(s.name, s.key_id)] for s in parsed.signatures if (s.name, s.key_id) in ids]
    witnesses = [s.label() for s in parsed.signatures if s.name != head.origin]
    root = parsed.text.split("\n")[2]
    return CheckpointInfo(
        head.origin, head.size, root, note, signers, witnesses, rfc, at, key_line or None
    )


def held(
    conn: Connection, ledger: Ledger, note: str, *, what: str = "the checkpoint"
) -> Checkpoint:
    """A checkpoint someone brings, refused unless this ledger's tree had its root at its size."""
    head = parse_checkpoint(parse_note(note).text)
    origin = tlog.origin_of(ledger.ledger_id)
    if head.origin != origin:
        raise Refused(f"{what} is of {head.origin!r}, not of this ledger ({origin!r})")
    if head.size > ledger.length:
        raise Refused(
            f"{what} is of a tree of {head.size} events; this ledger holds {ledger.length}: "
            "it is of a longer copy of the log, or this copy was cut short"
        )
    if tree.root_at(conn, head.size) != head.root:
        raise VerificationFailed(
            f"{what} does not match this ledger: its tree of {head.size} events has another "
            "root, so the log was rewritten since, or the checkpoint is not of this log"
        )
    return head


def prove_event(
    ledger: Ledger, *, seq: int, checkpoint: str | None, signer: Signer | None
) -> InclusionProof:
    """An inclusion proof for event `seq` in `checkpoint` (a signed note), or in a checkpoint
    of the head signed now by `signer`."""
    if checkpoint is None:
        if signer is None:
            raise VerificationFailed("a proof needs a checkpoint: give one, or a key to sign one")
        checkpoint = current(ledger, signer=signer).note
    with ledger.store.reading() as conn:
        head = held(conn, ledger, checkpoint)
        if not 1 <= seq <= head.size:
            raise NotFound(
                f"event #{seq} is not in the checkpoint's tree of {head.size} events "
                f"(#1-#{head.size}); prove it in a later checkpoint"
            )
        hashes = proofs.inclusion_proof(index=seq - 1, size=head.size, read=tree.reader(conn))
        found = rows.in_seq(conn, after=seq - 1, upto=seq)
    return InclusionProof(checkpoint, seq - 1, tuple(hashes), found[0].body)


def prove_extension(
    ledger: Ledger, *, old: str, new: str | None, signer: Signer | None
) -> ConsistencyProof:
    """A consistency proof from checkpoint `old` to `new` (default: one of the head, signed now)."""
    if new is None:
        if signer is None:
            raise VerificationFailed("give the newer checkpoint, or a key to sign one")
        new = current(ledger, signer=signer).note
    with ledger.store.reading() as conn:
        before = held(conn, ledger, old, what="the older checkpoint (--from)")
        after = held(conn, ledger, new, what="the newer checkpoint (--to)")
        if before.size > after.size or before.size == 0:
            raise Refused(
                f"a consistency proof goes from a smaller checkpoint to a larger one, not from "
                f"{before.size} events to {after.size}"
            )
        hashes = proofs.consistency_proof(
            old_size=before.size, new_size=after.size, read=tree.reader(conn)
        )
    return ConsistencyProof(old, new, tuple(hashes))
