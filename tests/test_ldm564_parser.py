"""Tests of the LDM-564 parser against facts read by hand from the three real revisions.

Every expected value below was written out by reading ../shared/ldm564/*.txt, not by running
the parser: counts of "3.N" headings and Level-3 lines, labels, titles and dates.
"""

from __future__ import annotations

from datetime import date

import pytest
from ldm564_files import REVISION_2018, REVISION_2019, REVISION_2022, ldm564_dir, read_ldm564
from ldm564_reference import section3_lines

from ledger.errors import DocumentError
from ledger.ldm564 import ChangeRecordEntry, Level3Entry, Release, Revision, parse_revision

# Release labels of section 3, in document order, copied from the "3.N Title: LABEL" headings.
LABELS_2018 = [
    "LDM-503-01",
    "LDM-503-02",
    "LDM-503-03",
    "LDM-503-04",
    "LDM-503-04b",
    "LDM-503-05",
    "LDM-503-8b",
    "LDM-503-06",
    "LDM-503-07",
    "LDM-503-08",
    "LDM-503-10",
    "LDM-503-09",
    "LDM-503-10b",
    "LDM-503-11a",
    "LDM-503-11",
    "LDM-503-12",
    "LDM-503-13",
    "LDM-503-14",
    "LDM-503-15",
    "LDM-503-16",
    "LDM-503-17",
]
LABELS_2022 = [
    "LDM-503-02",
    "LDM-503-03",
    "LDM-503-01",
    "LDM-503-04",
    "LDM-503-04b",
    "LDM-503-05",
    "LDM-503-07",
    "LDM-503-09a",
    "LDM-503-08b",
    "LDM-503-09",
    "LDM-503-08",
    "LDM-503-10a",
    "LDM-503-10b",
    "LDM-503-10",
    "LDM-503-06",
    "LDM-503-11b",
    "LDM-503-11a",
    "LDM-503-13a",
    "LDM-503-11",
    "LDM-503-14a",
    "LDM-503-EFDa",
    "LDM-503-15a",
    "LDM-GEN3",
    "LDM-503-RSPa",
    "LDM-503-12",
    "LDM-503-13",
    "LDM-503-EFDb",
    "LDM-503-14",
    "LDM-503-15",
    "LDM-503-16a",
    "LDM-503-12a",
    "LDM-503-16",
    "LDM-503-EFDc",
    "LDM-503-17",
    "LDM-503-RSPb",
    "LDM-503-17a",
]
# The 2019 draft has no table of contents; its labels are zero-padded ("LDM-503-08b") like 2022's.
LABELS_2019 = [
    "LDM-503-01",
    "LDM-503-02",
    "LDM-503-03",
    "LDM-503-04",
    "LDM-503-04b",
    "LDM-503-05",
    "LDM-503-08b",
    "LDM-503-09a",
    "LDM-503-10a",
    "LDM-503-06",
    "LDM-503-07",
    "LDM-503-10b",
    "LDM-503-08",
    "LDM-503-09",
    "LDM-503-10",
    "LDM-503-11",
    "LDM-503-11a",
    "LDM-503-11b",
    "LDM-503-12",
    "LDM-503-13",
    "LDM-503-13a",
    "LDM-503-14",
    "LDM-503-12a",
    "LDM-503-15a",
    "LDM-503-15",
    "LDM-503-16",
    "LDM-503-17a",
    "LDM-503-17",
]
# Level-3 lines under each release, in the order of the labels above, counted by hand
# (blank lines and figure captions inside a list do not end it).
LEVEL3_COUNTS_2018 = [5, 7, 6, 2, 3, 3, 0, 6, 1, 10, 0, 20, 0, 5, 6, 7, 10, 3, 7, 1, 0]
LEVEL3_COUNTS_2022 = [
    6,
    6,
    6,
    1,
    4,
    2,
    1,
    12,
    0,
    5,
    7,
    1,
    0,
    0,
    2,
    6,
    4,
    7,
    2,
    0,
    0,
    2,
    1,
    0,
    1,
    1,
    0,
    1,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    1,
]
LEVEL3_COUNTS_2019 = [
    6,
    6,
    6,
    2,
    4,
    2,
    0,
    14,
    3,
    2,
    1,
    0,
    9,
    0,
    0,
    2,
    4,
    15,
    1,
    2,
    13,
    1,
    0,
    3,
    3,
    1,
    0,
    0,
]
LEVEL3_TOTAL_2018 = 102
LEVEL3_TOTAL_2019 = 100
LEVEL3_TOTAL_2022 = 79
NO_NEW_FUNCTIONALITY = (
    "No new functionality is associated with this milestone, which represents a refined or "
    "improved version of earlier deliveries."
)


@pytest.fixture(scope="module")
def text_2018() -> str:
    return read_ldm564(REVISION_2018)


@pytest.fixture(scope="module")
def text_2022() -> str:
    return read_ldm564(REVISION_2022)


