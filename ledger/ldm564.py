"""Parse plain-text renderings of LDM-564, "Data Management Releases for Verification/Integration".

LDM-564 is the document that holds the release plan this project keeps: each subsection of
its section 3 is a Level-2 test milestone (a "release", labelled e.g. ``LDM-503-11a``) with a
due line and a list of Level-3 milestones (codes such as ``DM-AP-18`` or ``DM-STAFF``).

The text we get is a PDF rendering, so the parser is deliberately forgiving about layout
(bullets, Markdown-ish italics, figure captions and page breaks in lists, a mangled table of
contents) and deliberately strict about content (every release has a due line, every date is
a real date). Anything that is not an LDM-564 revision is refused with a ``DocumentError``
whose one-line message names the source, what is wrong and what would be right.

Only ``str`` goes in; reading files and decoding bytes is the caller's business.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from ledger.errors import DocumentError

__all__ = [
    "HANDLE",
    "ChangeRecordEntry",
    "Level3Entry",
    "Release",
    "Revision",
    "parse_revision",
]

HANDLE = "LDM-564"


@dataclass(frozen=True)
class Level3Entry:
    """A Level-3 milestone as listed under one release."""

    code: str
    title: str
    due: date
    completed: date | None


@dataclass(frozen=True)
class Release:
    """A Level-2 test milestone: one subsection of section 3."""

    label: str
    title: str
    due: date
    completed: date | None
    milestones: tuple[Level3Entry, ...]
    note: str | None


@dataclass(frozen=True)
class ChangeRecordEntry:
    """One row of the change record at the top of the document."""

    version: str | None
    date: date
    description: str
    owner: str
    rfc: str | None


@dataclass(frozen=True)
class Revision:
    """One revision of LDM-564 as rendered to text."""

    handle: str
    title: str
    latest_revision: date
    change_record: tuple[ChangeRecordEntry, ...]
    releases: tuple[Release, ...]


# Loose on purpose: "2020-2-3" or "2020-02-30" should reach the strict check and be reported
# as a bad date on its line, rather than silently failing to match and vanishing.
_DATE_LIKE = re.compile(r"\d{4}-\d{1,2}-\d{1,2}")
_HANDLE_LINE = re.compile(rf"^{re.escape(HANDLE)}$")
_LATEST_REVISION = re.compile(r"^Latest Revision:\s*(?P<value>.*)$", re.IGNORECASE)
_SECTION3_HEADING = re.compile(r"^3 Functionality in\b", re.IGNORECASE)
# Any numbered heading or contents entry ("3.1 ...", "2.2.1 ...", "4 References 14").
_NUMBERED = re.compile(r"^\d+(?:\.\d+)*\s")
_PAGE_SUFFIX = re.compile(r"\s\d+$")
# Section 3 ends at the next top-level section; these are the ones LDM-564 has after it.
_SECTION3_END = re.compile(r"^(?:[4-9]|\d\d) (?:References|Acronyms|Bibliography)$")
_RELEASE_HEADING = re.compile(r"^3\.(?P<number>\d+) (?P<heading>\S.*)$")
_DUE_LINE = re.compile(r"^Due:\s*(?P<body>.*)$")
# Bullets seen in renderings: "-", "•", none (only indentation, stripped with whitespace);
# "*" and the en dash are there because other Markdown/PDF renderers use them.
_BULLET = re.compile(r"^[-\u2022*\u2013\u00b7]\s+")
# Codes are DM-<TEAM>-<n> or a bare DM-<WORD> such as DM-STAFF.
_LEVEL3_START = re.compile(r"^(?P<code>DM-[A-Z][A-Za-z0-9]*(?:-\d+)?)\s*:\s*(?P<rest>.*)$")
_FIGURE_CAPTION = re.compile(r"^(?:FIGURE|Figure|TABLE|Table) \d+:")
_PAGE_NUMBER = re.compile(r"^\d{1,3}$")
_RFC = re.compile(r"\bRFC-\d+\b")
_VERSION = re.compile(r"^\d+(?:\.\d+)*$")


@dataclass(frozen=True)
class _Line:
    number: int  # 1-based, as an editor shows it, so error messages can be acted on
    raw: str
    text: str  # whitespace-normalised


def _normalise(value: str) -> str:
    # str.split() also splits on tabs and non-breaking spaces, which PDF renderings scatter
    # through otherwise identical text.
    return " ".join(value.split())


def _quote(line: _Line) -> str:
    shown = line.text if len(line.text) <= 80 else line.text[:77] + "..."
    return f"line {line.number} ({shown!r})"


def _fail(source: str, problem: str) -> DocumentError:
    # One line, always prefixed by the source, so a CLI or bot can show it as-is.
    return DocumentError(f"{source}: {problem}")


def _real_date(value: str, *, line: _Line, what: str, source: str) -> date:
    value = value.strip()
    if not _DATE_LIKE.fullmatch(value):
        raise _fail(source, f"{what} on {_quote(line)} is {value!r}; expected a YYYY-MM-DD date")
    year, month, day = (int(part) for part in value.split("-"))
    try:
        return date(year, month, day)
    except ValueError:
        raise _fail(
            source,
            f"{what} on {_quote(line)} is {value!r}, which is not a real calendar date; "
            "expected a valid YYYY-MM-DD date",
        ) from None


def _due_and_status(body: str, *, line: _Line, source: str) -> tuple[date, date | None]:
    """Read ``D; completed D2`` / ``D; currently incomplete`` (italics already removed)."""
    due_text, _, status = body.partition(";")
    due = _real_date(due_text, line=line, what="due date", source=source)
    status = _normalise(status).rstrip(".").strip()
    if not status or status.lower() == "currently incomplete":
        return due, None
    head, _, value = status.partition(" ")
    if head.lower() != "completed" or not value:
        raise _fail(
            source,
            f"unrecognised status {status!r} on {_quote(line)}; "
            "expected 'completed YYYY-MM-DD' or 'currently incomplete'",
        )
    return due, _real_date(value, line=line, what="completion date", source=source)


def _split_lines(text: str) -> list[_Line]:
    return [
        _Line(number=index, raw=raw, text=_normalise(raw))
        for index, raw in enumerate(text.splitlines(), start=1)
    ]


def _find_handle(lines: Sequence[_Line], source: str) -> int:
    # The handle stands alone on the title page; a mention in prose ("see LDM-564") does not
    # make a text an LDM-564 revision.
    for index, line in enumerate(lines):
        if _HANDLE_LINE.match(line.text):
            return index
    raise _fail(
        source,
        f"no {HANDLE} handle line found; expected a rendering of {HANDLE} "
        f"with '{HANDLE}' on a line of its own on the title page",
    )


def _find_title(lines: Sequence[_Line], handle_index: int, source: str) -> str:
    # The title page reads: organisation banner, title, authors, handle. The banner differs
    # between revisions ("LARGE SYNOPTIC SURVEY TELESCOPE", "Vera C. Rubin Observatory Data
    # Management"), but every LDM-564 title names its subject, releases.
    candidates = [line.text for line in lines[:handle_index] if line.text]
    for candidate in candidates:
        if re.search(r"\breleases?\b", candidate, re.IGNORECASE):
            return candidate
    without_commas = [candidate for candidate in candidates if "," not in candidate]
    if not without_commas:
        raise _fail(
            source,
            f"no title line before the {HANDLE} handle; expected the document title "
            "on the title page above the authors and handle",
        )
    return max(without_commas, key=len)


def _find_latest_revision(lines: Sequence[_Line], source: str) -> date:
    for line in lines:
        match = _LATEST_REVISION.match(line.text)
        if match:
            return _real_date(
                match.group("value"), line=line, what="'Latest Revision' date", source=source
            )
    raise _fail(
        source,
        "no 'Latest Revision: YYYY-MM-DD' line found; "
        f"expected one on the title page of an {HANDLE} revision",
    )


def _change_record_cells(line: _Line) -> list[str]:
    # Tabs separate the cells in the renderings we have; two or more spaces is what other
    # text extractors emit for the same table.
    raw = line.raw.rstrip("\r\n")
    cells = raw.split("\t") if "\t" in raw else re.split(r" {2,}", raw)
    return [_normalise(cell) for cell in cells]


def _parse_change_record(lines: Sequence[_Line], source: str) -> tuple[ChangeRecordEntry, ...]:
    start = next(
        (index for index, line in enumerate(lines) if line.text.lower() == "change record"),
        None,
    )
    if start is None:
        # Some renderings drop the table; the release plan is still usable without it.
        return ()

    # Rows are gathered as mutable parts first because a row's description (and, in principle,
    # its owner) continues on following lines whose version and date cells are empty.
    rows: list[tuple[_Line, str | None, date, list[str], list[str]]] = []
    for line in lines[start + 1 :]:
        if not line.text:
            if rows:
                break
            continue
        if line.text.lower().startswith("version") and "date" in line.text.lower():
            continue  # the header row
        cells = _change_record_cells(line)
        while len(cells) < 4:
            cells.append("")
        version_cell, date_cell, description_cell = cells[0], cells[1], cells[2]
        owner_cell = " ".join(cell for cell in cells[3:] if cell)
        if not version_cell and not date_cell:
            if not rows:
                raise _fail(
                    source,
                    f"change record {_quote(line)} continues a row that does not exist; "
                    "expected a first row 'VERSION<TAB>YYYY-MM-DD<TAB>DESCRIPTION<TAB>OWNER'",
                )
            if description_cell:
                rows[-1][3].append(description_cell)
            if owner_cell:
                rows[-1][4].append(owner_cell)
            continue
        if not _DATE_LIKE.fullmatch(date_cell):
            if rows:
                break  # the table ended without a blank line; what follows is not ours
            raise _fail(
                source,
                f"change record {_quote(line)} is not a row; expected "
                "'VERSION<TAB>YYYY-MM-DD<TAB>DESCRIPTION<TAB>OWNER' (VERSION may be blank)",
            )
        if version_cell and not _VERSION.match(version_cell):
            raise _fail(
                source,
                f"change record {_quote(line)} has version {version_cell!r}; "
                "expected a dotted number such as 1.2, or a blank cell",
            )
        row_date = _real_date(date_cell, line=line, what="change record date", source=source)
        rows.append((line, version_cell or None, row_date, [description_cell], [owner_cell]))

    entries = []
    for _line, version, row_date, description_parts, owner_parts in rows:
        # The PDF wraps descriptions at the column edge, so the parts are one sentence.
        description = _normalise(" ".join(description_parts))
        rfc = _RFC.search(description)
        entries.append(
            ChangeRecordEntry(
                version=version,
                date=row_date,
                description=description,
                owner=_normalise(" ".join(owner_parts)),
                rfc=rfc.group(0) if rfc else None,
            )
        )
    return tuple(entries)


def _section3_bounds(lines: Sequence[_Line], source: str) -> tuple[int, int]:
    """Return the index range of section 3's body, heading excluded."""
    candidates = [i for i, line in enumerate(lines) if _SECTION3_HEADING.match(line.text)]
    if not candidates:
        raise _fail(
            source,
            "no section '3 Functionality in ... DM releases' found; "
            f"expected an {HANDLE} revision whose section 3 lists the releases",
        )

    def followed_by_prose(index: int) -> bool:
        following = next((line.text for line in lines[index + 1 :] if line.text), "")
        return bool(following) and not _NUMBERED.match(following)

    # The contents list the same heading followed by "3.1 ..." entries; the body's heading is
    # followed by introductory prose. If a rendering lost that prose, fall back to the last
    # occurrence without a trailing page number, since contents entries carry one.
    start = next((i for i in candidates if followed_by_prose(i)), None)
    if start is None:
        body_like = [i for i in candidates if not _PAGE_SUFFIX.search(lines[i].text)]
        if not body_like:
            contents_entry = _quote(lines[candidates[0]])
            raise _fail(
                source,
                f"section 3 appears only in the table of contents ({contents_entry}); "
                "expected the section itself, a '3 Functionality in ...' heading followed by "
                "its releases",
            )
        start = body_like[-1]
    end = next(
        (i for i in range(start + 1, len(lines)) if _SECTION3_END.match(lines[i].text)),
        len(lines),
    )
    return start + 1, end


