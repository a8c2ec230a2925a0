"""Importing Rubin's real P6 exports (`milestone import-p6`), alone and within a history of
LDM-564 revisions.

The 201904-ME.xls import is checked against LDM-564-2019-05-20.txt, which Rubin's tooling
generated from it, read by the independent reference reader; its dependencies against the
workbook's TASKPRED sheet read here cell by cell with xlrd. Never against the importer.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import xlrd
from click.testing import Result
from conftest import assert_verifies
from ldm564_files import REVISION_2018, REVISION_2019, REVISION_2022, ldm564_dir, read_ldm564
from plan_shapes import document_plan, json_plan
from pmcs_files import EXPORT_2018, EXPORT_2019, pmcs_path
from typer.testing import CliRunner

from cli.app import app
from ledger.ledger import Ledger

Run = Callable[..., Result]


@pytest.fixture
def milestone(ledger: Ledger, db_url: str, tmp_path: Path) -> Iterator[Run]:
    """Run the real CLI against the test ledger as alice (admin), asserting success by default;
    after the test, the whole log must verify."""
    runner = CliRunner()

    def run(*args: str, ok: bool = True) -> Result:
        key = tmp_path / "keys" / "alice.pem"
        result = runner.invoke(app, ["--db", db_url, "--key", str(key), *args])
        if ok:
            assert result.exit_code == 0, result.output
        return result

    yield run
    assert_verifies(ledger)


def _json(milestone: Run, *args: str) -> Any:
    return json.loads(milestone(*args, "--json").stdout)


def _events(ledger: Ledger) -> int:
    ledger.refresh()
    return ledger.length


def _verified(milestone: Run, ledger: Ledger) -> None:
    report = _json(milestone, "verify")
    assert report["ok"] is True and report["checked"] == _events(ledger)


# --- what the document generated from the workbook says -----------------------------------------


@pytest.fixture(scope="module")
def document_2019() -> dict[str, Any]:
    """LDM-564-2019-05-20 section 3 by code: releases and Level-3 milestones."""
    releases, level3, members = {}, {}, {}
    for block in document_plan(read_ldm564(REVISION_2019)):
        releases[block["code"]] = block
        members[block["code"]] = {m["code"] for m in block["milestones"]}
        for m in block["milestones"]:
            level3[m["code"]] = m
    return {"releases": releases, "level3": level3, "members": members}


@pytest.fixture(scope="module")
def taskpred_links(document_2019: dict[str, Any]) -> set[tuple[str, str]]:
    """(predecessor, successor) rows of TASKPRED between two milestones of the document,
    a Level-3 milestone's links to its own releases left out (those are its membership)."""
    sheet = xlrd.open_workbook(str(pmcs_path(EXPORT_2019))).sheet_by_name("TASKPRED")
    header = sheet.row_values(0)
    before, after = header.index("pred_task_id"), header.index("task_id")
    codes = set(document_2019["releases"]) | set(document_2019["level3"])
    links = set()
    for index in range(2, sheet.nrows):
        row = sheet.row_values(index)
        pair = (str(row[before]), str(row[after]))
        if pair[0] in codes and pair[1] in codes:
            links.add(pair)
    membership = {(code, r) for r, held in document_2019["members"].items() for code in held}
    return links - membership


def _live(plan: dict[str, Any]) -> dict[str, Any]:
    """A plan's JSON by code: releases with their member codes, and Level-3 milestones."""
    releases = {b["release"]["code"]: b for b in plan["releases"]}
    level3 = {m["code"]: m for b in plan["releases"] for m in b["milestones"]}
    return {"releases": releases, "level3": level3}


# --- the April 2019 workbook into an empty ledger ----------------------------------------------


@pytest.fixture
def xls_imported(milestone: Run) -> Result:
    return milestone("import-p6", str(pmcs_path(EXPORT_2019)))


