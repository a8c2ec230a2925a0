"""Looking after the database at a terminal: `upgrade` and `rebuild`.

Both say how far they have come on stderr, so a long rebuild is not silent,
and print what they did on stdout (or as JSON with --json).
"""

from __future__ import annotations

from typing import Annotated

import typer

from cli.session import fail, settings_of
from ledger.errors import LedgerError

JSON = Annotated[bool, typer.Option("--json", help="print JSON for scripts")]


def _say(message: str) -> None:
    typer.echo(message, err=True)


def upgrade(ctx: typer.Context, json_: JSON = False) -> None:
    """Upgrade the ledger's database to this version's schema, then rebuild its plan and
    snapshots from the log (the log itself is never changed)."""
    from ledger import upkeep
    from ledger.data import as_json, plain

    try:
        done = upkeep.upgrade(url=settings_of(ctx).db_url, progress=_say)
    except LedgerError as error:
        raise fail(error) from None
    if json_:
        typer.echo(as_json(plain(done)))
    elif done.schema_before == done.schema_after:
        typer.echo(
            f"{done.where} was already at schema version {done.schema_after}; "
            f"rebuilt its plan from {done.events} events"
        )
    else:
        typer.echo(
            f"upgraded {done.where} from schema version {done.schema_before} to "
            f"{done.schema_after}; rebuilt its plan from {done.events} events"
        )


def rebuild(ctx: typer.Context, json_: JSON = False) -> None:
    """Drop the plan at the head and the as-of snapshots and fold them again from the log
    (they are derived data: nothing recorded changes)."""
    from ledger import upkeep
    from ledger.data import as_json, plain

    try:
        done = upkeep.rebuild(url=settings_of(ctx).db_url, progress=_say)
    except LedgerError as error:
        raise fail(error) from None
    if json_:
        typer.echo(as_json(plain(done)))
    else:
        typer.echo(f"rebuilt the plan of {done.where} from {done.events} events")
