"""The "more" button: the next page of a long answer, answered to whoever clicks it.

The button's value carries everything the next page needs: the words of the
command, the page, and the length of the log when the first page was
answered. So a click works however often it comes (it only reads), for
anyone, after the bot has restarted, and on any replica. If the ledger moved
on since the first page, the page says so: it shows the ledger as it is now.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

from bot.blocks import Block, Reply
from bot.limits import BUTTON_VALUE
from bot.links import web_link
from ledger.errors import InvalidInput

MORE_ACTION = "milestone_more"


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
            words = tuple(str(word) for word in asked["w"])
            page, head = int(asked["p"]), int(asked["h"])
        except (ValueError, KeyError, TypeError):
            raise InvalidInput(
                "this button is not one the bot made; run the command again"
            ) from None
        if page < 1 or head < 0 or not words:
            raise InvalidInput("this button is not one the bot made; run the command again")
        return cls(words, page, head)


def more_button(asked: PageRequest, pages: int, label: str | None = None) -> Block | None:
    """The button that answers page `asked.page` of `pages`; None if its value is too long
    for Slack (the page then says where to read the rest)."""
    value = asked.encode()
    if len(value) > BUTTON_VALUE:
        return None
    label = label or f"Show more (page {asked.page} of {pages})"
    return {
        "type": "actions",
        "elements": [
            {"type": "button", "action_id": MORE_ACTION, "text": _plain(label), "value": value}
        ],
    }


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