def test_the_workbook_gives_the_documents_releases_members_baselines_and_completions(
    xls_imported: Result, milestone: Run, ledger: Ledger, document_2019: dict[str, Any]
) -> None:
    plan = _live(_json(milestone, "plan"))

    assert set(plan["releases"]) == set(document_2019["releases"])
    for code, block in plan["releases"].items():
        expected = document_2019["releases"][code]
        release = block["release"]
        assert (release["baseline"], release["completed"]) == (
            expected["forecast"],
            expected["completed"],
        ), code
        assert {m["code"] for m in block["milestones"]} == document_2019["members"][code], code
    assert set(plan["level3"]) == set(document_2019["level3"])
    for code, m in plan["level3"].items():
        expected = document_2019["level3"][code]
        assert (m["baseline"], m["completed"]) == (expected["forecast"], expected["completed"])
    assert plan["releases"]["LDM-503-02"]["release"]["title"] == "HSC reprocessing"
    _verified(milestone, ledger)


def test_only_titles_the_documents_authors_rewrote_differ(
    xls_imported: Result, milestone: Run, document_2019: dict[str, Any]
) -> None:
    plan = _live(_json(milestone, "plan"))

    releases = sorted(
        code
        for code, block in plan["releases"].items()
        if block["release"]["title"] != document_2019["releases"][code]["title"]
    )
    level3 = {
        c for c, m in plan["level3"].items() if m["title"] != document_2019["level3"][c]["title"]
    }

    assert releases == ["LDM-503-08b", "LDM-503-10a", "LDM-503-10b"]
    assert len(level3) == 51
    assert plan["level3"]["DM-AP-1"]["title"] == (
        "SFM1: Basic single frame measurement pipeline for Alert Production"
    )


def test_the_workbooks_links_between_milestones_become_dependencies(
    xls_imported: Result, milestone: Run, ledger: Ledger, taskpred_links: set[tuple[str, str]]
) -> None:
    ledger.refresh()
    state = ledger.state()

    found = {(p, m.code) for m in state.milestones.values() for p in m.depends}
    shown = _json(milestone, "show", "LDM-503-14")

    assert found == taskpred_links
    assert len(found) == 61
    assert shown["milestone"]["depends"] == ["LDM-503-12", "LDM-503-13", "LDM-503-13a"]
    assert "depends 61" in xls_imported.stdout


def test_what_the_reader_noticed_is_shown_and_listed_by_check(
    xls_imported: Result, milestone: Run
) -> None:
    found = [o["message"] for o in _json(milestone, "check") if o["kind"] == "log"]

    assert "LDM-503-0 as the successor of 10 Level-3 milestone(s)" in xls_imported.stdout
    assert "are tickets, not milestones" in xls_imported.stdout
    assert len(found) == 4 and all(m.startswith("201904-ME.xls: ") for m in found)


def test_importing_the_workbook_again_appends_nothing(
    xls_imported: Result, milestone: Run, ledger: Ledger
) -> None:
    before = _events(ledger)

    again = milestone("import-p6", str(pmcs_path(EXPORT_2019)))

    assert "already imported" in again.stdout
    assert _events(ledger) == before


def test_a_dry_run_lists_the_events_and_appends_none(milestone: Run, ledger: Ledger) -> None:
    before = _events(ledger)

    result = milestone("import-p6", str(pmcs_path(EXPORT_2019)), "--dry-run")
    data = _json(milestone, "import-p6", str(pmcs_path(EXPORT_2019)), "--dry-run")

    assert "dry run" in result.stdout and "nothing appended" in result.stdout
    assert "would record (2019-04-30): defined Level-2 LDM-503-01" in result.stdout
    assert data["dry_run"] is True and data["events"] == []
    assert len(data["planned"]) == 1 + data["counts"]["events"] - 1
    assert _events(ledger) == before


