"""Changes to change control, roles and keys, and the imports of document revisions and
P6 exports."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import ClassVar

from ledger.checks import (
    MAX_REASON,
    MAX_TITLE,
    check_actor,
    check_date,
    check_key_id,
    check_rfc_id,
    check_role,
    check_text,
    check_version,
)
from ledger.errors import InvalidInput
from ledger.frozen import frozen_type
from ledger.requests.base import Change, Needs, Read, arg, opt
from ledger.requests.reads import PreviewApproval

RFC_ID_HELP = "RFC id, e.g. RFC-781"
ROLE_HELP = "editor, approver or admin"


@frozen_type
class OpenRfc(Change):
    """Open an RFC, under which changes can be proposed."""

    WORDS = ("rfc", "open")
    EXAMPLES = ('rfc open RFC-781 "Update schedule for 2021 reviews"',)
    rfc: str = arg(RFC_ID_HELP)
    title: str = arg("what the RFC is about")

    def __post_init__(self) -> None:
        self._set("rfc", check_rfc_id(self.rfc))
        self._set("title", check_text(self.title, what="RFC title", limit=MAX_TITLE))

    @property
    def needs(self) -> Needs:
        """An approver."""
        return Needs("approver", "open RFCs")


@frozen_type
class ApproveRfc(Change):
    """Approve an open RFC: its proposed changes take effect."""

    WORDS = ("rfc", "approve")
    EXAMPLES = ("rfc approve RFC-781 --version 1.5",)
    rfc: str = arg(RFC_ID_HELP)
    version: str | None = opt("document version label, e.g. 1.5", metavar="LABEL")
    on: date | None = None  # the approval date (default: today); not offered to people

    def __post_init__(self) -> None:
        self._set("rfc", check_rfc_id(self.rfc))
        self._set("version", check_version(self.version) if self.version else None)
        self._set("on", check_date(self.on, what="approval date"))

    @property
    def needs(self) -> Needs:
        """An approver."""
        return Needs("approver", "approve RFCs")

    def preview(self) -> Read:
        """Approval is for good and makes every proposal take effect: show them first."""
        return PreviewApproval(rfc=self.rfc, version=self.version)


@frozen_type
class RejectRfc(Change):
    """Reject an open RFC: its proposed changes never take effect."""

    WORDS = ("rfc", "reject")
    EXAMPLES = ('rfc reject RFC-782 --reason "superseded by RFC-790"',)
    rfc: str = arg(RFC_ID_HELP)
    reason: str | None = opt("why (recorded in the log)", metavar="TEXT")

    def __post_init__(self) -> None:
        self._set("rfc", check_rfc_id(self.rfc))
        reason = self.reason
        self._set("reason", check_text(reason, what="reason", limit=MAX_REASON) if reason else None)

    @property
    def needs(self) -> Needs:
        """An approver."""
        return Needs("approver", "reject RFCs")


@frozen_type
class RoleChange(Change):
    """A change to the roles an actor holds (admin)."""

    actor: str = arg("the actor, e.g. alice or slack:T024BE7LD/U012AB3CD")
    role: str = arg(ROLE_HELP)

    def __post_init__(self) -> None:
        self._set("actor", check_actor(self.actor))
        self._set("role", check_role(self.role))

    @property
    def needs(self) -> Needs:
        """An admin."""
        return Needs("admin", "change roles")


@frozen_type
class GrantRole(RoleChange):
    """Give an actor a role (editor, approver or admin)."""

    WORDS = ("grant",)
    EXAMPLES = (
        "grant bob editor",
        "grant slack:T024BE7LD/U012AB3CD approver",
    )


@frozen_type
class RevokeRole(RoleChange):
    """Take a role from an actor."""

    WORDS = ("ungrant",)
    EXAMPLES = ("ungrant bob editor",)


@frozen_type
class AddKey(Change):
    """Register a public key for an actor (admin).

    With `delegate_for` (e.g. ``slack:``) the key may also sign for any actor
    whose name starts with it: the Slack bot's key signs for Slack users.
    """

    actor: str
    public_key: bytes  # the raw 32-byte Ed25519 public key
    delegate_for: str | None = None

    def __post_init__(self) -> None:
        self._set("actor", check_actor(self.actor))
        if len(self.public_key) != 32:
            raise InvalidInput("an Ed25519 public key is 32 bytes")

    @property
    def needs(self) -> Needs:
        """An admin."""
        return Needs("admin", "register keys")


@frozen_type
class RevokeKey(Change):
    """Revoke a key: nothing it signs afterwards verifies."""

    WORDS = ("key", "revoke")
    EXAMPLES = ('key revoke 0123456789abcdef --reason "laptop lost"',)
    key_id: str = arg("the key id (16 hex digits)")
    reason: str = opt("why (recorded in the log)", required=True, metavar="TEXT")

    def __post_init__(self) -> None:
        self._set("key_id", check_key_id(self.key_id))
        self._set("reason", check_text(self.reason, what="reason", limit=MAX_REASON))

    @property
    def needs(self) -> Needs:
        """An admin."""
        return Needs("admin", "revoke keys")


@frozen_type
class ImportFile(Change):
    """A source file to import, by an admin: the file, the date its changes take effect on
    (default: the date the source states) and whether to list the events instead."""

    NEEDS: ClassVar[Needs]  # what importing this kind of source needs
    path: Path
    on: date | None = None
    dry_run: bool = False

    def __post_init__(self) -> None:
        self._set("on", check_date(self.on, what="--date"))

    @property
    def needs(self) -> Needs:
        """An admin."""
        return self.NEEDS


@frozen_type
class ImportRevision(ImportFile):
    """Import an LDM-564 revision: append the events that make the plan as of its date
    equal to it (admin). Importing the same file again appends nothing; with `dry_run`
    nothing is appended and the events are listed instead.
    """

    NEEDS: ClassVar[Needs] = Needs("admin", "import document revisions")


@frozen_type
class ImportExport(ImportFile):
    """Import a Primavera P6 export (CSV or XLS): append the events that make the plan as
    of its date equal to the export's (admin). `rfc` names the RFC that approved them, as a
    document's change record would: the import records its approval on the export's date
    unless the ledger approved it by then. Importing the same file again appends nothing;
    with `dry_run` nothing is appended.
    """

    NEEDS: ClassVar[Needs] = Needs("admin", "import P6 exports")
    rfc: str | None = None

    def __post_init__(self) -> None:
        # Named, not super(): zero-argument super() fails in a slots dataclass.
        ImportFile.__post_init__(self)
        self._set("rfc", None if self.rfc is None else check_rfc_id(self.rfc))
