"""Who may do what: the permission rules, each in one function.

The append path and `verify` both ask these, so what the ledger accepts and
what it later proves were allowed are decided by the same code.
"""

from __future__ import annotations

from ledger.errors import PermissionDenied
from ledger.signing import Signer
from ledger.state import PlanState


def authorise(state: PlanState, *, signer: Signer, actor: str | None) -> str:
    """The actor `signer` acts for: its own, or (for a delegate key) the one named.

    Raises `PermissionDenied` for an unknown or revoked key or an actor the key
    may not sign for.
    """
    key = state.keys.get(signer.key_id)
    if key is None:
        raise PermissionDenied(
            f"your key {signer.key_id} is not registered in this ledger; send its .pub file to "
            "an admin, who runs `milestone key add ACTOR FILE.pub`"
        )
    if key.revoked_seq is not None:
        raise PermissionDenied(
            f"your key {signer.key_id} was revoked at event #{key.revoked_seq}; create a new one "
            "with `milestone key new NAME` and ask an admin to add it"
        )
    if actor is None or actor == key.actor:
        return key.actor
    if key.delegate_for and actor.startswith(key.delegate_for):
        return actor
    raise PermissionDenied(f"key {signer.key_id} signs for {key.actor}, not for {actor}")
