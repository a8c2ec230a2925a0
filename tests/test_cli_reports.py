"""The report commands at a terminal, on the three real LDM-564 revisions imported oldest first.

Every expected number was counted by hand in the documents (section 3 of each revision):
the 2022-08-13 revision has 36 Level-2 and 73 Level-3 milestones, 69 of those done, 44 of
them on or before 2019-05-20; DM-AP-12 was due 2019-04-24 in 2018 and 2022-08-01 in 2022
(1195 days later); LDM-503-12 moved from 2020-01-31 to 2023-06-29 (1245 days), the largest
slip of a Level-2 milestone; four milestones were completed in 2022 before the revision.
Files are really written, images really drawn, LaTeX compiled by pdflatex and DOT laid out
by Graphviz.
"""

from __future__ import annotations

import csv
import html
import io
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from images import inked, png_size
from ldm564_files import REVISION_2018, REVISION_2019, REVISION_2022, ldm564_dir
from typer.testing import CliRunner, Result

from cli.app import app
from ledger import requests as rq
from ledger.errors import InvalidInput
from ledger.importer import import_revision_file
from ledger.ledger import Ledger
from ledger.signing import generate_key_file

WRAPPER = Path(__file__).with_name("gantt_wrapper.tex")
AS_OF = ("--as-of", "2022-08-13")


class Book:
    """The ledger, and the command line run against it."""

    def __init__(self, db: Path, key: Path) -> None:
        self.db, self.key = db, key

    def run(self, *args: str) -> Result:
        """`milestone ARGS` (stdout and stderr apart)."""
        return CliRunner().invoke(app, ["--db", str(self.db), "--key", str(self.key), *args])

    def ok(self, *args: str) -> Result:
        """`milestone ARGS`, which must succeed."""
        done = self.run(*args)
        assert done.exit_code == 0, done.output
        return done

    def json(self, *args: str) -> object:
        """What `milestone ARGS --json` prints, parsed."""
        return json.loads(self.ok(*args, "--json").stdout)

    def count(self) -> int:
        """How many events the ledger holds."""
        book = Ledger.open(f"sqlite:///{self.db}")
        try:
            return book.length
        finally:
            book.close()


@pytest.fixture(scope="module")
def book(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Book]:
    """A ledger holding the 2018, 2019 and 2022 revisions, imported oldest first."""
    folder = ldm564_dir()
    tmp = tmp_path_factory.mktemp("ldm564")
    key = tmp / "alice.pem"
    signer = generate_key_file(key)
    ledger = Ledger.create(
        f"sqlite:///{tmp / 'm.db'}", name="LDM-564", signer=signer, actor="alice"
    )
    for name in (REVISION_2018, REVISION_2019, REVISION_2022):
        import_revision_file(ledger=ledger, signer=signer, path=folder / name)
    ledger.close()
    yield Book(tmp / "m.db", key)


def _run(*command: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=120)


# --- burndown ---------------------------------------------------------------------------------


def test_burndown_json_counts_what_the_documents_say(book):
    report = book.json("chart", "burndown", "--level", "3", *AS_OF, "--compare", "2018-04-13")

    by_2019 = [p for p in report["points"] if p["date"] <= "2019-05-20"][-1]
    assert (report["total"], report["points"][-1]["completed"]) == (73, 69)
    assert by_2019["completed"] == 44
    assert report["compare_label"] == "2018-04-13"
    assert report["compare_total"] == 96  # the 2018 plan's Level-3 milestones
    assert set(report["points"][0]) == {"date", "baseline", "forecast", "compare", "completed"}


def test_the_2019_revision_is_in_the_ledger_with_the_same_44_done(book):
    report = book.json("chart", "burndown", "--level", "3", "--as-of", "2019-05-20")

    assert report["points"][-1]["completed"] == 44
    assert report["total"] == 97  # the draft of 2019-05-20 lists 97 Level-3 milestones


