"""What every Typer command at the terminal shares: its settings, the one way to answer, errors.

`answer` is the whole life of a command: `cli.respond` hands the request to
the ledger's `handle` and prints the typed result (or the error, in one line);
the command exits with the result's status. The ledger and the renderers are
imported when a command runs, not when the program starts.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, cast

import typer

from cli.respond import refuse, respond
from cli.settings import (
    DB_HELP,
    DEFAULT_DB,
    KEY_HELP,
    Settings,
    db_url,
    default_key_path,
    settings_from,
)
from ledger.errors import LedgerError

if TYPE_CHECKING:
    from ledger.requests import Request

__all__ = [
    "DB_HELP",
    "DEFAULT_DB",
    "KEY_HELP",
    "Settings",
    "accepting_ledger_options",
    "answer",
    "db_url",
    "default_key_path",
    "fail",
    "settings_from",
    "settings_of",
]


def settings_of(ctx: typer.Context) -> Settings:
    """The settings the main callback built for this run."""
    settings = ctx.find_root().obj
    assert isinstance(settings, Settings)
    return settings


def fail(error: LedgerError) -> typer.Exit:
    """Print a library error for a person and return the exit to raise."""
    return typer.Exit(refuse(error, typer.echo))


def answer(
    ctx: typer.Context,
    build: Callable[[], Request],
    *,
    as_json: bool = False,
    progress: Callable[[str], None] | None = None,
) -> None:
    """Build the request (refusals of its input are reported like any other), have the
    ledger handle it, print the result, and exit with its status."""
    status = respond(settings_of(ctx), build, echo=typer.echo, as_json=as_json, progress=progress)
    if status:
        raise typer.Exit(status)


def accepting_ledger_options(function: Callable[..., None]) -> Callable[..., None]:
    """`function` with `--db` and `--key` of its own, so they may also follow the command's
    words (`milestone plan --db other.db`); given there, they win over those before it."""
    import functools
    import inspect
    from typing import Annotated

    signature = inspect.signature(function, eval_str=True)
    params = list(signature.parameters.values())
    context = next((p.name for p in params if p.annotation is typer.Context), None)
    keyword = inspect.Parameter.KEYWORD_ONLY
    extra = [
        inspect.Parameter(
            "db_after",
            keyword,
            default=None,
            annotation=Annotated[
                str | None,
                typer.Option("--db", metavar="URL|PATH", help=DB_HELP, show_default=False),
            ],
        ),
        inspect.Parameter(
            "key_after",
            keyword,
            default=None,
            annotation=Annotated[
                Path | None,
                typer.Option("--key", metavar="FILE", help=KEY_HELP, show_default=False),
            ],
        ),
    ]
    # A command with a --db or --key of its own (cosign's witness key) keeps it.
    own = {p.name for p in params}
    extra = [p for p in extra if p.name.removesuffix("_after") not in own]
    if context is None:
        extra.insert(0, inspect.Parameter("ctx_after", keyword, annotation=typer.Context))

    @functools.wraps(function)
    def run(**values: object) -> None:
        ctx = cast(typer.Context, values[context] if context else values.pop("ctx_after"))
        db, key = values.pop("db_after", None), values.pop("key_after", None)
        root = ctx.find_root()
        if isinstance(db, str) and db:
            root.obj = replace(settings_of(ctx), db_url=db_url(db))
        if isinstance(key, Path):
            root.obj = replace(settings_of(ctx), key_path=key.expanduser())
        function(**values)

    parameters = [*params, *extra]
    run.__signature__ = signature.replace(parameters=parameters)  # type: ignore[attr-defined]
    run.__annotations__ = {p.name: p.annotation for p in parameters}
    return run
