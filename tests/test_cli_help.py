"""`--help` as other command-line tools write it, examples that run, completion from the
ledger, and --db and --key after the command."""

from __future__ import annotations

import shlex

import pytest
import typer.main
from typer.testing import CliRunner

from cli.app import app, terminal_example
from cli.help import OTHER, PANELS
from ledger import grammar

ROOT = typer.main.get_command(app)


def _paths(group=ROOT, prefix=()):
    for name, command in group.commands.items():
        if hasattr(command, "commands"):
            yield from _paths(command, (*prefix, name))
        else:
            yield (*prefix, name)


COMMANDS = sorted(_paths())


def _without_redirection(example: str) -> str:
    """The command line of an example, without the shell's `> FILE` after it."""
    return example.split(" > ")[0]


@pytest.mark.parametrize("path", COMMANDS, ids=" ".join)
def test_every_command_has_conventional_help_with_an_example(path):
    result = CliRunner().invoke(app, [*path, "--help"], env={"COLUMNS": "80"})

    assert result.exit_code == 0
    usage = result.output.splitlines()[0]
    assert usage.startswith(f"Usage: milestone {' '.join(path)} [OPTIONS]")
    for typer_spelling in ("<str>", "<int>", "<path>", "list[", "{", "}"):
        assert typer_spelling not in result.output
    assert "\nExamples:\n  milestone " + " ".join(path) in result.output
    assert max(len(line) for line in result.output.splitlines()) <= 80


@pytest.mark.parametrize("path", COMMANDS, ids=" ".join)
def test_every_example_in_help_is_a_command_line_the_command_accepts(path):
    command = ROOT
    for word in path:
        command = command.commands[word]

    for example in command.epilog.splitlines():
        words = shlex.split(_without_redirection(example))
        assert words[: len(path)] == list(path)
        command.make_context(path[-1], words[len(path) :])  # raises a usage error if not


def test_usage_names_arguments_and_option_values_as_people_write_them():
    runner = CliRunner()

    define = runner.invoke(app, ["define", "--help"]).output
    plan = runner.invoke(app, ["plan", "--help"]).output

    assert define.startswith("Usage: milestone define [OPTIONS] CODE TITLE\n")
    assert "  --due DATE " in define and "[required]" in define
    assert "  --in L2 " in define and "[repeatable]" in define
    assert "  --level 2|3 " in define
    assert "--format [table|json|csv|md|tex]" in plan
    assert "[default: table]" in plan


@pytest.mark.parametrize("command", grammar.COMMANDS, ids=lambda c: c.name)
def test_the_examples_of_the_grammar_parse_in_slack_and_at_a_terminal(command):
    assert command.examples

    terminal_only = {p.option for p in command.params if p.spec.cli_only}
    for example in command.examples:
        words = shlex.split(_without_redirection(example))
        if terminal_only & set(words):
            continue  # an example of an option only a terminal has: Click checks it below
        in_slack = grammar.parse(words)
        at_a_terminal = grammar.parse(shlex.split(terminal_example(shlex.join(words))), sugar=False)
        assert isinstance(in_slack, command.request)
        assert at_a_terminal == in_slack


def test_commands_are_listed_in_groups():
    shown = CliRunner().invoke(app, ["--help"]).output

    headings = [line[:-1] for line in shown.splitlines() if line.endswith(":")]
    assert headings[:2] == ["Usage", "Options"] or headings[0] == "Options"
    assert [h for h in headings if h not in ("Usage", "Options")] == list(PANELS)
    assert OTHER not in shown
    reading = shown.split("Reading the plan:\n")[1].split("\n\n")[0]
    assert [line.split()[0] for line in reading.splitlines()] == [
        "plan",
        "show",
        "history",
        "log",
        "diff",
        "late",
        "upcoming",
        "check",
    ]


def test_db_and_key_may_follow_the_command(tmp_path):
    runner = CliRunner()
    db, key = tmp_path / "plan.db", tmp_path / "alice.pem"
    made = runner.invoke(app, ["init", "--actor", "alice", "--db", str(db), "--key", str(key)])

    listed = runner.invoke(app, ["rfc", "list", "--db", str(db)])
    opened = runner.invoke(
        app, ["rfc", "open", "RFC-1", "First", "--db", str(db), "--key", str(key)]
    )
    elsewhere = runner.invoke(
        app, ["--db", str(tmp_path / "none.db"), "rfc", "list", "--db", str(db)]
    )

    assert made.exit_code == 0, made.output
    assert listed.exit_code == 0 and "No RFCs yet" in listed.output
    assert opened.exit_code == 0, opened.output
    assert elsewhere.exit_code == 0 and "RFC-1" in elsewhere.output  # the later --db wins


def _complete(words: str, env: dict[str, str]) -> list[str]:
    line = f"milestone {words}"
    result = CliRunner().invoke(
        app,
        [],
        prog_name="milestone",
        env={
            **env,
            "_MILESTONE_COMPLETE": "complete_bash",
            "COMP_WORDS": line,
            "COMP_CWORD": str(len(line.split()) - (0 if line.endswith(" ") else 1)),
        },
    )
    return result.output.split()


def test_completion_offers_codes_rfcs_labels_and_as_of_points_from_the_ledger(tmp_path):
    from ledger.demo import build_demo

    ledger, _ = build_demo(directory=tmp_path)
    ledger.close()
    env = {"MILESTONE_DB_URL": f"sqlite:///{tmp_path / 'demo.db'}"}

    codes = _complete("show DM-", env)
    approved = _complete("rfc show ", env)
    points = _complete("plan --as-of ", env)
    elsewhere = _complete(f"--db {tmp_path / 'none.db'} show DM-", env)

    assert codes == ["DM-AP-1", "DM-AP-2", "DM-DAX-1", "DM-SQRE-1"]
    assert approved == ["RFC-100", "RFC-101"]
    assert points == ["now", "RFC-100", "RFC-101", "v1.0", "v1.1"]
    assert elsewhere == []  # no ledger there: nothing to offer, and no error
