"""Tables and paragraphs for people, laid out for the screen at hand.

Columns of codes, dates and words never wrap; titles and descriptions wrap
at spaces to share what the width leaves, so a row may take two lines in a
narrow terminal but never hides what it says. When even that does not fit,
each row is stacked: its short cells on one line, its long ones indented
below. Colour marks status (and headers) only when the screen takes it.

This is a small layout of its own rather than rich's `Table`: rich took
0.15-0.25 s to lay out the 130 rows of LDM-564's plan (and 0.12 s to
import), more than the rest of the command, and at 40 columns it dropped
the title column and cut the dates.
"""

from __future__ import annotations

import textwrap
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from cli.screen import PLAIN, Screen

#: A cell: its text, or its text and a style ("bold", "red", "bold red", "dim"...).
Cell = str | tuple[str, str]

#: How a status reads at a glance.
STATUS_STYLES = {
    "done": "green",
    "late": "bold red",
    "slipped": "yellow",
    "withdrawn": "dim",
    "open": "yellow",
    "approved": "green",
    "rejected": "dim",
    "proposed": "yellow",
    "ok": "green",
    "BAD": "bold red",
    "unknown key": "bold red",
}
_SGR = {"bold": "1", "dim": "2", "italic": "3", "red": "31", "green": "32", "yellow": "33"}
GAP = "  "
#: A wrapping column keeps at least this many columns before rows are stacked instead.
NARROWEST_WRAP = 10
#: A wrapping column is first given room for its longest word, up to this many columns, so
#: a name such as slack:T024BE7LD/U012AB3CD is not folded while there is room for it.
WHOLE_WORD = 26


@dataclass(frozen=True)
class Column:
    """A column: its header, whether its cells may wrap, and how they are aligned."""

    header: str
    wrap: bool = False
    justify: Literal["left", "right"] = "left"


def status(word: str) -> Cell:
    """A status word in its colour."""
    return (word, STATUS_STYLES.get(word, ""))


def width(text: str) -> int:
    """How many columns `text` takes in a terminal (wide East Asian characters take two)."""
    if text.isascii():
        return len(text)
    return sum(map(_char_width, text))


@lru_cache(maxsize=4096)
def _char_width(ch: str) -> int:
    # Cached per character: a long table measures the same few non-ASCII ones
    # (dashes, arrows, ellipses) tens of thousands of times.
    if unicodedata.combining(ch):
        return 0
    return 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1


def styled(text: str, style: str, screen: Screen = PLAIN) -> str:
    """`text` in `style` when the screen takes colour."""
    if not screen.color or not style or not text:
        return text  # most cells, in most tables: nothing to look up
    codes = [_SGR[word] for word in style.split() if word in _SGR]
    if not codes:
        return text
    return f"\x1b[{';'.join(codes)}m{text}\x1b[0m"


def paragraph(text: str, screen: Screen = PLAIN, *, indent: int = 0) -> str:
    """Text wrapped to the width (continuation lines indented by `indent`)."""
    if screen.width is None or width(text) <= screen.width:
        return text
    return "\n".join(_wrap(text, screen.width, subsequent=" " * indent))


def table(columns: Sequence[Column], rows: Sequence[Sequence[Cell]], screen: Screen = PLAIN) -> str:
    """Rows under headers, each column as wide as it needs; wrapping columns share what the
    width leaves, and rows are stacked when even that does not fit."""
    cells = [[(c, "") if isinstance(c, str) else c for c in row] for row in rows]
    headers = [column.header.upper() for column in columns]
    natural = [
        max([width(headers[i]), *(width(row[i][0]) for row in cells)]) for i in range(len(columns))
    ]
    # The longest word matters only where a column may wrap (`_fit`).
    longest = [
        max([0, *(width(word) for row in cells for word in row[i][0].split())])
        if column.wrap
        else 0
        for i, column in enumerate(columns)
    ]
    widths = _fit(columns, natural, longest, screen.width)
    if widths is None:
        return _stacked(columns, headers, cells, screen)
    head = [(h, "bold") for h in headers]
    lines = _row(columns, head, widths, screen)
    for row in cells:
        lines += _row(columns, row, widths, screen)
    return "\n".join(lines)


