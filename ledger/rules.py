"""The rules of DESIGN.md sections 2-5 that several parts of the ledger ask, one function each.

Who may sign for whom, who holds which role, when a change needs an RFC and
which RFC can take it, which milestones can still change, and how the
forecast follows the baseline. The append path (`ledger.execute`), the
decisions, the importer, verification and the Slack bot all ask these
functions rather than restating them. Every function is pure: it looks at a
state and raises a typed error to refuse.
"""

from __future__ import annotations

import difflib
from typing import TYPE_CHECKING, Literal, Protocol

from ledger.checks import check_rfc_id
from ledger.errors import NotFound, PermissionDenied, Refused
from ledger.state import Milestone, PlanState, Rfc

if TYPE_CHECKING:
    from ledger.signing import Signer

#: When a change needs an RFC: never, when the ledger's baseline control is on, or always.
RfcNeed = Literal["no", "baseline control", "always"]


class SigningKey(Protocol):
    """What the signing rule needs to know of a registered key."""

    @property
    def actor(self) -> str:
        """The actor the key belongs to."""
        ...

    @property
    def delegate_for(self) -> str | None:
        """The prefix of the actors it may also sign for (a delegate key), if any."""
        ...


# --- keys and roles -----------------------------------------------------------------------------


def may_sign_for(key: SigningKey, actor: str) -> bool:
    """Whether `key` may sign for `actor`: its own actor, or (for a delegate key such as
    the Slack bot's, `delegate_for="slack:"`) any actor whose name starts with the prefix."""
    if actor == key.actor:
        return True
    return bool(key.delegate_for) and actor.startswith(key.delegate_for or "")


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
    if actor is None:
        return key.actor
    if may_sign_for(key, actor):
        return actor
    raise PermissionDenied(f"key {signer.key_id} signs for {key.actor}, not for {actor}")


#: The role each kind of event needs of its actor (by type prefix; the longest match wins).
EVENT_ROLES = (
    ("milestone.", "editor"),
    ("rfc.", "approver"),
    ("key.", "admin"),
    ("role.", "admin"),
    ("revision.", "admin"),
)


def role_for(event_type: str) -> str | None:
    """The role recording an event of `event_type` needs (None: only the genesis, which
    names its own admin)."""
    for prefix, role in EVENT_ROLES:
        if event_type.startswith(prefix):
            return role
    return None


def permitted(state: PlanState, *, actor: str, event_type: str) -> str | None:
    """Why `actor` may not record an event of `event_type` given the roles in `state`,
    or None when they may. The append path asks this of every event it seals and
    `verify` of every event it replays, so a row forged by someone without the
    right (a `role.granted` signed by a mere editor) is refused by both."""
    if event_type == "ledger.created":
        return None if state.name == "" else "a second ledger.created event"
    role = role_for(event_type)
    if role is None:
        return f"{event_type} is not an event this ledger records"
    if not state.has_role(actor, role):
        return f"{actor} did not hold the {role} role that {event_type} needs"
    return None


def require_role(state: PlanState, actor: str, role: str, doing: str) -> None:
    """Refuse unless `actor` holds `role`; `doing` says what needed it ("complete milestones")."""
    if not state.has_role(actor, role):
        raise PermissionDenied(
            f"{actor} may not {doing}: that needs the {role} role "
            f"(an admin can run `milestone grant {actor} {role}`)"
        )


# --- change control -----------------------------------------------------------------------------


def rfc_required(need: RfcNeed, state: PlanState) -> bool:
    """Whether a change with this need must name an RFC in the ledger as it stands."""
    return need == "always" or (need == "baseline control" and state.baseline_control)


def change_control(
    state: PlanState, rfc: str | None, *, required: bool, doing: str
) -> tuple[PlanState, str | None]:
    """Check the RFC a change names; return the state to validate against and the RFC id.

    Changes under an open RFC are validated as if its earlier proposals had taken
    effect, so one RFC can define a milestone and then link or move it. An
    approved RFC takes the change at once; a rejected one takes nothing.
    """
    if rfc is None:
        if required:
            raise Refused(
                f"{doing} needs an RFC under change control; add --rfc RFC-<n> "
                "(`milestone rfc open RFC-<n> TITLE` opens one)"
            )
        return state, None
    rfc_id = check_rfc_id(rfc)
    found = state.rfcs.get(rfc_id)
    if found is None:
        raise NotFound(
            f"{rfc_id} is not in this ledger; "
            f"open it first with `milestone rfc open {rfc_id} TITLE`"
        )
    if found.state == "rejected":
        raise Refused(
            f"{rfc_id} was rejected on {found.decided_on}; changes under it would never take "
            "effect. Open a new RFC"
        )
    if found.state == "open":
        # Imported here: the fold asks this module how the forecast follows the baseline.
        from ledger.fold import with_proposals

        return with_proposals(state, rfc_id), rfc_id
    return state, rfc_id


def require_open_rfc(state: PlanState, rfc_id: str, verb: str) -> Rfc:
    """The RFC `rfc_id`, refused unless it is open (so it can be approved or rejected)."""
    found = state.rfcs.get(rfc_id)
    if found is None:
        raise NotFound(f"{rfc_id} is not in this ledger; `milestone rfc list` shows the RFCs")
    if found.state != "open":
        raise Refused(
            f"{rfc_id} was already {found.state} on {found.decided_on} by {found.decided_by}; "
            f"only an open RFC can be {verb}"
        )
    return found


# --- milestones ---------------------------------------------------------------------------------


def find_milestone(state: PlanState, code: str) -> Milestone:
    """The milestone named by a code or alias, or `NotFound` suggesting close codes."""
    resolved = state.resolve(code)
    if resolved is not None:
        return state.milestones[resolved]
    names = list(state.milestones) + list(state.aliases)
    close = difflib.get_close_matches(code.strip(), names, n=3, cutoff=0.6)
    hint = f"; did you mean {' or '.join(close)}?" if close else "; `milestone plan` lists them"
    raise NotFound(f"no milestone {code.strip()!r} in the plan{hint}")


def live_milestone(state: PlanState, code: str) -> Milestone:
    """The milestone named by `code`, refused if it was withdrawn: a withdrawn one cannot change."""
    milestone = find_milestone(state, code)
    if milestone.withdrawn:
        raise Refused(
            f"{milestone.code} was withdrawn from the plan; a withdrawn milestone cannot "
            "change (define a new one if the work is back)"
        )
    return milestone


def forecast_after_baseline_move(*, baseline: str, forecast: str, to: str) -> str:
    """The forecast once the baseline moves to `to`: it follows the baseline, unless it
    was moved on its own (then it stays where it was put)."""
    return to if forecast == baseline else forecast
