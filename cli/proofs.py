"""Terminal commands about proofs that take files and keys only a terminal has: checking a
proof offline, and cosigning a checkpoint as a witness. `cli.app` registers them.

Both build a request and go through `cli.session.answer` like every command;
`verify-proof` never opens a ledger.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer

from cli.session import answer

_JSON = Annotated[bool, typer.Option("--json", help="print JSON for scripts")]


def _text(path: Path, what: str) -> str:
    from ledger.proof_handlers import read_text

    return read_text(str(path), what=what)


def _key(value: str) -> str:
    """A verifier key given on the command line, or the first line of a file holding one."""
    if os.path.isfile(value):
        lines = [line.strip() for line in _text(Path(value), "verifier key").splitlines()]
        return next((line for line in lines if line), "")
    return value


def verify_proof(
    ctx: typer.Context,
    proof: Annotated[Path, typer.Argument(help="the proof file (`milestone prove` wrote it)")],
    key: Annotated[
        list[str],
        typer.Option(
            help="a verifier key of the log (name+id+base64, as `milestone checkpoint "
            "--key-line` prints it), or a file holding one; repeat for several"
        ),
    ],
    witness: Annotated[
        list[str] | None,
        typer.Option(help="a witness's verifier key that must have cosigned; repeatable"),
    ] = None,
    from_: Annotated[
        Path | None,
        typer.Option("--from", help="the older checkpoint you kept (consistency proofs)"),
    ] = None,
    json_: _JSON = False,
) -> None:
    """Check a proof offline, with only the proof, its checkpoints and the keys you trust.

    Exit status 0 when the proof holds, 9 when it does not.
    """
    from ledger.requests import VerifyProof

    answer(
        ctx,
        lambda: VerifyProof(
            proof=_text(proof, "proof"),
            keys=tuple(_key(k) for k in key),
            witnesses=tuple(_key(w) for w in witness or ()),
            old=_text(from_, "checkpoint (--from)") if from_ else None,
        ),
        as_json=json_,
    )


def cosign(
    ctx: typer.Context,
    key: Annotated[Path, typer.Option(help="the witness's private key file")],
    checkpoint: Annotated[
        Path | None, typer.Argument(help="the checkpoint to cosign (a file)", show_default=False)
    ] = None,
    name: Annotated[
        str | None, typer.Option(help="the name the witness signs under (default: from its key)")
    ] = None,
    key_line: Annotated[
        bool, typer.Option("--key-line", help="print the witness's verifier key, cosign nothing")
    ] = False,
    json_: _JSON = False,
) -> None:
    """Cosign a checkpoint as a witness, once it extends the last one this witness cosigned.

    Prints the checkpoint with the witness's signature added; readers require it
    with `milestone verify-proof --witness KEY`.
    """
    from ledger.requests import Cosign

    answer(
        ctx,
        lambda: Cosign(
            checkpoint=_text(checkpoint, "checkpoint") if checkpoint else None,
            witness_key=str(key),
            name=name,
            key_line=key_line,
        ),
        as_json=json_,
    )