def test_a_dry_run_of_a_document_appends_nothing(milestone: Run, ledger: Ledger) -> None:
    before = _events(ledger)

    result = milestone("import-doc", str(ldm564_dir() / REVISION_2018), "--dry-run")

    assert "would append" in result.stdout and "nothing appended (dry run)" in result.stdout
    assert _events(ledger) == before


# --- the February 2018 CSV ----------------------------------------------------------------------


def test_the_2018_csv_imports_too(milestone: Run, ledger: Ledger) -> None:
    result = milestone("import-p6", str(pmcs_path(EXPORT_2018)))

    plan = _live(_json(milestone, "plan", "--as-of", "2018-02-28"))
    assert len(plan["releases"]) == 19 and len(plan["level3"]) == 94
    # LDM-503-09's pred_list is cut at 100 characters; the other rows restore its 20 members.
    assert len(plan["releases"]["LDM-503-09"]["milestones"]) == 20
    assert "pred_list/succ_list cells are cut" in result.stdout
    assert _json(milestone, "plan", "--as-of", "2018-02-27")["releases"] == []
    _verified(milestone, ledger)


# --- change control -------------------------------------------------------------------------------


def test_an_rfc_named_for_an_export_approves_its_changes_on_the_exports_date(
    milestone: Run, ledger: Ledger, document_2019: dict[str, Any]
) -> None:
    milestone("import-p6", str(pmcs_path(EXPORT_2018)))

    result = milestone("import-p6", str(pmcs_path(EXPORT_2019)), "--rfc", "RFC-600")

    shown = _json(milestone, "show", "LDM-503-09")["milestone"]
    rfc = _json(milestone, "rfc", "show", "RFC-600")
    entries = _json(milestone, "log", "--rfc", "RFC-600")
    assert "under RFC-600" in result.stdout
    assert (shown["baseline"], rfc["state"], rfc["decided_on"]) == (
        document_2019["releases"]["LDM-503-09"]["forecast"],
        "approved",
        "2019-04-30",
    )
    assert any(e["type"] == "milestone.baseline_moved" for e in entries)
    assert (
        _json(milestone, "plan", "--as-of", "RFC-600")["releases"]
        == (_json(milestone, "plan", "--as-of", "2019-04-30")["releases"])
    )
    _verified(milestone, ledger)


def test_without_an_rfc_an_export_moves_forecasts_and_keeps_baselines(
    milestone: Run, ledger: Ledger
) -> None:
    milestone("import-p6", str(pmcs_path(EXPORT_2018)))
    before = _json(milestone, "show", "LDM-503-09")["milestone"]

    milestone("import-p6", str(pmcs_path(EXPORT_2019)))

    after = _json(milestone, "show", "LDM-503-09")["milestone"]
    assert after["baseline"] == before["baseline"] == "2019-01-04"
    assert after["forecast"] != before["forecast"]


@pytest.mark.parametrize("decision", ["approve", "reject"])
def test_an_rfc_approved_after_the_exports_date_or_rejected_is_refused(
    milestone: Run, ledger: Ledger, decision: str
) -> None:
    milestone("rfc", "open", "RFC-600", "Rebaseline")
    milestone("rfc", decision, "RFC-600")
    before = _events(ledger)

    result = milestone("import-p6", str(pmcs_path(EXPORT_2019)), "--rfc", "RFC-600", ok=False)

    # Progress lines come first on stderr; the refusal is one line, the last.
    error = result.stderr.splitlines()[-1]
    assert result.exit_code == 4 and error.startswith("error: 201904-ME.xls: RFC-600")
    assert ("after 2019-04-30" if decision == "approve" else "rejected") in error
    assert _events(ledger) == before


# --- refusals -------------------------------------------------------------------------------------


