"""The change record at the top of an LDM-564 rendering: who changed the document, when, why.

Rows read ``VERSION<TAB>DATE<TAB>DESCRIPTION<TAB>OWNER``; a description may wrap onto
following lines whose version and date cells are empty.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from ledger.ldm564_text import DATE_LIKE, Line, fail, normalise, quote, real_date

__all__ = ["ChangeRecordEntry", "parse_change_record"]


@dataclass(frozen=True)
class ChangeRecordEntry:
    """One row of the change record at the top of the document."""

    version: str | None
    date: date
    description: str
    owner: str
    rfc: str | None


_RFC = re.compile(r"\bRFC-\d+\b")
_VERSION = re.compile(r"^\d+(?:\.\d+)*$")


def _change_record_cells(line: Line) -> list[str]:
    # Tabs separate the cells in the renderings we have; two or more spaces is what other
    # text extractors emit for the same table.
    raw = line.raw.rstrip("\r\n")
    cells = raw.split("\t") if "\t" in raw else re.split(r" {2,}", raw)
    return [normalise(cell) for cell in cells]


def parse_change_record(lines: Sequence[Line], *, source: str) -> tuple[ChangeRecordEntry, ...]:
    start = next(
        (index for index, line in enumerate(lines) if line.text.lower() == "change record"),
        None,
    )
    if start is None:
        # Some renderings drop the table; the release plan is still usable without it.
        return ()

    # Rows are gathered as mutable parts first because a row's description (and, in principle,
    # its owner) continues on following lines whose version and date cells are empty.
    rows: list[tuple[Line, str | None, date, list[str], list[str]]] = []
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
                raise fail(
                    source,
                    f"change record {quote(line)} continues a row that does not exist; "
                    "expected a first row 'VERSION<TAB>YYYY-MM-DD<TAB>DESCRIPTION<TAB>OWNER'",
                )
            if description_cell:
                rows[-1][3].append(description_cell)
            if owner_cell:
                rows[-1][4].append(owner_cell)
            continue
        if not DATE_LIKE.fullmatch(date_cell):
            if rows:
                break  # the table ended without a blank line; what follows is not ours
            raise fail(
                source,
                f"change record {quote(line)} is not a row; expected "
                "'VERSION<TAB>YYYY-MM-DD<TAB>DESCRIPTION<TAB>OWNER' (VERSION may be blank)",
            )
        if version_cell and not _VERSION.match(version_cell):
            raise fail(
                source,
                f"change record {quote(line)} has version {version_cell!r}; "
                "expected a dotted number such as 1.2, or a blank cell",
            )
        row_date = real_date(date_cell, line=line, what="change record date", source=source)
        rows.append((line, version_cell or None, row_date, [description_cell], [owner_cell]))

    entries = []
    for _line, version, row_date, description_parts, owner_parts in rows:
        # The PDF wraps descriptions at the column edge, so the parts are one sentence.
        description = normalise(" ".join(description_parts))
        rfc = _RFC.search(description)
        entries.append(
            ChangeRecordEntry(
                version=version,
                date=row_date,
                description=description,
                owner=normalise(" ".join(owner_parts)),
                rfc=rfc.group(0) if rfc else None,
            )
        )
    return tuple(entries)