@pytest.fixture(scope="module")
def text_2019() -> str:
    return read_ldm564(REVISION_2019)


@pytest.fixture(scope="module")
def revision_2018(text_2018: str) -> Revision:
    return parse_revision(text_2018, source=REVISION_2018)


@pytest.fixture(scope="module")
def revision_2019(text_2019: str) -> Revision:
    return parse_revision(text_2019, source=REVISION_2019)


@pytest.fixture(scope="module")
def revision_2022(text_2022: str) -> Revision:
    return parse_revision(text_2022, source=REVISION_2022)


def _release(revision: Revision, label: str) -> Release:
    matches = [release for release in revision.releases if release.label == label]
    assert len(matches) == 1, f"{label} should appear exactly once, found {len(matches)}"
    return matches[0]


def _entry(release: Release, code: str) -> Level3Entry:
    matches = [entry for entry in release.milestones if entry.code == code]
    assert len(matches) == 1, f"{code} should appear once under {release.label}"
    return matches[0]


def _render(revision: Revision) -> list[str]:
    # The same normalised form the reference reader produces, built from parsed values.
    def status(completed: date | None) -> str:
        return "currently incomplete" if completed is None else f"completed {completed}"

    lines = []
    for release in revision.releases:
        lines.append(f"{release.title}: {release.label}")
        lines.append(f"Due: {release.due}; {status(release.completed)}.")
        lines.extend(
            f"{entry.code}: {entry.title} (Due: {entry.due}; {status(entry.completed)})"
            for entry in release.milestones
        )
    return lines


# --- the documents as a whole -------------------------------------------------------------


def test_the_2018_revision_has_its_handle_title_and_latest_revision(
    revision_2018: Revision,
) -> None:
    assert revision_2018.handle == "LDM-564"
    assert revision_2018.title == (
        "Large Synoptic Survey Telescope (LSST) Data Management Releases for "
        "Verification/Integration"
    )
    assert revision_2018.latest_revision == date(2018, 4, 13)


def test_the_2022_revision_has_its_handle_title_and_latest_revision(
    revision_2022: Revision,
) -> None:
    assert revision_2022.handle == "LDM-564"
    assert revision_2022.title == "Data Management Releases for Verification/Integration"
    assert revision_2022.latest_revision == date(2022, 8, 13)


def test_the_2019_draft_has_its_handle_title_and_latest_revision(revision_2019: Revision) -> None:
    assert revision_2019.handle == "LDM-564"
    assert revision_2019.title == "Data Management Releases for Verification/Integration"
    assert revision_2019.latest_revision == date(2019, 5, 20)


def test_the_2019_draft_lists_its_28_releases_in_document_order(revision_2019: Revision) -> None:
    labels = [release.label for release in revision_2019.releases]

    assert len(labels) == 28
    assert labels == LABELS_2019


def test_section_3_is_found_in_a_rendering_without_a_table_of_contents(
    text_2019: str, revision_2019: Revision
) -> None:
    # The generated draft goes straight from the change record to "1 Introduction".
    assert "Contents" not in text_2019
    assert text_2019.count("3 Functionality in DM releases") == 1

    first = revision_2019.releases[0]

    assert (first.label, first.title, first.due, first.completed) == (
        "LDM-503-01",
        "Science Platform with WISE data in PDAC",
        date(2017, 11, 30),
        date(2018, 5, 30),
    )


def test_the_2018_revision_lists_its_21_releases_in_document_order(
    revision_2018: Revision,
) -> None:
    labels = [release.label for release in revision_2018.releases]

    assert len(labels) == 21
    assert labels == LABELS_2018


def test_the_2022_revision_lists_its_36_releases_in_document_order(
    revision_2022: Revision,
) -> None:
    labels = [release.label for release in revision_2022.releases]

    assert len(labels) == 36
    assert labels == LABELS_2022


def test_the_table_of_contents_is_not_taken_for_section_3(revision_2022: Revision) -> None:
    first = revision_2022.releases[0]

    # The contents also list "3.1 HSC reprocessing: LDM-503-02", but without a due line.
    assert (first.label, first.due, first.completed) == (
        "LDM-503-02",
        date(2017, 12, 1),
        date(2017, 12, 1),
    )
    assert len(first.milestones) == 6


