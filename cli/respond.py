"""The life of a command at the terminal once its words are parsed: handle, print, exit status.

`respond` hands a request to the ledger's `handle`, prints the typed result
(or the error, in one line) and returns the exit status. It imports no Typer:
the Typer commands (`cli.session.answer`) and the direct run of a grammar
command (`cli.direct`) share it, each with its own way to print. The ledger
and the renderers are imported when a command runs, so `--help` stays quick.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol

from ledger.errors import LedgerError

if TYPE_CHECKING:
    from cli.settings import Settings
    from ledger.ledger import Ledger
    from ledger.requests import Request


class Echo(Protocol):
    """Prints text (or an image's bytes) to stdout, or with `err` to stderr."""

    def __call__(self, message: str | bytes, *, nl: bool = True, err: bool = False) -> None: ...


def respond(
    settings: Settings,
    build: Callable[[], Request],
    *,
    echo: Echo,
    as_json: bool = False,
    progress: Callable[[str], None] | None = None,
) -> int:
    """Build the request (refusals of its input are reported like any other), have the
    ledger handle it, print the result; the exit status."""
    from cli import render
    from ledger import data
    from ledger.handle import Context, handle

    context = Context(settings.open_ledger, settings.load_signer, progress=progress)
    try:
        result = handle(build(), context=context)
    except LedgerError as error:
        return refuse(error, echo)
    if context.opened is not None:
        _warn_if_broken(context.opened, echo)
    try:
        # Rendering may write a file (`--out`) or draw, and be refused too (a folder gone).
        shown = (
            data.as_json(data.data(result)) if as_json else render.output(result, settings.screen)
        )
    except LedgerError as error:
        return refuse(error, echo)
    if isinstance(shown, bytes):
        echo(shown, nl=False)  # an image for a pipe: the bytes as they are
    else:
        echo(shown, nl=not shown.endswith("\n"))
    return result.exit_code


def refuse(error: LedgerError, echo: Echo) -> int:
    """Print a library error for a person; the exit status it calls for."""
    echo(f"error: {error}", err=True)
    return error.exit_code


def _warn_if_broken(ledger: Ledger, echo: Echo) -> None:
    if ledger.broken is not None:
        seq, reason = ledger.broken
        echo(
            f"warning: the chain is broken at event #{seq} ({reason}); "
            "run `milestone verify`. Writes are refused until it is repaired.",
            err=True,
        )
