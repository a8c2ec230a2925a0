"""Files people name on a command line: read one, or choose where one is written.

A path typed by a person can be a folder, a missing folder, a name too long
for the file system or a string with a NUL in it. The operating system says
so with an exception of its own; these functions say it as a refusal that
names the path and what would be right, so no command has to.
"""

from __future__ import annotations

import errno
from pathlib import Path

from ledger.errors import DocumentError, InvalidInput, LedgerError, NotFound


def refusal(error: OSError | ValueError, path: Path, *, what: str) -> LedgerError:
    """The refusal to give for an error the OS (or `pathlib`) raised about `path`."""
    if isinstance(error, ValueError):  # a NUL byte, or a name pathlib cannot use
        return InvalidInput(f"{what} {str(path)!r} is not a usable file name")
    if isinstance(error, FileNotFoundError):
        return NotFound(f"no {what} at {path}")
    if isinstance(error, IsADirectoryError):
        return InvalidInput(f"{path} is a folder; give the {what} inside it")
    if error.errno == errno.ENAMETOOLONG:
        return InvalidInput(f"{what} name {str(path)[:60]!r}… is too long for the file system")
    reason = error.strerror or str(error)
    return InvalidInput(f"cannot use {path} as the {what}: {reason.lower()}")


def read_file(path: Path, *, what: str) -> bytes:
    """The bytes of the file at `path`, or a refusal saying why it cannot be read."""
    try:
        return path.read_bytes()
    except (OSError, ValueError) as error:
        raise refusal(error, path, what=what) from None


def read_document(path: Path, *, expected: str) -> bytes:
    """The bytes of a document given to import, or `DocumentError` saying why they cannot be
    read; `expected` says what the path should name ("a P6 export")."""
    # Unlike `read_file`, every failure is a DocumentError: an import refuses a document it
    # cannot read the same way as one it cannot parse.
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise DocumentError(f"{path}: no such file; give the path of {expected}") from None
    except IsADirectoryError:
        raise DocumentError(f"{path} is a directory; give the path of {expected}") from None
    except OSError as error:
        raise DocumentError(f"{path}: cannot be read ({error.strerror})") from None
    except ValueError:  # a NUL byte in the name
        raise DocumentError(
            f"{str(path)!r} is not a file name; give the path of {expected}"
        ) from None


def writable_path(path: Path, *, what: str) -> Path:
    """`path`, checked as a place to write a new file: not a folder, in a folder that exists."""
    if "\x00" in str(path):
        raise refusal(ValueError("NUL"), path, what=what)
    try:
        if path.is_dir() or not path.name or path.name in (".", ".."):
            raise InvalidInput(
                f"{path} is a folder; name the {what} to write, e.g. {path}/log.jsonl"
            )
        if not path.parent.is_dir():
            raise InvalidInput(
                f"cannot write {path}: the folder {path.parent} does not exist; create it first"
            )
    except (OSError, ValueError) as error:
        raise refusal(error, path, what=what) from None
    return path
