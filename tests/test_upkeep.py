"""`milestone upgrade` and `milestone rebuild`: the log untouched, the plan folded again."""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from cli.app import app
from ledger.store import schema
from ledger.store.tables import EVENTS


@pytest.fixture
def run(db_url, tmp_path):
    """`milestone --db URL --key KEY ...` on a ledger with a plan under an approved RFC."""
    runner = CliRunner()
    key = tmp_path / "alice.pem"

    def invoke(*words: str, url: str = db_url):
        return runner.invoke(app, ["--db", url, "--key", str(key), *words])

    for words in (
        ("init", "--actor", "alice"),
        ("rfc", "open", "RFC-1", "Initial plan"),
        ("define", "LDM-503-05", "Alerts", "--due", "2020-07-17", "--level", "2", "--rfc", "RFC-1"),
        (
            "define",
            "DM-AP-18",
            "Packets",
            "--due",
            "2020-05-29",
            "--in",
            "LDM-503-05",
            "--rfc",
            "RFC-1",
        ),
        ("rfc", "approve", "RFC-1", "--version", "1.0"),
        ("complete", "DM-AP-18", "--on", "2020-05-30"),
    ):
        assert invoke(*words).exit_code == 0
    return invoke


def test_rebuild_folds_the_plan_again_from_the_log_and_says_how_many_events(run):
    before = run("plan", "--json").output

    result = run("rebuild")
    as_json = run("rebuild", "--json")

    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("rebuilt the plan of ")
    assert result.stdout.rstrip().endswith("from 8 events")
    assert "plan: 8 events folded" in result.stderr
    assert json.loads(as_json.stdout)["events"] == 8
    assert run("plan", "--json").output == before
    assert run("verify").exit_code == 0


def test_upgrade_migrates_a_version_1_ledger_and_rebuilds_its_plan(run, db_url, tmp_path):
    old = f"sqlite:///{tmp_path / 'old.db'}"
    _as_version_1(db_url, old)
    refused = run("plan", url=old)

    result = run("upgrade", url=old)
    again = run("upgrade", "--json", url=old)

    assert refused.exit_code == 7 and "Run `milestone upgrade` once" in refused.output
    assert result.exit_code == 0, result.output
    now = schema.SCHEMA_VERSION
    assert f"from schema version 1 to {now}; rebuilt its plan from 8 events" in result.stdout
    assert f"schema version 1 -> {now}" in result.stderr
    assert json.loads(again.stdout) == {
        "where": old,
        "schema_before": now,
        "schema_after": now,
        "events": 8,
    }
    assert run("plan", "--json", url=old).output == run("plan", "--json").output
    assert run("verify", url=old).exit_code == 0


def test_upgrade_and_rebuild_of_no_ledger_say_so_in_one_line(tmp_path):
    missing = str(tmp_path / "none.db")

    for command in ("upgrade", "rebuild"):
        result = CliRunner().invoke(app, ["--db", missing, command])
        assert result.exit_code == 7
        assert result.output.startswith("error: ") and result.output.count("\n") == 1


def _as_version_1(source: str, target: str) -> None:
    """A copy of the log at `source` in a new database made by schema version 1 (the
    events alone: no plan at the head, no snapshots, no chain trigger)."""
    engine = sa.create_engine(source)
    with engine.connect() as conn:
        rows = [dict(row._mapping) for row in conn.execute(sa.select(EVENTS)).all()]
    engine.dispose()
    engine = sa.create_engine(target)
    with engine.begin() as conn:
        schema.migrate(conn, to=1)
        conn.execute(EVENTS.insert(), rows)
    engine.dispose()
