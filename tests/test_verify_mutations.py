"""Random damage to stored rows and to exports: always reported at its place, never raised,
never passed.

Before the verifier was made to report every row whatever it holds, 10,000 such
changes of stored rows gave 2,715 tracebacks (SQLite refusing to decode a text
column, KeyError while loading the log), 31 passes (the last row's seq moved far
away) and 35 findings at the wrong seq; 3,000 changed exports gave 952 tracebacks
and 33 passes. The runs are split over the machine's cores: a verify of the small
ledger costs about 3 ms, most of it Ed25519.
"""

from __future__ import annotations

import multiprocessing
import random
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pytest
from typer.testing import CliRunner
from verify_damage import (
    Tally,
    Tamperer,
    build_small_ledger,
    damage_file,
    damage_rows,
    draw_many,
    expected_seq,
    mutate_file,
)

from cli.app import app
from ledger.signing import generate_key_file
from ledger.transfer import export_log
from ledger.verify_parallel import cores

SEED = 564


@pytest.fixture(scope="module")
def damage(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder with a small ledger (`ledger.db`) and its export (`log.jsonl`)."""
    folder = tmp_path_factory.mktemp("damage")
    admin = generate_key_file(folder / "keys" / "alice.pem")
    book = build_small_ledger(f"sqlite:///{folder / 'ledger.db'}", folder, admin)
    export_log(store=book.store, path=folder / "log.jsonl")
    book.close()
    return folder


def _lengths(folder: Path) -> dict[tuple[int, str], int]:
    tamperer = Tamperer(folder / "ledger.db")
    try:
        return tamperer.lengths()
    finally:
        tamperer.close()


def _on_every_core(tasks: list[tuple]) -> Tally:  # type: ignore[type-arg]
    """Run (function, *args) tasks in fresh processes; add up their tallies."""
    total = Tally()
    # spawn: earlier tests may have left threads running, and fork would copy their locks.
    with ProcessPoolExecutor(len(tasks), mp_context=multiprocessing.get_context("spawn")) as pool:
        futures = [pool.submit(function, *args) for function, *args in tasks]
        for future in futures:
            total.add(future.result())
    return total


def test_ten_thousand_random_changes_of_stored_rows_are_each_reported_at_their_seq(damage):
    mutations = draw_many(SEED, 10_000, _lengths(damage))
    parts = cores()

    tally = _on_every_core(
        [
            (damage_rows, damage / "ledger.db", damage / f"rows-{part}", mutations[part::parts])
            for part in range(parts)
        ]
    )

    assert tally.runs == 10_000
    assert tally.tracebacks == []
    assert tally.passes == []
    assert tally.misplaced == []


def test_three_thousand_random_changes_of_an_export_never_raise_and_never_pass(damage):
    parts = cores()

    tally = _on_every_core(
        [
            (damage_file, damage / "log.jsonl", damage / f"file-{part}", SEED + part, 3000 // parts)
            for part in range(parts)
        ]
    )

    assert tally.runs == 3000 // parts * parts
    assert tally.tracebacks == []
    assert tally.passes == []
    assert tally.misplaced == []


def test_the_verify_command_reports_changed_rows_at_their_seq(damage, tmp_path):
    path = tmp_path / "ledger.db"
    path.write_bytes((damage / "ledger.db").read_bytes())
    tamperer = Tamperer(path)
    runner = CliRunner()
    wrong = []

    for mutation in draw_many(SEED + 1, 150, _lengths(damage)):
        undo = tamperer.apply(mutation)
        result = runner.invoke(app, ["--db", str(path), "verify"])
        tamperer.restore(mutation, undo)
        expected = f"FAILED at event #{expected_seq(mutation)}:"
        if result.exception is not None and not isinstance(result.exception, SystemExit):
            wrong.append((mutation, repr(result.exception)))
        elif result.exit_code != 8 or not result.output.startswith(expected):
            wrong.append((mutation, result.output))

    tamperer.close()
    assert wrong == []


def test_the_verify_file_command_reports_changed_exports(damage, tmp_path):
    data = (damage / "log.jsonl").read_bytes()
    rng = random.Random(SEED)
    path = tmp_path / "log.jsonl"
    runner = CliRunner()
    wrong = []

    for _ in range(100):
        path.write_bytes(mutate_file(data, rng))
        result = runner.invoke(app, ["verify-file", str(path)])
        if result.exit_code != 8 or not result.output.startswith("FAILED at event #"):
            wrong.append((result.output, repr(result.exception)))

    assert wrong == []
