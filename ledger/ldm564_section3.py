"""Section 3 of an LDM-564 text rendering: the releases and their Level-3 milestones.

Each subsection of section 3 is a Level-2 test milestone (a "release", labelled e.g.
``LDM-503-11a``) with a due line and a list of Level-3 milestones (codes such as ``DM-AP-18``
or ``DM-STAFF``). The reader is forgiving about layout (bullets, Markdown-ish italics, figure
captions and page breaks inside lists, wrapped lines) and strict about content.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from ledger.ldm564_entries import (
    LEVEL3_START,
    Level3Entry,
    due_and_status,
    level3_entry,
    starts_entry,
)
from ledger.ldm564_text import HANDLE, Line, fail, normalise, quote

__all__ = ["Release", "parse_section3"]


@dataclass(frozen=True)
class Release:
    """A Level-2 test milestone: one subsection of section 3."""

    label: str
    title: str
    due: date
    completed: date | None
    milestones: tuple[Level3Entry, ...]
    note: str | None
    #: Lines of the release that mention a due date but are neither its due line nor a
    #: milestone entry ("line 12 ('...')"): not read, and kept so that they are reported.
    unread: tuple[str, ...] = ()


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
_FIGURE_CAPTION = re.compile(r"^(?:FIGURE|Figure|TABLE|Table) \d+:")
_PAGE_NUMBER = re.compile(r"^\d{1,3}$")


def _section3_bounds(lines: Sequence[Line], source: str) -> tuple[int, int]:
    """Return the index range of section 3's body, heading excluded."""
    candidates = [i for i, line in enumerate(lines) if _SECTION3_HEADING.match(line.text)]
    if not candidates:
        raise fail(
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
            contents_entry = quote(lines[candidates[0]])
            raise fail(
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

    def __init__(self, heading: Line, label: str, title: str) -> None:
        self.heading = heading
        self.label = label
        self.title = title
        self.due: tuple[date, date | None] | None = None
        self.milestones: list[Level3Entry] = []
        self.note_parts: list[str] = []
        self.unread: list[str] = []

    def build(self, source: str) -> Release:
        if self.due is None:
            raise fail(
                source,
                f"release {self.label} ({quote(self.heading)}) has no due line; expected "
                "'Due: YYYY-MM-DD; completed YYYY-MM-DD.' or 'Due: YYYY-MM-DD; currently "
                "incomplete.' under its heading",
            )
        note = normalise(" ".join(self.note_parts)) or None
        return Release(
            label=self.label,
            title=self.title,
            due=self.due[0],
            completed=self.due[1],
            milestones=tuple(self.milestones),
            note=note,
            unread=tuple(self.unread),
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


def _release_heading(
    lines: Sequence[Line], index: int, end: int, source: str
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
        raise fail(
            source,
            f"release heading on {quote(lines[index])} has no label; "
            "expected '3.N Title: LABEL', e.g. '3.14 DM ComCam operations readiness: LDM-503-11a'",
        )
    return label.strip(), title.strip(), last


def _parse_releases(
    lines: Sequence[Line], start: int, end: int, *, titles: Sequence[str], source: str
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
        level3_match = starts_entry(unbulleted)

        if current is None:
            if due_match or level3_match:
                raise fail(
                    source,
                    f"{quote(line)} comes before any release heading in section 3; "
                    "expected a '3.N Title: LABEL' heading above it",
                )
            continue  # the section's introductory prose

        if due_match:
            if current.due is not None:
                raise fail(
                    source,
                    f"release {current.label} has a second due line at {quote(line)}; "
                    "expected exactly one due line per release",
                )
            current.due = due_and_status(due_match.group("body"), line=line, source=source)
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
                    or LEVEL3_START.match(follow_text)
                    or _DUE_LINE.match(follow_text.replace("*", ""))
                ):
                    break
                combined = f"{combined} {follow_text}"
                index += 1
            current.milestones.append(level3_entry(combined, line=line, source=source))
            continue

        if "Due:" in text:
            # It speaks of a due date but reads as nothing: say so rather than lose it.
            current.unread.append(quote(line))
            continue
        # Anything else inside a release is its free-text note, e.g. "No new functionality
        # is associated with this milestone, ...".
        current.note_parts.append(text)

    if current is not None:
        releases.append(current.build(source))
    return tuple(releases)


def parse_section3(
    lines: Sequence[Line], *, titles: Sequence[str], source: str
) -> tuple[Release, ...]:
    """The releases of section 3, in document order, each with its Level-3 milestones.

    `titles` are running headers a page break may drop into a list (the document title).
    Raises `DocumentError` when there is no section 3 or it lists no release.
    """
    start, end = _section3_bounds(lines, source)
    releases = _parse_releases(lines, start, end, titles=titles, source=source)
    if not releases:
        raise fail(
            source,
            f"section 3 (from line {lines[start - 1].number}) lists no releases; "
            "expected at least one '3.N Title: LABEL' heading with a due line",
        )
    return releases
