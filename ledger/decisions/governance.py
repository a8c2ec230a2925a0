"""What creating a ledger, opening, approving and rejecting RFCs, granting roles and
managing keys record."""

from __future__ import annotations

from datetime import date

from events.admin_facts import KeyRegistered, KeyRevoked, LedgerCreated, RoleGranted, RoleRevoked
from events.governance_facts import RfcApproved, RfcOpened, RfcRejected
from ledger.append import Draft
from ledger.errors import NotFound, Refused
from ledger.requests import (
    AddKey,
    ApproveRfc,
    GrantRole,
    OpenRfc,
    RejectRfc,
    RevokeKey,
    RevokeRole,
)
from ledger.rules import require_open_rfc
from ledger.signing import key_id_of
from ledger.state import PlanState


def create_ledger(
    *, name: str, actor: str, key_id: str, public_key: str, baseline_control: bool
) -> list[Draft]:
    """The genesis event, naming `actor` admin with the key it signs with, and the
    editor and approver roles granted to that actor too."""
    genesis = LedgerCreated(
        name=name,
        actor=actor,
        key_id=key_id,
        public_key=public_key,
        baseline_control=baseline_control,
    )
    return [Draft(genesis, subject=name)] + [
        Draft(RoleGranted(actor=actor, role=role), subject=actor) for role in ("editor", "approver")
    ]


def open_rfc(state: PlanState, request: OpenRfc, *, today: date) -> list[Draft]:
    """A new RFC, under an id not used before."""
    if (found := state.rfcs.get(request.rfc)) is not None:
        raise Refused(f"{request.rfc} already exists ({found.state}): {found.title!r}")
    return [Draft(RfcOpened(id=request.rfc, title=request.title), request.rfc)]


def approve_rfc(state: PlanState, request: ApproveRfc, *, today: date) -> list[Draft]:
    """The approval of an open RFC, with a version label no other RFC carries."""
    require_open_rfc(state, request.rfc, "approved")
    label = request.version
    if label is not None:
        for other in state.rfcs.values():
            if other.version == label:
                raise Refused(f"version {label} was already given to {other.id}")
    fact = RfcApproved(id=request.rfc, on=request.on or today, version=label)
    return [Draft(fact, request.rfc)]


def reject_rfc(state: PlanState, request: RejectRfc, *, today: date) -> list[Draft]:
    """The rejection of an open RFC, today."""
    require_open_rfc(state, request.rfc, "rejected")
    fact = RfcRejected(id=request.rfc, on=today, reason=request.reason)
    return [Draft(fact, request.rfc)]


def grant_role(state: PlanState, request: GrantRole, *, today: date) -> list[Draft]:
    """A role given to an actor who does not hold it yet."""
    if state.has_role(request.actor, request.role):
        raise Refused(f"{request.actor} already holds the {request.role} role")
    fact = RoleGranted(actor=request.actor, role=request.role)  # type: ignore[arg-type]
    return [Draft(fact, request.actor)]


def revoke_role(state: PlanState, request: RevokeRole, *, today: date) -> list[Draft]:
    """A role taken from an actor who holds it."""
    if not state.has_role(request.actor, request.role):
        raise Refused(
            f"{request.actor} does not hold the {request.role} role; nothing to take away"
        )
    fact = RoleRevoked(actor=request.actor, role=request.role)  # type: ignore[arg-type]
    return [Draft(fact, request.actor)]


def add_key(state: PlanState, request: AddKey, *, today: date) -> list[Draft]:
    """A public key registered for an actor, once."""
    key_id = key_id_of(request.public_key)
    if (found := state.keys.get(key_id)) is not None:
        raise Refused(f"key {key_id} is already registered, for {found.actor}")
    fact = KeyRegistered(
        key_id=key_id,
        public_key=request.public_key.hex(),
        actor=request.actor,
        delegate_for=request.delegate_for,
    )
    return [Draft(fact, key_id)]


def revoke_key(state: PlanState, request: RevokeKey, *, today: date) -> list[Draft]:
    """A registered key revoked, once."""
    found = state.keys.get(request.key_id)
    if found is None:
        raise NotFound(f"no key {request.key_id} in this ledger; `milestone key list` shows keys")
    if found.revoked_seq is not None:
        raise Refused(f"key {request.key_id} was already revoked at event #{found.revoked_seq}")
    return [Draft(KeyRevoked(key_id=request.key_id, reason=request.reason), request.key_id)]
