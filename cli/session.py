"""What every command at the terminal shares: settings, the one way to answer, errors.

`answer` is the whole life of a command: hand a request to the ledger's
`handle`, print the typed result (or the error, in one line), and exit with
the result's status. The ledger and the renderers are imported when a command
runs, not when the program starts, so `milestone --help` stays quick.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, cast

import typer

from cli.screen import PLAIN, Screen
from ledger.errors import LedgerError

if TYPE_CHECKING:
    from ledger.ledger import Ledger
    from ledger.requests import Request
    from ledger.signing import Signer

DEFAULT_DB = "sqlite:///milestones.db"
DB_HELP = "the ledger: a file path, or a SQLAlchemy URL  [env MILESTONE_DB_URL]"
KEY_HELP = "your private key file  [env MILESTONE_KEY]"


@dataclass
class Settings:
    """Where the ledger and the key are, as decided by options and environment."""

    db_url: str
    key_path: Path
    screen: Screen = PLAIN

    def open_ledger(self) -> Ledger:
        """Open the ledger (it says how to create one when there is none)."""
        from ledger.ledger import Ledger

        return Ledger.open(self.db_url)

    def load_signer(self) -> Signer:
        """Load the key that signs this user's commands."""
        from ledger.signing import load_key_file

        return load_key_file(self.key_path)


def default_key_path() -> Path:
    """The key file used when neither --key nor MILESTONE_KEY says otherwise."""
    import platformdirs

    return Path(platformdirs.user_config_dir("milestone-ledger")) / "key.pem"


def db_url(value: str) -> str:
    """A database URL from a --db value: a bare path is friendlier to type than a URL."""
    return value if "://" in value else f"sqlite:///{value}"


def settings_of(ctx: typer.Context) -> Settings:
    """The settings the main callback built for this run."""
    settings = ctx.find_root().obj
    assert isinstance(settings, Settings)
    return settings


def fail(error: LedgerError) -> typer.Exit:
    """Print a library error for a person and return the exit to raise."""
    typer.echo(f"error: {error}", err=True)
    return typer.Exit(error.exit_code)


def answer(
    ctx: typer.Context,
    build: Callable[[], Request],
    *,
    as_json: bool = False,
    progress: Callable[[str], None] | None = None,
) -> None:
    """Build the request (refusals of its input are reported like any other), have the
    ledger handle it, print the result, and exit with its status."""
    from cli import render
    from ledger import data
    from ledger.handle import Context, handle

    settings = settings_of(ctx)
    context = Context(settings.open_ledger, settings.load_signer, progress=progress)
    try:
        result = handle(build(), context=context)
    except LedgerError as error:
        raise fail(error) from None
    if context.opened is not None:
        _warn_if_broken(context.opened)
    try:
        # Rendering may write a file (`--out`) or draw, and be refused too (a folder gone).
        shown = (
            data.as_json(data.data(result)) if as_json else render.output(result, settings.screen)
        )
    except LedgerError as error:
        raise fail(error) from None
    if isinstance(shown, bytes):
        typer.echo(shown, nl=False)  # an image for a pipe: the bytes as they are
    else:
        typer.echo(shown, nl=not shown.endswith("\n"))
    if result.exit_code:
        raise typer.Exit(result.exit_code)


def _warn_if_broken(ledger: Ledger) -> None:
    if ledger.broken is not None:
        seq, reason = ledger.broken
        typer.echo(
            f"warning: the chain is broken at event #{seq} ({reason}); "
            "run `milestone verify`. Writes are refused until it is repaired.",
            err=True,
        )


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