def test_burndown_svg_holds_its_title_axis_labels_legend_and_today(book, tmp_path):
    out = tmp_path / "burndown.svg"

    done = book.ok("chart", "burndown", "--level", "3", *AS_OF, "--compare", "RFC-501",
                   "--out", str(out))  # fmt: skip

    assert done.stdout == f"wrote the burndown (svg) to {out}\n"
    svg = out.read_text(encoding="utf-8")
    for text in (
        "Level-3 milestones due and completed, as of 2022-08-13",
        "Milestones (cumulative)",
        "Date",
        "Completed (69 by 2022-08-13)",
        "Forecast due, as of RFC-501",
        "today (2022-08-13)",
        "2020",
    ):
        assert text in svg, text


def test_burndown_png_is_the_size_asked_for_and_not_blank(book, tmp_path):
    out = tmp_path / "burndown.png"

    book.ok("chart", "burndown", "--since", "2020-01-01", "--size", "1000x600", "--out", str(out))

    image = out.read_bytes()
    assert png_size(image) == (1000, 600)
    assert inked(image) > 0.02


def test_burndown_csv_has_a_row_for_each_day_something_changed(book, tmp_path):
    out = tmp_path / "burndown.csv"

    book.ok("chart", "burndown", "--level", "3", *AS_OF, "--out", str(out))

    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert list(rows[0]) == ["date", "baseline_due", "forecast_due", "compare_due", "completed"]
    assert [r["completed"] for r in rows if r["date"] <= "2019-05-20"][-1] == "44"
    assert rows[-1]["completed"] == "69"


def test_a_chart_goes_to_a_pipe_as_png(book):
    done = book.ok("chart", "burndown", "--level", "2")

    assert png_size(done.stdout_bytes) == (1200, 700)


def test_a_chart_is_refused_on_a_terminal_naming_out(book):
    # A real terminal: standard output is a pseudo-terminal, as in an interactive shell.
    controller, terminal = os.openpty()
    try:
        done = subprocess.run(
            [str(Path(sys.executable).parent / "milestone"), "--db", str(book.db),
             "chart", "burndown"],
            stdout=terminal, stderr=subprocess.PIPE, text=True, timeout=120,
        )  # fmt: skip
    finally:
        os.close(terminal)
        os.close(controller)

    assert done.returncode == 2
    assert done.stderr.count("\n") == 1
    assert done.stderr.startswith("error: a chart is an image and this is a terminal")
    assert "--out burndown.png" in done.stderr


# --- gantt ------------------------------------------------------------------------------------


def test_gantt_latex_compiles_in_a_document(book, tmp_path):
    book.ok("chart", "gantt", *AS_OF, "--out", str(tmp_path / "gantt.tex"))
    shutil.copy(WRAPPER, tmp_path / "document.tex")

    run = _run("pdflatex", "-interaction=nonstopmode", "-halt-on-error", "document.tex",
               cwd=tmp_path)  # fmt: skip

    assert run.returncode == 0, run.stdout[-2000:]
    assert (tmp_path / "document.pdf").read_bytes().startswith(b"%PDF-")
    latex = (tmp_path / "gantt.tex").read_text(encoding="utf-8")
    assert latex.count("\\textbf{LDM-") == 36  # every Level-2 milestone, bold


def test_gantt_of_one_release_with_its_members_names_them_in_svg(book, tmp_path):
    out = tmp_path / "spring.svg"

    book.ok("chart", "gantt", "--release", "LDM-503-15a", "--members", *AS_OF, "--out", str(out))

    svg = out.read_text(encoding="utf-8")
    for text in ("LDM-503-15a", "DM-AP-12", "DM-DRP-27", "Forecast, late", "today (2022-08-13)"):
        assert text in svg, text


def test_gantt_json_lists_the_36_releases(book):
    report = book.json("chart", "gantt", *AS_OF)

    assert set(report) == {"today", "with_members", "releases", "start", "end"}
    assert len(report["releases"]) == 36
    assert {"release", "members"} == set(report["releases"][0])


# --- slip -------------------------------------------------------------------------------------


def test_slip_table_shows_dm_ap_12_moved_1195_days(book):
    done = book.ok("slip", "2018-04-13", "2022-08-13")

    lines = done.stdout.splitlines()
    assert lines[0].startswith("Forecasts moved from 2018-04-13 to 2022-08-13:")
    (row,) = [line for line in lines if line.startswith("DM-AP-12 ")]
    assert row.split()[:4] == ["DM-AP-12", "2019-04-24", "2022-08-01", "+1195"]


