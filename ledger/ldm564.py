"""Parse plain-text renderings of LDM-564, "Data Management Releases for Verification/Integration".

LDM-564 is the document that holds the release plan this project keeps: each subsection of
its section 3 is a Level-2 test milestone (a "release", labelled e.g. ``LDM-503-11a``) with a
due line and a list of Level-3 milestones (codes such as ``DM-AP-18`` or ``DM-STAFF``).

The text we get is a PDF rendering, so the parser is deliberately forgiving about layout
(bullets, Markdown-ish italics, figure captions and page breaks in lists, a mangled table of
contents) and deliberately strict about content (every release has a due line, every date is
a real date). Anything that is not an LDM-564 revision is refused with a ``DocumentError``
whose one-line message names the source, what is wrong and what would be right.

The parts live in ``ledger.ldm564_record`` (the change record), ``ledger.ldm564_section3``
(the releases) and ``ledger.ldm564_entries`` (their Level-3 lines); this module reads the
title page and puts them together. Only ``str`` goes in; reading files and decoding bytes
is the caller's business.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from ledger.ldm564_entries import Level3Entry
from ledger.ldm564_record import ChangeRecordEntry, parse_change_record
from ledger.ldm564_section3 import Release, parse_section3
from ledger.ldm564_text import HANDLE, Line, fail, real_date, split_lines

__all__ = [
    "HANDLE",
    "ChangeRecordEntry",
    "Level3Entry",
    "Release",
    "Revision",
    "parse_revision",
]


@dataclass(frozen=True)
class Revision:
    """One revision of LDM-564 as rendered to text."""

    handle: str
    title: str
    latest_revision: date
    change_record: tuple[ChangeRecordEntry, ...]
    releases: tuple[Release, ...]


_HANDLE_LINE = re.compile(rf"^{re.escape(HANDLE)}$")
_LATEST_REVISION = re.compile(r"^Latest Revision:\s*(?P<value>.*)$", re.IGNORECASE)


def _find_handle(lines: Sequence[Line], source: str) -> int:
    # The handle stands alone on the title page; a mention in prose ("see LDM-564") does not
    # make a text an LDM-564 revision.
    for index, line in enumerate(lines):
        if _HANDLE_LINE.match(line.text):
            return index
    raise fail(
        source,
        f"no {HANDLE} handle line found; expected a rendering of {HANDLE} "
        f"with '{HANDLE}' on a line of its own on the title page",
    )


def _find_title(lines: Sequence[Line], handle_index: int, source: str) -> str:
    # The title page reads: organisation banner, title, authors, handle. The banner differs
    # between revisions ("LARGE SYNOPTIC SURVEY TELESCOPE", "Vera C. Rubin Observatory Data
    # Management"), but every LDM-564 title names its subject, releases.
    candidates = [line.text for line in lines[:handle_index] if line.text]
    for candidate in candidates:
        if re.search(r"\breleases?\b", candidate, re.IGNORECASE):
            return candidate
    without_commas = [candidate for candidate in candidates if "," not in candidate]
    if not without_commas:
        raise fail(
            source,
            f"no title line before the {HANDLE} handle; expected the document title "
            "on the title page above the authors and handle",
        )
    return max(without_commas, key=len)


def _find_latest_revision(lines: Sequence[Line], source: str) -> date:
    for line in lines:
        match = _LATEST_REVISION.match(line.text)
        if match:
            return real_date(
                match.group("value"), line=line, what="'Latest Revision' date", source=source
            )
    raise fail(
        source,
        "no 'Latest Revision: YYYY-MM-DD' line found; "
        f"expected one on the title page of an {HANDLE} revision",
    )


def parse_revision(text: str, *, source: str = "<text>") -> Revision:
    """Parse the text rendering of one LDM-564 revision.

    ``source`` names the text in error messages (typically a file name). Raises
    ``DocumentError`` when the text is empty, binary, not an LDM-564 revision (no handle, no
    "Latest Revision:" date, no section 3 with at least one release), when a release has no
    due line, or when a date is not a real calendar date; the message names the line.
    """
    if "\x00" in text:
        raise fail(
            source,
            "contains NUL characters, so it is binary rather than text; "
            f"expected a plain-text rendering of {HANDLE}",
        )
    if not text.strip():
        raise fail(source, f"is empty; expected a plain-text rendering of {HANDLE}")

    lines = split_lines(text.removeprefix("\ufeff"))
    handle_index = _find_handle(lines, source)
    title = _find_title(lines, handle_index, source)
    latest_revision = _find_latest_revision(lines, source)
    change_record = parse_change_record(lines, source=source)
    releases = parse_section3(lines, titles=(title,), source=source)

    return Revision(
        handle=HANDLE,
        title=title,
        latest_revision=latest_revision,
        change_record=change_record,
        releases=releases,
    )
