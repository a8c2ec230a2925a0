"""Witnessing: a second key vouches that a checkpoint extends everything it vouched for before.

A log could show one auditor one history and another auditor another, each
signed. A witness prevents that: it cosigns a checkpoint only after checking,
with a consistency proof, that its tree extends the last checkpoint this
witness cosigned, so no two checkpoints it signed can disagree. A reader who
requires the witness's signature (`milestone verify-proof --witness`) is then
safe from a forked log unless the witness is in on it.

The witness signs a C2SP signed-note line under its own name over the same
checkpoint text, which Go's sumdb/note reads like any other signature. The
ledger keeps each cosigned note (`cosignatures`), which is also where the
witness's last cosigned checkpoint is found.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from ledger import proofs, proving, tlog, tree
from ledger.checkpoint import parse_checkpoint, proves_extension
from ledger.errors import Refused, VerificationFailed
from ledger.note import is_valid_name, parse_note
from ledger.proof_check import open_trusted
from ledger.store import checkpoints

if TYPE_CHECKING:
    from ledger.ledger import Ledger
    from ledger.signing import Signer


@dataclass(frozen=True)
class Cosigned:
    """A checkpoint a witness has just cosigned, and the one it had cosigned before."""

    note: str
    witness: str  # the witness's verifier key
    size: int
    previous: int | None  # the size of the checkpoint it cosigned before, if any


def witness_name(witness: Signer) -> str:
    """The name a witness signs under unless it chooses one: from its key id."""
    return f"witness-{witness.key_id}"


def cosign(ledger: Ledger, *, note: str, witness: Signer, name: str | None = None) -> Cosigned:
    """Cosign `note`, a checkpoint of this ledger signed by one of its registered keys.

    Refused unless the checkpoint's tree is this ledger's, and extends the last
    checkpoint this witness cosigned. Taken under the ledger's write lock, so
    two cosignings by one witness never race past each other.
    """
    known = ledger.state().keys.get(witness.key_id)
    if known is not None:
        # A log's own key vouching for the log proves nothing a checkpoint does not.
        raise Refused(
            f"key {witness.key_id} is {known.actor}'s, registered in this ledger; a witness "
            "signs with a key of its own (give it with --key)"
        )
    name = name or witness_name(witness)
    if not is_valid_name(name):
        raise Refused(f"a witness name has no spaces or '+', got {name!r:.60}")
    key = witness.verifier_key(name=name).encode()
    keys = tlog.log_keys(ledger.state(), ledger_id=ledger.ledger_id)
    open_trusted(note, keys=keys)
    with ledger.store.locked() as conn:
        head = proving.held(conn, ledger, note)
        last = checkpoints.last_cosignature(conn, witness=key)
        previous = None
        if last is not None:
            before = parse_checkpoint(parse_note(last.note).text)
            previous = before.size
            if before.size > head.size:
                raise Refused(
                    f"this witness already cosigned a checkpoint of {before.size} events; it "
                    f"never cosigns an older one ({head.size} events)"
                )
            hashes = proofs.consistency_proof(
                old_size=before.size, new_size=head.size, read=tree.reader(conn)
            )
            if not proves_extension(old=before, new=head, proof=hashes):
                raise VerificationFailed(
                    f"the checkpoint of {head.size} events does not extend the one of "
                    f"{before.size} events this witness cosigned: the log forked; not cosigned"
                )
        cosigned = witness.cosign_note(note, name=name, verifiers=keys)
        checkpoints.insert_cosignature(
            conn, checkpoints.StoredCosignature(witness=key, size=head.size, note=cosigned)
        )
    return Cosigned(note=cosigned, witness=key, size=head.size, previous=previous)
