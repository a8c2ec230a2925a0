"""Replies that ask or explain: the approval prompt with its buttons, and help."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from bot.blocks import Block, Reply, code, context, escape, reply, section, slackify
from bot.render import entry_line
from ledger import grammar

if TYPE_CHECKING:
    from ledger.queries import RfcSummary


def approval_prompt(
    rfc: RfcSummary,
    version: str | None,
    value: str,
    approve_action: str,
    cancel_action: str,
    note: str = "",
) -> Reply:
    """Ask before approving: what takes effect, and a button behind a confirm dialog."""
    pending = [e for e in rfc.changes if e.rfc_state == "proposed"]
    label = f" as version {escape(version)}" if version else ""
    title = (
        f"Approve {code(rfc.id)} *{escape(rfc.title)}*{label}? The approval is signed as you, "
        f"and the {len(pending)} change(s) proposed under it take effect at once."
    )
    blocks: list[Block] = []
    if note:
        blocks.append(context(f":information_source: {slackify(note)}"))
    blocks.append(section(title))
    if pending:
        lines = [entry_line(e) for e in pending[:20]]
        if len(pending) > 20:
            lines.append(f"…and {len(pending) - 20} more (`/milestone rfc show {rfc.id}`)")
        blocks.append(section("\n".join(lines)))
    blocks.append(
        {
            "type": "actions",
            "elements": [
                {
                    "type": "button",
                    "action_id": approve_action,
                    "text": {"type": "plain_text", "text": f"Approve {rfc.id}"},
                    "style": "primary",
                    "value": value,
                    "confirm": {
                        "title": {"type": "plain_text", "text": f"Approve {rfc.id}?"},
                        "text": {
                            "type": "mrkdwn",
                            "text": f"{len(pending)} proposed change(s) take effect now. "
                            "The approval is recorded for good.",
                        },
                        "confirm": {"type": "plain_text", "text": "Approve"},
                        "deny": {"type": "plain_text", "text": "Not yet"},
                        "style": "primary",
                    },
                },
                {
                    "type": "button",
                    "action_id": cancel_action,
                    "text": {"type": "plain_text", "text": "Cancel"},
                    "value": rfc.id,
                },
            ],
        }
    )
    return Reply(title, tuple(blocks))


# --- help ---------------------------------------------------------------------------------------


def help_all(commands: Iterable[grammar.Command]) -> Reply:
    """Every command with its usage."""
    reads: list[str] = []
    writes: list[str] = []
    for command in commands:
        line = f"`/milestone {escape(command.usage())}` {escape(command.help)}"
        (writes if command.writes else reads).append(line)
    lines = ["*Read* (only you see the answer)", *reads, "*Change* (signed as you, announced)"]
    lines += writes
    return reply(
        "*`/milestone` — the release plan ledger*",
        lines,
        note="Dates are YYYY-MM-DD; `on DATE` works for `--on DATE`. Put text with spaces in "
        'quotes: `/milestone retitle DM-AP-18 "Alert packets"`. `/milestone help COMMAND` '
        "explains one command.",
    )


def help_one(command: grammar.Command) -> Reply:
    """One command: usage, parameters, examples."""
    lines = []
    for param in command.params:
        if param.spec.cli_only:
            continue
        name = param.metavar if param.kind == "arg" else param.option
        lines.append(f"`{escape(name)}` {escape(param.help)}")
    lines.extend(f"Example: `/milestone {escape(example)}`" for example in command.examples)
    return reply(f"`/milestone {escape(command.usage())}`\n{escape(command.help)}", lines)
