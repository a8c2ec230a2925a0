"""Terminal commands that look after the database rather than the plan: `upgrade` migrates an
older ledger's schema, `rebuild` makes the derived tables again from the log.
`cli.app` registers them.
"""

from __future__ import annotations

import typer

from cli.session import fail, settings_of
from ledger.errors import LedgerError


def upgrade(ctx: typer.Context) -> None:
    """Migrate a ledger made by an older milestone-ledger to this one's schema.

    Nothing in the signed log changes; new derived tables are filled from it.
    """
    from ledger.ledger import Ledger
    from ledger.store.connect import open_store

    try:
        store = open_store(settings_of(ctx).db_url, check=False)
        before, after = store.upgrade()
        if before < 2 <= after:
            # Schema 2 brought the plan at the head: it is folded from the log once.
            Ledger(store).rebuild()
        store.close()
    except LedgerError as error:
        raise fail(error) from None
    if before == after:
        typer.echo(f"the ledger already has schema version {after}; nothing to do")
    else:
        typer.echo(f"upgraded the ledger from schema version {before} to {after}")


def rebuild(ctx: typer.Context) -> None:
    """Drop the derived tables (the plan at the head, snapshots, the Merkle tree) and make
    them again from the log. Signed checkpoints and cosignatures are kept."""
    try:
        ledger = settings_of(ctx).open_ledger()
        count = ledger.rebuild()
        ledger.close()
    except LedgerError as error:
        raise fail(error) from None
    typer.echo(f"rebuilt the derived tables from {count} events")
