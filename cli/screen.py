"""Where the output goes: how wide it may be and whether it may be coloured.

Decided once per run by the Typer callback, from the output stream and the
environment: a terminal gets its own width and colour; a pipe or file gets
plain text `PIPED` columns wide (a row's first line holds its code, dates and
status, so `grep` still finds them; scripts read `--json`). `COLUMNS` sets
the width for either. `NO_COLOR` (https://no-color.org) and `TERM=dumb` turn
colour off. `--help` reads this module: it stays light.
"""

from __future__ import annotations

import shutil
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TextIO

#: Narrower than this, tables would wrap every word: render as if this wide.
NARROWEST = 40
#: The width of output to a pipe or file: wide enough for every column of every table.
PIPED = 120


@dataclass(frozen=True)
class Screen:
    """How output is laid out: `width` in columns (None: as wide as each line needs, for
    renderings that are not shown on a screen, such as the bot's or a test's), and whether
    it is a terminal (which an image must not be written to)."""

    width: int | None = None
    color: bool = False
    terminal: bool = False


PLAIN = Screen()


def screen_of(stream: TextIO, environ: Mapping[str, str]) -> Screen:
    """The screen that `stream` is, as the environment describes it."""
    try:
        is_terminal = stream.isatty()
    except (AttributeError, ValueError):  # a closed or unusual stream
        is_terminal = False
    width = _columns(environ.get("COLUMNS", ""))
    if width is None:
        width = shutil.get_terminal_size().columns if is_terminal else PIPED
    color = (
        is_terminal and not environ.get("NO_COLOR") and environ.get("TERM", "").lower() != "dumb"
    )
    return Screen(width=max(width, NARROWEST), color=color, terminal=is_terminal)


def _columns(text: str) -> int | None:
    try:
        value = int(text.strip())
    except ValueError:
        return None
    return value if value > 0 else None
