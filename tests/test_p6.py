"""Reading the two real P6 exports, and how far they reproduce the LDM-564 made from them.

Expected values were read by hand from ../shared/pmcs (the CSV in a text editor, the
workbook's TASK and TASKPRED sheets dumped cell by cell with xlrd), and from
../shared/ldm564/LDM-564-2019-05-20.txt through the independent reference reader; never
from the code under test. Row numbers are the spreadsheet's (data starts on row 3).
"""

from __future__ import annotations

import dataclasses
import re
from datetime import date

import pytest
from ldm564_files import REVISION_2018, REVISION_2019, read_ldm564
from ldm564_reference import section3_lines
from pmcs_files import EXPORT_2018, EXPORT_2019, pmcs_path

from ledger.errors import DocumentError
from ledger.import_targets import target_plan
from ledger.ldm564 import Revision
from ledger.p6 import parse_p6_export, read_p6_export
from ledger.p6_links import MilestoneDependency, milestone_dependencies
from ledger.p6_model import Activity, P6Export, Relationship
from ledger.p6_plan import export_revision


@pytest.fixture(scope="module")
def april_2019() -> P6Export:
    return read_p6_export(path=pmcs_path(EXPORT_2019))


@pytest.fixture(scope="module")
def february_2018() -> P6Export:
    return read_p6_export(path=pmcs_path(EXPORT_2018))


def _activity(export: P6Export, code: str) -> Activity:
    matches = [a for a in export.activities if a.code == code]
    assert len(matches) == 1, f"{code} should be one activity, found {len(matches)}"
    return matches[0]


def _section3(revision: Revision) -> list[str]:
    # The normalised lines of ldm564_reference.section3_lines, built from a Revision.
    def status(completed: date | None) -> str:
        return "currently incomplete" if completed is None else f"completed {completed}"

    lines = []
    for release in revision.releases:
        lines.append(f"{release.title}: {release.label}")
        lines.append(f"Due: {release.due}; {status(release.completed)}.")
        lines += [
            f"{entry.code}: {entry.title} (Due: {entry.due}; {status(entry.completed)})"
            for entry in release.milestones
        ]
    return lines


def _dates(line: str) -> str:
    """A section-3 line without its title: a heading's label, a Level-3 code and date part."""
    if line.startswith("Due: "):
        return line
    if line.startswith("DM-"):
        return line.split(":", 1)[0] + " (" + line.rsplit(" (Due: ", 1)[1]
    return line.rsplit(": ", 1)[1]


def _members(lines: list[str]) -> dict[str, list[str]]:
    """Release label -> Level-3 codes in order, from section-3 lines."""
    members: dict[str, list[str]] = {}
    label = ""
    for line in lines:
        if line.startswith("DM-"):
            members[label].append(line.split(":", 1)[0])
        elif not line.startswith("Due: "):
            label = line.rsplit(": ", 1)[1]
            members[label] = []
    return members


# --- the April 2019 workbook --------------------------------------------------------------------


def test_the_2019_workbook_has_386_activities_and_14039_relationships(
    april_2019: P6Export,
) -> None:
    kinds = [r.kind for r in april_2019.relationships]

    assert april_2019.format == "xls"
    assert len(april_2019.activities) == 386
    assert len(april_2019.relationships) == 14_039
    assert (kinds.count("FS"), kinds.count("SS"), kinds.count("FF"), kinds.count("SF")) == (
        13_147,
        710,
        174,
        8,
    )


def test_the_2019_workbook_is_the_month_end_of_april_2019(april_2019: P6Export) -> None:
    assert april_2019.project == "LSST ME 19-04"
    assert april_2019.month_end == date(2019, 4, 30)


