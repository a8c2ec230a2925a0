"""The `milestone` command line as a new user meets it."""

import json
import re

import pytest
from typer.testing import CliRunner

from cli.app import app
from ledger import grammar
from ledger.ledger import Ledger


@pytest.fixture
def run(db_url, tmp_path):
    """Run `milestone --db URL --key KEY ...` and return the result."""
    runner = CliRunner()
    key = tmp_path / "keys" / "alice.pem"

    def invoke(*words, key_path=key):
        return runner.invoke(app, ["--db", db_url, "--key", str(key_path), *words])

    return invoke


def _ok(result):
    assert result.exit_code == 0, result.output
    return result.output


def _events(db_url):
    book = Ledger.open(db_url)
    n = len(book.log)
    book.close()
    return n


def test_a_new_users_session_from_init_to_verify(run, db_url):
    out = _ok(run("init", "--name", "LDM-564", "--actor", "alice"))
    ledger_id = re.search(r"ledger id ([0-9a-f]{64})", out).group(1)
    _ok(run("rfc", "open", "RFC-1", "Initial plan"))
    _ok(
        run(
            "define",
            "LDM-503-11a",
            "DM ComCam operations readiness",
            "--due",
            "2020-12-31",
            "--level",
            "2",
            "--rfc",
            "RFC-1",
        )
    )
    for n, due in ((16, "2020-06-13"), (20, "2020-06-30"), (22, "2020-08-31")):
        _ok(
            run(
                "define",
                f"DM-NCSA-{n}",
                f"Service {n}",
                "--due",
                due,
                "--in",
                "LDM-503-11a",
                "--rfc",
                "RFC-1",
            )
        )
    _ok(run("rfc", "approve", "RFC-1", "--version", "1.0"))
    _ok(run("move", "DM-NCSA-20", "2020-07-15", "--reason", "vendor delay"))
    _ok(run("complete", "DM-NCSA-16", "--on", "2019-06-13"))
    _ok(run("rfc", "open", "RFC-781", "Update schedule for 2021 reviews"))
    before_approval = _events(db_url)
    proposed = _ok(run("move", "DM-NCSA-22", "2021-03-31", "--baseline", "--rfc", "RFC-781"))
    _ok(run("rfc", "approve", "RFC-781", "--version", "1.5"))

    at_rfc = json.loads(_ok(run("plan", "--as-of", "RFC-781", "--json")))
    before = json.loads(_ok(run("plan", "--as-of", f"#{before_approval + 1}", "--json")))
    history = _ok(run("history", "DM-NCSA-22"))
    verify = _ok(run("verify", "--ledger-id", ledger_id))

    assert "proposed under RFC-781" in proposed
    ncsa22 = {m["code"]: m for m in at_rfc["releases"][0]["milestones"]}["DM-NCSA-22"]
    assert ncsa22["baseline"] == "2021-03-31"
    old = {m["code"]: m for m in before["releases"][0]["milestones"]}["DM-NCSA-22"]
    assert old["baseline"] == "2020-08-31"
    assert re.search(
        r"alice\s+DM-NCSA-22 baseline moved 2020-08-31 → 2021-03-31 .*RFC-781\s+ok",
        history,
    )
    assert "defined Level-3 DM-NCSA-22" in history
    assert verify.startswith("OK: ")


@pytest.fixture
def planned(run):
    _ok(run("init", "--actor", "alice", "--no-baseline-control"))
    _ok(run("define", "LDM-503-05", "Alert distribution", "--due", "2020-07-17", "--level", "2"))
    _ok(run("define", "DM-AP-18", "Alert packets", "--due", "2020-05-29", "--in", "LDM-503-05"))
    return run


BAD = [
    (("complete", "DM-AP-81"), "did you mean DM-AP-18"),
    (("move", "DM-AP-18", "2020-02-30"), "not a real date"),
    (("move", "DM-AP-18", "2020-05-29"), "already 2020-05-29"),
    (("reopen", "DM-AP-18", "--reason", "x"), "nothing to reopen"),
    (("move", "DM-AP-18", "2020-06-01", "--baseline"), "needs an RFC"),
    (("move", "DM-AP-18", "2020-06-01", "--baseline", "--rfc", "RFC-404"), "RFC-404 is not in"),
    (("rfc", "approve", "RFC-404"), "not in this ledger"),
    (("grant", "bob", "boss"), "not a role"),
    (("retitle", "DM-AP-18", "x" * 400), "keep it to 300"),
    (("retitle", "DM-AP-18", "tab\x1bhere"), "control character"),
    (("key", "revoke", "0000000000000000", "--reason", "x"), "no key"),
    (("plan", "--as-of", "someday"), "not an as-of point"),
    (("show", "LDM-503-5"), "did you mean LDM-503-05"),
]


@pytest.mark.parametrize(("words", "message"), BAD, ids=[" ".join(w[:2]) for w, _ in BAD])
def test_bad_input_gets_one_clear_line_a_nonzero_exit_and_appends_nothing(
    planned, db_url, words, message
):
    before = _events(db_url)

    result = planned(*words)

    assert result.exit_code != 0
    assert message in result.output
    assert result.output.startswith("error: ")
    assert _events(db_url) == before


