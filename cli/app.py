"""The `milestone` command line as a Typer app: its groups, where help lists each
command, the root options, and every command registered.

The shared commands are built from `ledger.grammar` (`cli.from_grammar`), the
same table of request classes the Slack bot parses; the commands that only
make sense at a terminal (init, keys on disk, export and import, demo, serve)
are in `cli.terminal`. The console script starts in `cli.main`, which prints
the root help without this module and otherwise keeps only the command asked
for. Each command imports the ledger when it runs.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Annotated, Any

import typer

from cli import files, proofs, terminal, upkeep
from cli.from_grammar import command_function, terminal_example
from cli.quick import QuickCommand, QuickGroup
from cli.session import DB_HELP, KEY_HELP, accepting_ledger_options
from cli.settings import settings_from
from ledger import grammar

__all__ = ["GROUPS", "app", "asked_for", "main", "only", "terminal_example"]

app = typer.Typer(
    name="milestone",
    help="Keep a project's release plan honest: a signed, hash-chained, append-only ledger "
    "of milestones, dates and RFCs.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    # Plain Click help: rich's markup machinery would cost more start-up than all the rest.
    rich_markup_mode=None,
    cls=QuickGroup,
)
rfc_app = typer.Typer(
    help="Open, approve, reject and inspect RFCs.",
    no_args_is_help=True,
    rich_markup_mode=None,
    cls=QuickGroup,
)
key_app = typer.Typer(
    help="Create, register, list and revoke signing keys.",
    no_args_is_help=True,
    rich_markup_mode=None,
    cls=QuickGroup,
)
chart_app = typer.Typer(
    help="Draw the plan: burndown, Gantt chart and slip, as png, svg, pdf (or csv, tex).",
    no_args_is_help=True,
    rich_markup_mode=None,
    cls=QuickGroup,
)
app.add_typer(chart_app, name="chart", rich_help_panel="Charts and reports")
app.add_typer(rfc_app, name="rfc", rich_help_panel="RFCs")
app.add_typer(key_app, name="key", rich_help_panel="Keys and roles")
GROUPS = {(): app, ("rfc",): rfc_app, ("key",): key_app, ("chart",): chart_app}

#: Where `--help` lists each command (`cli.help.PANELS` orders the groups).
PANEL = {
    **dict.fromkeys(
        ("plan", "show", "history", "log", "diff", "late", "upcoming", "check"),
        "Reading the plan",
    ),
    **dict.fromkeys(
        (
            "define",
            "move",
            "complete",
            "reopen",
            "retitle",
            "link",
            "unlink",
            "withdraw",
            "rename",
            "reinstate",
            "depend",
            "undepend",
        ),
        "Changing the plan",
    ),
    **dict.fromkeys(("slip", "celebrate", "graph"), "Charts and reports"),
    **dict.fromkeys(("grant", "ungrant"), "Keys and roles"),
    **dict.fromkeys(
        ("verify", "verify-file", "checkpoint", "checkpoints", "prove", "verify-proof", "cosign"),
        "Checking the record",
    ),
    **dict.fromkeys(("import-doc", "import-p6", "export", "import"), "Import and export"),
    **dict.fromkeys(("init", "upgrade", "rebuild", "demo"), "The ledger"),
    **dict.fromkeys(("serve", "web"), "Serving"),
}


@app.callback()
def main_callback(
    ctx: typer.Context,
    db: Annotated[
        str | None, typer.Option(help=DB_HELP, metavar="URL|PATH", show_default=False)
    ] = None,
    key: Annotated[
        Path | None, typer.Option(help=KEY_HELP, metavar="FILE", show_default=False)
    ] = None,
) -> None:
    """Build the settings every command uses (from the environment, in `settings_from`)."""
    ctx.obj = settings_from(db, key, os.environ)


# --- commands built from the shared grammar -----------------------------------------------------


def _register(
    path: tuple[str, ...], function: Callable[..., None], *, help: str | None, examples: Any
) -> None:
    """Add a command to its group, under its panel, with its examples and `--db`/`--key`."""
    GROUPS[path[:-1]].command(
        path[-1],
        help=help,
        epilog="\n".join(examples),
        rich_help_panel=PANEL.get(path[-1]) if len(path) == 1 else None,
        cls=QuickCommand,
    )(accepting_ledger_options(function))


for _command in grammar.COMMANDS:
    _shown = [terminal_example(example) for example in _command.examples]
    _register(_command.path, command_function(_command), help=_command.help, examples=_shown)


# --- commands only a terminal has ---------------------------------------------------------------

for _path, _function, _examples in (
    (("init",), terminal.init, ("init --name LDM-564",)),
    (("key", "new"), terminal.key_new, ("key new bob",)),
    (("key", "add"), terminal.key_add, ("key add bob bob.pub",)),
    (("key", "list"), terminal.key_list, ("key list",)),
    (("export",), files.export_command, ("export ldm-564.jsonl",)),
    (("import",), files.import_command, ("import ldm-564.jsonl --db copy.db",)),
    (
        ("import-doc",),
        files.import_doc,
        ("import-doc LDM-564-2022-08-13.txt", "import-doc LDM-564-2019-05-20.txt --dry-run"),
    ),
    (
        ("import-p6",),
        files.import_p6,
        ("import-p6 201904-ME.xls", "import-p6 201802-ME.csv --rfc RFC-600 --dry-run"),
    ),
    (("verify-file",), files.verify_file, ("verify-file ldm-564.jsonl --ledger-id HASH",)),
    (
        ("verify-proof",),
        proofs.verify_proof,
        ("verify-proof event-1234.tlog-proof --key ledger.vkey",),
    ),
    (("cosign",), proofs.cosign, ("cosign checkpoint.txt --key witness.pem",)),
    (("upgrade",), upkeep.upgrade, ("upgrade", "upgrade --db postgresql+psycopg://ci@db/plan")),
    (("rebuild",), upkeep.rebuild, ("rebuild",)),
    (("demo",), terminal.demo, ("demo", "demo --keep ./demo")),
    (("serve",), terminal.serve, ("serve --port 3000", "serve --socket")),
    (("web",), terminal.web, ("web --port 8000",)),
):
    _register(_path, _function, help=None, examples=_examples)


def asked_for(argv: Sequence[str]) -> tuple[str, ...] | None:
    """The command path `argv` names (`("show",)`, `("rfc", "list")`), or None when it
    names none exactly: root help, a typo, shell completion."""
    words = iter(argv)
    path: list[str] = []
    for word in words:
        if not path and word in ("--db", "--key"):
            next(words, None)  # the option's value
        elif not path and word.startswith(("--db=", "--key=")):
            continue
        elif word.startswith("-"):
            return None if not path else _known(path)
        else:
            path.append(word)
            if tuple(path) not in GROUPS:
                return _known(path)
    return None


def _known(path: list[str]) -> tuple[str, ...] | None:
    group = GROUPS.get(tuple(path[:-1]))
    if group is None or not any(info.name == path[-1] for info in group.registered_commands):
        return None
    return tuple(path)


def only(path: tuple[str, ...]) -> None:
    """Keep just the command at `path` in the app: Typer turns every registered command
    into a Click command before it runs one, a third of a quick read's own work."""
    for depth, group in ((0, app), (1, GROUPS.get(path[:1]))):
        if group is None or depth >= len(path):
            continue
        group.registered_commands = [
            info for info in group.registered_commands if info.name == path[depth]
        ]
        group.registered_groups = [
            info for info in group.registered_groups if info.name == path[depth]
        ]


def main() -> None:
    """Entry point of the `milestone` console script (see `cli.main`)."""
    from cli.main import main as run

    run()
