"""The `milestone` console script: start quickly, then run the one command asked for.

`milestone --help` prints the root help as stored (`cli.root_help`) without
importing Typer or the grammar: that text is what the Typer app prints, and a
test holds them equal. A plain command line of the shared grammar is answered
without Typer too (`cli.direct`). Any other goes to the Typer app, trimmed to
the command it names: Typer turns every registered command into a Click
command before it runs one, a third of a quick read's own work.
"""

from __future__ import annotations

import os
import sys


def main() -> None:
    """Entry point of the `milestone` console script."""
    argv = sys.argv[1:]
    completing = any(name.endswith("_COMPLETE") for name in os.environ)
    if argv == ["--help"] and not completing:
        from cli import root_help

        text = root_help.stored_if_it_fits()
        if text is not None:
            sys.stdout.write(text)
            return
    if not completing:
        from cli import direct

        status = direct.run(argv, os.environ)
        if status is not None:
            sys.exit(status)
    from cli.app import app, asked_for, only
    from ledger.errors import NotInitialised

    path = asked_for(argv)
    if path is not None and not completing:
        only(path)
    try:
        app()
    except NotInitialised as error:  # pragma: no cover - surfaced through `fail` normally
        print(f"error: {error}", file=sys.stderr)
        sys.exit(error.exit_code)
