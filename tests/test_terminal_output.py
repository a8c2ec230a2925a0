"""What people see at a terminal: tables that fit, titles wrapped not cut, colour only on a
terminal, both dates in a history, days late, the upcoming window, one diff row per milestone."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from ldm564_files import REVISION_2018, REVISION_2022, ldm564_dir
from typer.testing import CliRunner

from cli import render
from cli.app import app
from cli.screen import PIPED, Screen, screen_of
from ledger import grammar
from ledger.handle import Context, handle
from ledger.importer import import_revision_file
from ledger.ledger import Ledger
from ledger.order import natural
from ledger.signing import generate_key_file

ANSI = re.compile(r"\x1b\[[0-9;]*m")


@pytest.fixture(scope="module")
def ldm564(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """A SQLite ledger holding both real LDM-564 revisions, and its admin's key."""
    folder = tmp_path_factory.mktemp("ldm564")
    key = folder / "alice.pem"
    signer = generate_key_file(key)
    url = f"sqlite:///{folder / 'ldm564.db'}"
    ledger = Ledger.create(url, name="LDM-564", signer=signer, actor="alice")
    for name in (REVISION_2018, REVISION_2022):
        import_revision_file(ledger=ledger, signer=signer, path=ldm564_dir() / name)
    ledger.close()
    yield url, key


def _answer(url: str, key: Path, words: str, screen: Screen) -> str:
    ledger = Ledger.open(url)
    try:
        context = Context(lambda: ledger, lambda: generate_key_file(key.with_name("x.pem")))
        return render.text(handle(grammar.parse(words.split()), context=context), screen)
    finally:
        ledger.close()


def _run(url: str, key: Path, *words: str, **env: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["--db", url, "--key", str(key), *words], env=env)
    return result.exit_code, result.output


def _column(table: str, header: str, following: str) -> list[str]:
    """The cells of one column of a rendered table, each with its wrapped lines joined."""
    lines = table.splitlines()
    top = next(i for i, line in enumerate(lines) if line.startswith("CODE"))
    start, end = lines[top].index(header), lines[top].index(following)
    cells: list[str] = []
    for line in lines[top + 1 :]:
        piece = line[start:end].strip()
        if line[:start].strip():  # a new row: it has a code
            cells.append(piece)
        elif piece:
            cells[-1] += " " + piece
    return [cell for cell in cells if cell]


def _widest(text: str) -> int:
    return max(len(ANSI.sub("", line)) for line in text.splitlines())


# --- the plan -----------------------------------------------------------------------------------


def test_the_plan_of_ldm564_fits_80_columns_and_wraps_every_title_whole(ldm564):
    url, key = ldm564

    code, shown = _run(url, key, "plan", COLUMNS="80")
    plan = Ledger.open(url)
    titles = [m.title for m in plan.state().milestones.values() if not m.withdrawn]
    plan.close()

    assert code == 0
    assert _widest(shown) <= 80
    assert "…" not in shown
    assert sorted(set(titles)) == sorted(set(_column(shown, "TITLE", "DUE")))


def test_at_120_columns_the_plan_shows_baseline_and_forecast_apart(ldm564):
    url, key = ldm564

    shown = _answer(url, key, "plan", Screen(width=120))

    header = next(line for line in shown.splitlines() if line.startswith("CODE"))
    assert header.split() == ["CODE", "TITLE", "BASELINE", "FORECAST", "COMPLETED", "STATUS"]
    assert _widest(shown) <= 120


@pytest.mark.parametrize("width", [40, 60, 80, 100, 132, 200])
def test_no_table_is_wider_than_the_screen(ldm564, width):
    url, key = ldm564

    for words in (
        "plan",
        "late",
        "history DM-AP-12",
        "log",
        "check",
        "rfc list",
        "rfc show RFC-781",
    ):
        shown = _answer(url, key, words, Screen(width=width))
        assert _widest(shown) <= width, (words, width)


