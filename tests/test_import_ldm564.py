"""Importing the two real LDM-564 revisions, and reproducing each one from the ledger.

Expected values come from the documents, never from the importer: plans are read with the
independent reader in `ldm564_reference.py`, and the diff and check numbers below were counted
by hand from ../shared/ldm564/*.txt (and are cross-checked against the reference reader).
"""

from __future__ import annotations

import hashlib
import json
import re
import time
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result
from conftest import assert_verifies, make_key
from ldm564_files import REVISION_2018, REVISION_2022, ldm564_dir, read_ldm564
from ldm564_reference import section3_lines
from typer.testing import CliRunner

from cli.app import app
from events.catalogue import MilestoneCompleted, MilestoneDefined, RfcApproved, RfcOpened
from ledger import requests as rq
from ledger.asof import parse_as_of
from ledger.execute import record
from ledger.import_changes import plan_changes
from ledger.import_targets import Target, normalised_code
from ledger.ledger import Draft, Ledger
from ledger.signing import Signer
from ledger.state import Milestone, PlanState

Run = Callable[..., Result]

# --- what the documents say, read independently of the importer ---------------------------------

_LEVEL3 = re.compile(
    r"(?P<code>DM-[A-Z]+(?:-\d+)?): (?P<title>.+) "
    r"\(Due: (?P<due>\S+); (?:completed (?P<done>\S+)|currently incomplete)\)"
)
_DUE = re.compile(r"Due: (?P<due>\S+); (?:completed (?P<done>\S+)|currently incomplete)\.")


def document_plan(text: str) -> list[dict[str, Any]]:
    """Section 3 as blocks of {code, title, forecast, completed, milestones}, in document order."""
    blocks: list[dict[str, Any]] = []
    for line in section3_lines(text):
        if (level3 := _LEVEL3.fullmatch(line)) is not None:
            blocks[-1]["milestones"].append(
                {
                    "code": level3["code"],
                    "title": level3["title"],
                    "forecast": level3["due"],
                    "completed": level3["done"],
                }
            )
        elif (due := _DUE.fullmatch(line)) is not None:
            blocks[-1].update(forecast=due["due"], completed=due["done"])
        else:
            title, code = line.rsplit(": ", 1)
            blocks.append({"code": code, "title": title, "milestones": []})
    return blocks


def ledger_plan(plan: dict[str, Any]) -> list[dict[str, Any]]:
    """The same shape, from `milestone plan --json`."""

    def fields(row: dict[str, Any]) -> dict[str, Any]:
        return {k: row[k] for k in ("code", "title", "forecast", "completed")}

    return [
        {**fields(block["release"]), "milestones": [fields(m) for m in block["milestones"]]}
        for block in plan["releases"]
    ]


def normalised_markdown(text: str) -> list[str]:
    """Markdown lines with whitespace, heading marks, bullets and italics normalised away."""
    lines = []
    for raw in text.splitlines():
        line = " ".join(raw.replace("*", "").split())
        line = re.sub(r"^#+ ", "", line)
        line = re.sub(r"^[-•] ", "", line)
        if line:
            lines.append(line)
    return lines


# Counted by hand from the two documents (labels, codes, titles and dates side by side):
# 15 new releases + 13 new Level-3 codes; 36 Level-3 codes gone; LDM-503-8b spelled
# LDM-503-08b; 6 release titles and 4 Level-3 titles changed (DM-AP-9, DM-SQRE-2, DM-SQRE-3,
# DM-DAX-9); all 21 surviving releases and 56 of the 60 surviving Level-3 milestones have a
# new due date; 13 releases and 39 Level-3 milestones went from incomplete to completed; 32
# Level-3 milestones sit under a different set of releases.
EXPECTED_DIFF = {
    "added": 28,
    "withdrawn": 36,
    "renamed": 1,
    "retitled": 10,
    "moved": 77,
    "completed": 52,
    "reopened": 0,
    "redated": 0,
    "relinked": 32,
}
RENAMED_BY_HAND = {"LDM-503-8b": "LDM-503-08b"}


# --- fixtures -----------------------------------------------------------------------------------


