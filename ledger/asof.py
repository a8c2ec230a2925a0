"""As-of selectors: which part of the log a view of the plan is folded from.

| text            | means                                                    |
|-----------------|----------------------------------------------------------|
| (none)          | everything recorded                                      |
| 2020-06-01      | events effective on or before the end of that UTC day    |
| 2020-06-01T12Z  | events effective on or before that instant                |
| RFC-781         | just after RFC-781's approval took effect                 |
| v1.5            | just after the approval that carried version label 1.5    |
| #1234           | events with seq <= 1234, in seq order                     |
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Literal

from events import format_instant
from ledger.errors import InvalidInput

Kind = Literal["now", "date", "instant", "rfc", "version", "seq"]

_RFC = re.compile(r"^RFC-\d+$", re.IGNORECASE)
_VERSION = re.compile(r"^v(\d+(?:\.\d+)*)$", re.IGNORECASE)
_SEQ = re.compile(r"^#(\d+)$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_LABEL = re.compile(r"^\d+(?:\.\d+)+$")  # 1.5: a version label written without its v

HELP = (
    "a date (2020-06-01), an instant (2020-06-01T12:00Z), an RFC (RFC-781), "
    "a version label (v1.5) or a log position ('#1234')"
)


@dataclass(frozen=True)
class AsOf:
    """A parsed selector. `value` is an instant string, an RFC id, a label or a seq."""

    kind: Kind
    value: str = ""
    text: str = "now"

    @property
    def seq(self) -> int:
        """The log position of a `#N` selector."""
        return int(self.value)


NOW = AsOf("now")


def parse_date(text: str, *, what: str = "date") -> date:
    """Parse an ISO `YYYY-MM-DD` date, with an error that says what would be right."""
    text = text.strip()
    if not _DATE.match(text):
        raise InvalidInput(
            f"{what} {text!r} is not a date; write it as YYYY-MM-DD, e.g. 2020-06-01"
        )
    try:
        return date.fromisoformat(text)
    except ValueError as error:
        raise InvalidInput(
            f"{what} {text} is not a real date ({error}); check day and month"
        ) from None


def parse_instant_text(text: str, *, what: str = "instant") -> str:
    """Parse a date or an ISO instant into the ledger's UTC instant string.

    A date means the end of that UTC day; an instant without an offset is UTC.
    """
    text = text.strip()
    if _DATE.match(text):
        return parse_date(text, what=what).isoformat() + "T23:59:59.999999Z"
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise InvalidInput(
            f"{what} {text!r} is not a date or instant; use 2020-06-01 or 2020-06-01T12:00Z"
        ) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    try:
        return format_instant(moment)
    except OverflowError:  # e.g. 9999-12-31T23:59:59-12:00 is in the year 10000 in UTC
        raise InvalidInput(
            f"{what} {text!r} is outside the years 1 to 9999 once converted to UTC"
        ) from None


def parse_as_of(text: str | None) -> AsOf:
    """Parse an `--as-of` selector (None or empty means now)."""
    if text is None or not text.strip() or text.strip().lower() == "now":
        return NOW
    text = text.strip()
    if _RFC.match(text):
        return AsOf("rfc", text.upper(), text)
    if match := _VERSION.match(text):
        return AsOf("version", match.group(1), text)
    if match := _SEQ.match(text):
        if int(match.group(1)) < 1:
            raise InvalidInput("log positions start at #1")
        return AsOf("seq", match.group(1), text)
    if _DATE.match(text):
        return AsOf("date", parse_instant_text(text, what="as-of date"), text)
    if _LABEL.match(text):
        raise InvalidInput(
            f"{text!r} is not an as-of point; for the version labelled {text} write v{text}"
        )
    if text.isdecimal() and len(text) < 8:
        raise InvalidInput(
            f"{text!r} is not an as-of point; did you mean RFC-{text} (just after its approval) "
            f"or '#{text}' (the log up to event {text})?"
        )
    if text[:1].isdigit():
        return AsOf("instant", parse_instant_text(text, what="as-of instant"), text)
    raise InvalidInput(f"{text!r} is not an as-of point; use {HELP}")
