"""Questions about the ledger's Merkle tree: checkpoints, proofs, and checking and cosigning them.

`checkpoint`, `checkpoints` and `prove` are words of the shared grammar (a
checkpoint file can only be given at a terminal). Checking a proof offline and
cosigning as a witness take files and keys only a terminal has, so they are
made by `cli` alone.
"""

from __future__ import annotations

from ledger.checks import check_rfc_id
from ledger.errors import InvalidInput
from ledger.frozen import frozen_type
from ledger.requests.base import Read, Request, arg, flag, opt

FILE = "FILE"


@frozen_type
class ShowCheckpoint(Read):
    """Print a checkpoint of the ledger now, signed by your key: its size and Merkle root.

    Keep it: `milestone prove` shows later that any event is in it, or that the
    log still extends it. With --rfc, the checkpoint signed when that RFC was
    approved, with any witnesses' cosignatures.
    """

    WORDS = ("checkpoint",)
    EXAMPLES = ("checkpoint", "checkpoint --rfc RFC-781", "checkpoint --key-line")
    rfc: str | None = opt("the checkpoint signed when this RFC was approved")
    key_line: bool = flag("print the verifier key readers need to check your checkpoints")

    def __post_init__(self) -> None:
        if self.rfc is not None:
            self._set("rfc", check_rfc_id(self.rfc))
        if self.rfc is not None and self.key_line:
            raise InvalidInput("--key-line prints your verifier key; leave out --rfc")


@frozen_type
class ListCheckpoints(Read):
    """List the checkpoints signed at RFC approvals, and who cosigned them."""

    WORDS = ("checkpoints",)
    EXAMPLES = ("checkpoints",)


@frozen_type
class Prove(Read):
    """Prove an event is in a checkpoint, or that a checkpoint extends an older one.

    `prove SEQ` proves event SEQ in a checkpoint of the head signed now by your
    key (or in --checkpoint FILE); `prove --from OLD --to NEW` proves the log
    of NEW extends that of OLD (NEW defaults to a checkpoint of the head). The
    proof is checked offline by `milestone verify-proof`, or any C2SP tool.
    """

    WORDS = ("prove",)
    EXAMPLES = ("prove 1234",)
    seq: int | None = arg("the event to prove, by its seq", type=int, required=False)
    checkpoint: str | None = opt(
        "prove it in this checkpoint (a file), not one signed now", metavar=FILE, cli_only=True
    )
    from_: str | None = opt(
        "prove the log extends this checkpoint (a file)",
        option="--from",
        metavar=FILE,
        cli_only=True,
    )
    to: str | None = opt(
        "the newer checkpoint (a file; default: one of the head, signed now)",
        metavar=FILE,
        cli_only=True,
    )

    def __post_init__(self) -> None:
        if self.seq is not None and self.from_ is not None:
            raise InvalidInput(
                "prove one thing at a time: an event (`prove SEQ`) or that the log extends "
                "a checkpoint (`prove --from OLD`)"
            )
        if self.seq is None and self.from_ is None:
            raise InvalidInput(
                "say what to prove: an event (`prove SEQ`), or at a terminal that the log "
                "extends a checkpoint (`prove --from OLD [--to NEW]`)"
            )
        if self.seq is not None and self.to is not None:
            raise InvalidInput("--to goes with --from; prove an event in a file with --checkpoint")
        if self.from_ is not None and self.checkpoint is not None:
            raise InvalidInput(
                "--checkpoint goes with SEQ; between checkpoints use --from and --to"
            )
        if self.seq is not None and self.seq < 1:
            raise InvalidInput(f"an event's seq is a whole number from 1, not {self.seq}")


@frozen_type
class VerifyProof(Read):
    """Check a proof offline, with only the proof, its checkpoints and the keys you trust.

    `proof` is the proof file's text; `keys` and `witnesses` are verifier key
    strings; `old` is the text of the older checkpoint you kept, for a
    consistency proof. Nothing is read from a ledger.
    """

    proof: str
    keys: tuple[str, ...]
    witnesses: tuple[str, ...] = ()
    old: str | None = None


@frozen_type
class Cosign(Request):
    """Cosign a checkpoint as a witness, once it extends the last one this witness cosigned.

    `checkpoint` is the signed note's text and `witness_key` the path of the
    witness's private key; `name` is the name the witness signs under. With
    `key_line`, nothing is cosigned: the answer is the witness's verifier key.
    """

    checkpoint: str | None
    witness_key: str
    name: str | None = None
    key_line: bool = False

    def __post_init__(self) -> None:
        if self.checkpoint is not None and self.key_line:
            raise InvalidInput(
                "--key-line prints the witness's verifier key and cosigns nothing; "
                "leave out the checkpoint"
            )
        if self.checkpoint is None and not self.key_line:
            raise InvalidInput(
                "give the checkpoint to cosign (a file), or --key-line for the witness's "
                "verifier key"
            )