class _ReleaseBuilder:
    """Collects one release's lines until the next heading closes it."""

    def __init__(self, heading: _Line, label: str, title: str) -> None:
        self.heading = heading
        self.label = label
        self.title = title
        self.due: tuple[date, date | None] | None = None
        self.milestones: list[Level3Entry] = []
        self.note_parts: list[str] = []

    def build(self, source: str) -> Release:
        if self.due is None:
            raise _fail(
                source,
                f"release {self.label} ({_quote(self.heading)}) has no due line; expected "
                "'Due: YYYY-MM-DD; completed YYYY-MM-DD.' or 'Due: YYYY-MM-DD; currently "
                "incomplete.' under its heading",
            )
        note = _normalise(" ".join(self.note_parts)) or None
        return Release(
            label=self.label,
            title=self.title,
            due=self.due[0],
            completed=self.due[1],
            milestones=tuple(self.milestones),
            note=note,
        )


def _is_page_furniture(text: str, titles: Sequence[str]) -> bool:
    # Things a page break or a figure drops into the middle of a list: captions, running
    # headers (the document title or its tail), "Draft" watermarks, footers, page numbers.
    if _FIGURE_CAPTION.match(text) or _PAGE_NUMBER.match(text) or text == "Draft":
        return True
    if HANDLE in text and "Latest Revision" in text:
        return True
    if "subject to configuration control" in text:
        return True
    return any(text == title or (len(text) > 20 and title.endswith(text)) for title in titles)


