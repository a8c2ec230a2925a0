"""The `milestone` command line: parse into one request, have the ledger handle it, print.

The shared commands are built from `ledger.grammar`, the same table of
request classes the Slack bot parses; the commands that only make sense at a
terminal (init, keys on disk, export and import, demo, serve) are in
`cli.terminal`. Starting is kept quick: this module imports Typer and the
grammar only, and each command imports the ledger when it runs.
"""

from __future__ import annotations

import inspect
import os
import re
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Annotated, Any, Literal

import typer

from cli import files, proofs, terminal, upkeep
from cli.complete import completer
from cli.quick import QuickCommand, QuickGroup
from cli.screen import screen_of
from cli.session import (
    DB_HELP,
    DEFAULT_DB,
    KEY_HELP,
    Settings,
    accepting_ledger_options,
    answer,
    db_url,
    default_key_path,
)
from ledger import grammar
from ledger.errors import NotInitialised

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
    """Build the settings every command uses (the only place that reads the environment)."""
    url = db or os.environ.get("MILESTONE_DB_URL") or DEFAULT_DB
    key_path = key or (
        Path(os.environ["MILESTONE_KEY"]) if os.environ.get("MILESTONE_KEY") else default_key_path()
    )
    screen = screen_of(sys.stdout, os.environ)
    ctx.obj = Settings(db_url=db_url(url), key_path=key_path.expanduser(), screen=screen)


# --- commands built from the shared grammar -----------------------------------------------------


def _annotation(param: grammar.Param) -> Any:
    spec = param.spec
    complete = completer(param.name)
    if param.kind == "arg":
        argument = typer.Argument(
            help=param.help, metavar=param.metavar, show_default=False, autocompletion=complete
        )
        # An argument may be optional (`prove SEQ` or `prove --from A --to B`).
        kind = spec.type if param.is_required else (spec.type | None)
        return Annotated[kind, argument]
    if param.kind == "flag":
        return Annotated[bool, typer.Option(param.option, help=param.help)]
    if spec.choices:
        choice = typer.Option(param.option, help=param.help, autocompletion=complete)
        return Annotated[Literal[spec.choices], choice]  # type: ignore[valid-type]
    option = typer.Option(
        param.option,
        help=param.help,
        metavar=param.metavar,
        show_default=not spec.many and param.default is not None,
        autocompletion=complete,
    )
    if spec.many:
        return Annotated[list[spec.type] | None, option]  # type: ignore[name-defined]
    return Annotated[spec.type if param.is_required else (spec.type | None), option]


def _default(param: grammar.Param) -> Any:
    if param.is_required:
        return inspect.Parameter.empty
    return param.default


def _build(command: grammar.Command) -> Callable[..., None]:
    """A Typer command function for a command of the grammar."""

    def run(ctx: typer.Context, **values: Any) -> None:
        as_json = bool(values.pop("json", False))
        given = {k: tuple(v) if isinstance(v, list) else v for k, v in values.items()}
        answer(ctx, lambda: grammar.build(command, given), as_json=as_json)

    parameters = [
        inspect.Parameter("ctx", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=typer.Context)
    ]
    for param in command.params:
        parameters.append(
            inspect.Parameter(
                param.name,
                inspect.Parameter.KEYWORD_ONLY,
                default=_default(param),
                annotation=_annotation(param),
            )
        )
    if not command.writes:
        parameters.append(
            inspect.Parameter(
                "json",
                inspect.Parameter.KEYWORD_ONLY,
                default=False,
                annotation=Annotated[bool, typer.Option("--json", help="print JSON for scripts")],
            )
        )
    run.__signature__ = inspect.Signature(parameters)  # type: ignore[attr-defined]
    run.__annotations__ = {p.name: p.annotation for p in parameters}
    run.__doc__ = command.help
    run.__name__ = command.path[-1]
    return run


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


def terminal_example(example: str) -> str:
    """An example of the grammar as typed at a terminal: Slack's `on DATE` is `--on DATE`."""
    return re.sub(r"(?<= )on (?=\d{4}-\d{2}-\d{2}\b)", "--on ", example)


for _command in grammar.COMMANDS:
    _shown = [terminal_example(example) for example in _command.examples]
    _register(_command.path, _build(_command), help=_command.help, examples=_shown)


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
    """Entry point of the `milestone` console script."""
    path = asked_for(sys.argv[1:])
    if path is not None and not any(name.endswith("_COMPLETE") for name in os.environ):
        only(path)
    try:
        app()
    except NotInitialised as error:  # pragma: no cover - surfaced through `fail` normally
        typer.echo(f"error: {error}", err=True)
        sys.exit(error.exit_code)