# --- releases -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("revision_name", "label", "title", "due", "completed"),
    [
        (
            "revision_2018",
            "LDM-503-01",
            "Science Platform with WISE data in PDAC",
            date(2017, 11, 30),
            None,
        ),
        ("revision_2018", "LDM-503-02", "HSC reprocessing", date(2017, 11, 30), date(2017, 12, 1)),
        (
            "revision_2018",
            "LDM-503-11a",
            "DM ComCam operations readiness",
            date(2019, 9, 30),
            None,
        ),
        ("revision_2018", "LDM-503-17", "Verification Tests for Full DRP", date(2022, 5, 31), None),
        (
            "revision_2018",
            "LDM-503-04b",
            "Aux Tel DAQ interface Integration Verification and Spectrograph Operations Rehearsal",
            date(2018, 6, 1),
            None,
        ),
        (
            "revision_2022",
            "LDM-503-11a",
            "ComCam Ops Readiness",
            date(2020, 12, 31),
            date(2020, 12, 31),
        ),
        (
            "revision_2022",
            "LDM-GEN3",
            "Gen3 parity demonstrated",
            date(2022, 5, 31),
            date(2022, 5, 31),
        ),
        (
            "revision_2022",
            "LDM-503-10a",
            "Science Platform: TAP service with federated SSO A&A",
            date(2019, 12, 31),
            date(2019, 12, 31),
        ),
        (
            "revision_2022",
            "LDM-503-EFDb",
            "EFD/telemetry data replicated at the LDF, stored in InfluxDB. aggregated into "
            "parquet files",
            date(2023, 7, 3),
            None,
        ),
        ("revision_2022", "LDM-503-17a", "Final Pipelines Delivery", date(2024, 7, 10), None),
        # Completed before its due date.
        (
            "revision_2019",
            "LDM-503-05",
            "Alert distribution validation",
            date(2018, 8, 31),
            date(2018, 7, 17),
        ),
        ("revision_2019", "LDM-503-10a", "LSP with Auth and TAP", date(2019, 7, 29), None),
        # "#" and brackets in a title.
        (
            "revision_2019",
            "LDM-503-13",
            "Ops rehearsal for data release processing #1 (ComCam data)",
            date(2020, 11, 6),
            None,
        ),
        ("revision_2019", "LDM-503-17", "Final operations rehearsal", date(2022, 9, 30), None),
    ],
)
def test_a_release_keeps_the_title_due_date_and_completion_of_its_heading(
    request: pytest.FixtureRequest,
    revision_name: str,
    label: str,
    title: str,
    due: date,
    completed: date | None,
) -> None:
    revision: Revision = request.getfixturevalue(revision_name)

    release = _release(revision, label)

    assert (release.title, release.due, release.completed) == (title, due, completed)


def test_ldm_503_8b_is_spelled_as_each_revision_spells_it(
    revision_2018: Revision, revision_2022: Revision
) -> None:
    labels_2018 = {release.label for release in revision_2018.releases}
    labels_2022 = {release.label for release in revision_2022.releases}

    assert "LDM-503-8b" in labels_2018
    assert "LDM-503-08b" not in labels_2018
    assert "LDM-503-08b" in labels_2022
    assert "LDM-503-8b" not in labels_2022


def test_releases_without_level3_milestones_keep_their_note_in_2022(
    revision_2022: Revision,
) -> None:
    with_notes = [release.label for release in revision_2022.releases if release.note]

    assert with_notes == [
        "LDM-503-08b",
        "LDM-503-10b",
        "LDM-503-10",
        "LDM-503-14a",
        "LDM-503-EFDa",
        "LDM-503-RSPa",
        "LDM-503-EFDb",
        "LDM-503-15",
        "LDM-503-16a",
        "LDM-503-12a",
        "LDM-503-16",
        "LDM-503-EFDc",
        "LDM-503-17",
        "LDM-503-RSPb",
    ]
    assert _release(revision_2022, "LDM-503-08b").note == NO_NEW_FUNCTIONALITY
    assert _release(revision_2022, "LDM-503-08b").milestones == ()


def test_the_2019_releases_without_level3_milestones_keep_their_note(
    revision_2019: Revision,
) -> None:
    empty = [release for release in revision_2019.releases if not release.milestones]

    assert [release.label for release in empty] == [
        "LDM-503-08b",
        "LDM-503-10b",
        "LDM-503-09",
        "LDM-503-10",
        "LDM-503-12a",
        "LDM-503-17a",
        "LDM-503-17",
    ]
    assert all(release.note == NO_NEW_FUNCTIONALITY for release in empty)
    assert all(release.note is None for release in revision_2019.releases if release.milestones)


def test_releases_with_neither_milestones_nor_note_have_no_note_in_2018(
    revision_2018: Revision,
) -> None:
    empty = [release for release in revision_2018.releases if not release.milestones]

    assert [release.label for release in empty] == [
        "LDM-503-8b",
        "LDM-503-10",
        "LDM-503-10b",
        "LDM-503-17",
    ]
    assert all(release.note is None for release in revision_2018.releases)


# --- Level-3 milestones -------------------------------------------------------------------


def test_the_2018_revision_has_102_level3_lines_in_section_3(revision_2018: Revision) -> None:
    counts = [len(release.milestones) for release in revision_2018.releases]

    assert counts == LEVEL3_COUNTS_2018
    assert sum(counts) == LEVEL3_TOTAL_2018


