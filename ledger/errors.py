"""Typed errors raised by the ledger library.

Every error carries a message a newcomer can act on: what was wrong and what
would be right. Front ends translate these into exit codes or Slack replies.
"""

from __future__ import annotations


class LedgerError(Exception):
    """Base class of every error the library raises on purpose."""

    exit_code = 1


class InvalidInput(LedgerError):
    """A command's input is malformed (bad date, over-long title, unknown option value)."""

    exit_code = 2


class NotFound(LedgerError):
    """A milestone, RFC, key or event named by the caller does not exist."""

    exit_code = 3


class Refused(LedgerError):
    """The command is well formed but the plan's current state does not allow it."""

    exit_code = 4


class PermissionDenied(LedgerError):
    """The acting actor lacks the role, or the key is unknown or revoked."""

    exit_code = 5


class Conflict(LedgerError):
    """The head moved between validation and append; the command was not recorded."""

    exit_code = 6


class NotInitialised(LedgerError):
    """The database is missing or holds no ledger yet."""

    exit_code = 7


class UnsupportedSchema(NotInitialised):
    """The database holds a ledger made by another version of milestone-ledger."""


class ChainBroken(LedgerError):
    """The stored chain does not verify; writes refuse to append after a broken head."""

    exit_code = 8


class DocumentError(InvalidInput):
    """A file given to import is not what it should be (not an LDM-564 revision, not an export)."""


class VerificationFailed(LedgerError):
    """A signed note, checkpoint or Merkle proof is malformed or does not verify."""

    exit_code = 9


class UnsupportedFormat(InvalidInput):
    """An output file's extension names a format the chart or report cannot be written as."""


class RenderFailed(LedgerError):
    """An outside program a renderer needs (Graphviz `dot`) is missing or failed."""

    exit_code = 10
