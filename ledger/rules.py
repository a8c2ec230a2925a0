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
from collections import deque
from collections.abc import Callable, Iterable
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
    """The milestone named by a code or alias, or `NotFound` suggesting close codes (the
    same code in other letter case first: codes are compared case-sensitively)."""
    resolved = state.resolve(code)
    if resolved is not None:
        return state.milestones[resolved]
    wanted = code.strip()
    same = spelled_otherwise(state, wanted)
    if same is not None:
        raise NotFound(
            f"no milestone {wanted!r} in the plan; did you mean {same}? "
            "(codes are compared with their letter case)"
        )
    names = {name.casefold(): name for name in [*state.milestones, *state.aliases]}
    close = [names[n] for n in difflib.get_close_matches(wanted.casefold(), names, n=3, cutoff=0.6)]
    hint = f"; did you mean {' or '.join(close)}?" if close else "; `milestone plan` lists them"
    raise NotFound(f"no milestone {wanted!r} in the plan{hint}")


def spelled_otherwise(state: PlanState, code: str) -> str | None:
    """The code or alias in the ledger that is `code` in other letter case, if there is one."""
    folded = code.strip().casefold()
    for name in [*state.milestones, *state.aliases]:
        if name.casefold() == folded and name != code.strip():
            return name
    return None


def require_new_code(
    state: PlanState, code: str, *, doing: str, renaming: str | None = None
) -> None:
    """Refuse a code the ledger already knows, as a code, an earlier code, or in other letter
    case (two codes that differ only in case would be two milestones people cannot tell
    apart); `renaming` a milestone may give it its own code in other case."""
    taken = state.resolve(code)
    if taken is not None:
        found = state.milestones[taken]
        what = "a milestone" if taken == code else f"an earlier code of {taken}"
        raise Refused(
            f"{code} is already {what}: {found.title!r}, due {found.forecast}; {doing} needs "
            "a code no milestone uses"
        )
    same = spelled_otherwise(state, code)
    if same is not None and (owner := state.resolve(same) or same) != renaming:
        raise Refused(
            f"{code} differs only in letter case from {same} ({state.milestones[owner].title!r}); "
            f"codes are compared with their case, so it would be a second milestone. Use {same}, "
            "or a code that differs in more than case"
        )


def live_milestone(state: PlanState, code: str) -> Milestone:
    """The milestone named by `code`, refused if it was withdrawn: a withdrawn one cannot change."""
    milestone = find_milestone(state, code)
    if milestone.withdrawn:
        raise Refused(
            f"{milestone.code} was withdrawn from the plan; a withdrawn milestone cannot "
            f"change (`milestone reinstate {milestone.code} --reason TEXT` brings it back)"
        )
    return milestone


def withdrawn_milestone(state: PlanState, code: str) -> Milestone:
    """The milestone named by `code`, refused unless it was withdrawn (so it can come back)."""
    milestone = find_milestone(state, code)
    if not milestone.withdrawn:
        raise Refused(f"{milestone.code} is in the plan, not withdrawn; nothing to reinstate")
    return milestone


def require_no_cycle(
    predecessors: Callable[[str], Iterable[str]], *, code: str, predecessor: str
) -> None:
    """Refuse a dependency of `code` on `predecessor` that would make a milestone wait for
    itself: `predecessor` already waits, directly or through others, for `code`.

    `predecessors(c)` gives the codes `c` waits for (a state's, or an import's plan).
    """
    if code == predecessor:
        raise Refused(f"{code} cannot wait for itself; name another milestone with --on")
    came_from = {predecessor: predecessor}
    queue = deque([predecessor])
    while queue:
        current = queue.popleft()
        for earlier in predecessors(current):
            if earlier in came_from:
                continue
            came_from[earlier] = current
            if earlier == code:
                chain = [code]
                while chain[-1] != predecessor:
                    chain.append(came_from[chain[-1]])
                path = " after ".join(reversed(chain))
                raise Refused(
                    f"{predecessor} already waits for {code} ({path}), so {code} cannot "
                    f"wait for {predecessor}: that would be a loop"
                )
            queue.append(earlier)


def forecast_after_baseline_move(*, baseline: str, forecast: str, to: str) -> str:
    """The forecast once the baseline moves to `to`: it follows the baseline, unless it
    was moved on its own (then it stays where it was put)."""
    return to if forecast == baseline else forecast