def test_activities_keep_their_rows_in_file_order(april_2019: P6Export) -> None:
    first, last = april_2019.activities[0], april_2019.activities[-1]

    assert (first.code, first.row, first.name) == ("LSST-1520", 3, "System First Light")
    assert last.row == 388


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        # TASK row 271: Completed, BL finish 1/4/2019 5:00:00 PM, actual 1/17/2019.
        (
            "DM-AP-8",
            ("Completed", date(2019, 1, 4), date(2019, 1, 17), date(2019, 1, 4), date(2019, 1, 17)),
        ),
        # Row 343: not started, baseline 7/31/2017, finish moved to 5/1/2019.
        (
            "DM-DAX-2",
            ("Not Started", date(2017, 7, 31), date(2019, 5, 1), date(2017, 7, 31), None),
        ),
        # Row 207: a release forecast two and a half months after its baseline.
        (
            "LDM-503-06",
            ("Not Started", date(2019, 8, 30), date(2019, 11, 11), date(2019, 8, 30), None),
        ),
        # Row 186: a start milestone, completed with no actual finish: done on its start.
        ("S19S", ("Completed", None, None, date(2018, 12, 1), date(2018, 12, 1))),
        # Row 4: only a start date, which is then its due date.
        ("LSST-1510", ("Not Started", None, None, date(2021, 2, 2), None)),
    ],
)
def test_an_activity_has_the_status_and_dates_of_its_row(
    april_2019: P6Export, code: str, expected: tuple[object, ...]
) -> None:
    a = _activity(april_2019, code)

    assert (a.status, a.baseline_finish, a.finish, a.due, a.completed) == expected


def test_the_2019_plan_has_28_releases_and_97_level3_milestones(april_2019: P6Export) -> None:
    levels = [m.level for m in april_2019.milestones]

    assert levels.count(2) == 28
    assert levels.count(3) == 97
    assert levels == sorted(levels)  # Level 2 first


def test_a_level3_milestone_belongs_to_the_releases_it_immediately_precedes(
    april_2019: P6Export,
) -> None:
    by_code = {m.code: m for m in april_2019.milestones}

    assert by_code["DM-AP-1"].releases == ("LDM-503-02", "LDM-503-03")
    assert by_code["DM-AP-2"].releases == ("LDM-503-03", "LDM-503-09a")
    # TASKPRED row 7219: DM-AP-10 -> LDM-503-11b, FS.
    assert by_code["DM-AP-10"].releases == ("LDM-503-11b",)
    assert by_code["DM-STAFF"].releases == ("LDM-503-13",)


def test_numbered_tickets_before_a_release_are_not_milestones(april_2019: P6Export) -> None:
    codes = {m.code for m in april_2019.milestones}

    assert codes.isdisjoint({"DM-8727", "DM-10853", "DM-8721", "DM-8765", "DM-16796"})
    assert (
        "LDM-503-01's predecessors DM-10853, DM-8727 are tickets, not milestones "
        "(ids matching 'DM-\\\\d+'): left out of the plan"
    ) in april_2019.notes


def test_the_links_of_a_level2_id_the_workbook_does_not_hold_are_reported(
    april_2019: P6Export,
) -> None:
    # TASKPRED names "LDM-503-0" (not in TASK) as the successor of DM-DAX-5, DM-NCSA-16,
    # DM-SQRE-2 ..., the members LDM-503-09 has in 2022; LDM-503-09 itself has no link.
    stray = [note for note in april_2019.notes if "LDM-503-0 " in note]

    assert len(stray) == 1
    assert "successor of 10 Level-3 milestone(s) (DM-DAX-2, DM-DAX-3" in stray[0]
    assert not any(m.releases == ("LDM-503-09",) for m in april_2019.milestones)


# --- the same plan as LDM-564-2019-05-20, which Rubin generated from this workbook --------------


@pytest.fixture(scope="module")
def document_2019() -> list[str]:
    return section3_lines(read_ldm564(REVISION_2019))


@pytest.fixture(scope="module")
def derived_2019(april_2019: P6Export) -> list[str]:
    return _section3(export_revision(export=april_2019))