def test_slip_is_sorted_by_slip_largest_first(book):
    report = book.json("slip", "2018-04-13", "2022-08-13", "--level", "2")

    moved = [row["days"] for row in report["rows"] if row["days"] is not None]
    assert moved == sorted(moved, reverse=True)
    first = report["rows"][0]
    assert (first["code"], first["before"], first["after"], first["days"]) == (
        "LDM-503-12", "2020-01-31", "2023-06-29", 1245,
    )  # fmt: skip


def test_slip_csv_printed_and_written_are_the_same(book, tmp_path):
    printed = book.ok("slip", "2018-04-13", "2022-08-13", "--csv").stdout
    book.ok("slip", "2018-04-13", "2022-08-13", "--out", str(tmp_path / "slip.csv"))

    assert (tmp_path / "slip.csv").read_text(encoding="utf-8") == printed
    rows = {r["code"]: r for r in csv.DictReader(io.StringIO(printed))}
    assert rows["DM-AP-12"]["slip_days"] == "1195"


def test_slip_chart_svg_names_each_moved_milestone_and_both_points(book, tmp_path):
    out = tmp_path / "slip.svg"

    book.ok("chart", "slip", "2018-04-13", "2022-08-13", "--level", "2", "--out", str(out))

    svg = out.read_text(encoding="utf-8")
    assert "LDM-503-12  +1245 d" in svg
    assert "Forecast at 2018-04-13" in svg and "Forecast at 2022-08-13, later" in svg


def test_slip_known_at_before_the_2022_import_shows_the_2019_forecast(book):
    imports = book.json("log", "--type", "revision.imported")
    known_2019 = imports[1]["recorded_at"]  # the 2019 draft's import: 2022's came later

    report = book.json("slip", "2018-04-13", "2022-08-13", "--known-at", known_2019)

    # The 2019 draft has DM-AP-12 "Due: 2020-10-30".
    (row,) = [r for r in report["rows"] if r["code"] == "DM-AP-12"]
    assert (row["before"], row["after"], row["days"]) == ("2019-04-24", "2020-10-30", 555)
    assert imports[1]["subject"] == REVISION_2019


# --- celebrate --------------------------------------------------------------------------------


def test_celebrate_lists_the_four_completions_of_2022_with_who_and_when(book):
    done = book.ok("celebrate", "--since", "2022-01-01", *AS_OF)

    assert done.stdout.startswith("Milestones completed since 2022-01-01: 4\n")
    rows = [line.split()[:2] for line in done.stdout.splitlines()[3:]]
    assert rows == [["2022-02-28", "LDM-503-15a"], ["2022-05-31", "DM-DAX-13"],
                    ["2022-05-31", "LDM-GEN3"], ["2022-06-30", "DM-SUIT-5"]]  # fmt: skip
    assert done.stdout.count(" alice ") == 4


def test_celebrate_since_an_rfc_starts_on_the_day_it_was_approved(book):
    report = book.json("celebrate", "--since", "RFC-781")

    assert report["since"] == "2022-08-13"


def test_celebrate_json_says_who_recorded_each_completion_and_when(book):
    report = book.json("celebrate", "--since", "2022-06-01", *AS_OF)

    (only,) = report["completions"]
    assert only["code"] == "DM-SUIT-5" and only["recorded_by"] == "alice"
    assert only["recorded_at"].endswith("Z") and isinstance(only["seq"], int)


@pytest.mark.parametrize(("name", "start"), [("done.md", "## Milestones"),
                                             ("done.html", "<!DOCTYPE html>")])  # fmt: skip
def test_celebrate_writes_markdown_and_html(book, tmp_path, name, start):
    book.ok("celebrate", "--since", "2022-01-01", *AS_OF, "--out", str(tmp_path / name))

    text = (tmp_path / name).read_text(encoding="utf-8")
    assert text.startswith(start) and "DM-SUIT-5" in text


# --- graph ------------------------------------------------------------------------------------


