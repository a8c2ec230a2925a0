"""Slack messages: mrkdwn-escaped text in Block Kit blocks, kept inside Slack's limits.

Every string that comes from the ledger (titles, reasons, actors, summaries,
error messages quoting user input) goes through `escape`, so a title such as
`<!channel>` shows as text and pings nobody.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

Block = dict[str, Any]

#: Slack's limits are 50 blocks a message and 3000 characters a section; stay inside them,
#: and keep a reply short enough to read (the terminal has the whole of anything).
MAX_BLOCKS = 45
SECTION_CHARS = 2900
MESSAGE_CHARS = 12000

_SLACK_ACTOR = re.compile(r"^slack:[A-Z0-9]+/([UW][A-Z0-9]+)$")


def escape(text: object) -> str:
    """Text made inert for Slack mrkdwn: `&`, `<` and `>` as entities."""
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def who(actor: str | None) -> str:
    """An actor for people: a Slack user as a mention, anyone else as escaped text."""
    if actor is None:
        return "-"
    match = _SLACK_ACTOR.match(actor)
    return f"<@{match.group(1)}>" if match else escape(actor)


def code(text: str) -> str:
    """A milestone code or RFC id, set in monospace."""
    return "`" + escape(text).replace("`", "'") + "`"


def slackify(message: str) -> str:
    """A library message for Slack: escaped, with its command hints as slash commands."""
    return escape(message).replace("`milestone ", "`/milestone ")


# --- messages -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Reply:
    """A message for Slack: blocks, and the text shown in notifications and old clients."""

    text: str
    blocks: tuple[Block, ...] = field(default=())
    cut: bool = False  # lines of the answer were left out to fit Slack

    def message(self, **extra: Any) -> dict[str, Any]:
        """The payload for ack(), respond() or chat.postMessage."""
        payload: dict[str, Any] = {"text": self.text[:3000], **extra}
        if self.blocks:
            payload["blocks"] = list(self.blocks)
        return payload

    def with_note(self, text: str) -> Reply:
        """The same reply with a small line of mrkdwn added at the end."""
        return Reply(self.text, (*self.blocks, context(text)), self.cut)

    def ephemeral(self, **extra: Any) -> dict[str, Any]:
        """The payload of an answer only the asking user sees."""
        return self.message(response_type="ephemeral", **extra)


def section(text: str) -> Block:
    """A section block of mrkdwn text."""
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


def context(text: str) -> Block:
    """A small grey line of mrkdwn text."""
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": text}]}


def reply(
    title: str, lines: Sequence[str] = (), *, note: str | None = None, cut: bool = False
) -> Reply:
    """A title, then lines gathered into sections (cut short past Slack's limits); `cut`
    says the caller left some of the answer out already."""
    blocks = [section(title)]
    chunk: list[str] = []
    size = 0
    used = len(title)
    shown = 0
    for line in lines:
        if used + len(line) > MESSAGE_CHARS or len(blocks) >= MAX_BLOCKS:
            break
        if chunk and size + len(line) + 1 > SECTION_CHARS:
            blocks.append(section("\n".join(chunk)))
            chunk, size = [], 0
        chunk.append(line[:SECTION_CHARS])
        size += len(line) + 1
        used += len(line) + 1
        shown += 1
    if chunk:
        blocks.append(section("\n".join(chunk)))
    if shown < len(lines):
        blocks.append(
            context(f"…and {len(lines) - shown} more not shown here; a terminal shows all of it.")
        )
    if note:
        blocks.append(context(note))
    return Reply(title, tuple(blocks), cut or shown < len(lines))


def error(message: str) -> Reply:
    """What was wrong and what would be right."""
    text = f":warning: {slackify(message)}"
    return Reply(text, (section(text),))


def broken(seq: int, reason: str) -> str:
    """The note on every read while the stored chain does not verify."""
    return (
        f":warning: The ledger does not verify at event #{seq} ({escape(reason)}); changes are "
        "refused until it is repaired. `/milestone verify` shows the report."
    )


def busy(what: str) -> Reply:
    """The acknowledgement when the ledger is too slow to answer within Slack's 3 seconds."""
    text = (
        f":hourglass_flowing_sand: The ledger database is slow to answer right now (busy or "
        f"locked). Still working on `{escape(what)}`; the answer will follow here."
    )
    return Reply(text, (section(text),))