def test_the_workbook_gives_the_documents_releases_and_members_in_its_order(
    document_2019: list[str], derived_2019: list[str]
) -> None:
    document, derived = _members(document_2019), _members(derived_2019)

    assert list(derived) == list(document)
    assert derived == document
    assert sum(len(codes) for codes in derived.values()) == 100


def test_the_workbook_gives_every_due_date_and_completion_of_the_document(
    document_2019: list[str], derived_2019: list[str]
) -> None:
    assert len(derived_2019) == len(document_2019) == 28 + 28 + 100
    assert list(map(_dates, derived_2019)) == list(map(_dates, document_2019))


def test_the_workbook_and_the_document_differ_only_in_titles_the_authors_rewrote(
    document_2019: list[str], derived_2019: list[str]
) -> None:
    differing = [
        (ours, theirs)
        for ours, theirs in zip(derived_2019, document_2019, strict=True)
        if ours != theirs
    ]
    level2 = sorted(ours.rsplit(": ", 1)[1] for ours, _ in differing if not ours.startswith("DM-"))
    level3 = {ours.split(":", 1)[0] for ours, _ in differing if ours.startswith("DM-")}

    # 156 lines: 99 identical; 3 release titles and 54 Level-3 lines (51 milestones) differ.
    assert len(differing) == 57
    assert level2 == ["LDM-503-08b", "LDM-503-10a", "LDM-503-10b"]
    assert len(level3) == 51
    assert {code.rsplit("-", 1)[0] for code in level3} == {"DM-AP", "DM-DRP", "DM-DAX"}
    assert level3 & {"DM-DAX-2", "DM-DAX-3", "DM-DAX-4"} == {"DM-DAX-2", "DM-DAX-3", "DM-DAX-4"}
    assert (
        "DM-AP-1: SFM1: Basic single frame measurement pipeline for Alert Production "
        "(Due: 2017-08-31; completed 2017-11-01)",
        "DM-AP-1: Basic single frame measurement pipeline. (Due: 2017-08-31; completed 2017-11-01)",
    ) in differing
    assert ("LSP: LDM-503-10a", "LSP with Auth and TAP: LDM-503-10a") in differing


def test_the_rewritten_titles_are_the_2018_revisions_own(
    document_2019: list[str], derived_2019: list[str]
) -> None:
    titles_2018 = {
        line.split(" (Due:", 1)[0]
        for line in section3_lines(read_ldm564(REVISION_2018))
        if line.startswith("DM-")
    }
    rewritten = [
        theirs.split(" (Due:", 1)[0]
        for mine, theirs in zip(derived_2019, document_2019, strict=True)
        if mine != theirs and theirs.startswith("DM-")
    ]

    assert len(rewritten) == 54
    assert all(title in titles_2018 for title in rewritten)


# --- the Revision shape the LDM-564 importer consumes ---------------------------------------


def test_the_export_becomes_the_targets_of_an_ldm564_import(april_2019: P6Export) -> None:
    revision = export_revision(export=april_2019)

    targets = target_plan(revision, source=EXPORT_2019).milestones

    assert revision.latest_revision == date(2019, 4, 30)
    assert revision.change_record == ()
    assert len(targets) == 28 + 97
    assert targets["LDM-503-02"].title == "HSC reprocessing"
    assert targets["DM-AP-1"].releases == ("LDM-503-02", "LDM-503-03")
    assert (targets["DM-AP-8"].baseline, targets["DM-AP-8"].completed) == (
        "2019-01-04",
        "2019-01-17",
    )


def test_an_export_without_a_month_end_needs_a_date(april_2019: P6Export) -> None:
    undated = dataclasses.replace(april_2019, project=None, month_end=None)

    assert export_revision(export=undated, on=date(2019, 5, 1)).latest_revision == date(2019, 5, 1)
    with pytest.raises(DocumentError, match=r"^201904-ME\.xls: the export's date is unknown"):
        export_revision(export=undated)


# --- relationships between milestones -------------------------------------------------------


