"""A plain grammar command line is answered without Typer, exactly as the Typer app answers it.

`cli.direct` parses the command lines it can read with Typer's meaning and
leaves every other to Typer. Generated argument lists (the fuzzer's) run both
ways on copies of the same real ledger: whenever the direct parser takes one,
its output, errors and exit status are Typer's.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
import typer.main
import typer.testing
from argv_fuzz import World, argv_lists, command_table, demo_world
from typer.testing import CliRunner

from cli import direct
from cli.app import app

LISTS = 1500


@pytest.fixture
def world(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> World:
    """The demo ledger, its key, and files to name."""
    return demo_world(tmp_path, monkeypatch)


def _copy(world: World, name: str) -> str:
    """A fresh copy of the demo ledger, as a URL: a write must find the ledger as the other
    did (SQLite's backup, so that the copy holds what the log file holds too)."""
    copy = world.folder / name
    for stale in world.folder.glob(f"{name}*"):
        stale.unlink()
    with sqlite3.connect(world.folder / "demo.db") as source, sqlite3.connect(copy) as target:
        source.backup(target)
    source.close()
    target.close()
    return f"sqlite:///{copy}"


def _both(runner: CliRunner, argv: list[str], env: dict[str, str], world: World):
    """(Typer's answer, the direct answer): each as (stdout, stderr, exit status)."""
    typer_db, direct_db = _copy(world, "typer.db"), _copy(world, "direct.db")

    def on(db: str) -> list[str]:
        return [db if word == world.db else word for word in argv]

    by_typer = runner.invoke(app, on(typer_db), env=env)
    with runner.isolation(env=env) as (out, err, _):
        status = direct.run(on(direct_db), os.environ)
        # Bytes: a chart for a pipe is an image.
        printed = [out.getvalue(), err.getvalue()]
    printed = [text.replace(direct_db.encode(), typer_db.encode()) for text in printed]
    typer_shown = (by_typer.stdout_bytes, by_typer.stderr_bytes, by_typer.exit_code)
    return typer_shown, (*printed, status or 0)


def test_what_the_direct_parser_takes_it_answers_as_typer_does(world, monkeypatch):
    built = typer.main.get_command(app)
    monkeypatch.setattr(typer.testing, "_get_command", lambda _app: built)
    runner = CliRunner()
    taken, differ = 0, []

    for argv, env in argv_lists(command_table(app), world, count=LISTS):
        if direct.parse(argv) is None:
            continue
        taken += 1
        by_typer, by_direct = _both(runner, argv, env, world)
        if by_typer != by_direct:
            differ.append(f"{argv!r}:\n  typer  {by_typer!r}\n  direct {by_direct!r}")

    assert not differ, f"{len(differ)} of {taken} differ:\n" + "\n".join(differ[:5])
    assert taken > LISTS // 3


@pytest.mark.parametrize(
    "argv",
    [
        ["show", "DM-AP-1", "--help"],
        ["show"],
        ["show", "DM-AP-1", "DM-AP-2"],
        ["show", "-x"],
        ["log", "--limit", "ten"],
        ["log", "--limit", "-1"],
        ["log", "--limit", "1", "--limit", "2"],
        ["plan", "--format", "yaml"],
        ["move", "DM-AP-1", "2030-01-01", "--json"],
        ["move", "DM-AP-1", "2030-01-01", "--baseline=yes"],
        ["--db", "x.db", "--db", "y.db", "plan"],
        ["--verbose", "plan"],
        ["rfc", "lst"],
        ["init"],
        ["plan", "--", "x"],
    ],
    ids=" ".join,
)
def test_the_direct_parser_leaves_to_typer_what_typer_explains(argv):
    assert direct.parse(argv) is None


def test_a_plain_command_line_reads_its_values_as_typer_does():
    words = ["define", "DM-AP-9", "A title", "--due", "2030-01-01", "--in", "L2-A"]
    line = direct.parse(["--key=k.pem", *words, "--in=L2-B", "--level", "3", "--db", "x.db"])

    assert line is not None
    assert line.command.path == ("define",)
    assert line.values == {
        "code": "DM-AP-9",
        "title": "A title",
        "due": "2030-01-01",
        "releases": ("L2-A", "L2-B"),
        "level": 3,
    }
    assert line.before == {"--key": "k.pem"} and line.after == {"--db": "x.db"}


def test_the_console_script_answers_a_read_without_importing_typer(open_ledger, db_url):
    code = (
        "import sys; sys.argv = ['milestone', *sys.argv[1:]]\n"
        "from cli.main import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "print('TYPER', 'typer' in sys.modules)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, "--db", db_url, "log", "--limit", "1"],
        capture_output=True,
        text=True,
        timeout=60,
    )

    printed, typer_loaded = done.stdout.rsplit("TYPER", 1)
    assert typer_loaded.strip() == "False"
    assert "#" in printed
