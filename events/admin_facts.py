"""Facts about the ledger itself, its keys and its roles."""

from __future__ import annotations

from typing import ClassVar, Literal

from events.fact import Fact


class LedgerCreated(Fact):
    """Genesis: the ledger exists, with its first actor (admin) and root key."""

    type: ClassVar[str] = "ledger.created"
    name: str
    actor: str
    key_id: str
    public_key: str
    baseline_control: bool = True


class KeyRegistered(Fact):
    """A public key may from now on sign for `actor` (and, as a delegate, for actors
    whose names start with `delegate_for`)."""

    type: ClassVar[str] = "key.registered"
    key_id: str
    public_key: str
    actor: str
    delegate_for: str | None = None


class KeyRevoked(Fact):
    """A key may no longer sign anything recorded after this event."""

    type: ClassVar[str] = "key.revoked"
    key_id: str
    reason: str


class RoleGranted(Fact):
    """An actor received a role."""

    type: ClassVar[str] = "role.granted"
    actor: str
    role: Literal["editor", "approver", "admin"]


class RoleRevoked(Fact):
    """An actor lost a role."""

    type: ClassVar[str] = "role.revoked"
    actor: str
    role: Literal["editor", "approver", "admin"]