def _level3_entry(text: str, *, line: _Line, source: str) -> Level3Entry:
    match = _LEVEL3_START.match(text)
    assert match is not None  # callers only pass lines that start with a code
    rest = match.group("rest")
    # The title may itself contain "Due" or a colon ("JOINTCAL1: Jointcal ..."), so the date
    # part is the last "Due:" on the line.
    position = rest.rfind("Due:")
    if position < 0:
        raise _fail(
            source,
            f"Level-3 milestone on {_quote(line)} has no due date; expected the line to end "
            "with '(Due: YYYY-MM-DD; completed YYYY-MM-DD)' or "
            "'(Due: YYYY-MM-DD; currently incomplete)'",
        )
    # Italics wrap the date part in every possible way: "(*Due: ...*)", "*(Due: ...)*",
    # "(*Due:* D; ...)", "(*Due: D*; ...)" and an unclosed "*(Due: ...". Dropping the
    # asterisks and brackets around it covers them all without enumerating them.
    title = _normalise(rest[:position].rstrip(" *(\t"))
    body = rest[position + len("Due:") :].replace("*", "").strip()
    if body.endswith(")"):
        body = body[:-1]
    if "(" in body or ")" in body:
        raise _fail(
            source,
            f"cannot read the due part of {_quote(line)}; expected "
            "'(Due: YYYY-MM-DD; completed YYYY-MM-DD)' or "
            "'(Due: YYYY-MM-DD; currently incomplete)' at the end of the line",
        )
    if not title:
        raise _fail(
            source,
            f"Level-3 milestone on {_quote(line)} has no title; expected 'CODE: Title (Due: ...)'",
        )
    due, completed = _due_and_status(body, line=line, source=source)
    return Level3Entry(code=match.group("code"), title=title, due=due, completed=completed)


