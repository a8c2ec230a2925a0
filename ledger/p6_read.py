"""The raw tables of a Primavera P6 export file: Excel 97 (.xls) sheets or one CSV table.

Both formats have two header rows (P6's field names such as ``task_code``, then the names a
person sees such as "Activity ID") and data from row 3. This module only splits a file into
named tables of text cells; what the cells mean is `ledger.p6`'s business. The format is
told by the bytes, not the file name, so a renamed file is still read or still refused.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

import xlrd

from ledger.errors import DocumentError

__all__ = ["EXPECTED", "Cell", "Row", "Table", "Tables", "read_tables"]

#: What every refusal says would be right.
EXPECTED = (
    "expected a Primavera P6 export: an Excel 97 .xls with sheets TASK and TASKPRED, or a "
    "CSV, with P6's field names (task_code, status_code, ...) on row 1 and data from row 3"
)

# An xls cell holds text, or a date when someone saved the export through Excel.
Cell = str | datetime

_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the compound-file signature of .xls workbooks
_ZIP = b"PK\x03\x04"  # .xlsx workbooks are zip archives


@dataclass(frozen=True)
class Row:
    """One data row: its 1-based number in the sheet or CSV, and its cells by field name."""

    number: int
    cells: dict[str, Cell]

    def text(self, field: str) -> str:
        """The cell of `field` as stripped text ("" when empty, absent or a date)."""
        value = self.cells.get(field, "")
        return value.strip() if isinstance(value, str) else ""


@dataclass(frozen=True)
class Table:
    """One sheet (or the CSV): field names of row 1 and the data rows from row 3."""

    name: str
    where: str  # how messages name it: "sheet TASK", "the CSV"
    fields: tuple[str, ...]
    rows: tuple[Row, ...]


@dataclass(frozen=True)
class Tables:
    """The tables of one export file, by name (the CSV's one table is called TASK)."""

    format: Literal["xls", "csv"]
    tables: dict[str, Table]


def _fail(source: str, problem: str) -> DocumentError:
    return DocumentError(f"{source}: {problem}; {EXPECTED}")


def _cell_text(value: object) -> str:
    # Numbers come back as floats; an id or a lag typed as 12 must read "12", not "12.0".
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _table(name: str, grid: list[list[Cell]], *, where: str, source: str) -> Table:
    """A table from its rows of cells, header rows included; `where` names it in errors."""
    if not any(isinstance(c, datetime) or c.strip() for row in grid for c in row):
        raise _fail(source, f"{where} is empty")
    if not any(isinstance(c, datetime) or c.strip() for c in grid[0]):
        raise _fail(source, f"{where} row 1 is blank where P6's field names go")
    fields = tuple(c.strip() if isinstance(c, str) else "" for c in grid[0])
    if len(grid) < 2:
        raise _fail(source, f"{where} has only one header row")
    rows = []
    for index, cells in enumerate(grid[2:], start=3):
        if not any(isinstance(c, datetime) or c.strip() for c in cells):
            continue  # spreadsheets keep blank rows at the end; they say nothing
        if len(cells) != len(fields):
            raise _fail(
                source,
                f"{where} row {index} has {len(cells)} cells where row 1 names {len(fields)} "
                "fields (a file cut short?)",
            )
        rows.append(Row(index, dict(zip(fields, cells, strict=True))))
    return Table(name, where, fields, tuple(rows))


def _read_xls(data: bytes, *, source: str) -> Tables:
    try:
        # xlrd writes warnings to a log file, stdout by default; the library never prints.
        book = xlrd.open_workbook(file_contents=data, logfile=io.StringIO())
    except Exception as error:
        # xlrd reports a damaged or cut workbook through many exception types (struct.error,
        # IndexError, XLRDError, ...): any of them means the same thing to the person.
        raise DocumentError(
            f"{source}: is an Excel 97 workbook but cannot be read ({type(error).__name__}: "
            f"{error}); it is probably cut short or damaged: export it from P6 again"
        ) from None
    tables = {}
    for sheet in book.sheets():
        grid: list[list[Cell]] = []
        for r in range(sheet.nrows):
            row: list[Cell] = []
            for c in range(sheet.ncols):
                cell = sheet.cell(r, c)
                if cell.ctype == xlrd.XL_CELL_DATE:
                    row.append(xlrd.xldate.xldate_as_datetime(cell.value, book.datemode))
                elif cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
                    row.append("")
                else:
                    row.append(_cell_text(cell.value))
            grid.append(row)
        if grid:
            tables[sheet.name] = _table(
                sheet.name, grid, where=f"sheet {sheet.name}", source=source
            )
    return Tables("xls", tables)


def _read_csv(data: bytes, *, source: str) -> Tables:
    if b"\x00" in data:
        raise _fail(source, "is binary (it contains NUL bytes) but not an Excel 97 workbook")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise _fail(
            source, f"is neither an Excel 97 workbook nor UTF-8 text (byte {error.start})"
        ) from None
    try:
        # strict: a quote left open by a cut file is an error, not a field running to the end.
        grid: list[list[Cell]] = [
            list(row) for row in csv.reader(io.StringIO(text, newline=""), strict=True)
        ]
    except csv.Error as error:
        raise _fail(source, f"is not readable as CSV ({error}; a file cut short?)") from None
    return Tables("csv", {"TASK": _table("TASK", grid, where="the CSV", source=source)})


def read_tables(*, data: bytes, source: str) -> Tables:
    """The tables of a P6 export's bytes; `source` names the file in errors.

    Raises `DocumentError` with a one-line message for an empty file, a zip (.xlsx) workbook,
    a damaged or cut .xls, bytes that are neither a workbook nor UTF-8 text, and a table
    without its header rows or with a row of the wrong width.
    """
    if not data.strip():
        raise _fail(source, "is empty")
    if data.startswith(_OLE2):
        return _read_xls(data, source=source)
    if data.startswith(_ZIP):
        raise _fail(
            source,
            "is a zip archive (an .xlsx workbook?), which P6 did not write; save it as "
            "Excel 97 .xls or CSV",
        )
    return _read_csv(data, source=source)
