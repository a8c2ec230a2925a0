"""Slack messages: mrkdwn-escaped text in Block Kit blocks, kept inside Slack's limits.

Every string that comes from the ledger (titles, reasons, actors, summaries,
error messages quoting user input) goes through `escape`, so a title such as
`<!channel>` shows as text and pings nobody.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

Block = dict[str, Any]

#: The top-level text of a message, shown in notifications: Slack takes far more (see
#: `bot.limits`), but nobody reads more than this in a notification.
FALLBACK_TEXT = 3000

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


def clip(text: str, limit: int) -> str:
    """`text` cut to at most `limit` characters, ending in "…" when cut.

    The cut never leaves half an entity (`&am`) or half of Slack markup
    (`<@U1`), and closes a code span it cut open.
    """
    if len(text) <= limit:
        return text
    kept = _HALF_MARKUP.sub("", text[: max(0, limit - 2)])
    if kept.count("`") % 2:
        kept += "`"
    return kept + "…"


_HALF_MARKUP = re.compile(r"(&[#a-z0-9]*|<[^>]*)$")


def slackify(message: str) -> str:
    """A library message for Slack: escaped, with its command hints as slash commands."""
    return escape(message).replace("`milestone ", "`/milestone ")


# --- messages -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Reply:
    """A message for Slack: blocks, and the text shown in notifications and old clients.

    A long answer has pages: `blocks` is the first, `later` holds the rest, each
    within Slack's limits (`bot.pages` lays them out). `page(n)` is page n as a
    reply of its own.
    """

    text: str
    blocks: tuple[Block, ...] = field(default=())
    later: tuple[tuple[Block, ...], ...] = field(default=())

    @property
    def pages(self) -> int:
        """How many pages the answer has."""
        return 1 + len(self.later)

    def page(self, number: int) -> Reply:
        """Page `number` (from 1) alone; a number past the end is the last page."""
        number = max(1, min(number, self.pages))
        if number == 1:
            return Reply(self.text, self.blocks)
        return Reply(f"{self.text} (page {number} of {self.pages})", self.later[number - 2])

    def message(self, **extra: Any) -> dict[str, Any]:
        """The payload of the first page for ack(), respond() or chat.postMessage."""
        payload: dict[str, Any] = {"text": clip(self.text, FALLBACK_TEXT), **extra}
        if self.blocks:
            payload["blocks"] = list(self.blocks)
        return payload

    def with_blocks(self, *blocks: Block) -> Reply:
        """The same reply with blocks added at the end of its first page."""
        return Reply(self.text, (*self.blocks, *blocks), self.later)

    def with_note(self, text: str) -> Reply:
        """The same reply with a small line of mrkdwn added at the end of its first page."""
        return self.with_blocks(context(text))

    def ephemeral(self, **extra: Any) -> dict[str, Any]:
        """The payload of an answer only the asking user sees."""
        return self.message(response_type="ephemeral", **extra)


def section(text: str) -> Block:
    """A section block of mrkdwn text."""
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


def context(text: str) -> Block:
    """A small grey line of mrkdwn text."""
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": text}]}


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