def test_the_diff_of_the_two_revisions_is_one_row_per_milestone_in_natural_order(ldm564):
    url, key = ldm564

    shown = _answer(url, key, "diff 2018-05-01 now", Screen(width=80))

    rows = [line.split()[0] for line in shown.splitlines()[3:] if line[:1].strip()]
    assert len(rows) == len(set(rows))
    assert rows == sorted(rows, key=natural)
    assert rows.index("DM-DRP-8") < rows.index("DM-DRP-10")
    assert _widest(shown) <= 80
    ap12 = " ".join(shown[shown.index("DM-AP-12 ") :].split("\nDM-AP-13")[0].split())
    assert "moved 2019-04-24 → 2022-08-01 (+1195 days)" in ap12
    assert ap12.count("2019-04-24") == 1  # baseline and forecast moved together: said once


def test_history_shows_when_a_change_took_effect_and_when_it_was_recorded(ldm564):
    url, key = ldm564

    shown = _answer(url, key, "history DM-AP-12", Screen(width=100))

    header, defined = shown.splitlines()[:2]
    assert header.split()[:4] == ["SEQ", "EFFECTIVE", "RECORDED", "ACTOR"]
    assert defined.split()[1] == "2018-04-13"  # the revision's date
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", defined.split()[2])
    assert defined.split()[2] != "2018-04-13"  # recorded when imported, not in 2018


def test_late_says_how_many_days_late(ldm564):
    url, key = ldm564

    code, shown = _run(url, key, "late", "--as-of", "2023-01-01", COLUMNS="80")

    assert code == 0
    assert shown.startswith("3 milestones late as of 2023-01-01, most overdue first:")
    row = next(line for line in shown.splitlines() if line.startswith("DM-AP-12"))
    assert row.split()[-2:] == ["2022-08-01", "153"]


def test_upcoming_as_of_a_day_says_its_window(ldm564):
    url, key = ldm564

    code, shown = _run(url, key, "upcoming", "--as-of", "2022-05-01", "--days", "45")

    assert code == 0
    assert shown.startswith("3 milestones due from 2022-05-01 through 2022-06-15 (45 days):")
    assert "DM-NCSA-26" in shown


def test_check_strict_exits_11_when_it_finds_something(ldm564):
    url, key = ldm564

    plain, _ = _run(url, key, "check")
    strict, shown = _run(url, key, "check", "--strict")

    assert plain == 0
    assert strict == 11
    assert shown.startswith("14 oddities worth a look:")


# --- the screen ---------------------------------------------------------------------------------


class _Stream(io.StringIO):
    def __init__(self, terminal: bool) -> None:
        super().__init__()
        self.terminal = terminal

    def isatty(self) -> bool:
        return self.terminal


def test_a_terminal_gets_colour_unless_no_color_is_set():
    assert screen_of(_Stream(True), {"COLUMNS": "90"}) == Screen(
        width=90, color=True, terminal=True
    )
    assert screen_of(_Stream(True), {"COLUMNS": "90", "NO_COLOR": "1"}).color is False
    assert screen_of(_Stream(True), {"COLUMNS": "90", "TERM": "dumb"}).color is False


def test_a_pipe_gets_plain_text_of_a_fixed_width_unless_columns_says_otherwise():
    assert screen_of(_Stream(False), {}) == Screen(width=PIPED, color=False)
    assert screen_of(_Stream(False), {"COLUMNS": "80"}) == Screen(width=80, color=False)
    assert screen_of(_Stream(False), {"COLUMNS": "nonsense"}).width == PIPED
    assert screen_of(_Stream(False), {"COLUMNS": "3"}).width == 40


def test_statuses_are_coloured_on_a_colour_screen_and_plain_otherwise(ldm564):
    url, key = ldm564

    coloured = _answer(url, key, "late --as-of 2023-01-01", Screen(width=80, color=True))
    plain = _answer(url, key, "late --as-of 2023-01-01", Screen(width=80))

    assert "\x1b[" in coloured
    assert "\x1b[" not in plain
    assert ANSI.sub("", coloured) == plain


def test_codes_sort_in_natural_order():
    codes = ["DM-DRP-10", "DM-DRP-8", "LDM-503-10", "LDM-503-9a", "DM-AP-1a", "DM-AP-1"]

    assert sorted(codes, key=natural) == [
        "DM-AP-1",
        "DM-AP-1a",
        "DM-DRP-8",
        "DM-DRP-10",
        "LDM-503-9a",
        "LDM-503-10",
    ]
