"""One Level-3 line of LDM-564 section 3: ``CODE: Title (Due: D; completed D2)``.

The entry's code, title, due date and completion, read from a line the section reader
(`ledger.ldm564_section3`) has joined with its wrapped continuation. Codes of the usual
shape (``DM-AP-18``, ``DM-STAFF``) and of any other hyphenated shape (``DM-10853``,
``DM-AP-18a``) on a line that carries its due date are read; the latter are marked
``unusual`` so an importer can take them and say so.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from ledger.ldm564_text import Line, fail, normalise, quote, real_date

__all__ = ["LEVEL3_START", "Level3Entry", "due_and_status", "level3_entry", "starts_entry"]


@dataclass(frozen=True)
class Level3Entry:
    """A Level-3 milestone as listed under one release.

    ``unusual`` is True for a code not shaped like ``DM-TEAM-N`` or ``DM-WORD`` (``DM-10853``,
    ``DM-AP-18a``): it is read all the same, so an importer can take it and say so.
    """

    code: str
    title: str
    due: date
    completed: date | None
    unusual: bool = False


# Codes are DM-<TEAM>-<n> or a bare DM-<WORD> such as DM-STAFF.
LEVEL3_START = re.compile(r"^(?P<code>DM-[A-Z][A-Za-z0-9]*(?:-\d+)?)\s*:\s*(?P<rest>.*)$")
# Any other hyphenated code followed by a colon, on a line that carries its due date: read as
# an entry of unusual shape rather than dropped into the release's note.
UNUSUAL_START = re.compile(
    r"^(?P<code>[A-Za-z0-9]+(?:[-._/][A-Za-z0-9]+)+)\s*:\s*(?P<rest>.*\bDue:.*)$"
)


def starts_entry(text: str) -> bool:
    """Whether a (bullet-less) line starts a Level-3 entry, of usual or unusual shape."""
    return bool(LEVEL3_START.match(text) or UNUSUAL_START.match(text))


def due_and_status(body: str, *, line: Line, source: str) -> tuple[date, date | None]:
    """The due date and completion in ``D; completed D2`` or ``D; currently incomplete``
    (italics already removed)."""
    due_text, _, status = body.partition(";")
    due = real_date(due_text, line=line, what="due date", source=source)
    status = normalise(status).rstrip(".").strip()
    if not status or status.lower() == "currently incomplete":
        return due, None
    head, _, value = status.partition(" ")
    if head.lower() != "completed" or not value:
        raise fail(
            source,
            f"unrecognised status {status!r} on {quote(line)}; "
            "expected 'completed YYYY-MM-DD' or 'currently incomplete'",
        )
    return due, real_date(value, line=line, what="completion date", source=source)


def level3_entry(text: str, *, line: Line, source: str) -> Level3Entry:
    """The entry a line (joined with its wrapped continuation) states, or `DocumentError`."""
    usual = LEVEL3_START.match(text)
    match = usual or UNUSUAL_START.match(text)
    assert match is not None  # callers only pass lines that start with a code
    rest = match.group("rest")
    # The title may itself contain "Due" or a colon ("JOINTCAL1: Jointcal ..."), so the date
    # part is the last "Due:" on the line.
    position = rest.rfind("Due:")
    if position < 0:
        raise fail(
            source,
            f"Level-3 milestone on {quote(line)} has no due date; expected the line to end "
            "with '(Due: YYYY-MM-DD; completed YYYY-MM-DD)' or "
            "'(Due: YYYY-MM-DD; currently incomplete)'",
        )
    # Italics wrap the date part in every possible way: "(*Due: ...*)", "*(Due: ...)*",
    # "(*Due:* D; ...)", "(*Due: D*; ...)" and an unclosed "*(Due: ...". Dropping the
    # asterisks and brackets around it covers them all without enumerating them.
    title = normalise(rest[:position].rstrip(" *(\t"))
    body = rest[position + len("Due:") :].replace("*", "").strip()
    if body.endswith(")"):
        body = body[:-1]
    if "(" in body or ")" in body:
        raise fail(
            source,
            f"cannot read the due part of {quote(line)}; expected "
            "'(Due: YYYY-MM-DD; completed YYYY-MM-DD)' or "
            "'(Due: YYYY-MM-DD; currently incomplete)' at the end of the line",
        )
    if not title:
        raise fail(
            source,
            f"Level-3 milestone on {quote(line)} has no title; expected 'CODE: Title (Due: ...)'",
        )
    due, completed = due_and_status(body, line=line, source=source)
    return Level3Entry(
        code=match.group("code"),
        title=title,
        due=due,
        completed=completed,
        unusual=usual is None,
    )
