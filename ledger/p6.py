"""Read a Primavera P6 export of Rubin's schedule (PMCS) into one frozen, typed `P6Export`.

Two formats, told apart by their bytes: an Excel 97 workbook (sheets TASK and TASKPRED;
USERDATA holds the exporting user's display settings, which do not apply to the exported
cells, so it is not read) and a CSV (UTF-8 with a byte-order mark, CRLF, pred_list and
succ_list columns instead of TASKPRED). Both have two header rows and data from row 3.

The plan is read the way Rubin's tooling read it when it generated LDM-564 section 3 from
these exports (see ../shared/pmcs/README.md): Level 2 by id prefix, Level 3 the `DM-`
immediate predecessors of a Level-2 milestone except numbered Jira tickets, due = baseline
finish else finish else start, completed = the actual finish of a completed activity.
Releases are ordered by due date, then id, and so are the milestones under each: that is
the order LDM-564-2019-05-20 lists them in. `ledger.p6_plan` turns the result into the
`Revision` shape the LDM-564 importer consumes.
"""

from __future__ import annotations

import calendar
import re
from collections import defaultdict
from datetime import date
from pathlib import Path
from typing import Literal

from ledger.errors import DocumentError
from ledger.files import read_document
from ledger.p6_model import Activity, Levels, P6Export, P6Milestone, Relationship
from ledger.p6_read import EXPECTED, Tables, read_tables
from ledger.p6_rows import LIST_CUT, read_activities, read_list_relationships, read_taskpred

__all__ = ["RUBIN", "parse_p6_export", "read_export_bytes", "read_p6_export"]

#: Rubin's rules for levels; pass another `Levels` for a project that names things otherwise.
RUBIN = Levels()

# "LSST ME 19-04": the month-end (ME) project of April 2019, as the WBS codes start.
_MONTH_END_PROJECT = re.compile(r"\bME (?P<year>\d{2})-(?P<month>\d{2})$")


def _project(activities: tuple[Activity, ...]) -> tuple[str | None, date | None]:
    # A WBS code is the project id, a dot, then the element ("LSST ME 19-04.02C.03").
    projects = {a.wbs.split(".", 1)[0] for a in activities if a.wbs}
    if len(projects) != 1:
        return None, None
    project = projects.pop()
    match = _MONTH_END_PROJECT.search(project)
    if match is None:
        return project, None
    year, month = 2000 + int(match["year"]), int(match["month"])
    if not 1 <= month <= 12:
        return project, None
    return project, date(year, month, calendar.monthrange(year, month)[1])


def _relationships(tables: Tables, *, source: str) -> tuple[tuple[Relationship, ...], list[str]]:
    task = tables.tables["TASK"]
    if tables.format == "csv":
        relationships, cut = read_list_relationships(task, source=source)
        notes = []
        if cut:
            notes.append(
                f"{len(cut)} pred_list/succ_list cells are cut at {LIST_CUT} characters "
                f"({', '.join(cut[:4])}{', ...' if len(cut) > 4 else ''}); the last id of "
                "each was dropped and the other rows' lists restore the links they name"
            )
        return relationships, notes
    if "TASKPRED" not in tables.tables:
        raise DocumentError(
            f"{source}: has no TASKPRED sheet (sheets: {', '.join(tables.tables)}), so the "
            f"Level-3 milestones of each release cannot be told; {EXPECTED}"
        )
    return read_taskpred(tables.tables["TASKPRED"], source=source), []


def _missing_member(relationship: Relationship, tables: Tables, *, source: str) -> DocumentError:
    if tables.format == "xls":
        where = f"sheet TASKPRED row {relationship.row}, column pred_task_id"
    else:
        # The link came from the successor's pred_list, or else the predecessor's succ_list.
        row = next(r for r in tables.tables["TASK"].rows if r.number == relationship.row)
        column = "pred_list" if row.text("task_code") == relationship.successor else "succ_list"
        where = f"the CSV row {relationship.row}, column {column}"
    return DocumentError(
        f"{source}: {where}: {relationship.predecessor} precedes Level-2 milestone "
        f"{relationship.successor} but is not an activity of the file; an export lists every "
        "milestone it links (a file cut short?)"
    )


def _milestone(
    activity: Activity, level: Literal[2, 3], releases: tuple[str, ...], *, where: str
) -> P6Milestone:
    due = activity.due
    if due is None:
        raise DocumentError(
            f"{where} row {activity.row}: Level-{level} milestone {activity.code} has no date "
            "(start_date, base_end_date and end_date are empty); expected at least one"
        )
    return P6Milestone(
        code=activity.code,
        level=level,
        title=activity.name,
        status=activity.status,
        due=due,
        forecast=activity.forecast or due,
        completed=activity.completed,
        releases=releases,
    )


