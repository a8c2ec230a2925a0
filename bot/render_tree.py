"""How checkpoints and proofs read in Slack (`bot.render` registers them).

A checkpoint or proof is shown in a code block, exactly as the file an auditor
keeps, so it can be copied from the channel; an approval's announcement carries
the checkpoint signed at that approval, which makes the channel a public record
of every checkpoint the ledger signed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.blocks import Block, Reply, code, context, escape, section
from bot.pages import SECTION_CHARS, reply
from ledger.proof_file import InclusionProof, Proof

if TYPE_CHECKING:
    from ledger.proving import CheckpointInfo
    from ledger.verify_tree import TreeReport


def _block(text: str) -> str:
    return "```" + escape(text.rstrip("\n")) + "```"


def checkpoint(info: CheckpointInfo) -> Reply:
    """One checkpoint, ready to keep."""
    at = f" at {code(info.rfc)}'s approval" if info.rfc else ", signed now"
    title = f"*Checkpoint*{at}: {info.size} events, root `{info.root}`"
    return reply(title, [_block(info.note)], note="Keep it: `/milestone prove SEQ` uses it.")


def key_line(line: str) -> Reply:
    """The verifier key that checks the checkpoints this bot signs."""
    return reply("*Verifier key* for the checkpoints this bot signs:", [_block(line)])


def checkpoints(found: list[CheckpointInfo]) -> Reply:
    """The checkpoints kept from RFC approvals."""
    if not found:
        return reply("No checkpoints yet: one is signed at every RFC approval.")
    lines = [
        f"`{c.size}` {code(c.rfc or '-')} {(c.recorded_at or '')[:16].replace('T', ' ')}"
        f" · root `{c.root}`" + (f" · cosigned by {len(c.witnesses)}" if c.witnesses else "")
        for c in found
    ]
    return reply(
        f"*Checkpoints* ({len(found)})",
        lines,
        note="`/milestone checkpoint --rfc RFC-N` shows one in full.",
    )


def proof(made: Proof) -> Reply:
    """A proof, as the file to keep (a terminal has it when it is too long for Slack)."""
    text = made.text()
    what = f"event `#{made.seq}`" if isinstance(made, InclusionProof) else "an extension"
    if len(text) + 6 > SECTION_CHARS:
        return reply(f"*Proof* of {what}: too long for a Slack message; `milestone prove` has it.")
    return reply(f"*Proof* of {what}:", [_block(text)], note="Check it: `milestone verify-proof`.")


def approval_checkpoint(info: CheckpointInfo) -> tuple[Block, Block]:
    """The blocks an approval's announcement adds: its checkpoint, to keep."""
    return (
        context(f"Checkpoint signed at this approval ({info.size} events), to keep:"),
        section(_block(info.note)),
    )


def at_approval(rfc: str, info: CheckpointInfo) -> str:
    """The line `rfc show` adds for the checkpoint signed at the approval."""
    return (
        f"Checkpoint at approval: {info.size} events, root `{info.root}` "
        f"(`/milestone checkpoint --rfc {rfc}` shows it)"
    )


def verified(chain: Reply, tree: TreeReport) -> Reply:
    """`verify`'s answer when all held, with what the Merkle tree's check covered."""
    return chain.with_note(
        f"Merkle tree: {tree.nodes} nodes, {tree.checkpoints} checkpoints and "
        f"{tree.cosignatures} cosignatures verified."
    )
