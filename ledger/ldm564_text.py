"""The lines of a plain-text LDM-564 rendering, and the dates and messages read from them.

Shared by the parts of the LDM-564 parser (`ledger.ldm564`, `ledger.ldm564_record`,
`ledger.ldm564_section3`); nothing here knows about releases or change records.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from ledger.errors import DocumentError

HANDLE = "LDM-564"

# Loose on purpose: "2020-2-3" or "2020-02-30" should reach the strict check and be reported
# as a bad date on its line, rather than silently failing to match and vanishing.
DATE_LIKE = re.compile(r"\d{4}-\d{1,2}-\d{1,2}")


@dataclass(frozen=True)
class Line:
    """One line of the text: its 1-based number, as written, and whitespace-normalised."""

    number: int  # 1-based, as an editor shows it, so error messages can be acted on
    raw: str
    text: str  # whitespace-normalised


def normalise(value: str) -> str:
    """`value` with runs of whitespace (tabs, non-breaking spaces) made single spaces."""
    # str.split() also splits on tabs and non-breaking spaces, which PDF renderings scatter
    # through otherwise identical text.
    return " ".join(value.split())


def split_lines(text: str) -> list[Line]:
    """The lines of `text`, numbered from 1."""
    return [
        Line(number=index, raw=raw, text=normalise(raw))
        for index, raw in enumerate(text.splitlines(), start=1)
    ]


def quote(line: Line) -> str:
    """`line N ('...')`, shortened, for error messages."""
    shown = line.text if len(line.text) <= 80 else line.text[:77] + "..."
    return f"line {line.number} ({shown!r})"


def fail(source: str, problem: str) -> DocumentError:
    """The error for `problem` in the text named `source`."""
    # One line, always prefixed by the source, so a CLI or bot can show it as-is.
    return DocumentError(f"{source}: {problem}")


def real_date(value: str, *, line: Line, what: str, source: str) -> date:
    """The YYYY-MM-DD date `value` on `line`, or a `DocumentError` naming the line."""
    value = value.strip()
    if not DATE_LIKE.fullmatch(value):
        raise fail(source, f"{what} on {quote(line)} is {value!r}; expected a YYYY-MM-DD date")
    year, month, day = (int(part) for part in value.split("-"))
    try:
        return date(year, month, day)
    except ValueError:
        raise fail(
            source,
            f"{what} on {quote(line)} is {value!r}, which is not a real calendar date; "
            "expected a valid YYYY-MM-DD date",
        ) from None
