"""Checking a proof offline: nothing but the proof, the checkpoint(s) and trusted public keys.

What an auditor runs (`milestone verify-proof`), with no database: the
checkpoint must be signed by one of the log keys it trusts, whose name is the
checkpoint's origin; with witnesses, by every one of them too; then the proof's
hashes must lead from the event to the checkpoint's root (inclusion) or from
the older checkpoint's root to the newer's (consistency). Any failure is a
one-line `VerificationFailed` saying which of these did not hold.
"""

from __future__ import annotations

from base64 import b64encode
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from ledger.checkpoint import Checkpoint, parse_checkpoint, proves_extension, proves_inclusion
from ledger.errors import VerificationFailed
from ledger.merkle import leaf_hash
from ledger.note import VerifierKey, parse_note, verify_note
from ledger.proof_file import ConsistencyProof, InclusionProof, Proof, json_object


@dataclass(frozen=True)
class ProofCheck:
    """What a proof showed: the checkpoint it holds up, who vouched for it, and the claim."""

    kind: str  # "inclusion" or "consistency"
    origin: str
    size: int
    root: str  # base64, as in the checkpoint
    signed_by: tuple[str, ...]  # the trusted log keys that signed the checkpoint, name+id
    witnessed_by: tuple[str, ...] = ()
    seq: int | None = None  # inclusion: the event proved
    event: dict[str, Any] = field(default_factory=dict)  # inclusion: its body
    old_size: int | None = None  # consistency: the older checkpoint
    old_root: str | None = None


def open_trusted(
    note: str, *, keys: Sequence[VerifierKey], witnesses: Sequence[VerifierKey] = ()
) -> tuple[Checkpoint, tuple[str, ...], tuple[str, ...]]:
    """A checkpoint signed by a trusted log key named as its origin (and by every witness).

    Returns the checkpoint and the labels of the log keys and witnesses that signed it.
    """
    if not keys:
        raise VerificationFailed(
            "no log key given: pass --key with the verifier key the log signs with "
            "(`milestone checkpoint --key-line` prints one)"
        )
    opened = verify_note(note=note, verifiers=keys)
    checkpoint = parse_checkpoint(opened.text)
    signers = tuple(s.label() for s in opened.verified if s.name == checkpoint.origin)
    if not signers:
        names = ", ".join(sorted({s.name for s in opened.verified}))
        raise VerificationFailed(
            f"the checkpoint is of {checkpoint.origin!r}, but the trusted key that signed it "
            f"is named {names!r}: a log's key is named after its origin"
        )
    witnessed: tuple[str, ...] = ()
    if witnesses:
        try:
            cosigned = verify_note(note=note, verifiers=witnesses, require_all=True)
        except VerificationFailed as refusal:
            wanted = ", ".join(f"{w.name}+{w.key_id:08x}" for w in witnesses)
            raise VerificationFailed(
                f"the checkpoint is not cosigned as required by {wanted} ({refusal})"
            ) from None
        witnessed = tuple(s.label() for s in cosigned.verified)
    return checkpoint, signers, witnessed


def check_proof(
    proof: Proof,
    *,
    keys: Sequence[VerifierKey],
    witnesses: Sequence[VerifierKey] = (),
    old: str | None = None,
) -> ProofCheck:
    """Check a proof; `old` is the older checkpoint the auditor kept (consistency only)."""
    if isinstance(proof, InclusionProof):
        if old is not None:
            raise VerificationFailed("--from is for consistency proofs; this proves an event")
        return _inclusion(proof, keys=keys, witnesses=witnesses)
    return _consistency(proof, keys=keys, witnesses=witnesses, old=old)


def _inclusion(
    proof: InclusionProof, *, keys: Sequence[VerifierKey], witnesses: Sequence[VerifierKey]
) -> ProofCheck:
    head, signers, witnessed = open_trusted(proof.checkpoint, keys=keys, witnesses=witnesses)
    event = _event(proof.event)
    if event.get("seq") != proof.seq:
        raise VerificationFailed(
            f"the event says it is #{event.get('seq')!r:.20} but the proof is for #{proof.seq}"
        )
    if not proves_inclusion(
        checkpoint=head, index=proof.index, leaf_hash=leaf_hash(proof.event), proof=proof.hashes
    ):
        raise VerificationFailed(
            f"the proof does not show event #{proof.seq} in the tree of {head.size} events "
            "the checkpoint signs: the event, the proof or the checkpoint was changed"
        )
    return ProofCheck(
        "inclusion", head.origin, head.size, _b64(head.root), signers, witnessed, proof.seq, event
    )


def _consistency(
    proof: ConsistencyProof,
    *,
    keys: Sequence[VerifierKey],
    witnesses: Sequence[VerifierKey],
    old: str | None,
) -> ProofCheck:
    before, _, _ = open_trusted(proof.old, keys=keys)
    if old is not None and parse_note(old).text != parse_note(proof.old).text:
        raise VerificationFailed(
            "the proof starts from another checkpoint than the one you kept (--from)"
        )
    after, signers, witnessed = open_trusted(proof.new, keys=keys, witnesses=witnesses)
    if not proves_extension(old=before, new=after, proof=proof.hashes):
        raise VerificationFailed(
            f"the proof does not show the tree of {after.size} events extends the tree of "
            f"{before.size}: the log was rewritten, or the proof or a checkpoint was changed"
        )
    return ProofCheck(
        "consistency",
        after.origin,
        after.size,
        _b64(after.root),
        signers,
        witnessed,
        old_size=before.size,
        old_root=_b64(before.root),
    )


def _event(body: bytes) -> dict[str, Any]:
    return json_object(
        body,
        not_json="the proof's event is not an event body (JSON)",
        not_object="the proof's event is not an event body (a JSON object)",
    )


def _b64(data: bytes) -> str:
    return b64encode(data).decode("ascii")
