"""Replies that ask or explain: the approval prompt with its buttons, and help."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from bot.blocks import Block, Reply, code, context, escape, section, slackify
from bot.entries import entry_line
from bot.pages import PAGE_CHARS, reply, size
from ledger import grammar

if TYPE_CHECKING:
    from ledger.rfcs import RfcSummary


def approval_prompt(
    rfc: RfcSummary,
    version: str | None,
    value: str,
    approve_action: str,
    cancel_action: str,
    note: str = "",
) -> Reply:
    """Ask before approving: what takes effect, and a button behind a confirm dialog.

    The changes are paged like any long answer; the buttons end the first page.
    """
    pending = [e for e in rfc.changes if e.rfc_state == "proposed"]
    label = f" as version {escape(version)}" if version else ""
    title = (
        f"Approve {code(rfc.id)} *{escape(rfc.title)}*{label}? The approval is signed as you, "
        f"and the {len(pending)} change(s) proposed under it take effect at once."
    )
    first: list[Block] = []
    if note:
        first.append(context(f":information_source: {slackify(note)}"))
    first.append(section(title))
    actions = _buttons(rfc.id, len(pending), value, approve_action, cancel_action)
    lines = [entry_line(e) for e in pending]
    laid = reply(title, lines, first=first, budget=PAGE_CHARS - size([actions]))
    return laid.with_blocks(actions)


def _buttons(rfc_id: str, count: int, value: str, approve: str, cancel: str) -> Block:
    return {
        "type": "actions",
        "elements": [
            {
                "type": "button",
                "action_id": approve,
                "text": {"type": "plain_text", "text": f"Approve {rfc_id}"},
                "style": "primary",
                "value": value,
                "confirm": {
                    "title": {"type": "plain_text", "text": f"Approve {rfc_id}?"},
                    "text": {
                        "type": "mrkdwn",
                        "text": f"{count} proposed change(s) take effect now. "
                        "The approval is recorded for good.",
                    },
                    "confirm": {"type": "plain_text", "text": "Approve"},
                    "deny": {"type": "plain_text", "text": "Not yet"},
                    "style": "primary",
                },
            },
            {
                "type": "button",
                "action_id": cancel,
                "text": {"type": "plain_text", "text": "Cancel"},
                "value": rfc_id,
            },
        ],
    }


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