def test_the_2019_draft_has_100_level3_lines_for_97_milestones(revision_2019: Revision) -> None:
    counts = [len(release.milestones) for release in revision_2019.releases]
    codes = {entry.code for release in revision_2019.releases for entry in release.milestones}

    assert counts == LEVEL3_COUNTS_2019
    assert sum(counts) == LEVEL3_TOTAL_2019
    # DM-AP-1, DM-AP-2 and DM-AP-3 are each listed under two releases.
    assert len(codes) == 97


def test_the_2022_revision_has_79_level3_lines_in_section_3(revision_2022: Revision) -> None:
    counts = [len(release.milestones) for release in revision_2022.releases]

    assert counts == LEVEL3_COUNTS_2022
    assert sum(counts) == LEVEL3_TOTAL_2022


@pytest.mark.parametrize(
    ("revision_name", "label", "expected"),
    [
        # "(*Due: D; completed D2*)"
        (
            "revision_2018",
            "LDM-503-01",
            Level3Entry(
                "DM-SQRE-1",
                "Project internal Jupyter notebook service",
                date(2017, 8, 31),
                date(2017, 11, 1),
            ),
        ),
        # "*(Due: D; currently incomplete)*"
        (
            "revision_2018",
            "LDM-503-13",
            Level3Entry("DM-STAFF", "Staffing Checkpoint", date(2019, 12, 2), None),
        ),
        (
            "revision_2018",
            "LDM-503-09",
            Level3Entry(
                "DM-AP-9",
                "Jointcal at a functional (but not necessarily algorithmically complete) level.",
                date(2018, 7, 20),
                None,
            ),
        ),
        # A colon inside the title.
        (
            "revision_2018",
            "LDM-503-12",
            Level3Entry(
                "DM-DRP-27",
                "Object generation: association and assembly of (DIA, coadd, etc) sources to "
                "form objects.",
                date(2019, 11, 27),
                None,
            ),
        ),
        # A title cut short in the source, and a trailing comma, kept as written.
        (
            "revision_2018",
            "LDM-503-04b",
            Level3Entry(
                "DM-NCSA-5",
                "Level 1 archiving system able to acquire pixel data from the Aux Tel DAQ, "
                "header metadata via OCS, assemble FITS image,",
                date(2018, 3, 30),
                None,
            ),
        ),
        # "(*Due:* D; completed D2)"
        (
            "revision_2022",
            "LDM-503-08",
            Level3Entry(
                "DM-NCSA-15",
                "Batch Processing Service for offline spectrograph data processing",
                date(2020, 5, 29),
                date(2020, 5, 29),
            ),
        ),
        # "(*Due: D*; completed D2)"
        (
            "revision_2022",
            "LDM-503-03",
            Level3Entry(
                "DM-DAX-6", "Prototype level 1 database", date(2017, 11, 1), date(2017, 11, 1)
            ),
        ),
        # No italics, completed after its due date.
        (
            "revision_2022",
            "LDM-503-05",
            Level3Entry(
                "DM-AP-18", "Alert packet generation", date(2020, 5, 29), date(2020, 5, 31)
            ),
        ),
        # "• " bullet.
        (
            "revision_2022",
            "LDM-GEN3",
            Level3Entry(
                "DM-DAX-13",
                "Generation 2 middleware retired",
                date(2022, 5, 31),
                date(2022, 5, 31),
            ),
        ),
        # No bullet, only a leading space.
        (
            "revision_2022",
            "LDM-503-07",
            Level3Entry(
                "DM-DRP-4",
                "Calibration product generation in support of basic ISR.",
                date(2017, 12, 1),
                date(2017, 12, 1),
            ),
        ),
        # A second colon: the code is only the part before the first one.
        (
            "revision_2022",
            "LDM-503-09a",
            Level3Entry(
                "DM-AP-9",
                "JOINTCAL1: Jointcal at a functional level",
                date(2018, 11, 29),
                date(2018, 11, 29),
            ),
        ),
        # Incomplete under a completed release.
        (
            "revision_2022",
            "LDM-503-15a",
            Level3Entry(
                "DM-AP-12",
                "Difference imaging is now agnostic to the PSF of the template image.",
                date(2022, 8, 1),
                None,
            ),
        ),
        # The 2019 draft: completed after its due date, from a generated "(*Due: ...*)".
        (
            "revision_2019",
            "LDM-503-04b",
            Level3Entry(
                "DM-NCSA-6",
                "Ability to transfer files originating from Tucson to NCSA and ingest files at "
                "NCSA, including metadata and provenance",
                date(2018, 3, 5),
                date(2018, 10, 31),
            ),
        ),
        # Completed before it was due (2016).
        (
            "revision_2019",
            "LDM-503-01",
            Level3Entry(
                "DM-SUIT-3",
                "Time series analysis tool for WISE data",
                date(2016, 9, 30),
                date(2017, 11, 30),
            ),
        ),
        # A title cut short by P6, kept as written.
        (
            "revision_2019",
            "LDM-503-08",
            Level3Entry(
                "DM-NCSA-14",
                "Data Backbone endpoints in Chile for ingestion and access, distribution over "
                "WAN, ingest at NCSA into custodial file sto",
                date(2019, 10, 31),
                None,
            ),
        ),
        (
            "revision_2019",
            "LDM-503-13",
            Level3Entry("DM-STAFF", "Staffing Checkpoint", date(2019, 12, 2), None),
        ),
        # Brackets inside the title before the date part.
        (
            "revision_2019",
            "LDM-503-11b",
            Level3Entry(
                "DM-DRP-15",
                "All varieties of coadd required for object detection and characterization are "
                "now produced during normal pipeline operation (although not necessarily at the "
                "ultimately required level of fidelity).",
                date(2018, 11, 30),
                date(2018, 11, 30),
            ),
        ),
        (
            "revision_2019",
            "LDM-503-09a",
            Level3Entry(
                "DM-AP-9",
                "JOINTCAL1: Jointcal at a functional level",
                date(2018, 7, 20),
                date(2018, 11, 29),
            ),
        ),
    ],
)
def test_a_level3_line_is_read_whatever_its_bullet_and_italics(
    request: pytest.FixtureRequest, revision_name: str, label: str, expected: Level3Entry
) -> None:
    revision: Revision = request.getfixturevalue(revision_name)

    entry = _entry(_release(revision, label), expected.code)

    assert entry == expected