def _release_heading(
    lines: Sequence[_Line], index: int, end: int, source: str
) -> tuple[str, str, int]:
    """Return (label, title, index of the heading's last line) for the heading at ``index``."""
    match = _RELEASE_HEADING.match(lines[index].text)
    assert match is not None
    heading = match.group("heading")
    last = index
    # A long heading can wrap in a rendering (the contents already show "Re-" / "hearsal");
    # join the next line when the label separator has not been seen yet.
    if ": " not in heading:
        following = next((i for i in range(index + 1, end) if lines[i].text), None)
        if following is not None:
            continuation = lines[following].text
            if not (
                _DUE_LINE.match(continuation.replace("*", "")) or _NUMBERED.match(continuation)
            ):
                if re.search(r"[a-z]-$", heading) and continuation[:1].islower():
                    heading = heading[:-1] + continuation
                else:
                    heading = f"{heading} {continuation}"
                last = following
    title, separator, label = heading.rpartition(": ")
    if not separator or not label or " " in label.strip() or not title.strip():
        raise _fail(
            source,
            f"release heading on {_quote(lines[index])} has no label; "
            "expected '3.N Title: LABEL', e.g. '3.14 DM ComCam operations readiness: LDM-503-11a'",
        )
    return label.strip(), title.strip(), last


