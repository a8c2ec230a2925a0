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
    if "\x00" in out:
        raise InvalidInput(f"cannot write to {out!r}: a file name cannot hold a NUL character")
    try:
        path = Path(out).expanduser()
        format_of(path, allowed=allowed, what=what)
        folder_there = path.parent.is_dir()
    except (ValueError, RuntimeError, OSError) as error:
        # A NUL in the name, `~nobody/` for a user that does not exist, a name too long.
        raise InvalidInput(f"cannot write to {out!r}: {error}") from None
    if not folder_there:
        raise NotFound(
            f"cannot write {path}: there is no folder {path.parent}; create it, or write elsewhere"
        )
    return str(path)


def write_text(out: Path, text: str) -> None:
    """Write `text` to `out` as UTF-8, or `InvalidInput` naming the path and the reason."""
    try:
        out.write_text(text, encoding="utf-8")
    except (OSError, ValueError) as error:  # ValueError: a NUL in the name
        raise InvalidInput(
            f"cannot write {out}: {getattr(error, 'strerror', None) or error}"
        ) from None
