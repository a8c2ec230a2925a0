"""Long answers laid out in pages, each well inside Slack's limits.

A reply is a title and lines. The lines are gathered into sections (each
under Slack's 3,000 characters) and the sections into pages; a page holds at
most `PAGE_BLOCKS` blocks and `PAGE_CHARS` characters of serialised blocks,
which leaves room under Slack's limits (`bot.limits`) for what is added to a
page later: the "more" button, a link to the web view, a note. Every line is
on some page, so nothing is cut: the first page is answered, the "more"
button answers the next.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from bot.blocks import Block, Reply, clip, context, section
from bot.limits import BLOCKS, BLOCKS_TOTAL, SECTION_TEXT

#: Blocks and serialised characters of a page's own content; the rest of Slack's allowance
#: (10 blocks, 4,000 characters) is for the buttons, links and notes added to a page.
PAGE_BLOCKS = BLOCKS - 10
PAGE_CHARS = BLOCKS_TOTAL - 4000
#: A section's text, a little under Slack's limit.
SECTION_CHARS = SECTION_TEXT - 100
#: The longest line; a longer one is cut (no line of the ledger comes near it).
LINE_CHARS = 1500
#: The title repeated at the top of later pages.
HEADER_CHARS = 200


def size(blocks: Sequence[Block]) -> int:
    """Characters of `blocks` serialised as Slack receives them (see `bot.limits`)."""
    return len(json.dumps(list(blocks), ensure_ascii=False, separators=(",", ":")))


def _text_size(text: str) -> int:
    return len(json.dumps(text, ensure_ascii=False)) - 2


_SECTION = size([section("")])  # a section's own characters around its text
_JOIN = _text_size("\n")


class _Pages:
    """Pages filled line by line."""

    def __init__(self, first: Sequence[Block], tail: Sequence[Block], budget: int) -> None:
        self.budget = budget
        self.done: list[list[Block]] = []
        self.page: list[Block] = list(first)
        self.tail = list(tail)  # ends the first page: counted now, placed at the close
        self.used = size([*self.page, *self.tail]) + 1
        self.chunk: list[str] = []
        self.chunk_size = 0

    def add(self, line: str) -> None:
        cost = _text_size(line)
        if self.chunk and (
            len("\n".join(self.chunk)) + 1 + len(line) > SECTION_CHARS
            or not self._fits(self.chunk_size + _JOIN + cost)
        ):
            self.flush()
        if not self.chunk and not self._fits(cost):
            self.turn()
        self.chunk_size += (_JOIN if self.chunk else 0) + cost
        self.chunk.append(line)

    def _fits(self, chunk_size: int) -> bool:
        """Whether the page has room for one more section holding `chunk_size` of text."""
        return (
            len(self.page) + len(self.tail) + 1 <= PAGE_BLOCKS
            and self.used + _SECTION + chunk_size + 1 <= self.budget  # +1: a comma
        )

    def flush(self) -> None:
        if self.chunk:
            block = section("\n".join(self.chunk))
            self.page.append(block)
            self.used += size([block]) + 1
            self.chunk, self.chunk_size = [], 0

    def turn(self) -> None:
        self.flush()
        if not self.done:
            self.page.extend(self.tail)
            self.tail = []
        self.done.append(self.page)
        # Room for the header that `reply` puts at the top once the pages are counted.
        self.page, self.used = [], size([context("x" * (HEADER_CHARS + 40))]) + 1

    def close(self) -> list[list[Block]]:
        self.flush()
        if self.page or not self.done:
            self.done.append(self.page)
        self.done[0].extend(self.tail)
        return self.done


def reply(
    title: str,
    lines: Sequence[str] = (),
    *,
    note: str | None = None,
    first: Sequence[Block] | None = None,
    budget: int = PAGE_CHARS,
) -> Reply:
    """A title, then lines gathered into sections, in as many pages as it takes.

    `first` replaces the title section at the top of the first page (an
    answer with fields, say); `note` ends the first page; `budget` is the
    serialised size of a page's content (less for a page that will carry
    more buttons). Later pages start with the title and their number.
    """
    head = list(first) if first is not None else [section(clip(title, SECTION_CHARS))]
    tail = [context(clip(note, SECTION_CHARS))] if note else []
    pages = _Pages(head, tail, budget)
    for line in lines:
        pages.add(clip(line, LINE_CHARS))
    laid = pages.close()
    total = len(laid)
    later = tuple(
        (context(f"{clip(title, HEADER_CHARS)} · page {n} of {total}"), *page)
        for n, page in enumerate(laid[1:], 2)
    )
    return Reply(title, tuple(laid[0]), later)
