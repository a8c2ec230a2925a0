"""Files in and out at a terminal: the signed log as JSON Lines, LDM-564 revisions.

`export` writes what `verify-file` checks offline and `import` loads into a
new database; `import-doc` turns a revision of the document into events.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cli.session import answer, fail, settings_of
from ledger.errors import LedgerError


def export_command(
    ctx: typer.Context, file: Annotated[Path, typer.Argument(help="the JSON Lines file to write")]
) -> None:
    """Write the signed log as JSON Lines, verifiable offline with `verify-file`."""
    from ledger.transfer import export_log

    try:
        count = export_log(store=settings_of(ctx).open_ledger().store, path=file)
    except LedgerError as error:
        raise fail(error) from None
    typer.echo(f"exported {count} events to {file}")


def import_command(
    ctx: typer.Context, file: Annotated[Path, typer.Argument(help="a file written by export")]
) -> None:
    """Load an exported log into a new, empty database, after verifying all of it."""
    from ledger.store import Store
    from ledger.transfer import import_log

    settings = settings_of(ctx)
    try:
        store = Store.open(settings.db_url, create=True)
        report = import_log(
            store=store, path=file, progress=lambda n: typer.echo(f"  {n} events…", err=True)
        )
    except LedgerError as error:
        raise fail(error) from None
    typer.echo(f"imported {report.checked} events; ledger id {report.ledger_id}")


def import_doc(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="a plain-text rendering of an LDM-564 revision")],
    date: Annotated[
        str | None,
        typer.Option(help="effective date of the changes (default: its 'Latest Revision')"),
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="list the events it would append; append none")
    ] = False,
    json_: Annotated[bool, typer.Option("--json", help="print JSON for scripts")] = False,
) -> None:
    """Import an LDM-564 revision: append the events that make the plan as of its date
    equal to it (admin). Revisions may come in any order.

    Importing the same file again appends nothing.
    """
    from ledger.requests import ImportRevision

    answer(
        ctx,
        lambda: ImportRevision(path=file, on=date, dry_run=dry_run),  # type: ignore[arg-type]
        as_json=json_,
        progress=lambda message: typer.echo(message, err=True),
    )


def import_p6(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="a Primavera P6 export, CSV or XLS")],
    date: Annotated[
        str | None,
        typer.Option(help="effective date of the changes (default: the export's month end)"),
    ] = None,
    rfc: Annotated[
        str | None, typer.Option(help="the RFC that approved the export's changes, e.g. RFC-600")
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="list the events it would append; append none")
    ] = False,
    json_: Annotated[bool, typer.Option("--json", help="print JSON for scripts")] = False,
) -> None:
    """Import a P6 export: append the events that make the plan as of its date equal to
    the export's, dependencies included (admin). Exports and revisions may come in any order.

    Importing the same file again appends nothing.
    """
    from ledger.requests import ImportExport

    answer(
        ctx,
        lambda: ImportExport(path=file, on=date, rfc=rfc, dry_run=dry_run),  # type: ignore[arg-type]
        as_json=json_,
        progress=lambda message: typer.echo(message, err=True),
    )


def verify_file(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="a file written by `milestone export`")],
    ledger_id: Annotated[str | None, typer.Option(help="the genesis hash it must have")] = None,
    expect_head: Annotated[str | None, typer.Option(help="a hash the chain must contain")] = None,
    expect_length: Annotated[int | None, typer.Option(help="the fewest events")] = None,
    json_: Annotated[bool, typer.Option("--json", help="print JSON for scripts")] = False,
) -> None:
    """Verify an exported log offline, without a database."""
    from cli import render
    from ledger import data
    from ledger.transfer import read_export
    from ledger.verify import verify_rows

    try:
        report = verify_rows(
            read_export(file),
            ledger_id=ledger_id,
            expect_head=expect_head,
            expect_length=expect_length,
        )
    except LedgerError as error:
        raise fail(error) from None
    screen = settings_of(ctx).screen
    typer.echo(
        data.as_json(data.report_data(report)) if json_ else render.verify_text(report, screen)
    )
    if not report.ok:
        raise typer.Exit(8)