def test_direct_links_between_milestones_are_the_dependencies(april_2019: P6Export) -> None:
    levels = {m.code: m.level for m in april_2019.milestones}
    pairs = [(levels[d.predecessor], levels[d.successor]) for d in april_2019.dependencies]

    assert len(april_2019.dependencies) == 161
    assert (pairs.count((3, 2)), pairs.count((2, 2)), pairs.count((3, 3)), pairs.count((2, 3))) == (
        100,
        30,
        30,
        1,
    )
    assert Relationship("DM-NCSA-3", "DM-NCSA-4", "FS", 0.0, 7200) in april_2019.dependencies
    assert Relationship("LDM-503-02", "DM-NCSA-4", "FS", 0.0, 7241) in april_2019.dependencies


def test_dependencies_are_followed_through_activities_that_are_not_milestones(
    april_2019: P6Export,
) -> None:
    found = milestone_dependencies(export=april_2019)

    # TASKPRED rows 7388, 7398, 10296: DM-AP-7 -> AP-97 -> AP-67 -> DM-AP-10.
    assert MilestoneDependency("DM-AP-7", "DM-AP-10", ("AP-97", "AP-67")) in found
    # Rows 7248 and 7226: DM-SQRE-2 is in TASK but in no release, so it is a step between.
    assert MilestoneDependency("DM-NCSA-12", "DM-SQRE-3", ("DM-SQRE-2",)) in found
    assert MilestoneDependency("DM-NCSA-3", "DM-NCSA-4", ()) in found
    assert len(found) == 236
    assert sum(1 for d in found if not d.via) == 161


def test_a_chain_stops_at_the_first_milestone_it_meets(april_2019: P6Export) -> None:
    among = [m.code for m in april_2019.milestones] + ["DM-SQRE-2"]

    found = {
        (d.predecessor, d.successor) for d in milestone_dependencies(export=april_2019, among=among)
    }

    assert ("DM-NCSA-12", "DM-SQRE-2") in found
    assert ("DM-SQRE-2", "DM-SQRE-3") in found
    assert ("DM-NCSA-12", "DM-SQRE-3") not in found


def test_avoiding_the_cycle_markers_leaves_30_chains_through_other_work(
    april_2019: P6Export,
) -> None:
    markers = [a.code for a in april_2019.activities if re.fullmatch(r"[SF]\d\d[SF]", a.code)]

    found = milestone_dependencies(export=april_2019, avoid=markers)

    assert len(markers) == 22
    assert len(found) == 191
    assert sum(1 for d in found if d.via) == 30
    assert not any(set(d.via) & set(markers) for d in found)


# --- exports of other shapes ---------------------------------------------------------------

_BASELINE_CSV = (
    "\ufefftask_code,status_code,wbs_id,task_name,pred_list,succ_list,start_date,end_date,"
    "act_end_date,early_end_date,late_end_date,target_end_date\r\n"
    "Activity ID,Activity Status,WBS Code,Activity Name,(*)Predecessors,(*)Successors,(*)Start,"
    "(*)Finish,Actual Finish,Early Finish,Late Finish,Planned Finish\r\n"
    "LDM-503-01,In Progress,LSST BL 19.02C.00,Test report: PDAC,DM-AP-1,,,"
    "6/28/2019 5:00:00 PM,,6/28/2019 5:00:00 PM,7/31/2019 5:00:00 PM,6/3/2019\r\n"
    "DM-AP-1,Completed,LSST BL 19.02C.03,SFM1,,LDM-503-01,,5/31/2019 5:00:00 PM,5/30/2019,,,\r\n"
)