def _bad(tmp_path: Path, kind: str) -> Path:
    lines = pmcs_path(EXPORT_2018).read_bytes().split(b"\r\n")
    path = tmp_path / f"{kind}.csv"
    if kind == "document":
        path.write_bytes((ldm564_dir() / REVISION_2022).read_bytes())
    elif kind == "missing-column":
        path.write_bytes(b"code,name,due\r\nID,Name,Due\r\nDM-AP-1,Single frame,2017-08-31\r\n")
    elif kind == "bad-date":
        index = next(i for i, line in enumerate(lines) if line.startswith(b"DM-NCSA-1,"))
        lines[index] = lines[index].replace(b"5/31/2017 5:00:00 PM", b"2017-05-31", 1)
        path.write_bytes(b"\r\n".join(lines))
    elif kind == "listed-twice":
        twice = next(line for line in lines if line.startswith(b"DM-NCSA-1,"))
        path.write_bytes(b"\r\n".join([*lines[:-1], twice, lines[-1]]))
    elif kind == "predecessor-missing":
        path.write_bytes(b"\r\n".join(line for line in lines if not line.startswith(b"DM-AP-4,")))
    elif kind == "cut-short":
        path = tmp_path / "cut.xls"
        path.write_bytes(pmcs_path(EXPORT_2019).read_bytes()[:100_000])
    return path


@pytest.mark.parametrize(
    ("kind", "says"),
    [
        ("document", "001_4a9f4198f2391930.txt"),
        ("missing-column", "lacks the P6 column(s)"),
        ("bad-date", "row 12, column base_end_date"),
        ("listed-twice", "activity DM-NCSA-1 is listed twice"),
        ("predecessor-missing", "row 215, column pred_list: DM-AP-4"),
        ("cut-short", "cut.xls"),
    ],
)
def test_a_file_that_is_not_a_good_export_is_refused_in_one_line_appending_nothing(
    milestone: Run, ledger: Ledger, tmp_path: Path, kind: str, says: str
) -> None:
    path = _bad(tmp_path, kind)
    if kind == "document":
        path = ldm564_dir() / REVISION_2022
    before = _events(ledger)

    result = milestone("import-p6", str(path), ok=False)

    assert result.exit_code == 2
    assert result.stderr.startswith("error: ") and result.stderr.count("\n") == 1
    assert says in result.stderr and "Traceback" not in result.output
    assert _events(ledger) == before


# --- a whole history from documents and exports ---------------------------------------------------


@pytest.fixture
def whole_history(milestone: Run) -> Iterator[list[Result]]:
    """The newest document first, then the exports and the older documents, each late."""
    sources = [
        ("import-doc", ldm564_dir() / REVISION_2022),
        ("import-p6", pmcs_path(EXPORT_2019)),
        ("import-doc", ldm564_dir() / REVISION_2018),
        ("import-p6", pmcs_path(EXPORT_2018)),
        ("import-doc", ldm564_dir() / REVISION_2019),
    ]
    yield [milestone(command, str(path)) for command, path in sources]


def test_a_history_of_documents_and_exports_reads_back_each_source_as_of_its_date(
    whole_history: list[Result], milestone: Run, ledger: Ledger, document_2019: dict[str, Any]
) -> None:
    def plan_at(as_of: str) -> list[dict[str, Any]]:
        return json_plan(_json(milestone, "plan", "--as-of", as_of))

    for name, day in (
        (REVISION_2018, "2018-04-13"),
        (REVISION_2019, "2019-05-20"),
        (REVISION_2022, "2022-08-13"),
    ):
        assert plan_at(day) == document_plan(read_ldm564(name)), day
    april = _live(_json(milestone, "plan", "--as-of", "2019-04-30"))
    assert {c: {m["code"] for m in b["milestones"]} for c, b in april["releases"].items()} == (
        document_2019["members"]
    )
    february = _live(_json(milestone, "plan", "--as-of", "2018-03-31"))
    assert len(february["releases"]) == 19
    assert json_plan(_json(milestone, "plan")) == document_plan(read_ldm564(REVISION_2022))
    assert not [o for o in _json(milestone, "check") if "defined again" in o["message"]]
    _verified(milestone, ledger)
