"""The change record at the top of an LDM-564 rendering: who changed the document, when, why.

Rows read ``VERSION<TAB>DATE<TAB>DESCRIPTION<TAB>OWNER``; a description may wrap onto
following lines whose version and date cells are empty. A draft's newest row has no version
and no date yet, only placeholders (``TBD<TAB>2019-XX-XX<TAB>...``): such a row is kept, with
``version`` and ``on`` both None, because it says the revision is not an approved one.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Sequence
from dataclasses import dataclass

from ledger.ldm564_text import DATE_LIKE, Line, fail, normalise, quote, real_date

__all__ = ["ChangeRecordEntry", "parse_change_record"]


@dataclass(frozen=True)
class ChangeRecordEntry:
    """One row of the change record at the top of the document.

    ``version`` is None when the cell is blank or a placeholder (``TBD``); ``on`` is None only
    for a draft row whose date is a placeholder (``2019-XX-XX``, ``TBD``).
    """

    version: str | None
    on: datetime.date | None
    description: str
    owner: str
    rfc: str | None

    @property
    def draft(self) -> bool:
        """True for a row not dated yet: the revision it describes is a draft."""
        return self.on is None


_RFC = re.compile(r"\bRFC-\d+\b")
_VERSION = re.compile(r"^\d+(?:\.\d+)*$")
# What drafts write where a version or a date will go once the revision is approved.
_PLACEHOLDER = re.compile(r"^(?:TBD|TBC|TBA)$", re.IGNORECASE)
_DATE_PLACEHOLDER = re.compile(r"^\d{4}-(?:\d{1,2}|XX)-(?:\d{1,2}|XX)$", re.IGNORECASE)
_ROW_SHAPE = "'VERSION<TAB>YYYY-MM-DD<TAB>DESCRIPTION<TAB>OWNER'"


def _change_record_cells(line: Line) -> list[str]:
    # Tabs separate the cells in the renderings we have; two or more spaces is what other
    # text extractors emit for the same table.
    raw = line.raw.rstrip("\r\n")
    cells = raw.split("\t") if "\t" in raw else re.split(r" {2,}", raw)
    return [normalise(cell) for cell in cells]


def _is_date_placeholder(cell: str) -> bool:
    # "2019-XX-XX" and "2019-05-XX" are placeholders; "2019-05-20" is a date, read strictly.
    return bool(_PLACEHOLDER.match(cell)) or (
        bool(_DATE_PLACEHOLDER.match(cell)) and "x" in cell.lower()
    )


def _row_date(
    version_cell: str, date_cell: str, *, line: Line, source: str
) -> datetime.date | None:
    """The date of a row (None for a draft's placeholder), or a one-line refusal."""
    if _is_date_placeholder(date_cell) or (not date_cell and _PLACEHOLDER.match(version_cell)):
        return None
    if not DATE_LIKE.fullmatch(date_cell):
        what = f"no date under version {version_cell!r}" if not date_cell else repr(date_cell)
        raise fail(
            source,
            f"change record {quote(line)} has {what} where the date goes; expected "
            f"{_ROW_SHAPE}, or 'TBD<TAB>YYYY-XX-XX<TAB>...' for a draft's undated row",
        )
    return real_date(date_cell, line=line, what="change record date", source=source)


def parse_change_record(lines: Sequence[Line], *, source: str) -> tuple[ChangeRecordEntry, ...]:
    """The rows of the change record, oldest first as the document lists them.

    Returns () when the rendering has no change record. Raises `DocumentError` naming the
    line for a row whose version or date cannot be read.
    """
    start = next(
        (index for index, line in enumerate(lines) if line.text.lower() == "change record"),
        None,
    )
    if start is None:
        # Some renderings drop the table; the release plan is still usable without it.
        return ()

    # Rows are gathered as mutable parts first because a row's description (and, in principle,
    # its owner) continues on following lines whose version and date cells are empty.
    rows: list[tuple[str | None, datetime.date | None, list[str], list[str]]] = []
    for line in lines[start + 1 :]:
        if not line.text:
            if rows:
                break
            continue
        if line.text.lower().startswith("version") and "date" in line.text.lower():
            continue  # the header row
        cells = _change_record_cells(line)
        if rows and len(cells) < 3:
            # Prose after the table with no blank line between; a row always has its cells.
            break
        while len(cells) < 4:
            cells.append("")
        version_cell, date_cell, description_cell = cells[0], cells[1], cells[2]
        owner_cell = " ".join(cell for cell in cells[3:] if cell)
        if not version_cell and not date_cell:
            if not rows:
                raise fail(
                    source,
                    f"change record {quote(line)} continues a row that does not exist; "
                    f"expected a first row {_ROW_SHAPE}",
                )
            if description_cell:
                rows[-1][2].append(description_cell)
            if owner_cell:
                rows[-1][3].append(owner_cell)
            continue
        row_date = _row_date(version_cell, date_cell, line=line, source=source)
        if _PLACEHOLDER.match(version_cell):
            version_cell = ""
        if version_cell and not _VERSION.match(version_cell):
            raise fail(
                source,
                f"change record {quote(line)} has version {version_cell!r}; "
                "expected a dotted number such as 1.2, a blank cell, or TBD in a draft",
            )
        rows.append((version_cell or None, row_date, [description_cell], [owner_cell]))

    entries = []
    for version, row_date, description_parts, owner_parts in rows:
        # The PDF wraps descriptions at the column edge, so the parts are one sentence.
        description = normalise(" ".join(description_parts))
        rfc = _RFC.search(description)
        entries.append(
            ChangeRecordEntry(
                version=version,
                on=row_date,
                description=description,
                owner=normalise(" ".join(owner_parts)),
                rfc=rfc.group(0) if rfc else None,
            )
        )
    return tuple(entries)
