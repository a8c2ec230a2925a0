"""Output formats chosen by file extension, and writing text to the chosen file."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from ledger.errors import InvalidInput, UnsupportedFormat

IMAGES = ("png", "svg", "pdf")


def format_of(out: Path, *, allowed: Sequence[str], what: str) -> str:
    """The format `out`'s extension names, if it is one of `allowed`; else `UnsupportedFormat`."""
    suffix = out.suffix.lower().removeprefix(".")
    if suffix not in allowed:
        given = f"a .{suffix} file" if suffix else "a file without an extension"
        choices = ", ".join(f".{name}" for name in allowed)
        raise UnsupportedFormat(f"cannot write {what} as {given} ({out.name}); use {choices}")
    return suffix


def write_text(out: Path, text: str) -> None:
    """Write `text` to `out` as UTF-8, or `InvalidInput` naming the path and the reason."""
    try:
        out.write_text(text, encoding="utf-8")
    except OSError as error:
        raise InvalidInput(f"cannot write {out}: {error.strerror or error}") from None
