"""Tables and paragraphs for people, laid out by rich for the screen at hand.

Columns of codes, dates and words never wrap; titles and descriptions wrap
(at spaces) to fit the width rather than being cut, so a row may take two
lines in a narrow terminal but never hides what it says. On a pipe the
width is unbounded and every row is one line. Colour marks status (and
headers) only when the screen takes colour.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from rich.console import Console, RenderableType
from rich.table import Table
from rich.text import Text

from cli.screen import PLAIN, Screen

#: A cell: its text, or its text and a rich style ("bold", "red", "dim"...).
Cell = str | tuple[str, str]

#: How a status reads at a glance.
STATUS_STYLES = {
    "done": "green",
    "late": "bold red",
    "slipped": "yellow",
    "on track": "",
    "withdrawn": "dim",
    "open": "yellow",
    "approved": "green",
    "rejected": "dim",
    "proposed": "yellow",
    "ok": "green",
    "BAD": "bold red",
    "unknown key": "bold red",
}
#: A width with no bound, for pipes and files: long rows stay on one line.
UNBOUNDED = 100_000


@dataclass(frozen=True)
class Column:
    """A column: its header, whether its cells may wrap, and how they are aligned."""

    header: str
    wrap: bool = False
    justify: Literal["left", "right"] = "left"


def status(word: str) -> Cell:
    """A status word in its colour."""
    return (word, STATUS_STYLES.get(word, ""))


def table(columns: Sequence[Column], rows: Sequence[Sequence[Cell]], screen: Screen = PLAIN) -> str:
    """Rows under headers, each column as wide as it needs; wrapping columns share what the
    width leaves."""
    grid = Table(
        box=None,
        show_edge=False,
        pad_edge=False,
        padding=(0, 2, 0, 0),
        header_style="bold" if screen.color else "",
    )
    for column in columns:
        grid.add_column(
            column.header.upper(),
            no_wrap=not column.wrap,
            overflow="fold" if column.wrap else "ellipsis",
            justify=column.justify,
        )
    for row in rows:
        grid.add_row(*(_text(cell) for cell in row))
    return show(grid, screen)


def paragraph(text: str, screen: Screen = PLAIN, *, indent: int = 0) -> str:
    """Text wrapped to the width (continuation lines indented by `indent`)."""
    if screen.width is None or len(text) <= screen.width:
        return text
    rendered = show(Text(text), Screen(width=screen.width - indent, color=screen.color))
    first, *rest = rendered.splitlines()
    return "\n".join([first, *(" " * indent + line for line in rest)])


def show(renderable: RenderableType, screen: Screen = PLAIN) -> str:
    """What rich prints for `renderable` on this screen, without trailing spaces."""
    buffer = io.StringIO()
    console = Console(
        file=buffer,
        width=screen.width or UNBOUNDED,
        color_system="standard" if screen.color else None,
        force_terminal=screen.color,
        no_color=not screen.color,
        highlight=False,
        markup=False,
        emoji=False,
        legacy_windows=False,
    )
    console.print(renderable)
    return "\n".join(line.rstrip() for line in buffer.getvalue().splitlines())


def _text(cell: Cell) -> Text:
    if isinstance(cell, tuple):
        return Text(cell[0], style=cell[1])
    return Text(cell)
