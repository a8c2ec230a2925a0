"""Typer commands made from the shared grammar's table of request classes.

Each command of `ledger.grammar` becomes a function whose signature Typer
reads: one keyword parameter per request field (typed and annotated with its
help, spelling and completion), `--json` for a read, and a body that builds the
request and hands it to `cli.session.answer`.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable
from typing import Annotated, Any, Literal

import typer

from cli.complete import completer
from cli.session import answer
from ledger import grammar


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


def command_function(command: grammar.Command) -> Callable[..., None]:
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


def terminal_example(example: str) -> str:
    """An example of the grammar as typed at a terminal: Slack's `on DATE` is `--on DATE`."""
    return re.sub(r"(?<= )on (?=\d{4}-\d{2}-\d{2}\b)", "--on ", example)