def test_a_baseline_export_with_only_finish_dates_has_them_as_its_due_dates() -> None:
    export = parse_p6_export(data=_BASELINE_CSV.encode("utf-8"), source="baseline.csv")

    release, member = export.milestones

    assert (release.code, release.status, release.due, release.completed) == (
        "LDM-503-01",
        "In Progress",
        date(2019, 6, 28),
        None,
    )
    assert (member.code, member.due, member.completed, member.releases) == (
        "DM-AP-1",
        date(2019, 5, 31),
        date(2019, 5, 30),
        ("LDM-503-01",),
    )
    first = export.activities[0]
    assert (first.early_finish, first.late_finish, first.target_finish) == (
        date(2019, 6, 28),
        date(2019, 7, 31),
        date(2019, 6, 3),
    )


def test_an_export_of_a_project_that_is_not_a_month_end_has_no_date() -> None:
    export = parse_p6_export(data=_BASELINE_CSV.encode("utf-8"), source="baseline.csv")

    assert (export.project, export.month_end) == ("LSST BL 19", None)
    assert any("the export's date is unknown" in note for note in export.notes)
    with pytest.raises(DocumentError, match=r"^baseline\.csv: the export's date is unknown"):
        export_revision(export=export)


# --- the February 2018 CSV ------------------------------------------------------------------


def test_the_2018_csv_has_402_activities_of_the_month_end_of_february_2018(
    february_2018: P6Export,
) -> None:
    assert february_2018.format == "csv"
    assert len(february_2018.activities) == 402
    assert (february_2018.project, february_2018.month_end) == ("LSST ME 18-02", date(2018, 2, 28))


def test_a_csv_row_without_a_finish_column_is_forecast_at_its_due_date(
    february_2018: P6Export,
) -> None:
    # Row 12: DM-NCSA-1,Completed,...,,5/31/2017 5:00:00 PM,11/1/2017,
    ncsa1 = _activity(february_2018, "DM-NCSA-1")
    # Row 236: DM-STAFF,Not Started,...,,12/2/2019 8:00:00 AM,,
    staff = _activity(february_2018, "DM-STAFF")

    assert (ncsa1.row, ncsa1.finish, ncsa1.due, ncsa1.completed) == (
        12,
        None,
        date(2017, 5, 31),
        date(2017, 11, 1),
    )
    assert (staff.status, staff.due, staff.forecast, staff.completed) == (
        "Not Started",
        date(2019, 12, 2),
        date(2019, 12, 2),
        None,
    )


def test_a_cut_predecessor_list_is_restored_from_the_other_rows(february_2018: P6Export) -> None:
    # Row 221's pred_list shows 9 ids and "DM-DR" before the export's 100-character cut.
    members = [m.code for m in february_2018.members("LDM-503-09")]
    document = _members(section3_lines(read_ldm564(REVISION_2018)))["LDM-503-09"]

    assert len(members) == 20
    assert sorted(members) == sorted(document)
    assert "DM-DR" not in {r.predecessor for r in february_2018.relationships}
    assert any("38 pred_list/succ_list cells are cut" in note for note in february_2018.notes)


def test_a_cut_lists_last_whole_id_is_still_linked_through_the_other_row(
    february_2018: P6Export,
) -> None:
    # Row 223 (LDM-503-11) ends its cut pred_list with LDM-503-05; row 217 lists the link too.
    links = {(r.predecessor, r.successor): r.row for r in february_2018.relationships}

    assert links[("LDM-503-05", "LDM-503-11")] == 217


def test_the_2018_csv_and_the_2018_revision_disagree_where_the_document_was_edited(
    february_2018: P6Export,
) -> None:
    document = _members(section3_lines(read_ldm564(REVISION_2018)))
    derived = _members(_section3(export_revision(export=february_2018)))

    # The revision (2018-04-13) has two releases this export lacks, and two links it lacks.
    assert set(document) - set(derived) == {"LDM-503-8b", "LDM-503-10b"}
    assert set(derived) <= set(document)
    missing = {
        (label, code) for label in derived for code in set(document[label]) - set(derived[label])
    }
    assert missing == {("LDM-503-06", "DM-DRP-38"), ("LDM-503-13", "DM-STAFF")}
    assert all(set(derived[label]) <= set(document[label]) for label in derived)
