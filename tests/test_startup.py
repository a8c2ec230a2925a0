"""A quick command line: help and argument errors load none of the heavy libraries, and
Typer converts what a command is given without pydantic."""

import os
import subprocess
import sys

import pytest

HEAVY = ("sqlalchemy", "sqlmodel", "pydantic", "cryptography", "rich", "events.catalogue")
TYPER_PYDANTIC = "typer._adapters"  # where Typer would build its pydantic converters

RUN = """
import sys
sys.argv = ["milestone", *sys.argv[1:]]
from cli.app import main
try:
    main()
except SystemExit:
    pass
print("LOADED", sorted(m for m in sys.modules if m in {watched!r}))
"""


def _loaded(*words: str, watched: tuple[str, ...] = HEAVY) -> str:
    code = RUN.format(watched=set(watched))
    done = subprocess.run(
        [sys.executable, "-c", code, *words], capture_output=True, text=True, timeout=60
    )
    return done.stdout.rsplit("LOADED", 1)[1].strip()


@pytest.mark.parametrize(
    "words",
    [
        ("--help",),
        ("define", "--help"),
        ("rfc", "approve", "--help"),
        ("import-doc", "--help"),
        ("chart", "burndown", "--help"),
        ("chart", "burndown", "--level", "two"),
        ("log", "--since", "soon"),  # refused by the parameter's own converter
    ],
    ids=lambda words: " ".join(words),
)
def test_help_and_argument_errors_load_nothing_heavy(words):
    assert _loaded(*words) == "[]"


@pytest.mark.parametrize(
    "words",
    [
        ("plan", "--json", "--as-of", "now"),
        ("log", "--since", "1", "--limit", "2"),
        ("rfc", "list"),
    ],
    ids=lambda words: " ".join(words),
)
def test_a_command_converts_its_values_without_pydantic(open_ledger, db_url, words):
    assert _loaded("--db", db_url, *words, watched=(TYPER_PYDANTIC,)) == "[]"


@pytest.mark.parametrize(
    ("argv", "path"),
    [
        (["show", "DM-AP-12"], ("show",)),
        (["--db", "x.db", "show", "DM-AP-12"], ("show",)),
        (["--db=x.db", "--key", "k.pem", "rfc", "list"], ("rfc", "list")),
        (["rfc", "approve", "RFC-1", "--db", "x.db"], ("rfc", "approve")),
        (["key", "new", "bob"], ("key", "new")),
        (["chart", "burndown", "--out", "b.png"], ("chart", "burndown")),
        (["--help"], None),
        (["rfc"], None),
        (["rfc", "--help"], None),
        (["shw", "DM-AP-12"], None),
        (["rfc", "lst"], None),
        ([], None),
    ],
)
def test_the_console_script_knows_which_command_it_is_asked_for(argv, path):
    from cli.app import asked_for

    assert asked_for(argv) == path


def test_a_command_run_by_the_console_script_answers_as_the_whole_app_does(open_ledger, db_url):
    """`main` builds only the command asked for; what it prints is the same. (An option
    given twice is left to Typer by `cli.direct`, so this command line reaches the app.)"""
    from typer.testing import CliRunner

    from cli.app import app

    screen = {"COLUMNS": "100", "NO_COLOR": "1"}
    words = ["log", "--limit", "5", "--limit", "3"]
    whole = CliRunner().invoke(app, ["--db", db_url, *words], env=screen)
    code = (
        "import sys; sys.argv = ['milestone', *sys.argv[1:]]\n"
        "from cli.app import app, main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "print('COMMANDS', [info.name for info in app.registered_commands])\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, "--db", db_url, *words],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, **screen},
    )
    printed, commands = done.stdout.rsplit("COMMANDS", 1)
    assert commands.strip() == "['log']"
    assert printed == whole.stdout
    assert whole.exit_code == 0 and "#1" in printed


@pytest.mark.parametrize(
    "words",
    [
        ("slip", "#1", "now"),
        ("celebrate", "--json"),
        ("graph",),
        ("chart", "burndown", "--json"),
    ],
    ids=lambda words: " ".join(words),
)
def test_only_the_commands_that_draw_import_matplotlib(open_ledger, db_url, words):
    assert _loaded("--db", db_url, *words, watched=("matplotlib",)) == "[]"


def test_a_command_that_draws_does_import_matplotlib(open_ledger, db_url, tmp_path):
    out = str(tmp_path / "burndown.png")

    assert _loaded("--db", db_url, "chart", "burndown", "--out", out, watched=("matplotlib",)) == (
        "['matplotlib']"
    )


def test_the_stored_root_help_is_what_the_typer_app_prints():
    """`milestone --help` prints `cli/root_help.txt`; after a change to a command or its
    help, `python -m cli.root_help` writes it again."""
    from cli import root_help

    assert root_help.STORED.read_text(encoding="utf-8") == root_help.current()


@pytest.mark.parametrize("columns", ["80", "200", "60"])
def test_the_console_script_prints_the_root_help_typer_prints_at_any_width(columns):
    from pathlib import Path

    script = Path(sys.executable).parent / "milestone"
    typer_code = "import sys; sys.argv = ['milestone', '--help']; from cli.app import app; app()"
    screen = {**os.environ, "COLUMNS": columns}

    printed = subprocess.run(
        [str(script), "--help"], capture_output=True, text=True, env=screen, timeout=60
    )
    typer_printed = subprocess.run(
        [sys.executable, "-c", typer_code], capture_output=True, text=True, env=screen, timeout=60
    )

    assert printed.returncode == typer_printed.returncode == 0
    assert printed.stdout == typer_printed.stdout
    assert "Reading the plan:" in printed.stdout