def _parse_releases(
    lines: Sequence[_Line], start: int, end: int, *, titles: Sequence[str], source: str
) -> tuple[Release, ...]:
    releases: list[Release] = []
    current: _ReleaseBuilder | None = None
    index = start
    while index < end:
        line = lines[index]
        text = line.text
        index += 1
        if not text or _is_page_furniture(text, titles):
            continue

        if _RELEASE_HEADING.match(text):
            if current is not None:
                releases.append(current.build(source))
            label, title, last = _release_heading(lines, index - 1, end, source)
            index = last + 1
            current = _ReleaseBuilder(line, label, title)
            continue

        unbulleted = _BULLET.sub("", text, count=1)
        due_match = _DUE_LINE.match(unbulleted.replace("*", ""))
        level3_match = _LEVEL3_START.match(unbulleted)

        if current is None:
            if due_match or level3_match:
                raise _fail(
                    source,
                    f"{_quote(line)} comes before any release heading in section 3; "
                    "expected a '3.N Title: LABEL' heading above it",
                )
            continue  # the section's introductory prose

        if due_match:
            if current.due is not None:
                raise _fail(
                    source,
                    f"release {current.label} has a second due line at {_quote(line)}; "
                    "expected exactly one due line per release",
                )
            current.due = _due_and_status(due_match.group("body"), line=line, source=source)
            continue

        if level3_match:
            # A Level-3 line wrapped by the renderer carries its "Due:" on a later line; take
            # continuation lines until it appears, stopping at anything that starts afresh.
            combined = unbulleted
            while "Due:" not in combined and index < end:
                following = lines[index]
                follow_text = following.text
                if (
                    not follow_text
                    or _is_page_furniture(follow_text, titles)
                    or _RELEASE_HEADING.match(follow_text)
                    or _BULLET.match(follow_text)
                    or _LEVEL3_START.match(follow_text)
                    or _DUE_LINE.match(follow_text.replace("*", ""))
                ):
                    break
                combined = f"{combined} {follow_text}"
                index += 1
            current.milestones.append(_level3_entry(combined, line=line, source=source))
            continue

        # Anything else inside a release is its free-text note, e.g. "No new functionality
        # is associated with this milestone, ...".
        current.note_parts.append(text)

    if current is not None:
        releases.append(current.build(source))
    return tuple(releases)


def parse_revision(text: str, *, source: str = "<text>") -> Revision:
    """Parse the text rendering of one LDM-564 revision.

    ``source`` names the text in error messages (typically a file name). Raises
    ``DocumentError`` when the text is empty, binary, not an LDM-564 revision (no handle, no
    "Latest Revision:" date, no section 3 with at least one release), when a release has no
    due line, or when a date is not a real calendar date; the message names the line.
    """
    if "\x00" in text:
        raise _fail(
            source,
            "contains NUL characters, so it is binary rather than text; "
            f"expected a plain-text rendering of {HANDLE}",
        )
    if not text.strip():
        raise _fail(source, f"is empty; expected a plain-text rendering of {HANDLE}")

    lines = _split_lines(text.removeprefix("\ufeff"))
    handle_index = _find_handle(lines, source)
    title = _find_title(lines, handle_index, source)
    latest_revision = _find_latest_revision(lines, source)
    change_record = _parse_change_record(lines, source)

    start, end = _section3_bounds(lines, source)
    releases = _parse_releases(lines, start, end, titles=(title,), source=source)
    if not releases:
        raise _fail(
            source,
            f"section 3 (from line {lines[start - 1].number}) lists no releases; "
            "expected at least one '3.N Title: LABEL' heading with a due line",
        )

    return Revision(
        handle=HANDLE,
        title=title,
        latest_revision=latest_revision,
        change_record=change_record,
        releases=releases,
    )
