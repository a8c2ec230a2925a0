"""The root help (`milestone --help`) as the Typer app prints it, stored to print quickly.

Printing it through Typer means importing Typer and the whole grammar and
building every command: most of what `--help` cost. The text only depends on
the app and on the width Click formats to (the terminal's, at most 80
columns), so it is kept in `root_help.txt` as printed at 80 columns or more;
a narrower terminal gets Typer's own. `python -m cli.root_help` writes the file
again after a command or its help changes; a test holds it equal to Typer's.
"""

from __future__ import annotations

import shutil
from pathlib import Path

STORED = Path(__file__).with_name("root_help.txt")
#: Click formats help to the terminal's width, but never wider than this.
WIDEST = 80


def stored_if_it_fits() -> str | None:
    """The stored root help, if this terminal is as wide as the one it was written for."""
    if shutil.get_terminal_size().columns < WIDEST:
        return None
    try:
        return STORED.read_text(encoding="utf-8")
    except OSError:  # not installed with the package: Typer prints it
        return None


def current() -> str:
    """The root help as the Typer app prints it now, at full width, in a process of its own
    (Typer's test runner formats to another width than a terminal of that size)."""
    import os
    import subprocess
    import sys

    code = "import sys; sys.argv = ['milestone', '--help']; from cli.app import app; app()"
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env={**os.environ, "COLUMNS": str(WIDEST)},
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"`milestone --help` failed: {done.stderr}")
    return done.stdout


def write() -> None:
    """Store the root help as the Typer app prints it now."""
    STORED.write_text(current(), encoding="utf-8")


if __name__ == "__main__":
    write()
    print(f"wrote {STORED}")
