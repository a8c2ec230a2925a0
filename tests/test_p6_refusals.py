"""Files that are not P6 exports are refused with one line: what is wrong, what would be right.

Bad files are made from the real exports by hand-sized edits (a date rewritten, a row
repeated, the file cut), so everything else about them is right. Row numbers are the
spreadsheet's: the CSV's header rows are 1 and 2, and row N is line N of the file.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from ldm564_files import REVISION_2019, ldm564_dir
from pmcs_files import EXPORT_2018, EXPORT_2019, pmcs_path

from ledger.errors import DocumentError
from ledger.p6 import parse_p6_export, read_p6_export
from ledger.p6_read import Row, Table
from ledger.p6_rows import read_taskpred


@pytest.fixture(scope="module")
def csv_lines() -> list[bytes]:
    return pmcs_path(EXPORT_2018).read_bytes().split(b"\r\n")


def _csv(lines: list[bytes]) -> bytes:
    return b"\r\n".join(lines)


def _line(lines: list[bytes], start: bytes) -> int:
    """The index of the one line starting with `start` (row = index + 1)."""
    found = [index for index, line in enumerate(lines) if line.startswith(start)]
    assert len(found) == 1, start
    return found[0]


def _refusal(data: bytes, source: str = "bad.csv") -> str:
    with pytest.raises(DocumentError) as raised:
        parse_p6_export(data=data, source=source)
    error = raised.value
    message = str(error)
    assert message.startswith(f"{source}: ")
    assert "\n" not in message
    # Raised afresh, not chained to a parser's exception: nothing but the line is shown.
    assert error.__cause__ is None
    assert error.__context__ is None or error.__suppress_context__
    return message


# --- not a spreadsheet at all ---------------------------------------------------------------


@pytest.mark.parametrize("data", [b"", b" \r\n\r\n "])
def test_an_empty_file_is_refused(data: bytes) -> None:
    message = _refusal(data)

    assert message.startswith("bad.csv: is empty; expected a Primavera P6 export")


def test_random_bytes_are_refused_as_binary() -> None:
    data = random.Random(8).randbytes(4096)

    message = _refusal(data, "noise.bin")

    assert "binary (it contains NUL bytes) but not an Excel 97 workbook" in message


def test_text_that_is_not_utf8_is_refused() -> None:
    data = "task_code,status_code\r\nDM-AP-1,Compl\xe9t\r\n".encode("latin-1")

    message = _refusal(data)

    assert "is neither an Excel 97 workbook nor UTF-8 text (byte 36)" in message


def test_a_truncated_workbook_is_refused() -> None:
    data = pmcs_path(EXPORT_2019).read_bytes()[:100_000]

    message = _refusal(data, "cut.xls")

    assert message.startswith("cut.xls: is an Excel 97 workbook but cannot be read (")
    assert message.endswith("it is probably cut short or damaged: export it from P6 again")


def test_an_xlsx_workbook_is_refused() -> None:
    message = _refusal(b"PK\x03\x04" + bytes(200), "plan.xlsx")

    assert "is a zip archive (an .xlsx workbook?), which P6 did not write" in message


def test_an_ldm564_revision_is_not_a_p6_export() -> None:
    data = (ldm564_dir() / REVISION_2019).read_bytes()

    message = _refusal(data, REVISION_2019)

    # Its first line is blank, where P6 writes its field names.
    assert "the CSV row 1 is blank where P6's field names go" in message


# --- a spreadsheet, but not P6's -------------------------------------------------------------


def test_wrong_columns_are_refused_naming_the_missing_ones() -> None:
    data = b"code,name,due\r\nID,Name,Due\r\nDM-AP-1,Single frame,2017-08-31\r\n"

    message = _refusal(data)

    assert message.startswith(
        "bad.csv: the CSV lacks the P6 column(s) task_code, status_code, task_name, "
        "start_date, act_end_date (row 1 has code, name, due); expected a Primavera P6 export"
    )


def test_a_file_with_one_header_row_is_refused(csv_lines: list[bytes]) -> None:
    message = _refusal(csv_lines[0])

    assert "the CSV has only one header row" in message


def test_a_file_with_header_rows_and_no_activities_is_refused(csv_lines: list[bytes]) -> None:
    message = _refusal(_csv(csv_lines[:2]))

    assert "the CSV has its header rows but no activities" in message


def test_a_csv_without_predecessor_lists_is_refused(csv_lines: list[bytes]) -> None:
    rows = [line.split(b",", 5)[:4] for line in csv_lines[:2]]

    message = _refusal(b"\r\n".join(b",".join(row) for row in rows))

    assert "lacks the P6 column(s) start_date, act_end_date" in message


# --- cells P6 never writes ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "problem"),
    [
        (b"2017-05-31", "'2017-05-31' is not a date as P6 writes them"),
        (b"31/5/2017 5:00:00 PM", "'31/5/2017 5:00:00 PM' is not a real calendar date"),
        (b"2/30/2017", "'2/30/2017' is not a real calendar date"),
        (b"5/31/2017 17:00:00 PM", "'5/31/2017 17:00:00 PM' has an impossible time of day"),
        (b'"May 31, 2017"', "'May 31, 2017' is not a date as P6 writes them"),
    ],
)
def test_a_date_p6_never_writes_is_refused_naming_its_row_and_column(
    csv_lines: list[bytes], written: bytes, problem: str
) -> None:
    lines = list(csv_lines)
    index = _line(lines, b"DM-NCSA-1,")
    lines[index] = lines[index].replace(b"5/31/2017 5:00:00 PM", written, 1)

    message = _refusal(_csv(lines))

    assert message == (
        f"bad.csv: the CSV row 12, column base_end_date: {problem}; expected "
        "M/D/YYYY h:mm:ss AM or M/D/YYYY, e.g. 4/30/2019 5:00:00 PM"
    )


def test_an_unknown_status_is_refused(csv_lines: list[bytes]) -> None:
    lines = list(csv_lines)
    index = _line(lines, b"DM-NCSA-1,")
    lines[index] = lines[index].replace(b",Completed,", b",Done,", 1)

    message = _refusal(_csv(lines))

    assert message == (
        "bad.csv: the CSV row 12, column status_code: 'Done' is not a P6 activity status; "
        "expected one of Not Started, In Progress, Completed"
    )


def test_an_activity_listed_twice_is_refused_naming_both_rows(csv_lines: list[bytes]) -> None:
    lines = list(csv_lines)
    lines.insert(len(lines) - 1, lines[_line(lines, b"DM-NCSA-1,")])

    message = _refusal(_csv(lines))

    assert message.startswith(
        "bad.csv: the CSV row 404, column task_code: activity DM-NCSA-1 is listed twice "
        "(rows 12 and 404)"
    )


def test_a_level3_predecessor_the_file_does_not_hold_is_refused(csv_lines: list[bytes]) -> None:
    # LDM-503-03 (row 215) lists DM-AP-4 in its pred_list; the DM-AP-4 row goes.
    lines = [line for line in csv_lines if not line.startswith(b"DM-AP-4,")]

    message = _refusal(_csv(lines))

    assert message.startswith(
        "bad.csv: the CSV row 215, column pred_list: DM-AP-4 precedes Level-2 milestone "
        "LDM-503-03 but is not an activity of the file"
    )


def test_a_release_without_any_date_is_refused(csv_lines: list[bytes]) -> None:
    lines = list(csv_lines)
    index = _line(lines, b"LDM-503-01,")
    lines[index] = lines[index].replace(b",11/30/2017 5:00:00 PM,", b",,", 1)

    message = _refusal(_csv(lines))

    assert message.startswith(
        "bad.csv: the CSV row 213: Level-2 milestone LDM-503-01 has no date (start_date, "
        "base_end_date and end_date are empty)"
    )


# --- files cut short ------------------------------------------------------------------------


def test_a_csv_cut_in_the_middle_of_a_row_is_refused(csv_lines: list[bytes]) -> None:
    index = _line(csv_lines, b"DM-STAFF,")
    cut = _csv(csv_lines[:index]) + b"\r\n" + csv_lines[index][:20]

    message = _refusal(cut)

    assert "the CSV row 236 has 2 cells where row 1 names 10 fields (a file cut short?)" in message


def test_a_csv_cut_inside_a_quoted_list_is_refused(csv_lines: list[bytes]) -> None:
    index = _line(csv_lines, b"LDM-503-09,")
    cut = _csv(csv_lines[:index]) + b"\r\n" + csv_lines[index][:120]

    message = _refusal(cut)

    assert "is not readable as CSV (unexpected end of data; a file cut short?)" in message


# --- relationships --------------------------------------------------------------------------


def _taskpred(**cells: str) -> Table:
    row = {"pred_task_id": "DM-AP-1", "task_id": "LDM-503-02", "pred_type": "FS", **cells}
    return Table("TASKPRED", "sheet TASKPRED", (*row, "lag_hr_cnt"), (Row(3, row),))


@pytest.mark.parametrize(
    ("cells", "problem"),
    [
        ({"pred_type": "XX"}, "column pred_type: 'XX' is not a relationship type"),
        ({"lag_hr_cnt": "two days"}, "column lag_hr_cnt: 'two days' is not a number of hours"),
        ({"task_id": ""}, "column task_id: is empty; a relationship names the ids of both"),
    ],
)
def test_a_relationship_row_p6_never_writes_is_refused(cells: dict[str, str], problem: str) -> None:
    with pytest.raises(DocumentError) as raised:
        read_taskpred(_taskpred(**cells), source="x.xls")

    assert str(raised.value).startswith(f"x.xls: sheet TASKPRED row 3, {problem}")


def test_a_relationship_type_is_read_with_or_without_p6s_prefix() -> None:
    (first,) = read_taskpred(_taskpred(pred_type="PR_SS", lag_hr_cnt="40"), source="x.xls")

    assert (first.kind, first.lag_hours, first.row) == ("SS", 40.0, 3)


# --- paths ----------------------------------------------------------------------------------


def test_a_missing_file_and_a_directory_are_refused(tmp_path: Path) -> None:
    with pytest.raises(DocumentError, match=r"no such file; give the path of a P6 export$"):
        read_p6_export(path=tmp_path / "absent.xls")
    with pytest.raises(DocumentError, match=r"is a directory; give the path of a P6 export$"):
        read_p6_export(path=tmp_path)