@pytest.fixture
def milestone(ledger: Ledger, db_url: str, tmp_path: Path) -> Iterator[Run]:
    """Run the real CLI against the test ledger as alice (admin), asserting success by default;
    after the test, the whole log must verify."""
    runner = CliRunner()
    key = tmp_path / "keys" / "alice.pem"

    def run(*args: str, ok: bool = True, key_path: Path = key) -> Result:
        result = runner.invoke(app, ["--db", db_url, "--key", str(key_path), *args])
        if ok:
            assert result.exit_code == 0, result.output
        return result

    yield run
    assert_verifies(ledger)


@pytest.fixture
def both_imported(milestone: Run) -> tuple[Result, Result]:
    """Both revisions imported, oldest first, into the empty ledger."""
    folder = ldm564_dir()
    first = milestone("import-doc", str(folder / REVISION_2018))
    second = milestone("import-doc", str(folder / REVISION_2022))
    return first, second


def plan_json(milestone: Run, *as_of: str) -> dict[str, Any]:
    args = ("--as-of", as_of[0]) if as_of else ()
    return json.loads(milestone("plan", *args, "--json").stdout)


def event_count(ledger: Ledger) -> int:
    ledger.refresh()
    return len(ledger.log)


# --- reproducing the documents ------------------------------------------------------------------


def test_the_plan_as_of_each_revision_is_exactly_that_revisions_plan(
    both_imported: tuple[Result, Result], milestone: Run
) -> None:
    expected_2018 = document_plan(read_ldm564(REVISION_2018))
    expected_2022 = document_plan(read_ldm564(REVISION_2022))

    as_of_2018 = plan_json(milestone, "2018-04-13")
    now = plan_json(milestone)

    assert ledger_plan(as_of_2018) == expected_2018
    assert ledger_plan(now) == expected_2022
    assert as_of_2018["unassigned"] == [] and now["unassigned"] == []
    assert [b["release"]["code"] for b in as_of_2018["releases"]][6] == "LDM-503-8b"
    assert "LDM-503-08b" not in json.dumps(as_of_2018)
    assert [b["release"]["code"] for b in now["releases"]][8] == "LDM-503-08b"
    renamed = next(b["release"] for b in now["releases"] if b["release"]["code"] == "LDM-503-08b")
    assert renamed["aliases"] == ["LDM-503-8b"]


def test_the_day_before_the_first_revision_the_plan_is_empty(
    both_imported: tuple[Result, Result], milestone: Run
) -> None:
    plan = plan_json(milestone, "2018-04-12")

    assert plan["releases"] == [] and plan["unassigned"] == []


@pytest.mark.parametrize(("as_of", "name"), [("2018-04-13", REVISION_2018), ("now", REVISION_2022)])
def test_markdown_reproduces_section_3_of_each_revision(
    both_imported: tuple[Result, Result], milestone: Run, as_of: str, name: str
) -> None:
    expected = section3_lines(read_ldm564(name))

    markdown = milestone("plan", "--as-of", as_of, "--format", "md").stdout

    assert normalised_markdown(markdown) == expected


def test_latex_has_every_release_and_milestone_of_the_2022_revision_in_order(
    both_imported: tuple[Result, Result], milestone: Run
) -> None:
    expected = document_plan(read_ldm564(REVISION_2022))

    tex = milestone("plan", "--format", "tex").stdout

    headings = re.findall(r"\\subsection\{.*: (.+)\}", tex)
    items = re.findall(r"\\item \\textbf\{(.+?)\}", tex)
    assert headings == [block["code"] for block in expected]
    assert items == [m["code"] for block in expected for m in block["milestones"]]
    assert r"\subsection{Ops rehearsal for commissioning \#1: LDM-503-09}" in tex
    assert r"Alard \& Lupton-style image differencing." in tex


# --- the diff between the revisions -------------------------------------------------------------


def test_the_diff_between_the_revisions_counts_what_the_documents_say(
    both_imported: tuple[Result, Result], milestone: Run
) -> None:
    result = json.loads(milestone("diff", "2018-04-13", "2022-08-13", "--json").stdout)

    assert result["counts"] == EXPECTED_DIFF
    assert "DM-AP-18" in result["added"] and "LDM-GEN3" in result["added"]
    assert "DM-AP-10" in result["withdrawn"]
    assert [(r["before"], r["after"]) for r in result["renamed"]] == [("LDM-503-8b", "LDM-503-08b")]
    assert {r["code"] for r in result["retitled"]} >= {"DM-SQRE-2", "DM-AP-9", "LDM-503-11a"}
    assert {
        "code": "LDM-503-08b",
        "which": "forecast",
        "before": "2018-09-06",
        "after": "2019-07-15",
        "days": 312,
    } in result["moved"]


