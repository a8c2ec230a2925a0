"""Output formats chosen by file extension, and writing text to the chosen file.

This module is light (no plotting, no plan): requests check an `--out` file's extension
and folder with it when they are built, before any ledger is opened.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from ledger.errors import InvalidInput, NotFound, UnsupportedFormat

IMAGES = ("png", "svg", "pdf")
#: What each report can be written as, by extension (the first is the default image).
BURNDOWN = (*IMAGES, "csv")
GANTT = (*IMAGES, "tex")
SLIP = (*IMAGES, "csv")
GRAPH = ("dot", "gv", "svg", "png", "pdf")
CELEBRATION = ("md", "html")


def format_of(out: Path, *, allowed: Sequence[str], what: str) -> str:
    """The format `out`'s extension names, if it is one of `allowed`; else `UnsupportedFormat`."""
    suffix = out.suffix.lower().removeprefix(".")
    if suffix not in allowed:
        given = f"a .{suffix} file" if suffix else "a file without an extension"
        choices = ", ".join(f".{name}" for name in allowed)
        raise UnsupportedFormat(f"cannot write {what} as {given} ({out.name}); use {choices}")
    return suffix


def check_out(out: str | None, *, allowed: Sequence[str], what: str) -> str | None:
    """`out` (an `--out FILE`) if its extension is one of `allowed` and its folder exists;
    else `UnsupportedFormat`, or `NotFound` naming the folder. Nothing is written."""
    if out is None:
        return None
    path = Path(out).expanduser()
    format_of(path, allowed=allowed, what=what)
    folder = path.parent
    if not folder.is_dir():
        raise NotFound(
            f"cannot write {path}: there is no folder {folder}; create it, or write elsewhere"
        )
    return str(path)


def write_text(out: Path, text: str) -> None:
    """Write `text` to `out` as UTF-8, or `InvalidInput` naming the path and the reason."""
    try:
        out.write_text(text, encoding="utf-8")
    except OSError as error:
        raise InvalidInput(f"cannot write {out}: {error.strerror or error}") from None