def _plan(
    activities: tuple[Activity, ...],
    relationships: tuple[Relationship, ...],
    tables: Tables,
    *,
    levels: Levels,
    source: str,
) -> tuple[tuple[P6Milestone, ...], list[str]]:
    by_code = {a.code: a for a in activities}
    where = f"{source}: {tables.tables['TASK'].where}"
    level2 = [a for a in activities if a.code.startswith(levels.level2)]
    releases = [_milestone(a, 2, (), where=where) for a in level2]
    releases.sort(key=lambda m: (m.due, m.code))
    order = {m.code: index for index, m in enumerate(releases)}

    not_milestones = re.compile(levels.not_milestones)
    holders: dict[str, set[str]] = defaultdict(set)
    tickets: dict[str, set[str]] = defaultdict(set)
    strays: dict[str, set[str]] = defaultdict(set)
    for link in relationships:
        if not link.predecessor.startswith(levels.level3):
            continue
        if link.successor not in by_code and link.successor.startswith(levels.level2):
            if not not_milestones.fullmatch(link.predecessor):
                strays[link.successor].add(link.predecessor)
            continue
        if link.successor not in order:
            continue
        if not_milestones.fullmatch(link.predecessor):
            tickets[link.successor].add(link.predecessor)
        elif link.predecessor not in by_code:
            raise _missing_member(link, tables, source=source)
        else:
            holders[link.predecessor].add(link.successor)

    members = [
        _milestone(by_code[code], 3, tuple(sorted(held, key=order.__getitem__)), where=where)
        for code, held in holders.items()
    ]
    # A Level-3 milestone comes where the first release listing it lists it.
    members.sort(key=lambda m: (order[m.releases[0]], m.due, m.code))
    notes = [
        f"{release}'s predecessors {', '.join(sorted(codes))} are tickets, not milestones "
        f"(ids matching {levels.not_milestones!r}): left out of the plan"
        for release, codes in sorted(tickets.items(), key=lambda item: order[item[0]])
    ]
    # 201904-ME.xls links DM-DAX-5, DM-NCSA-16, DM-SQRE-2, ... to "LDM-503-0", an id TASK
    # does not hold, and none to LDM-503-09: membership is read as the export states it
    # (as Rubin's tooling did), and the person importing is told.
    notes += [
        f"the relationships name {code} as the successor of {len(codes)} Level-3 "
        f"milestone(s) ({', '.join(sorted(codes)[:5])}{', ...' if len(codes) > 5 else ''}), "
        "but it is not an activity of the file (a Level-2 id cut short?): those links make "
        "no release's membership"
        for code, codes in sorted(strays.items())
    ]
    return tuple(releases + members), notes


def parse_p6_export(*, data: bytes, source: str, levels: Levels = RUBIN) -> P6Export:
    """Read the bytes of a P6 export (.xls or CSV); `source` names it in errors.

    Raises `DocumentError` with a one-line message naming the row and column for anything
    that is not a P6 export: empty, not a spreadsheet, a damaged or cut workbook, missing
    sheets or columns, a date P6 never writes, an unknown status, an activity listed twice,
    a Level-3 predecessor of a release that the file does not hold.
    """
    tables = read_tables(data=data, source=source)
    if "TASK" not in tables.tables:
        raise DocumentError(
            f"{source}: has no TASK sheet (sheets: {', '.join(tables.tables) or 'none'}); "
            f"{EXPECTED}"
        )
    activities = read_activities(tables.tables["TASK"], source=source)
    relationships, notes = _relationships(tables, source=source)
    milestones, plan_notes = _plan(activities, relationships, tables, levels=levels, source=source)
    plan = {m.code for m in milestones}
    project, month_end = _project(activities)
    if month_end is None:
        notes.append(
            f"the WBS codes name {'project ' + project if project else 'no single project'}, "
            "not a month-end one ('... ME YY-MM'), so the export's date is unknown"
        )
    return P6Export(
        source=source,
        format=tables.format,
        project=project,
        month_end=month_end,
        activities=activities,
        relationships=relationships,
        milestones=milestones,
        dependencies=tuple(
            r for r in relationships if r.predecessor in plan and r.successor in plan
        ),
        notes=tuple(plan_notes + notes),
    )


def read_export_bytes(path: Path) -> bytes:
    """The bytes of an export file, or `DocumentError` saying why they cannot be read."""
    return read_document(path, expected="a P6 export")


def read_p6_export(*, path: Path, levels: Levels = RUBIN) -> P6Export:
    """`parse_p6_export` of a file, named in errors by its file name."""
    return parse_p6_export(data=read_export_bytes(path), source=path.name, levels=levels)
