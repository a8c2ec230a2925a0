"""5,000 generated argument lists through the real Typer app: no traceback, ever.

Each list runs in-process (CliRunner) on a small real ledger, the demo's, with
files beside it (an empty one, a binary one, a deeply nested JSON line, a
folder, a missing folder). Whatever is wrong with the words, the options, the
database URL, the key or the environment, the command must end in an exit
status with a message, never in an exception.
"""

from __future__ import annotations

import collections
import traceback
from pathlib import Path

import pytest
import typer.main
import typer.testing
from argv_fuzz import World, argv_lists, command_table, demo_world
from typer.testing import CliRunner

from cli.app import app

LISTS = 5000
#: Words of libraries that must never reach a person in place of ours.
LEAKS = ("Traceback (most recent call last)", "Input should be", "Value error,", "pydantic")


@pytest.fixture
def world(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> World:
    """The demo ledger, its key, and files to name."""
    return demo_world(tmp_path, monkeypatch)


def test_generated_argument_lists_never_end_in_a_traceback(world, monkeypatch):
    # Typer's runner builds the Click tree again for every call (0.1 s); a process builds it once.
    built = typer.main.get_command(app)
    monkeypatch.setattr(typer.testing, "_get_command", lambda _app: built)
    runner = CliRunner()
    table = command_table(app)
    failures: dict[str, list[str]] = collections.defaultdict(list)

    for argv, env in argv_lists(table, world, count=LISTS):
        result = runner.invoke(app, argv, env=env)
        error = result.exception
        if error is not None and not isinstance(error, SystemExit):
            where = traceback.extract_tb(error.__traceback__)[-1]
            kind = f"{type(error).__name__} at {Path(where.filename).name}:{where.lineno}"
            failures[kind].append(repr(argv)[:300])
        elif leak := next((word for word in LEAKS if word in result.output), None):
            failures[f"{leak!r} in the output"].append(repr(argv)[:300])

    report = "\n".join(f"{len(v)} times {k}, e.g. {v[0]}" for k, v in failures.items())
    assert not failures, f"{sum(map(len, failures.values()))} of {LISTS} failed:\n{report}"


def test_the_generator_reaches_every_command(world):
    table = command_table(app)
    lists = [argv for argv, _ in argv_lists(table, world, count=LISTS)]

    def named(path: tuple[str, ...], argv: list[str]) -> bool:
        n = len(path)
        return any(tuple(argv[i : i + n]) == path for i in range(len(argv)))

    missed = [c.path for c in table if not any(named(c.path, argv) for argv in lists)]

    assert not missed
    assert len(table) > 30
