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
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, Literal

import typer

from cli import maintenance, proofs, terminal
from cli.quick import QuickCommand, QuickGroup
from cli.session import DEFAULT_DB, Settings, answer, db_url, default_key_path
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
    help="Create, register and revoke signing keys.",
    no_args_is_help=True,
    rich_markup_mode=None,
    cls=QuickGroup,
)
app.add_typer(rfc_app, name="rfc")
app.add_typer(key_app, name="key")
GROUPS = {(): app, ("rfc",): rfc_app, ("key",): key_app}


@app.callback()
def main_callback(
    ctx: typer.Context,
    db: Annotated[
        str | None,
        typer.Option(help="database: a path, or a SQLAlchemy URL (env MILESTONE_DB_URL)"),
    ] = None,
    key: Annotated[
        Path | None, typer.Option(help="your private key file (env MILESTONE_KEY)")
    ] = None,
) -> None:
    """Build the settings every command uses (the only place that reads the environment)."""
    url = db or os.environ.get("MILESTONE_DB_URL") or DEFAULT_DB
    key_path = key or (
        Path(os.environ["MILESTONE_KEY"]) if os.environ.get("MILESTONE_KEY") else default_key_path()
    )
    ctx.obj = Settings(db_url=db_url(url), key_path=key_path.expanduser())


# --- commands built from the shared grammar -----------------------------------------------------


def _annotation(param: grammar.Param) -> Any:
    spec = param.spec
    if param.kind == "arg":
        kind = spec.type if param.is_required else (spec.type | None)
        return Annotated[
            kind, typer.Argument(help=param.help, metavar=param.metavar, show_default=False)
        ]
    if param.kind == "flag":
        return Annotated[bool, typer.Option(param.option, help=param.help)]
    if spec.many:
        return Annotated[list[spec.type] | None, typer.Option(param.option, help=param.help)]  # type: ignore[name-defined]
    if spec.choices:
        return Annotated[Literal[spec.choices], typer.Option(param.option, help=param.help)]  # type: ignore[valid-type]
    kind = spec.type if param.is_required else (spec.type | None)
    return Annotated[kind, typer.Option(param.option, help=param.help, show_default=False)]


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
    run.__doc__ = command.help + "".join(
        f"\n\nExample: milestone {example}" for example in command.examples
    )
    run.__name__ = command.path[-1]
    return run


for _command in grammar.COMMANDS:
    _group = GROUPS[_command.path[:-1]]
    _group.command(_command.path[-1], help=_command.help, cls=QuickCommand)(_build(_command))


# --- commands only a terminal has ---------------------------------------------------------------

for _group, _name, _function in (
    (app, "init", terminal.init),
    (key_app, "new", terminal.key_new),
    (key_app, "add", terminal.key_add),
    (key_app, "list", terminal.key_list),
    (app, "export", terminal.export_command),
    (app, "import", terminal.import_command),
    (app, "import-doc", terminal.import_doc),
    (app, "verify-file", terminal.verify_file),
    (app, "verify-proof", proofs.verify_proof),
    (app, "cosign", proofs.cosign),
    (app, "rebuild", maintenance.rebuild),
    (app, "upgrade", maintenance.upgrade),
    (app, "demo", terminal.demo),
    (app, "serve", terminal.serve),
    (app, "web", terminal.web),
):
    _group.command(_name, cls=QuickCommand)(_function)


def main() -> None:
    """Entry point of the `milestone` console script."""
    try:
        app()
    except NotInitialised as error:  # pragma: no cover - surfaced through `fail` normally
        typer.echo(f"error: {error}", err=True)
        sys.exit(error.exit_code)
