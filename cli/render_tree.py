"""How checkpoints, proofs and their checks read in a terminal (`cli.render` registers them).

A checkpoint, a proof and a cosigned checkpoint print exactly as the files an
auditor keeps (`milestone checkpoint > now.checkpoint`), so nothing around them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from cli.tables import Column, table

if TYPE_CHECKING:
    from ledger.proof_check import ProofCheck
    from ledger.proving import CheckpointInfo
    from ledger.verify_tree import TreeReport


def checkpoints_text(checkpoints: list[CheckpointInfo]) -> str:
    """The checkpoints kept from RFC approvals, one a line."""
    if not checkpoints:
        return (
            "No checkpoints yet: one is signed at every RFC approval; "
            "`milestone checkpoint` signs one of the head now."
        )
    rows = [
        [
            str(c.size),
            c.rfc or "",
            (c.recorded_at or "")[:19].replace("T", " "),
            ", ".join(c.signers) or "(unknown key)",
            str(len(c.witnesses)),
            c.root,
        ]
        for c in checkpoints
    ]
    columns = (
        Column("size", justify="right"),
        Column("rfc"),
        Column("recorded (UTC)"),
        Column("signed by key", wrap=True),
        Column("witnesses", justify="right"),
        Column("root", wrap=True),
    )
    return table(columns, rows) + (
        "\n\n`milestone checkpoint --rfc RFC` prints one to keep; "
        "`milestone prove` proves events in it."
    )


def tree_text(report: TreeReport | None) -> str:
    """The Merkle tree's line in `milestone verify`, after the chain's, when all held."""
    if report is None:
        return ""
    return (
        f"\ntree       {_count(report.nodes, 'Merkle node')}, "
        f"{_count(report.checkpoints, 'checkpoint')} and "
        f"{_count(report.cosignatures, 'cosignature')} verified"
    )


def approval_text(rfc: str, checkpoint: CheckpointInfo) -> str:
    """The checkpoint signed at an RFC's approval, in a sentence of `rfc show` (the root and
    the signature are in the checkpoint itself, which the sentence says how to print)."""
    witnessed = f", cosigned by {len(checkpoint.witnesses)}" if checkpoint.witnesses else ""
    return (
        f"  A checkpoint of {checkpoint.size} events was signed at its approval{witnessed}; "
        f"`milestone checkpoint --rfc {rfc}` prints it to keep."
    )


def check_text(check: ProofCheck) -> str:
    """What a proof showed, for a person."""
    if check.kind == "inclusion":
        event = check.event
        lines = [
            f"OK: event #{check.seq} is in {check.origin} at size {check.size}.",
            f"  event    {event.get('type')} {event.get('subject')} by {event.get('actor')}, "
            f"recorded {str(event.get('recorded_at'))[:19].replace('T', ' ')}",
        ]
    else:
        lines = [
            f"OK: the log of {check.size} events extends the log of {check.old_size} events "
            f"({check.origin}).",
            f"  old root {check.old_root}",
        ]
    lines.append(f"  root     {check.root}")
    lines.extend(f"  signed   {label}" for label in check.signed_by)
    lines.extend(f"  witness  {label}" for label in check.witnessed_by)
    return "\n".join(lines)


def _count(n: int, thing: str) -> str:
    return f"{n} {thing}" + ("" if n == 1 else "s")