def test_a_figure_caption_inside_a_list_does_not_end_the_list(
    revision_2018: Revision, revision_2022: Revision
) -> None:
    codes_2018 = [entry.code for entry in _release(revision_2018, "LDM-503-02").milestones]
    codes_2022 = [entry.code for entry in _release(revision_2022, "LDM-503-03").milestones]

    # FIGURE 2 sits after DM-AP-1 in 2018; FIGURES 2 and 3 after DM-AP-2 in 2022.
    assert codes_2018 == [
        "DM-DRP-1",
        "DM-NCSA-1",
        "DM-NCSA-2",
        "DM-AP-1",
        "DM-DAX-5",
        "DM-DRP-2",
        "DM-NCSA-3",
    ]
    assert codes_2022 == ["DM-AP-1", "DM-AP-2", "DM-AP-3", "DM-AP-4", "DM-AP-5", "DM-DAX-6"]


def test_a_blank_line_inside_a_list_does_not_end_the_list(revision_2018: Revision) -> None:
    codes = [entry.code for entry in _release(revision_2018, "LDM-503-09").milestones]

    assert len(codes) == 20
    assert codes[6:8] == ["DM-DAX-8", "DM-DAX-9"]
    assert codes[-1] == "DM-AP-8"


def test_a_level3_milestone_listed_under_two_releases_is_kept_under_both(
    revision_2018: Revision, revision_2022: Revision
) -> None:
    def holders(revision: Revision, code: str) -> list[str]:
        return [
            release.label
            for release in revision.releases
            for entry in release.milestones
            if entry.code == code
        ]

    assert holders(revision_2018, "DM-AP-1") == ["LDM-503-02", "LDM-503-03"]
    assert holders(revision_2018, "DM-DRP-33") == ["LDM-503-13", "LDM-503-14"]
    assert holders(revision_2022, "DM-NCSA-16") == ["LDM-503-09", "LDM-503-11a", "LDM-503-11"]
    assert holders(revision_2022, "DM-DAX-2") == ["LDM-503-09", "LDM-503-10a"]


def test_the_2019_draft_lists_dm_ap_1_to_3_under_two_releases_each(
    revision_2019: Revision,
) -> None:
    holders: dict[str, list[str]] = {}
    for release in revision_2019.releases:
        for entry in release.milestones:
            holders.setdefault(entry.code, []).append(release.label)

    shared = {code: labels for code, labels in holders.items() if len(labels) > 1}

    assert shared == {
        "DM-AP-1": ["LDM-503-02", "LDM-503-03"],
        "DM-AP-2": ["LDM-503-03", "LDM-503-09a"],
        "DM-AP-3": ["LDM-503-03", "LDM-503-09a"],
    }


def test_four_milestones_leave_the_plan_in_2019_and_return_in_2022(
    revision_2018: Revision, revision_2019: Revision, revision_2022: Revision
) -> None:
    def codes(revision: Revision) -> set[str]:
        return {entry.code for release in revision.releases for entry in release.milestones}

    returning = {"DM-DAX-5", "DM-DAX-9", "DM-NCSA-16", "DM-SQRE-2"}

    assert returning <= codes(revision_2018)
    assert returning.isdisjoint(codes(revision_2019))
    assert returning <= codes(revision_2022)