def test_completing_twice_names_when_and_by_whom(planned, db_url):
    _ok(planned("complete", "DM-AP-18", "--on", "2020-05-31"))

    result = planned("complete", "DM-AP-18")

    assert result.exit_code == 4
    assert "already completed: on 2020-05-31, recorded by alice" in result.output


def test_a_missing_database_says_to_run_init(tmp_path):
    result = CliRunner().invoke(app, ["--db", str(tmp_path / "none.db"), "plan"])

    assert result.exit_code == 7
    assert "run `milestone init`" in result.output
    assert not (tmp_path / "none.db").exists()


def test_a_key_that_is_not_registered_cannot_write(planned, tmp_path, db_url):
    _ok(CliRunner().invoke(app, ["key", "new", "bob", "--out", str(tmp_path / "bob.pem")]))

    result = planned("complete", "DM-AP-18", key_path=tmp_path / "bob.pem")

    assert result.exit_code == 5
    assert "not registered in this ledger" in result.output


def test_a_registered_key_writes_as_its_actor(planned, tmp_path):
    _ok(CliRunner().invoke(app, ["key", "new", "bob", "--out", str(tmp_path / "bob.pem")]))
    _ok(planned("key", "add", "bob", str(tmp_path / "bob.pub")))
    _ok(planned("grant", "bob", "editor"))

    _ok(planned("complete", "DM-AP-18", "--on", "2020-05-30", key_path=tmp_path / "bob.pem"))

    log = json.loads(_ok(planned("log", "--actor", "bob", "--json")))
    assert [e["summary"] for e in log] == ["completed DM-AP-18 on 2020-05-30"]


def test_every_read_command_answers_in_json(planned):
    _ok(planned("rfc", "open", "RFC-1", "A"))
    for words in (
        ("plan",),
        ("show", "DM-AP-18"),
        ("history", "DM-AP-18"),
        ("log",),
        ("diff", "#3", "now"),
        ("late",),
        ("upcoming", "--days", "10"),
        ("check",),
        ("verify",),
        ("rfc", "show", "RFC-1"),
        ("rfc", "list"),
        ("key", "list"),
    ):
        json.loads(_ok(planned(*words, "--json")))


def test_plan_formats(planned):
    csv_text = _ok(planned("plan", "--format", "csv"))
    md = _ok(planned("plan", "--format", "md"))
    tex = _ok(planned("plan", "--format", "tex"))

    assert csv_text.splitlines()[0].startswith("code,level,title")
    assert "### Alert distribution: LDM-503-05" in md
    assert "- DM-AP-18: Alert packets (*Due: 2020-05-29; currently incomplete*)" in md
    assert r"\subsection{Alert distribution: LDM-503-05}" in tex


def test_verify_exits_nonzero_on_a_tampered_ledger(planned, db_url):
    book = Ledger.open(db_url)
    with book.store.engine.begin() as conn:
        if book.store.dialect == "sqlite":
            conn.exec_driver_sql("DROP TRIGGER events_no_update")
        else:
            conn.exec_driver_sql("DROP TRIGGER events_no_change ON events")
        conn.exec_driver_sql("UPDATE events SET actor = 'mallory' WHERE seq = 4")
    book.close()

    result = planned("verify")

    assert result.exit_code == 8
    assert "FAILED at event #4" in result.output


def test_export_verifies_offline_and_imports_into_a_new_database(planned, tmp_path):
    _ok(planned("export", str(tmp_path / "log.jsonl")))
    runner = CliRunner()

    offline = runner.invoke(app, ["verify-file", str(tmp_path / "log.jsonl")])
    imported = runner.invoke(
        app, ["--db", str(tmp_path / "copy.db"), "import", str(tmp_path / "log.jsonl")]
    )
    again = runner.invoke(app, ["--db", str(tmp_path / "copy.db"), "verify"])

    assert offline.exit_code == 0 and offline.output.startswith("OK: ")
    assert imported.exit_code == 0, imported.output
    assert again.exit_code == 0 and again.output.startswith("OK: ")


def test_every_command_has_help():
    runner = CliRunner()
    names = [c.path for c in grammar.COMMANDS] + [
        ("init",),
        ("key", "new"),
        ("key", "add"),
        ("key", "list"),
        ("export",),
        ("import",),
        ("verify-file",),
        ("demo",),
    ]

    for path in names:
        result = runner.invoke(app, [*path, "--help"])
        assert result.exit_code == 0, path
        assert "Usage:" in result.output and len(result.output.splitlines()) > 4, path


def test_the_demo_builds_a_sample_plan_and_verifies_it():
    result = CliRunner().invoke(app, ["demo"])

    assert result.exit_code == 0, result.output
    assert "$ milestone history DM-AP-2" in result.output
    assert "OK: " in result.output


def test_the_installed_console_script_runs(tmp_path):
    import subprocess
    import sys
    from pathlib import Path

    script = Path(sys.executable).parent / "milestone"

    result = subprocess.run(
        [str(script), "--db", str(tmp_path / "none.db"), "plan"],
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode == 7
    assert "run `milestone init`" in result.stderr
