"""The "more" button: the next page of a long answer, answered to whoever clicks it.

The button's value carries everything the next page needs: the words of the
command, the page, and the length of the log when the first page was
answered. So a click works however often it comes (it only reads), for
anyone, after the bot has restarted, and on any replica. If the ledger moved
on since the first page, the page says so: it shows the ledger as it is now.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass

from bot.blocks import Block, Reply
from bot.limits import BUTTON_VALUE
from bot.links import web_link
from ledger.errors import InvalidInput

MORE_ACTION = "milestone_more"
_NOT_OURS = "this button is not one the bot made; run the command again"
#: Every "more" button's action_id: MORE_ACTION, or MORE_ACTION_2, _3… beside another.
MORE_ACTIONS = re.compile(rf"^{MORE_ACTION}(_\d+)?$")


@dataclass(frozen=True)
class PageRequest:
    """Which page of which command, and how long the log was when it was first asked."""

    words: tuple[str, ...]
    page: int
    head: int

    def encode(self) -> str:
        """The button's value."""
        asked = {"w": list(self.words), "p": self.page, "h": self.head}
        return json.dumps(asked, ensure_ascii=False, separators=(",", ":"))

    @classmethod
    def decode(cls, value: str) -> PageRequest:
        """Read a button's value; `InvalidInput` if the bot did not make it."""
        try:
            asked = json.loads(value)
            if not isinstance(asked["w"], list):
                raise TypeError("words are a list")
            words = tuple(str(word) for word in asked["w"])
            page, head = int(asked["p"]), int(asked["h"])
        except (ValueError, KeyError, TypeError):
            raise InvalidInput(_NOT_OURS) from None
        if page < 1 or head < 0 or not words:
            raise InvalidInput(_NOT_OURS)
        return cls(words, page, head)


def more_button(asked: PageRequest, pages: int) -> Block | None:
    """The button that answers page `asked.page` of `pages`; None if its value is too long
    for Slack (the page then says where to read the rest)."""
    return next(iter(more_buttons([(asked, f"Show more (page {asked.page} of {pages})")])), None)


def more_buttons(asks: Sequence[tuple[PageRequest, str]]) -> list[Block]:
    """One actions block with a button for each (page, label), or none at all. A button
    whose value would be too long for Slack is left out."""
    elements = []
    for number, (asked, label) in enumerate(asks):
        value = asked.encode()
        if len(value) > BUTTON_VALUE:
            continue
        # action_ids must differ within a message: the first is MORE_ACTION, then _2, _3…
        action = MORE_ACTION if number == 0 else f"{MORE_ACTION}_{number + 1}"
        elements.append(
            {"type": "button", "action_id": action, "text": _plain(label), "value": value}
        )
    return [{"type": "actions", "elements": elements}] if elements else []


def _plain(text: str) -> dict[str, str]:
    return {"type": "plain_text", "text": text}


def page_of(
    reply: Reply,
    *,
    page: int,
    words: Sequence[str],
    head: int,
    now: int,
    url: str | None = None,
) -> Reply:
    """Page `page` of `reply`, ready to send: a note if the log grew since `head` (the
    first page), the link to the web view and the button to the next page when there
    are several pages."""
    shown = reply.page(page)
    if page > 1 and now != head:
        grown = now - head
        shown = shown.with_note(
            f":information_source: {abs(grown)} event(s) were recorded since the first page "
            "was answered; this page shows the ledger as it is now. Run the command again for "
            "a fresh first page."
        )
    if reply.pages == 1:
        return shown
    shown = shown.with_blocks(*web_link(url))
    if page < reply.pages:
        button = more_button(PageRequest(tuple(words), page + 1, head), reply.pages)
        if button is None:
            rest = "The rest is too long to page here; a terminal shows all of it."
            shown = shown.with_note(rest)
        else:
            shown = shown.with_blocks(button)
    return shown