def test_dm_ap_18_appears_only_in_the_2022_revision(
    revision_2018: Revision, revision_2022: Revision
) -> None:
    def codes(revision: Revision) -> set[str]:
        return {entry.code for release in revision.releases for entry in release.milestones}

    assert "DM-AP-18" not in codes(revision_2018)
    assert "DM-AP-18" in codes(revision_2022)


def test_an_unclosed_italic_date_part_is_still_read(text_2018: str) -> None:
    original = "(*Due: 2017-07-31; currently incomplete*)"
    assert original in text_2018
    text = text_2018.replace(original, "*(Due: 2017-07-31; currently incomplete", 1)

    revision = parse_revision(text, source="edited")

    assert _release(revision, "LDM-503-01").milestones[0] == Level3Entry(
        "DM-DAX-2",
        "Query service supporting IVOA TAP protocol, w/ support for asynchronous queries",
        date(2017, 7, 31),
        None,
    )


def test_a_page_break_inside_a_list_is_skipped(text_2018: str, revision_2018: Revision) -> None:
    # What a PDF page break drops between two lines: watermark, page number, running header.
    first = "- DM-SQRE-1: Project internal Jupyter notebook service"
    assert first in text_2018
    page_break = "Draft\n\n4\n\nData Management Releases for Verification/Integration\n\n"
    text = text_2018.replace(first, page_break + first, 1)

    revision = parse_revision(text, source="paged.txt")

    assert revision.releases == revision_2018.releases


def test_a_level3_line_wrapped_by_the_renderer_is_joined(text_2022: str) -> None:
    wrapped = text_2022.replace(
        "- DM-AP-18: Alert packet generation (Due:",
        "- DM-AP-18: Alert packet\n  generation (Due:",
        1,
    )

    revision = parse_revision(wrapped, source="wrapped.txt")

    assert _release(revision, "LDM-503-05").milestones[-1] == Level3Entry(
        "DM-AP-18", "Alert packet generation", date(2020, 5, 29), date(2020, 5, 31)
    )


def test_a_release_heading_wrapped_like_the_contents_is_joined(text_2018: str) -> None:
    heading = "Spectrograph Operations Rehearsal: LDM-503-04b"
    text = text_2018.replace(heading, "Spectrograph Operations Re-\nhearsal: LDM-503-04b", 1)

    revision = parse_revision(text, source="wrapped.txt")

    assert _release(revision, "LDM-503-04b").title == (
        "Aux Tel DAQ interface Integration Verification and Spectrograph Operations Rehearsal"
    )


def test_windows_line_endings_and_a_byte_order_mark_are_accepted(
    text_2022: str, revision_2022: Revision
) -> None:
    text = "\ufeff" + text_2022.replace("\n", "\r\n")

    revision = parse_revision(text, source="crlf.txt")

    assert revision == revision_2022


# --- change record ------------------------------------------------------------------------


def test_the_2018_change_record_has_two_numbered_rows(revision_2018: Revision) -> None:
    assert revision_2018.change_record == (
        ChangeRecordEntry(
            "1.0",
            date(2017, 8, 18),
            "Initial version. Approved in RFC-373.",
            "W. O'Mullane",
            "RFC-373",
        ),
        ChangeRecordEntry(
            "1.1", date(2018, 3, 16), "Synchronize milestones with PMCS.", "J.D. Swinbank", None
        ),
    )


def test_the_2022_change_record_joins_wrapped_descriptions_and_keeps_a_blank_version(
    revision_2022: Revision,
) -> None:
    assert revision_2022.change_record == (
        ChangeRecordEntry(
            "1.0",
            date(2017, 8, 18),
            "Initial version. Approved in RFC-373.",
            "W. O'Mullane",
            "RFC-373",
        ),
        ChangeRecordEntry(
            None, date(2018, 3, 16), "Synchronize milestones with PMCS.", "J.D. Swinbank", None
        ),
        ChangeRecordEntry(
            "1.1",
            date(2018, 6, 18),
            "Update release plan with baseline. Approved in RFC-497",
            "J.D. Swinbank",
            "RFC-497",
        ),
        ChangeRecordEntry(
            "1.2",
            date(2018, 7, 17),
            "Provide text for L2 milestones which do not contain L3 milestones. Approved in "
            "RFC-501.",
            "J.D. Swinbank",
            "RFC-501",
        ),
        ChangeRecordEntry(
            "1.3",
            date(2019, 7, 12),
            "Update schedule based on month end May 2019 data. Add LDM-503-10a release.",
            "J.D. Swinbank",
            None,
        ),
        ChangeRecordEntry(
            "1.4",
            date(2020, 8, 19),
            "Update schedule based on month end July 2020 data. Modernize description of "
            "release management.",
            "J.D. Swinbank",
            None,
        ),
        ChangeRecordEntry(
            "1.5",
            date(2021, 6, 3),
            "Update schedule for 2021 reviews approved in RFC-781",
            "W. O'Mullane",
            "RFC-781",
        ),
    )