def test_the_hand_counted_diff_agrees_with_the_reference_reader() -> None:
    old = document_plan(read_ldm564(REVISION_2018))
    new = document_plan(read_ldm564(REVISION_2022))

    def by_code(blocks: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
        found: dict[str, dict[str, Any]] = {}
        for block in blocks:
            code = RENAMED_BY_HAND.get(block["code"], block["code"])
            found[code] = {**block, "releases": set()}
            for m in block["milestones"]:
                found.setdefault(m["code"], {**m, "releases": set()})["releases"].add(code)
        return found

    before, after = by_code(old), by_code(new)
    kept = before.keys() & after.keys()
    counted = {
        "added": len(after.keys() - before.keys()),
        "withdrawn": len(before.keys() - after.keys()),
        "renamed": len(RENAMED_BY_HAND),
        "retitled": sum(before[c]["title"] != after[c]["title"] for c in kept),
        "moved": sum(before[c]["forecast"] != after[c]["forecast"] for c in kept),
        "completed": sum(
            before[c]["completed"] is None and after[c]["completed"] is not None for c in kept
        ),
        "reopened": sum(
            before[c]["completed"] is not None and after[c]["completed"] is None for c in kept
        ),
        "redated": sum(
            before[c]["completed"] is not None
            and after[c]["completed"] is not None
            and before[c]["completed"] != after[c]["completed"]
            for c in kept
        ),
        "relinked": sum(before[c]["releases"] != after[c]["releases"] for c in kept),
    }

    assert counted == EXPECTED_DIFF


# --- check ----------------------------------------------------------------------------------------


def _oddities(milestone: Run, *as_of: str) -> list[tuple[str, str]]:
    args = ("--as-of", as_of[0]) if as_of else ()
    found = json.loads(milestone("check", *args, "--json").stdout)
    return sorted((o["kind"], o["code"]) for o in found)


def test_check_reports_what_is_odd_in_the_2022_revision(
    both_imported: tuple[Result, Result], milestone: Run
) -> None:
    found = _oddities(milestone)

    # By hand: DM-AP-18 due 2020-05-29, completed 2020-05-31; LDM-503-15a completed
    # 2022-02-28 while DM-AP-12 and DM-DRP-27 are incomplete; eleven Level-3 milestones due
    # after the release they are listed under.
    assert found == sorted(
        [("completed-late", "DM-AP-18")]
        + [("release-done-early", "LDM-503-15a")] * 2
        + [
            ("due-after-release", code)
            for code in (
                "DM-AP-12",
                "DM-AP-13",
                "DM-AP-18",
                "DM-DAX-2",
                "DM-DRP-27",
                "DM-NCSA-14",
                "DM-NCSA-15",
                "DM-NCSA-6",
                "DM-NCSA-9",
                "DM-SQRE-2",
                "DM-SUIT-5",
            )
        ]
    )


def test_check_reports_what_is_odd_in_the_2018_revision(
    both_imported: tuple[Result, Result], milestone: Run
) -> None:
    found = _oddities(milestone, "2018-04-13")

    # By hand: twelve Level-3 milestones and LDM-503-02/03 completed after their due dates;
    # LDM-503-02 completed while DM-DAX-5 under it is incomplete; no due-date inversions.
    late = (
        "DM-AP-1",
        "DM-AP-2",
        "DM-AP-3",
        "DM-AP-4",
        "DM-AP-5",
        "DM-DRP-1",
        "DM-DRP-14",
        "DM-DRP-18",
        "DM-DRP-4",
        "DM-NCSA-1",
        "DM-NCSA-2",
        "DM-SQRE-1",
        "LDM-503-02",
        "LDM-503-03",
    )
    assert found == sorted(
        [("completed-late", code) for code in late] + [("release-done-early", "LDM-503-02")]
    )


# --- change control, versions and time ------------------------------------------------------------


def test_the_change_record_rfcs_are_approved_with_their_dates_and_version_labels(
    both_imported: tuple[Result, Result], milestone: Run
) -> None:
    rfcs = json.loads(milestone("rfc", "list", "--json").stdout)

    # 2018-03-16 ("1.1" in the first file, unnumbered in the second) names no RFC, so no
    # approval carries it: 1.1 is RFC-497, as the later change record says.
    assert [(r["id"], r["state"], r["version"], r["decided_on"]) for r in rfcs] == [
        ("RFC-373", "approved", "1.0", "2017-08-18"),
        ("RFC-497", "approved", "1.1", "2018-06-18"),
        ("RFC-501", "approved", "1.2", "2018-07-17"),
        ("RFC-781", "approved", "1.5", "2021-06-03"),
    ]


def test_as_of_rfc_781_is_the_2022_revision_and_v1_1_the_plan_before_it(
    both_imported: tuple[Result, Result], milestone: Run
) -> None:
    expected_2018 = document_plan(read_ldm564(REVISION_2018))
    expected_2022 = document_plan(read_ldm564(REVISION_2022))

    assert ledger_plan(plan_json(milestone, "RFC-781")) == expected_2022
    assert ledger_plan(plan_json(milestone, "v1.5")) == expected_2022
    assert ledger_plan(plan_json(milestone, "v1.1")) == expected_2018
    assert plan_json(milestone, "RFC-373")["releases"] == []


def test_a_version_label_is_never_given_to_two_rfcs(
    milestone: Run, ledger: Ledger, tmp_path: Path
) -> None:
    # A 2018 revision whose "1.1" row names an RFC: RFC-400 gets 1.1, so the 2022 change
    # record's "1.1 ... RFC-497" must not give the label to RFC-497 as well.
    text = read_ldm564(REVISION_2018).replace(
        "Synchronize milestones with PMCS.", "Synchronize milestones with PMCS. RFC-400.", 1
    )
    labelled = tmp_path / "labelled-2018.txt"
    labelled.write_text(text)
    milestone("import-doc", str(labelled))

    result = milestone("import-doc", str(ldm564_dir() / REVISION_2022))

    rfcs = {r["id"]: r["version"] for r in json.loads(milestone("rfc", "list", "--json").stdout)}
    assert rfcs == {
        "RFC-373": "1.0",
        "RFC-400": "1.1",
        "RFC-497": None,
        "RFC-501": "1.2",
        "RFC-781": "1.5",
    }
    assert "version 1.1 already belongs to RFC-400" in result.stdout


def test_the_2022_changes_are_approved_baseline_moves_under_rfc_781(
    both_imported: tuple[Result, Result], milestone: Run
) -> None:
    shown = json.loads(milestone("show", "LDM-503-08b", "--json").stdout)["milestone"]
    under = json.loads(milestone("log", "--rfc", "RFC-781", "--json").stdout)

    assert (shown["baseline"], shown["forecast"], shown["completed"]) == (
        "2019-07-15",
        "2019-07-15",
        "2019-07-15",
    )
    assert shown["status"] == "done"
    types = {entry["type"] for entry in under if entry["subject"] != "RFC-781"}
    assert "milestone.baseline_moved" in types and "milestone.forecast_moved" not in types
    assert all(entry["rfc_state"] == "approved" for entry in under if entry["rfc"])


def test_every_change_is_effective_at_its_revision_date_recorded_now_by_alice(
    both_imported: tuple[Result, Result], ledger: Ledger
) -> None:
    ledger.refresh()
    imported = ledger.log[3:]
    started = ledger.log[0].recorded_at

    changes = {e.effective for e in imported if not e.type.startswith("rfc.")}
    approvals = {e.subject: e.effective for e in imported if e.type == "rfc.approved"}
    assert changes == {"2018-04-13T23:59:59.999999Z", "2022-08-13T23:59:59.999999Z"}
    # Each RFC the change records name is approved at the end of its row's day; the one
    # governing the 2022 revision, with its changes.
    assert approvals == {
        "RFC-373": "2017-08-18T23:59:59.999999Z",
        "RFC-497": "2018-06-18T23:59:59.999999Z",
        "RFC-501": "2018-07-17T23:59:59.999999Z",
        "RFC-781": "2022-08-13T23:59:59.999999Z",
    }
    assert all(e.recorded_at >= started for e in imported)
    assert {e.actor for e in imported} == {"alice"}


def test_the_import_ends_with_a_revision_imported_fact_naming_its_source(
    both_imported: tuple[Result, Result], ledger: Ledger
) -> None:
    raw = (ldm564_dir() / REVISION_2022).read_bytes()

    ledger.refresh()
    facts = [e for e in ledger.log if e.type == "revision.imported"]

    assert ledger.log[-1].type == "revision.imported"
    assert [f.data["source"] for f in facts] == [REVISION_2018, REVISION_2022]
    last = facts[-1].data
    assert last["document_date"] == "2022-08-13"
    assert last["sha256"] == hashlib.sha256(raw).hexdigest()
    assert (last["counts"]["releases"], last["counts"]["entries"]) == (36, 79)
    assert last["counts"]["events"] == facts[-1].seq - facts[0].seq
    assert {
        "date": "2018-03-16",
        "description": "Synchronize milestones with PMCS.",
        "owner": "J.D. Swinbank",
    } in last["change_record"]


# --- idempotence, atomicity, permissions, bad input ---------------------------------------------


def test_importing_the_same_revision_twice_appends_nothing(
    both_imported: tuple[Result, Result], milestone: Run, ledger: Ledger
) -> None:
    before = event_count(ledger)

    again = milestone("import-doc", str(ldm564_dir() / REVISION_2022))
    older = milestone("import-doc", str(ldm564_dir() / REVISION_2018))

    assert event_count(ledger) == before
    assert "already imported" in again.stdout and "nothing appended" in again.stdout
    assert "already imported" in older.stdout


def test_another_rendering_of_a_revision_the_ledger_matches_appends_nothing(
    both_imported: tuple[Result, Result], milestone: Run, ledger: Ledger, tmp_path: Path
) -> None:
    rendering = tmp_path / "rerendered.txt"
    rendering.write_text(read_ldm564(REVISION_2022).replace("\n\n", "\n\n\n"))
    before = event_count(ledger)

    result = milestone("import-doc", str(rendering))

    assert event_count(ledger) == before
    assert "already matches" in result.stdout


def test_verify_passes_after_the_import(
    both_imported: tuple[Result, Result], milestone: Run, ledger: Ledger
) -> None:
    report = json.loads(milestone("verify", "--json").stdout)

    assert report["ok"] is True
    assert report["checked"] == event_count(ledger)


def test_progress_is_shown_on_stderr(both_imported: tuple[Result, Result]) -> None:
    _first, second = both_imported

    assert "36 releases, 79 Level-3 entries" in second.stderr
    assert "appending" in second.stderr
    assert "RFC-781" in second.stdout


def _bad_file(tmp_path: Path, kind: str) -> Path:
    path = tmp_path / f"{kind}.txt"
    if kind == "empty":
        path.write_text("")
    elif kind == "binary":
        path.write_bytes(bytes(range(256)) * 4)
    elif kind == "latin-1":
        path.write_bytes("LDM-564\nLatest Revision: 2018-04-13\nMüller".encode("latin-1"))
    elif kind == "another-document":
        path.write_text((ldm564_dir() / "README.md").read_text(encoding="utf-8"))
    return path  # "missing": never written


@pytest.mark.parametrize("kind", ["empty", "binary", "latin-1", "another-document", "missing"])
def test_a_file_that_is_not_an_ldm564_revision_is_refused_and_appends_nothing(
    milestone: Run, ledger: Ledger, tmp_path: Path, kind: str
) -> None:
    path = _bad_file(tmp_path, kind)
    before = event_count(ledger)

    result = milestone("import-doc", str(path), ok=False)

    assert result.exit_code == 2
    assert result.stderr.startswith("error: ") and result.stderr.count("\n") == 1
    assert path.name in result.stderr
    assert event_count(ledger) == before


def test_a_revision_older_than_the_ledgers_plan_is_imported_at_its_date_and_changes_no_later_plan(
    both_imported: tuple[Result, Result], milestone: Run, ledger: Ledger, tmp_path: Path
) -> None:
    edited = tmp_path / "edited-2018.txt"
    text = read_ldm564(REVISION_2018).replace(
        "Latest Revision: 2018-04-13", "Latest Revision: 2018-05-01"
    )
    edited.write_text(text.replace("WISE data ingest", "WISE ingest"))
    now_before = plan_json(milestone)["releases"]

    result = milestone("import-doc", str(edited))

    as_of = {
        m["code"]: m
        for b in plan_json(milestone, "2018-05-01")["releases"]
        for m in b["milestones"]
    }
    assert as_of["DM-DAX-1"]["title"] == "WISE ingest to PDAC"
    assert plan_json(milestone)["releases"] == now_before
    assert "events restore the plan they were made on, just before them" in result.stdout
    assert "--date" not in result.stdout + result.stderr


def test_a_milestone_listed_twice_with_different_dates_is_imported_with_a_warning(
    milestone: Run, ledger: Ledger, tmp_path: Path
) -> None:
    text = read_ldm564(REVISION_2018)
    # DM-AP-7 is under LDM-503-06 and LDM-503-08; give the second listing another date.
    first = text.index("- DM-AP-7:")
    second = text.index("- DM-AP-7:", first + 1)
    tail = text[second:].replace("Due: 2018-06-29", "Due: 2018-07-29", 1)
    bad = tmp_path / "inconsistent.txt"
    bad.write_text(text[:second] + tail)

    result = milestone("import-doc", str(bad))

    warning = "DM-AP-7 is listed under LDM-503-06 as"
    assert warning in result.stdout and "and under LDM-503-08 as" in result.stdout
    assert "due 2018-07-29" in result.stdout
    shown = json.loads(milestone("show", "DM-AP-7", "--json").stdout)["milestone"]
    assert (shown["forecast"], shown["releases"]) == ("2018-06-29", ["LDM-503-06", "LDM-503-08"])
    listed = [o for o in json.loads(milestone("check", "--json").stdout) if warning in o["message"]]
    assert len(listed) == 1 and listed[0]["message"].startswith("inconsistent.txt: ")
    assert json.loads(milestone("verify", "--json").stdout)["ok"] is True


def test_codes_of_unusual_shape_are_imported_and_unreadable_entries_reported(
    milestone: Run, ledger: Ledger, tmp_path: Path
) -> None:
    text = read_ldm564(REVISION_2018)
    extra = (
        "- DM-AP-5a: Extra association (*Due: 2017-09-30; currently incomplete*)\n"
        "- DM-10853: A ticket listed as a milestone (*Due: 2017-10-31; completed 2017-10-30*)\n"
        "- Association, due later (Due: sometime)\n"
    )
    anchor = "- DM-AP-5: DIAObject generation"
    odd = tmp_path / "odd.txt"
    odd.write_text(text.replace(anchor, extra + anchor, 1))

    result = milestone("import-doc", str(odd))

    shown = json.loads(milestone("show", "DM-10853", "--json").stdout)["milestone"]
    assert (shown["releases"], shown["completed"]) == (["LDM-503-03"], "2017-10-30")
    assert json.loads(milestone("show", "DM-AP-5a", "--json").stdout)["milestone"]["title"] == (
        "Extra association"
    )
    messages = [o["message"] for o in json.loads(milestone("check", "--json").stdout)]
    for said in (
        "DM-AP-5a under LDM-503-03 is not shaped like a Level-3 code",
        "DM-10853 under LDM-503-03 is not shaped like a Level-3 code",
        "('- Association, due later (Due: sometime)') under LDM-503-03 mentions a due date",
    ):
        assert said in result.stdout
        assert any(said in message for message in messages), said


def test_importing_needs_the_admin_role(
    milestone: Run, ledger: Ledger, admin_key: Signer, tmp_path: Path
) -> None:
    bob = make_key(tmp_path, "bob")
    record(rq.AddKey(actor="bob", public_key=bob.public_raw), ledger=ledger, signer=admin_key)
    for role in ("editor", "approver"):
        record(rq.GrantRole(actor="bob", role=role), ledger=ledger, signer=admin_key)
    before = event_count(ledger)

    result = milestone(
        "import-doc",
        str(ldm564_dir() / REVISION_2018),
        ok=False,
        key_path=tmp_path / "keys" / "bob.pem",
    )

    assert result.exit_code == 5
    assert "admin" in result.stderr
    assert event_count(ledger) == before


def test_date_overrides_the_effective_date(milestone: Run) -> None:
    milestone("import-doc", str(ldm564_dir() / REVISION_2018), "--date", "2018-05-01")

    assert plan_json(milestone, "2018-04-30")["releases"] == []
    assert len(plan_json(milestone, "2018-05-01")["releases"]) == 21


@pytest.mark.parametrize("day", ["2018-02-30", "2999-01-01", "yesterday"])
def test_an_invalid_or_future_date_is_refused(milestone: Run, ledger: Ledger, day: str) -> None:
    result = milestone("import-doc", str(ldm564_dir() / REVISION_2018), "--date", day, ok=False)

    assert result.exit_code == 2
    assert day in result.stderr
    assert event_count(ledger) == 3


def test_importing_both_revisions_takes_well_under_a_few_seconds(milestone: Run) -> None:
    started = time.perf_counter()

    milestone("import-doc", str(ldm564_dir() / REVISION_2018))
    milestone("import-doc", str(ldm564_dir() / REVISION_2022))

    assert time.perf_counter() - started < 3.0


# --- the rules underneath -----------------------------------------------------------------------


def test_codes_that_differ_only_in_zero_padding_normalise_alike() -> None:
    assert normalised_code("LDM-503-8b") == normalised_code("LDM-503-08b") == "LDM-503-8b"
    assert normalised_code("LDM-503-08") != normalised_code("LDM-503-8b")
    assert normalised_code("DM-DRP-38") != normalised_code("DM-DRP-3")


def _state_with(milestone: Milestone) -> PlanState:
    state = PlanState()
    state.milestones[milestone.code] = milestone
    return state


def _target(due: str) -> dict[str, Target]:
    return {"LDM-503-09": Target("LDM-503-09", 2, "Ops rehearsal", due, due, None)}


def test_under_an_rfc_a_new_due_date_moves_the_baseline_and_a_forecast_moved_on_its_own() -> None:
    state = _state_with(Milestone("LDM-503-09", 2, "Ops rehearsal", "2019-01-04", "2019-03-01", 1))

    drafts = plan_changes(
        state, _target("2019-10-07"), rfc="RFC-781", effective="x", document="doc"
    )

    assert [(d.fact.type, d.rfc) for d in drafts] == [
        ("milestone.baseline_moved", "RFC-781"),
        ("milestone.forecast_moved", "RFC-781"),
    ]
    assert drafts[1].fact.model_dump(by_alias=True)["from"] == date(2019, 3, 1)


def test_without_an_rfc_a_new_due_date_only_moves_the_forecast() -> None:
    state = _state_with(Milestone("LDM-503-09", 2, "Ops rehearsal", "2019-01-04", "2019-01-04", 1))

    drafts = plan_changes(state, _target("2019-10-07"), rfc=None, effective="x", document="doc")

    assert [(d.fact.type, d.rfc) for d in drafts] == [("milestone.forecast_moved", None)]


def test_an_approval_effective_before_its_changes_still_applies_them(
    ledger: Ledger, admin_key: Signer
) -> None:
    # The approval is backdated before the changes it approves (as an import of an old
    # change record might record it): folded in effective order, the changes meet an
    # approved RFC and take effect at once.
    drafts = [
        Draft(RfcOpened(id="RFC-1", title="t"), "RFC-1", None, "2018-01-01T00:00:00.000000Z"),
        Draft(
            MilestoneDefined(
                code="LDM-503-01",
                level=2,
                title="t",
                baseline=date(2018, 5, 1),
                forecast=date(2018, 5, 1),
            ),
            "LDM-503-01",
            "RFC-1",
            "2018-04-13T23:59:59.999999Z",
        ),
        Draft(
            MilestoneCompleted(code="LDM-503-01", on=date(2018, 4, 1)),
            "LDM-503-01",
            "RFC-1",
            "2018-04-13T23:59:59.999999Z",
        ),
        Draft(
            RfcApproved(id="RFC-1", on=date(2018, 3, 1)),
            "RFC-1",
            None,
            "2018-03-01T23:59:59.999999Z",
        ),
    ]

    ledger.append(signer=admin_key, actor=None, decide=lambda _state: drafts)

    now = ledger.state().milestones["LDM-503-01"]
    assert now.completed == "2018-04-01"
    assert ledger.state().pending == {}
    assert "LDM-503-01" not in ledger.view(parse_as_of("2018-03-02")).state.milestones


def test_renaming_back_to_an_earlier_code_leaves_only_the_other_as_alias(
    open_ledger: Ledger, admin_key: Signer
) -> None:
    common = {"ledger": open_ledger, "signer": admin_key}
    record(rq.DefineMilestone(code="LDM-503-8b", title="CCOB", due="2018-09-06", level=2), **common)
    record(rq.RenameMilestone(code="LDM-503-8b", new_code="LDM-503-08b"), **common)

    record(rq.RenameMilestone(code="LDM-503-08b", new_code="LDM-503-8b"), **common)

    state = open_ledger.state()
    assert state.milestones["LDM-503-8b"].aliases == ["LDM-503-08b"]
    assert state.resolve("LDM-503-08b") == "LDM-503-8b"
