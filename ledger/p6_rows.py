"""The cells of a P6 export read as activities and relationships, strictly.

Every refusal is one line naming the file, the table, the row and the column, what the cell
holds and what P6 would have written there.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, datetime
from typing import cast

from ledger.errors import DocumentError
from ledger.p6_model import STATUSES, Activity, Relationship, RelationshipKind, Status
from ledger.p6_read import EXPECTED, Row, Table

__all__ = [
    "ACTIVITY_FIELDS",
    "LIST_CUT",
    "read_activities",
    "read_list_relationships",
    "read_taskpred",
    "require_fields",
]

#: Fields an activity table must have; plus one of base_end_date or end_date.
ACTIVITY_FIELDS = ("task_code", "status_code", "task_name", "start_date", "act_end_date")
_FINISHES = ("base_end_date", "end_date")
_TASKPRED_FIELDS = ("pred_task_id", "task_id", "pred_type")
_KINDS = ("FS", "SS", "FF", "SF")
#: The CSV's pred_list and succ_list are cut at this many characters by the export.
LIST_CUT = 100

# P6's US form without zero padding: "2/16/2021 8:00:00 AM", or just "11/1/2017".
_P6_DATE = re.compile(
    r"(?P<month>\d{1,2})/(?P<day>\d{1,2})/(?P<year>\d{4})"
    r"(?: (?P<hour>\d{1,2}):(?P<minute>\d{2}):(?P<second>\d{2}) (?P<half>[AP]M))?"
)
_DATE_EXAMPLE = "M/D/YYYY h:mm:ss AM or M/D/YYYY, e.g. 4/30/2019 5:00:00 PM"


def _where(table: Table, row: Row, field: str, source: str) -> str:
    return f"{source}: {table.where} row {row.number}, column {field}"


def require_fields(table: Table, fields: Iterable[str], *, source: str) -> None:
    """Refuse a table that lacks any of `fields` on its first row."""
    missing = [field for field in fields if field not in table.fields]
    if missing:
        found = ", ".join(f for f in table.fields[:6] if f) or "nothing"
        more = ", ..." if len(table.fields) > 6 else ""
        raise DocumentError(
            f"{source}: {table.where} lacks the P6 column(s) {', '.join(missing)} "
            f"(row 1 has {found}{more}); {EXPECTED}"
        )


def _date(table: Table, row: Row, field: str, *, source: str) -> date | None:
    value = row.cells.get(field, "")
    if isinstance(value, datetime):
        return value.date()
    text = value.strip()
    if not text:
        return None
    match = _P6_DATE.fullmatch(text)
    problem = "is not a date as P6 writes them"
    if match is not None:
        hour_ok = match["hour"] is None or (
            1 <= int(match["hour"]) <= 12
            and int(match["minute"]) < 60
            and int(match["second"]) < 60
        )
        try:
            day = date(int(match["year"]), int(match["month"]), int(match["day"]))
        except ValueError:
            problem = "is not a real calendar date"
        else:
            if hour_ok:
                return day
            problem = "has an impossible time of day"
    raise DocumentError(
        f"{_where(table, row, field, source)}: {text!r} {problem}; expected {_DATE_EXAMPLE}"
    )


def _activity(table: Table, row: Row, *, source: str) -> Activity:
    code = row.text("task_code")
    if not code:
        raise DocumentError(
            f"{_where(table, row, 'task_code', source)}: is empty; every activity has an id"
        )
    status = row.text("status_code")
    if status not in STATUSES:
        raise DocumentError(
            f"{_where(table, row, 'status_code', source)}: {status!r} is not a P6 activity "
            f"status; expected one of {', '.join(STATUSES)}"
        )
    return Activity(
        code=code,
        name=row.text("task_name"),
        status=cast(Status, status),
        wbs=row.text("wbs_id") or None,
        start=_date(table, row, "start_date", source=source),
        baseline_finish=_date(table, row, "base_end_date", source=source),
        finish=_date(table, row, "end_date", source=source),
        actual_finish=_date(table, row, "act_end_date", source=source),
        early_finish=_date(table, row, "early_end_date", source=source),
        late_finish=_date(table, row, "late_end_date", source=source),
        target_finish=_date(table, row, "target_end_date", source=source),
        row=row.number,
    )


def read_activities(table: Table, *, source: str) -> tuple[Activity, ...]:
    """The activities of a TASK table in file order; each id must appear once."""
    require_fields(table, ACTIVITY_FIELDS, source=source)
    if not any(field in table.fields for field in _FINISHES):
        require_fields(table, _FINISHES[:1], source=source)
    if not table.rows:
        raise DocumentError(
            f"{source}: {table.where} has its header rows but no activities; {EXPECTED}"
        )
    seen: dict[str, int] = {}
    activities = []
    for row in table.rows:
        if row.text("delete_record_flag"):
            continue  # marked for deletion in P6: not part of the schedule any more
        activity = _activity(table, row, source=source)
        if activity.code in seen:
            raise DocumentError(
                f"{_where(table, row, 'task_code', source)}: activity {activity.code} is listed "
                f"twice (rows {seen[activity.code]} and {row.number}); an export lists each "
                "activity once"
            )
        seen[activity.code] = row.number
        activities.append(activity)
    return tuple(activities)


def read_taskpred(table: Table, *, source: str) -> tuple[Relationship, ...]:
    """The relationships of a TASKPRED sheet, one per row, in file order."""
    require_fields(table, _TASKPRED_FIELDS, source=source)
    relationships = []
    for row in table.rows:
        ends = []
        for field in ("pred_task_id", "task_id"):
            if not row.text(field):
                raise DocumentError(
                    f"{_where(table, row, field, source)}: is empty; a relationship names the "
                    "ids of both activities"
                )
            ends.append(row.text(field))
        kind = row.text("pred_type").removeprefix("PR_")
        if kind not in _KINDS:
            raise DocumentError(
                f"{_where(table, row, 'pred_type', source)}: {row.text('pred_type')!r} is not a "
                f"relationship type; expected one of {', '.join(_KINDS)}"
            )
        lag_text = row.text("lag_hr_cnt")
        try:
            lag = float(lag_text) if lag_text else None
        except ValueError:
            raise DocumentError(
                f"{_where(table, row, 'lag_hr_cnt', source)}: {lag_text!r} is not a number of "
                "hours; expected a number such as 0 or 40"
            ) from None
        relationships.append(
            Relationship(ends[0], ends[1], cast(RelationshipKind, kind), lag, row.number)
        )
    return tuple(relationships)


def _listed(cell: str) -> tuple[list[str], bool]:
    """The ids of a pred_list or succ_list cell, and whether the export cut the cell."""
    ids = [part.strip() for part in cell.split(",") if part.strip()]
    cut = len(cell) >= LIST_CUT
    # The cut may fall inside the last id ("DM-DR"), and a partial id can look whole
    # ("DM-DRP-1" of "DM-DRP-17"): it is dropped, and the other end's list restores it.
    return (ids[:-1] if cut else ids), cut


def read_list_relationships(
    table: Table, *, source: str
) -> tuple[tuple[Relationship, ...], tuple[str, ...]]:
    """Relationships from a CSV's pred_list and succ_list columns, and the rows found cut.

    A relationship is kept once whichever row names it (B's pred_list naming A and A's
    succ_list naming B are one link), with the row that named it first.
    """
    require_fields(table, ("pred_list", "succ_list"), source=source)
    found: dict[tuple[str, str], Relationship] = {}
    cut_cells = []
    for row in table.rows:
        if row.text("delete_record_flag"):
            continue  # as in read_activities: a row marked for deletion is not in the schedule
        code = row.text("task_code")
        predecessors, pred_cut = _listed(row.text("pred_list"))
        successors, succ_cut = _listed(row.text("succ_list"))
        cut_cells += [
            f"{code} {name}" for name, c in (("pred_list", pred_cut), ("succ_list", succ_cut)) if c
        ]
        pairs = [(p, code) for p in predecessors] + [(code, s) for s in successors]
        for pair in pairs:
            found.setdefault(pair, Relationship(pair[0], pair[1], None, None, row.number))
    return tuple(found.values()), tuple(cut_cells)