def test_the_2019_draft_ends_its_change_record_with_an_undated_tbd_row(
    revision_2019: Revision,
) -> None:
    # Line 25 reads "TBD<TAB>2019-XX-XX<TAB>Update milestones for month end April 2019.<TAB>...".
    assert revision_2019.change_record == (
        ChangeRecordEntry(
            "1.0",
            date(2017, 8, 18),
            "Initial version. Approved in RFC-373.",
            "W. O'Mullane",
            "RFC-373",
        ),
        ChangeRecordEntry(
            None, date(2018, 3, 16), "Synchronize milestones with PMCS.", "J.D. Swinbank", None
        ),
        ChangeRecordEntry(
            "1.1",
            date(2018, 6, 18),
            "Update release plan with baseline. Approved in RFC-497",
            "J.D. Swinbank",
            "RFC-497",
        ),
        ChangeRecordEntry(
            "1.2",
            date(2018, 7, 17),
            "Provide text for L2 milestones which do not contain L3 milestones. Approved in "
            "RFC-501.",
            "J.D. Swinbank",
            "RFC-501",
        ),
        ChangeRecordEntry(
            None, None, "Update milestones for month end April 2019.", "J.D. Swinbank", None
        ),
    )
    assert [row.draft for row in revision_2019.change_record] == [False] * 4 + [True]


def test_a_draft_row_names_no_rfc_so_nothing_pins_it_on_an_older_one(
    revision_2019: Revision,
) -> None:
    newest = revision_2019.change_record[-1]

    # The importer takes the newest row's RFC; the draft's is none, not RFC-501 of the row before.
    assert (newest.version, newest.on, newest.rfc) == (None, None, None)


def test_a_draft_row_is_read_with_no_date_and_a_dated_row_with_its_own(
    revision_2019: Revision,
) -> None:
    dated, draft = revision_2019.change_record[3], revision_2019.change_record[4]

    assert (dated.on, dated.draft) == (date(2018, 7, 17), False)
    assert (draft.on, draft.draft) == (None, True)
    assert not hasattr(draft, "date")


@pytest.mark.parametrize(
    ("version", "when"),
    [("TBD", "2019-05-XX"), ("TBC", "TBD"), ("", "2019-XX-XX"), ("tbd", "")],
)
def test_other_placeholders_also_make_a_draft_row(text_2019: str, version: str, when: str) -> None:
    text = text_2019.replace("TBD\t2019-XX-XX\t", f"{version}\t{when}\t", 1)

    newest = parse_revision(text, source="draft.txt").change_record[-1]

    assert (newest.version, newest.on, newest.description) == (
        None,
        None,
        "Update milestones for month end April 2019.",
    )


def test_a_draft_version_with_a_real_date_keeps_the_date(text_2019: str) -> None:
    text = text_2019.replace("TBD\t2019-XX-XX\t", "TBD\t2019-05-20\t", 1)

    newest = parse_revision(text, source="draft.txt").change_record[-1]

    assert (newest.version, newest.on) == (None, date(2019, 5, 20))


@pytest.mark.parametrize(
    ("cells", "complaint"),
    [
        ("TBD\tsoon\t", "'soon' where the date goes"),
        ("1.3\t\t", "no date under version '1.3'"),
        ("1.3\t2019-13-01\t", "'2019-13-01', which is not a real calendar date"),
        ("draft\t2019-05-20\t", "has version 'draft'"),
    ],
)
def test_a_change_record_row_that_cannot_be_read_is_refused_not_dropped(
    text_2019: str, cells: str, complaint: str
) -> None:
    text = text_2019.replace("TBD\t2019-XX-XX\t", cells, 1)

    with pytest.raises(DocumentError) as raised:
        parse_revision(text, source="bad.txt")

    message = str(raised.value)
    assert message.startswith("bad.txt: ")
    assert "line 25 " in message
    assert complaint in message
    assert "\n" not in message


# --- what is not an LDM-564 revision ------------------------------------------------------


@pytest.mark.parametrize("text", ["", "   \n\n\t\n"])
def test_empty_text_is_refused(text: str) -> None:
    with pytest.raises(DocumentError, match=r"^empty\.txt: is empty"):
        parse_revision(text, source="empty.txt")


def test_text_containing_nul_is_refused_as_binary(text_2018: str) -> None:
    text = text_2018[:200] + "\x00\x00" + text_2018[200:]

    with pytest.raises(DocumentError, match=r"^blob\.bin: .*NUL.*binary"):
        parse_revision(text, source="blob.bin")


def test_a_readme_paragraph_is_not_an_ldm564_revision() -> None:
    readme = (
        "# milestone-ledger\n\n"
        "Keeps the release plan of LDM-564 in a signed ledger. Import a revision with\n"
        "`milestone import LDM-564.txt`; the Latest Revision date becomes the import date.\n"
    )

    with pytest.raises(DocumentError, match=r"^README\.md: no LDM-564 handle line"):
        parse_revision(readme, source="README.md")