def test_graph_prints_dot_that_dot_accepts(book, tmp_path):
    printed = book.ok("graph", "--release", "LDM-503-11a", *AS_OF).stdout
    (tmp_path / "graph.dot").write_text(printed, encoding="utf-8")

    run = _run("dot", "-Tsvg", "-o", "graph.svg", "graph.dot", cwd=tmp_path)

    assert printed.startswith("digraph milestones {")
    assert run.returncode == 0 and run.stderr == "", run.stderr
    # Graphviz writes a hyphen in SVG text as &#45;.
    svg = html.unescape((tmp_path / "graph.svg").read_text(encoding="utf-8"))
    assert "DM-NCSA-22" in svg and "Dependencies of LDM-503-11a as of 2022-08-13" in svg


@pytest.mark.parametrize("name", ["graph.svg", "graph.png", "graph.pdf", "graph.dot"])
def test_graph_writes_each_format_it_names(book, tmp_path, name):
    out = tmp_path / name

    done = book.ok("graph", "--release", "LDM-503-11a", *AS_OF, "--out", str(out))

    assert done.stdout.startswith("wrote the graph")
    data = out.read_bytes()
    signature = {"svg": b"<?xml", "png": b"\x89PNG", "pdf": b"%PDF-", "dot": b"digraph"}
    assert data.startswith(signature[out.suffix[1:]])


def test_graph_json_has_the_critical_path_to_the_release(book):
    report = book.json("graph", "--release", "LDM-503-15a", *AS_OF)

    assert report["critical_path"] == ["DM-AP-12", "LDM-503-15a"]
    late = [n["code"] for n in report["nodes"] if n["status"] == "late"]
    assert late == ["DM-AP-12", "DM-DRP-27"]


# --- refusals ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "status", "message"),
    [
        (("chart", "burndown", "--out", "burndown.jpg"), 2,
         "cannot write a burndown as a .jpg file (burndown.jpg); use .png, .svg, .pdf, .csv"),
        (("chart", "gantt", "--out", "gantt"), 2, "as a file without an extension"),
        (("celebrate", "--out", "done.pdf"), 2, "use .md, .html"),
        (("graph", "--out", "graph.jpg"), 2, "use .dot, .gv, .svg, .png, .pdf"),
        (("chart", "slip", "now", "now", "--out", "no-such-folder/slip.png"), 3,
         "there is no folder no-such-folder"),
        (("chart", "burndown", "--compare", "RFC-404", "--out", "b.png"), 3, "RFC-404"),
        (("chart", "burndown", "--as-of", "2020-02-30", "--out", "b.png"), 2, "not a real date"),
        (("slip", "soon", "now"), 2, "soon"),
        (("celebrate", "--since", "last week"), 2, "last week"),
        (("chart", "burndown", "--level", "4"), 2, "--level 4 is not a milestone level"),
        (("chart", "gantt", "--size", "10x10"), 2, "--size '10x10' is not an image size"),
        (("chart", "gantt", "--release", "DM-AP-12"), 2, "is a Level-3 milestone"),
        (("graph", "--release", "LDM-503-99"), 3, "not a milestone in the plan"),
        (("slip", "now", "now", "--csv", "--out", "s.csv"), 2, "give one of them"),
    ],
)  # fmt: skip
def test_bad_input_is_one_line_with_its_exit_status_and_appends_nothing(
    book, tmp_path, monkeypatch, args, status, message
):
    monkeypatch.chdir(tmp_path)
    before = book.count()

    done = book.run(*args)

    assert done.exit_code == status, done.output
    assert done.stdout == ""
    assert done.stderr.startswith("error: ") and done.stderr.count("\n") == 1
    assert message in done.stderr
    assert "Traceback" not in done.stderr
    assert list(tmp_path.iterdir()) == []
    assert book.count() == before


@pytest.mark.parametrize("out", ["chart\x00.png", "~no-such-user-here/chart.png"])
def test_an_out_file_that_cannot_be_is_refused_when_the_request_is_built(out):
    with pytest.raises(InvalidInput, match="cannot write"):
        rq.ChartBurndown(out=out)
