"""Refusals that notice what was meant: swapped words, a label or RFC number without its
prefix, a code in other letter case, a code in use, an unknown event type; and the command
`key new` prints works as printed."""

from __future__ import annotations

import shlex

import pytest
from typer.testing import CliRunner

from cli.app import app


@pytest.fixture
def run(tmp_path):
    """`milestone --db DB --key KEY ...` on a small ledger without change control."""
    runner = CliRunner()
    db, key = tmp_path / "plan.db", tmp_path / "alice.pem"

    def invoke(*words: str, **env: str):
        return runner.invoke(app, ["--db", str(db), "--key", str(key), *words], env=env)

    assert invoke("init", "--actor", "alice", "--no-baseline-control").exit_code == 0
    assert (
        invoke(
            "define", "LDM-503-05", "Alert distribution", "--due", "2020-07-17", "--level", "2"
        ).exit_code
        == 0
    )
    assert (
        invoke(
            "define", "DM-AP-12", "Difference imaging", "--due", "2020-05-29", "--in", "LDM-503-05"
        ).exit_code
        == 0
    )
    assert (
        invoke(
            "define", "DM-AP-13", "Alert packets", "--due", "2020-06-29", "--in", "LDM-503-05"
        ).exit_code
        == 0
    )
    assert invoke("rfc", "open", "RFC-781", "Update schedule").exit_code == 0
    assert invoke("rfc", "approve", "RFC-781", "--version", "1.5").exit_code == 0
    return invoke


HINTS = [
    (
        ("move", "2023-01-01", "DM-AP-12"),
        2,
        "the code comes first, then the date: move DM-AP-12 2023-01-01",
    ),
    (("plan", "--as-of", "1.5"), 2, "for the version labelled 1.5 write v1.5"),
    (("plan", "--as-of", "781"), 2, "did you mean RFC-781 (just after its approval) or '#781'"),
    (("show", "dm-ap-12"), 3, "did you mean DM-AP-12?"),
    (("complete", "DM-AP-21"), 3, "did you mean DM-AP-13 or DM-AP-12?"),
    (
        ("define", "dm-ap-12", "Again", "--due", "2021-01-01", "--in", "LDM-503-05"),
        4,
        "differs only in letter case from DM-AP-12",
    ),
    (
        ("rename", "DM-AP-13", "DM-AP-12"),
        4,
        "DM-AP-12 is already a milestone: 'Difference imaging', due 2020-05-29",
    ),
    (("rename", "DM-AP-13", "dm-ap-12"), 4, "differs only in letter case from DM-AP-12"),
    (
        ("log", "--type", "bogus"),
        2,
        "'bogus' is not an event type; give a family (key., ledger., milestone.",
    ),
    (("plan", "--format", "pdf"), 2, "'pdf' is not one of table, json, csv, md, tex"),
    (("log", "--since", "soon"), 2, "'soon' is not a whole number"),
    (
        ("upcoming", "--days", "1180591620717411303424"),
        2,
        "--days takes a whole number from 0 to 36525",
    ),
    (("plan", "--as-of", "9999-12-31T23:59:59-12:00"), 2, "outside the years 1 to 9999"),
]


@pytest.mark.parametrize(
    ("words", "status", "message"), HINTS, ids=[" ".join(w[:3]) for w, _, _ in HINTS]
)
def test_a_refusal_says_what_was_probably_meant(run, words, status, message):
    result = run(*words)

    assert result.exit_code == status, result.output
    assert message in result.output
    assert "Value error" not in result.output and "Input should be" not in result.output


def test_a_code_in_other_case_can_be_renamed_into_its_own_case(run):
    assert (
        run("define", "dm-x-2", "Lower case", "--due", "2021-01-01", "--in", "LDM-503-05").exit_code
        == 0
    )

    result = run("rename", "dm-x-2", "DM-X-2")

    assert result.exit_code == 0, result.output


def test_key_new_prints_a_key_add_command_that_works_as_printed(run, tmp_path):
    made = CliRunner().invoke(
        app, ["key", "new", "bob"], env={"XDG_CONFIG_HOME": str(tmp_path / "bob config")}
    )
    printed = next(line for line in made.output.splitlines() if "milestone key add" in line)

    added = run(*shlex.split(printed)[1:])

    assert made.exit_code == 0, made.output
    assert added.exit_code == 0, added.output
    assert "registered key" in added.output and "for bob" in added.output


def test_key_new_refuses_a_name_that_is_not_an_actor_and_makes_a_file_name_of_one_that_is(tmp_path):
    env = {"XDG_CONFIG_HOME": str(tmp_path)}

    spaced = CliRunner().invoke(app, ["key", "new", "bob smith"], env=env)
    slack = CliRunner().invoke(app, ["key", "new", "slack:T1/U2"], env=env)

    assert spaced.exit_code == 2 and "is not valid: one word" in spaced.output
    assert slack.exit_code == 0, slack.output
    assert (tmp_path / "milestone-ledger" / "slack_T1_U2.pem").exists()


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("postgres://u@127.0.0.1/db", "write postgresql+psycopg:// rather than postgres://"),
        ("mysql://u@127.0.0.1/db", "in SQLite or PostgreSQL, not 'mysql'"),
        ("notaurl://", "not 'notaurl'"),
        ("postgresql+psycopg2://u@127.0.0.1/db", "No module named 'psycopg2'"),
        ("postgresql+psycopg://u@[::1/db", "is not a database URL"),
        ("sqlite:////no/such/folder/x.db", "no ledger database at /no/such/folder/x.db"),
        ("x" * 5000, "too long for the file system"),
    ],
)
def test_a_database_url_that_cannot_be_used_is_one_line(tmp_path, url, message):
    result = CliRunner().invoke(app, ["--db", url, "plan"])

    assert result.exit_code == 7
    assert result.output.startswith("error: ") and result.output.count("\n") == 1
    assert message in result.output


@pytest.mark.parametrize("target", [".", "missing/log.jsonl", "x" * 300])
def test_export_to_a_folder_a_missing_folder_or_a_long_name_is_refused(
    run, tmp_path, monkeypatch, target
):
    monkeypatch.chdir(tmp_path)

    result = run("export", target)

    assert result.exit_code == 2
    assert result.output.startswith("error: ")
    assert not list(tmp_path.glob("*.part"))