def test_the_readme_beside_the_revisions_is_not_an_ldm564_revision() -> None:
    readme = (ldm564_dir() / "README.md").read_text(encoding="utf-8")

    with pytest.raises(DocumentError, match=r"^README\.md: "):
        parse_revision(readme, source="README.md")


def test_another_document_with_a_handle_and_date_but_no_section_3_is_refused() -> None:
    other = (
        "Data Management Test Plan\n\nLDM-564\n\nLatest Revision: 2018-04-13\n\n"
        "1 Introduction\n\nThis document has no release plan.\n"
    )

    with pytest.raises(DocumentError, match=r"^other\.txt: no section '3 Functionality in"):
        parse_revision(other, source="other.txt")


def test_a_revision_without_latest_revision_is_refused(text_2018: str) -> None:
    text = text_2018.replace("Latest Revision: 2018-04-13", "Revised recently", 1)

    with pytest.raises(DocumentError, match=r"^x\.txt: no 'Latest Revision: YYYY-MM-DD' line"):
        parse_revision(text, source="x.txt")


def test_a_table_of_contents_without_the_section_itself_is_refused(text_2018: str) -> None:
    contents_only = text_2018[: text_2018.index("3 Functionality in future DM releases\n\nThis")]

    with pytest.raises(DocumentError, match=r"only in the table of contents"):
        parse_revision(contents_only, source="toc.txt")


def test_an_impossible_due_date_is_refused_naming_its_line(text_2018: str) -> None:
    # Line 126 is the due line of 3.1, LDM-503-01.
    text = text_2018.replace(
        "Due: 2017-11-30; currently incomplete.", "Due: 2020-02-30; currently incomplete.", 1
    )

    with pytest.raises(DocumentError) as raised:
        parse_revision(text, source="bad.txt")

    message = str(raised.value)
    assert message.startswith("bad.txt: ")
    assert "line 126" in message
    assert "2020-02-30" in message
    assert "\n" not in message


def test_an_impossible_level3_date_is_refused_naming_its_line(text_2022: str) -> None:
    text = text_2022.replace(
        "(Due: 2020-05-29; completed 2020-05-31)", "(Due: 2020-05-29; completed 2020-02-30)"
    )

    with pytest.raises(DocumentError, match=r"^bad\.txt: completion date on line 229 .*2020-02-30"):
        parse_revision(text, source="bad.txt")


def test_a_release_without_a_due_line_is_refused_naming_the_release(text_2018: str) -> None:
    text = text_2018.replace(
        "3.7 Small Scale CCOB Data Access: LDM-503-8b\n\nDue: 2018-09-06; currently incomplete.",
        "3.7 Small Scale CCOB Data Access: LDM-503-8b\n",
        1,
    )
    assert text != text_2018

    with pytest.raises(DocumentError, match=r"^nodue\.txt: release LDM-503-8b .*no due line"):
        parse_revision(text, source="nodue.txt")


# --- the reference reader -----------------------------------------------------------------


def test_the_reference_reader_keeps_one_line_per_heading_due_line_and_level3_line(
    text_2018: str, text_2019: str, text_2022: str
) -> None:
    lines_2018 = section3_lines(text_2018)
    lines_2022 = section3_lines(text_2022)

    assert len(lines_2018) == 21 + 21 + LEVEL3_TOTAL_2018
    assert len(lines_2022) == 36 + 36 + LEVEL3_TOTAL_2022
    assert len(section3_lines(text_2019)) == 28 + 28 + LEVEL3_TOTAL_2019


def test_the_reference_reader_normalises_bullets_and_italics(text_2022: str) -> None:
    lines = section3_lines(text_2022)

    assert lines[:3] == [
        "HSC reprocessing: LDM-503-02",
        "Due: 2017-12-01; completed 2017-12-01.",
        "DM-AP-1: Basic single frame measurement pipeline. (Due: 2017-11-01; completed 2017-11-01)",
    ]
    assert (
        "DM-NCSA-15: Batch Processing Service for offline spectrograph data processing "
        "(Due: 2020-05-29; completed 2020-05-29)"
    ) in lines
    assert "DM-STAFF: Staffing Checkpoint (Due: 2019-11-29; completed 2019-11-29)" in lines
    assert not any(line.startswith(("FIGURE", "No new functionality")) for line in lines)


def test_the_parser_and_the_reference_reader_agree_on_all_three_revisions(
    text_2018: str,
    text_2019: str,
    text_2022: str,
    revision_2018: Revision,
    revision_2019: Revision,
    revision_2022: Revision,
) -> None:
    assert _render(revision_2018) == section3_lines(text_2018)
    assert _render(revision_2019) == section3_lines(text_2019)
    assert _render(revision_2022) == section3_lines(text_2022)