def _fit(
    columns: Sequence[Column], natural: list[int], longest: list[int], room: int | None
) -> list[int] | None:
    """Column widths within `room`: short columns as wide as they need, wrapping ones sharing
    the rest in proportion to their widest cell, each kept as wide as its longest word when
    there is room for that; None when even `NARROWEST_WRAP` does not fit."""
    wrapping = [i for i, column in enumerate(columns) if column.wrap]
    if room is None or not wrapping:
        return natural
    fixed = sum(w for i, w in enumerate(natural) if i not in wrapping)
    left = room - fixed - len(GAP) * (len(columns) - 1)
    wanted = sum(natural[i] for i in wrapping)
    if wanted <= left:
        return natural
    least = {i: min(natural[i], max(NARROWEST_WRAP, min(longest[i], WHOLE_WORD))) for i in wrapping}
    if sum(least.values()) > left:
        least = {i: min(natural[i], NARROWEST_WRAP) for i in wrapping}
    spare = left - sum(least.values())
    if spare < 0:
        return None
    widths = list(natural)
    extra = {i: natural[i] - least[i] for i in wrapping}
    total = sum(extra.values()) or 1
    for i in wrapping:
        widths[i] = least[i] + spare * extra[i] // total
    # What the rounding down left over goes to the widest wrapping column.
    widths[max(wrapping, key=lambda i: natural[i])] += left - sum(widths[i] for i in wrapping)
    return widths


def _row(
    columns: Sequence[Column], row: Sequence[tuple[str, str]], widths: list[int], screen: Screen
) -> list[str]:
    """The lines of one row: each cell wrapped (or not) to its column, then side by side."""
    pieces = [
        _wrap(text, widths[i]) if columns[i].wrap else [text] for i, (text, _) in enumerate(row)
    ]
    height = max(len(p) for p in pieces)
    lines = []
    for n in range(height):
        out = []
        for i, (_, style) in enumerate(row):
            text = pieces[i][n] if n < len(pieces[i]) else ""
            pad = " " * max(widths[i] - width(text), 0)
            shown = styled(text, style, screen)
            out.append(pad + shown if columns[i].justify == "right" else shown + pad)
        lines.append(GAP.join(out).rstrip())
    return lines


def _stacked(
    columns: Sequence[Column],
    headers: list[str],
    cells: list[list[tuple[str, str]]],
    screen: Screen,
) -> str:
    """Each row as its short cells on a line, then each long cell indented on lines below."""
    room = screen.width or 80
    short = [i for i, column in enumerate(columns) if not column.wrap]
    long = [i for i, column in enumerate(columns) if column.wrap]
    head = " ".join(headers[i] for i in short) + " / " + " / ".join(headers[i] for i in long)
    lines = [styled(line, "bold", screen) for line in _wrap(head, room)]
    for row in cells:
        texts = [row[i][0] for i in short if row[i][0]]
        spaced = GAP if width(GAP.join(texts)) <= room else " "
        first = spaced.join(styled(row[i][0], row[i][1], screen) for i in short if row[i][0])
        lines += [first] if screen.color else _wrap(first, room)
        for i in long:
            text, style = row[i]
            if text:
                lines += [styled(part, style, screen) for part in _wrap(text, room, initial="    ")]
    return "\n".join(lines)


def _wrap(text: str, size: int, *, initial: str = "", subsequent: str | None = None) -> list[str]:
    """`text` in lines at most `size` wide, broken at spaces, a word longer than a line folded."""
    if not text:
        return [""]
    if width(text) + len(initial) <= size:
        return [initial + text]
    return textwrap.wrap(
        text,
        size,
        initial_indent=initial,
        subsequent_indent=initial if subsequent is None else subsequent,
        break_on_hyphens=False,
    ) or [""]
