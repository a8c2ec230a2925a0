"""The handlers of the requests about the ledger's Merkle tree (see `ledger.handle`).

Checkpoint files are read here, where the request names them (a terminal's
`--checkpoint FILE`); checking a proof opens no ledger at all. The tree and
checkpoint modules are imported by the handlers that use them, so that a plain
read of the plan does not load them.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ledger import proof_results as prs
from ledger import requests as rq
from ledger.errors import InvalidInput, NotFound

if TYPE_CHECKING:
    from ledger.handle import Context


def read_text(path: str, *, what: str) -> str:
    """A small text file someone named (a checkpoint), refused in one line if unreadable."""
    try:
        return Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise NotFound(f"no {what} at {path}") from None
    except (OSError, ValueError) as error:  # ValueError: not UTF-8, or a NUL in the name
        raise InvalidInput(f"cannot read the {what} at {path!r}: {error}") from None


def show_checkpoint(request: rq.ShowCheckpoint, context: Context) -> prs.Result:
    """A checkpoint signed now by the caller's key, one kept at an approval, or a key line."""
    from ledger import proving, tlog

    ledger = context.ledger
    if request.key_line:
        line = proving.key_line(ledger, signer=context.load_signer())
        return prs.KeyLineResult(key_line=line, origin=tlog.origin_of(ledger.ledger_id))
    if request.rfc is None:
        return prs.CheckpointResult(
            checkpoint=proving.current(ledger, signer=context.load_signer())
        )
    found = proving.at_approval(ledger, request.rfc)
    if found is None:
        rfc = ledger.state().rfcs.get(request.rfc)
        state = f"it is {rfc.state}" if rfc else "it is not in this ledger"
        if rfc is not None and rfc.state == "approved":
            state = "it was approved before this ledger signed checkpoints (schema 3)"
        raise NotFound(f"no checkpoint was signed at {request.rfc}'s approval: {state}")
    return prs.CheckpointResult(checkpoint=found)


def list_checkpoints(request: rq.ListCheckpoints, context: Context) -> prs.Result:
    """The checkpoints kept from RFC approvals."""
    from ledger import proving

    return prs.CheckpointListResult(checkpoints=proving.stored(context.ledger))


def prove(request: rq.Prove, context: Context) -> prs.Result:
    """An inclusion proof for an event, or a consistency proof between two checkpoints."""
    from ledger import proving

    ledger = context.ledger
    if request.seq is not None:
        note = read_text(request.checkpoint, what="checkpoint") if request.checkpoint else None
        signer = None if note is not None else context.load_signer()
        proof = proving.prove_event(ledger, seq=request.seq, checkpoint=note, signer=signer)
        return prs.ProofResult(proof=proof)
    assert request.from_ is not None  # the request refuses to be made without one
    old = read_text(request.from_, what="checkpoint (--from)")
    new = read_text(request.to, what="checkpoint (--to)") if request.to else None
    signer = None if new is not None else context.load_signer()
    return prs.ProofResult(proof=proving.prove_extension(ledger, old=old, new=new, signer=signer))


def verify_proof(request: rq.VerifyProof, context: Context) -> prs.Result:
    """Check a proof offline (the context's ledger is never opened)."""
    from ledger.note import parse_verifier_key
    from ledger.proof_check import check_proof
    from ledger.proof_file import parse_proof

    check = check_proof(
        parse_proof(request.proof),
        keys=[parse_verifier_key(key) for key in request.keys],
        witnesses=[parse_verifier_key(key) for key in request.witnesses],
        old=request.old,
    )
    return prs.ProofCheckResult(check=check)


def cosign(request: rq.Cosign, context: Context) -> prs.Result:
    """Cosign a checkpoint with a witness's key, after checking it extends its last."""
    from ledger.signing import load_key_file
    from ledger.witness import cosign as cosign_checkpoint
    from ledger.witness import witness_name

    witness = load_key_file(Path(request.witness_key))
    if request.checkpoint is None:
        name = request.name or witness_name(witness)
        return prs.KeyLineResult(key_line=witness.verifier_key(name=name).encode(), origin="")
    cosigned = cosign_checkpoint(
        context.ledger, note=request.checkpoint, witness=witness, name=request.name
    )
    return prs.CosignResult(cosigned=cosigned)


HANDLERS: dict[type[rq.Request], Callable[[Any, Context], prs.Result]] = {
    rq.ShowCheckpoint: show_checkpoint,
    rq.ListCheckpoints: list_checkpoints,
    rq.Prove: prove,
    rq.VerifyProof: verify_proof,
    rq.Cosign: cosign,
}
