"""Commands: turn a request into events, after checking input, roles and the plan.

Every function here is keyword-only, runs its checks against the state at the
head while holding the write lock (so two people completing the same milestone
at once cannot both succeed), and returns the events it recorded. A refused
command raises a typed error and records nothing.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Sequence
from datetime import date

from events.catalogue import (
    BaselineMoved,
    ForecastMoved,
    KeyRegistered,
    KeyRevoked,
    MilestoneCompleted,
    MilestoneDefined,
    MilestoneLinked,
    MilestoneRenamed,
    MilestoneReopened,
    MilestoneRetitled,
    MilestoneUnlinked,
    MilestoneWithdrawn,
    RfcApproved,
    RfcOpened,
    RfcRejected,
    RoleGranted,
    RoleRevoked,
)
from ledger.asof import parse_date
from ledger.errors import InvalidInput, NotFound, PermissionDenied, Refused
from ledger.fold import with_proposals
from ledger.ledger import Draft, Ledger
from ledger.signing import Signer, key_id_of
from ledger.state import Milestone, PlanState, Recorded

ROLES = ("editor", "approver", "admin")
MAX_TITLE = 300
MAX_REASON = 500
_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._/-]{0,63}$")
_RFC_ID = re.compile(r"^RFC-\d{1,9}$")
_VERSION = re.compile(r"^\d+(\.\d+){0,3}$")
_ACTOR = re.compile(r"^[^\s\x00-\x1f\x7f]{1,200}$")


# --- input checks ---------------------------------------------------------------------------


def check_code(code: str, *, what: str = "milestone code") -> str:
    """A milestone code, trimmed; refused if empty, too long or oddly spelled."""
    code = code.strip()
    if not _CODE.match(code):
        raise InvalidInput(
            f"{what} {code!r} is not valid: use letters, digits and - . _ / "
            "(at most 64, starting with a letter or digit), e.g. DM-AP-18 or LDM-503-11a"
        )
    return code


def check_text(text: str, *, what: str, limit: int) -> str:
    """Free text (a title or reason), trimmed; no control characters, not empty, not too long."""
    text = " ".join(text.split()) if "\n" not in text and "\r" not in text else text.strip()
    if not text:
        raise InvalidInput(f"the {what} is empty; give a few words")
    bad = [ch for ch in text if unicodedata.category(ch) in ("Cc", "Cf")]
    if bad:
        raise InvalidInput(
            f"the {what} contains a control character ({bad[0]!r}); write it on one line "
            "of plain text"
        )
    if len(text) > limit:
        raise InvalidInput(f"the {what} is {len(text)} characters long; keep it to {limit}")
    return text


def check_rfc_id(rfc_id: str) -> str:
    """An RFC id such as RFC-781 (case-insensitive in, upper-case out)."""
    normal = rfc_id.strip().upper()
    if not _RFC_ID.match(normal):
        raise InvalidInput(f"{rfc_id!r} is not an RFC id; write it as RFC-<number>, e.g. RFC-781")
    return normal


def check_actor(actor: str) -> str:
    """An actor name: no spaces or control characters, at most 200 characters."""
    actor = actor.strip()
    if not _ACTOR.match(actor):
        raise InvalidInput(
            f"actor {actor!r} is not valid: one word without spaces, e.g. alice or "
            "slack:T024BE7LD/U012AB3CD"
        )
    return actor


def check_role(role: str) -> str:
    """One of the ledger's roles."""
    role = role.strip().lower()
    if role not in ROLES:
        raise InvalidInput(f"{role!r} is not a role; roles are {', '.join(ROLES)}")
    return role


def _as_date(value: date | str | None, *, what: str) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return parse_date(value, what=what)


# --- state checks ---------------------------------------------------------------------------


def require_role(state: PlanState, actor: str, role: str, doing: str) -> None:
    """Refuse unless `actor` holds `role`."""
    if not state.has_role(actor, role):
        raise PermissionDenied(
            f"{actor} may not {doing}: that needs the {role} role "
            f"(an admin can run `milestone grant {actor} {role}`)"
        )


def find_milestone(state: PlanState, code: str) -> Milestone:
    """The milestone named by a code or alias, or `NotFound` suggesting close codes."""
    resolved = state.resolve(code)
    if resolved is not None:
        return state.milestones[resolved]
    names = list(state.milestones) + list(state.aliases)
    close = difflib.get_close_matches(code.strip(), names, n=3, cutoff=0.6)
    hint = f"; did you mean {' or '.join(close)}?" if close else "; `milestone plan` lists them"
    raise NotFound(f"no milestone {code.strip()!r} in the plan{hint}")


def _in_plan(state: PlanState, code: str) -> Milestone:
    milestone = find_milestone(state, code)
    if milestone.withdrawn:
        raise Refused(
            f"{milestone.code} was withdrawn from the plan; a withdrawn milestone cannot "
            "change (define a new one if the work is back)"
        )
    return milestone


def _change_control(
    state: PlanState, rfc: str | None, *, required: bool, doing: str
) -> tuple[PlanState, str | None]:
    """Check the RFC a change names; return the state to validate against and the RFC id.

    Changes under an open RFC are validated as if its earlier proposals had taken
    effect, so one RFC can define a milestone and then link or move it.
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
        return with_proposals(state, rfc_id), rfc_id
    return state, rfc_id


def _needs_rfc(state: PlanState) -> bool:
    return state.baseline_control


# --- milestones -----------------------------------------------------------------------------


def define_milestone(
    *,
    ledger: Ledger,
    signer: Signer,
    code: str,
    title: str,
    due: date | str,
    level: int | None = None,
    releases: Sequence[str] = (),
    rfc: str | None = None,
    actor: str | None = None,
    idem: str | None = None,
) -> list[Recorded]:
    """Add a milestone to the plan (Level 2, or Level 3 under the given Level-2 ones)."""
    code = check_code(code)
    title = check_text(title, what="title", limit=MAX_TITLE)
    due_date = _as_date(due, what="due date")
    assert due_date is not None
    if level is None:
        if not releases:
            raise InvalidInput(
                f"say what {code} is: --level 2 for a test milestone, or --in L2-CODE "
                "for a Level-3 milestone under one"
            )
        level = 3
    if level not in (2, 3):
        raise InvalidInput(f"level {level} is not a milestone level; use 2 or 3")
    if level == 2 and releases:
        raise InvalidInput("a Level-2 milestone is not inside another; drop --in or use --level 3")

    def decide(head: PlanState) -> Draft:
        require_role(head, _actor(head, signer, actor), "editor", "define milestones")
        state, rfc_id = _change_control(
            head, rfc, required=_needs_rfc(head), doing=f"defining {code}"
        )
        if (existing := state.resolve(code)) is not None:
            found = state.milestones[existing]
            raise Refused(
                f"{code} is already in the plan ({found.title!r}, due {found.forecast}); "
                "use retitle, move or link to change it"
            )
        linked = []
        for release in releases:
            parent = _in_plan(state, check_code(release, what="Level-2 code"))
            if parent.level != 2:
                raise InvalidInput(
                    f"{parent.code} is a Level-{parent.level} milestone; --in takes Level-2 codes"
                )
            if parent.code not in linked:
                linked.append(parent.code)
        fact = MilestoneDefined(
            code=code,
            level=2 if level == 2 else 3,
            title=title,
            baseline=due_date,
            forecast=due_date,
            releases=tuple(linked),
        )
        return Draft(fact, subject=code, rfc=rfc_id)

    return ledger.append(signer=signer, actor=actor, decide=decide, idem=idem)


def retitle_milestone(
    *,
    ledger: Ledger,
    signer: Signer,
    code: str,
    title: str,
    rfc: str | None = None,
    actor: str | None = None,
    idem: str | None = None,
) -> list[Recorded]:
    """Change a milestone's title."""
    title = check_text(title, what="title", limit=MAX_TITLE)

    def decide(head: PlanState) -> Draft:
        require_role(head, _actor(head, signer, actor), "editor", "retitle milestones")
        state, rfc_id = _change_control(
            head, rfc, required=_needs_rfc(head), doing=f"retitling {code.strip()}"
        )
        milestone = _in_plan(state, code)
        if milestone.title == title:
            raise Refused(f"{milestone.code} already has that title; nothing to change")
        return Draft(MilestoneRetitled(code=milestone.code, title=title), milestone.code, rfc_id)

    return ledger.append(signer=signer, actor=actor, decide=decide, idem=idem)


def link_milestone(
    *,
    ledger: Ledger,
    signer: Signer,
    code: str,
    release: str,
    unlink: bool = False,
    rfc: str | None = None,
    actor: str | None = None,
    idem: str | None = None,
) -> list[Recorded]:
    """Put a Level-3 milestone under a Level-2 one (or, with `unlink`, take it out)."""
    verb = "unlink" if unlink else "link"

    def decide(head: PlanState) -> Draft:
        require_role(head, _actor(head, signer, actor), "editor", f"{verb} milestones")
        state, rfc_id = _change_control(
            head, rfc, required=_needs_rfc(head), doing=f"{verb}ing {code.strip()}"
        )
        milestone = _in_plan(state, code)
        parent = _in_plan(state, release)
        if milestone.level != 3 or parent.level != 2:
            raise InvalidInput(
                f"{verb} takes a Level-3 code then a Level-2 code; {milestone.code} is "
                f"Level {milestone.level} and {parent.code} is Level {parent.level}"
            )
        linked = parent.code in milestone.releases
        if unlink and not linked:
            raise Refused(f"{milestone.code} is not under {parent.code}; nothing to unlink")
        if not unlink and linked:
            raise Refused(f"{milestone.code} is already under {parent.code}")
        fact_type = MilestoneUnlinked if unlink else MilestoneLinked
        return Draft(fact_type(code=milestone.code, release=parent.code), milestone.code, rfc_id)

    return ledger.append(signer=signer, actor=actor, decide=decide, idem=idem)


def move_milestone(
    *,
    ledger: Ledger,
    signer: Signer,
    code: str,
    to: date | str,
    baseline: bool = False,
    rfc: str | None = None,
    reason: str | None = None,
    actor: str | None = None,
    idem: str | None = None,
) -> list[Recorded]:
    """Move a milestone's forecast date, or with `baseline` its approved date (needs an RFC)."""
    target = _as_date(to, what="new date")
    assert target is not None
    reason = check_text(reason, what="reason", limit=MAX_REASON) if reason else None
    which = "baseline" if baseline else "forecast"

    def decide(head: PlanState) -> Draft:
        require_role(head, _actor(head, signer, actor), "editor", "move milestones")
        state, rfc_id = _change_control(
            head, rfc, required=baseline, doing=f"moving the baseline of {code.strip()}"
        )
        milestone = _in_plan(state, code)
        if milestone.completed is not None:
            raise Refused(
                f"{milestone.code} was completed on {milestone.completed}; reopen it before "
                "moving its dates"
            )
        current = milestone.baseline if baseline else milestone.forecast
        if current == target.isoformat():
            raise Refused(f"the {which} of {milestone.code} is already {current}; nothing to move")
        fact_type = BaselineMoved if baseline else ForecastMoved
        fact = fact_type.model_validate(
            {"code": milestone.code, "from": current, "to": target, "reason": reason}
        )
        return Draft(fact, milestone.code, rfc_id)

    return ledger.append(signer=signer, actor=actor, decide=decide, idem=idem)


def complete_milestone(
    *,
    ledger: Ledger,
    signer: Signer,
    code: str,
    on: date | str | None = None,
    actor: str | None = None,
    idem: str | None = None,
) -> list[Recorded]:
    """Mark a milestone done, on `on` (default: today, UTC)."""
    day = _as_date(on, what="completion date") or ledger.clock().date()
    if day > ledger.clock().date():
        raise InvalidInput(
            f"completion date {day} is in the future; give the day the work was done"
        )

    def decide(head: PlanState) -> Draft:
        require_role(head, _actor(head, signer, actor), "editor", "complete milestones")
        milestone = _in_plan(head, code)
        if milestone.completed is not None:
            raise Refused(
                f"{milestone.code} is already completed: on {milestone.completed}, recorded by "
                f"{milestone.completed_by} (event #{milestone.completed_seq}); reopen it first "
                "to record another date"
            )
        return Draft(MilestoneCompleted(code=milestone.code, on=day), milestone.code)

    return ledger.append(signer=signer, actor=actor, decide=decide, idem=idem)


def reopen_milestone(
    *,
    ledger: Ledger,
    signer: Signer,
    code: str,
    reason: str,
    actor: str | None = None,
    idem: str | None = None,
) -> list[Recorded]:
    """Mark a completed milestone as not done after all."""
    reason = check_text(reason, what="reason", limit=MAX_REASON)

    def decide(head: PlanState) -> Draft:
        require_role(head, _actor(head, signer, actor), "editor", "reopen milestones")
        milestone = _in_plan(head, code)
        if milestone.completed is None:
            raise Refused(f"{milestone.code} is not completed, so there is nothing to reopen")
        return Draft(MilestoneReopened(code=milestone.code, reason=reason), milestone.code)

    return ledger.append(signer=signer, actor=actor, decide=decide, idem=idem)


def withdraw_milestone(
    *,
    ledger: Ledger,
    signer: Signer,
    code: str,
    reason: str,
    rfc: str | None = None,
    actor: str | None = None,
    idem: str | None = None,
) -> list[Recorded]:
    """Take a milestone out of the plan (it stays in the log and its history)."""
    reason = check_text(reason, what="reason", limit=MAX_REASON)

    def decide(head: PlanState) -> Draft:
        require_role(head, _actor(head, signer, actor), "editor", "withdraw milestones")
        state, rfc_id = _change_control(
            head, rfc, required=_needs_rfc(head), doing=f"withdrawing {code.strip()}"
        )
        milestone = _in_plan(state, code)
        return Draft(MilestoneWithdrawn(code=milestone.code, reason=reason), milestone.code, rfc_id)

    return ledger.append(signer=signer, actor=actor, decide=decide, idem=idem)


def rename_milestone(
    *,
    ledger: Ledger,
    signer: Signer,
    code: str,
    new_code: str,
    rfc: str | None = None,
    actor: str | None = None,
    idem: str | None = None,
) -> list[Recorded]:
    """Give a milestone a new code; the old one stays as an alias."""
    new_code = check_code(new_code, what="new code")

    def decide(head: PlanState) -> Draft:
        require_role(head, _actor(head, signer, actor), "editor", "rename milestones")
        state, rfc_id = _change_control(
            head, rfc, required=_needs_rfc(head), doing=f"renaming {code.strip()}"
        )
        milestone = _in_plan(state, code)
        if milestone.code == new_code:
            raise Refused(f"{milestone.code} already has that code")
        if (taken := state.resolve(new_code)) is not None and taken != milestone.code:
            raise Refused(f"{new_code} is already used by {taken}; choose another code")
        fact = MilestoneRenamed(code=milestone.code, new_code=new_code)
        return Draft(fact, milestone.code, rfc_id)

    return ledger.append(signer=signer, actor=actor, decide=decide, idem=idem)


# --- change control -------------------------------------------------------------------------


def open_rfc(
    *,
    ledger: Ledger,
    signer: Signer,
    rfc: str,
    title: str,
    actor: str | None = None,
    idem: str | None = None,
) -> list[Recorded]:
    """Open an RFC, under which changes can then be proposed."""
    rfc_id = check_rfc_id(rfc)
    title = check_text(title, what="RFC title", limit=MAX_TITLE)

    def decide(head: PlanState) -> Draft:
        require_role(head, _actor(head, signer, actor), "approver", "open RFCs")
        if (found := head.rfcs.get(rfc_id)) is not None:
            raise Refused(f"{rfc_id} already exists ({found.state}): {found.title!r}")
        return Draft(RfcOpened(id=rfc_id, title=title), rfc_id)

    return ledger.append(signer=signer, actor=actor, decide=decide, idem=idem)


def require_open_rfc(head: PlanState, rfc_id: str, verb: str) -> None:
    """Refuse unless `rfc_id` is an open RFC (so it can be approved or rejected)."""
    found = head.rfcs.get(rfc_id)
    if found is None:
        raise NotFound(f"{rfc_id} is not in this ledger; `milestone rfc list` shows the RFCs")
    if found.state != "open":
        raise Refused(
            f"{rfc_id} was already {found.state} on {found.decided_on} by {found.decided_by}; "
            f"only an open RFC can be {verb}"
        )


def approve_rfc(
    *,
    ledger: Ledger,
    signer: Signer,
    rfc: str,
    version: str | None = None,
    on: date | str | None = None,
    actor: str | None = None,
    idem: str | None = None,
    expect_head: int | None = None,
) -> list[Recorded]:
    """Approve an open RFC: every change proposed under it takes effect now."""
    rfc_id = check_rfc_id(rfc)
    label = version.strip().removeprefix("v").removeprefix("V") if version else None
    if label is not None and not _VERSION.match(label):
        raise InvalidInput(f"version label {version!r} is not valid; use numbers such as 1.5")
    day = _as_date(on, what="approval date") or ledger.clock().date()

    def decide(head: PlanState) -> Draft:
        require_role(head, _actor(head, signer, actor), "approver", "approve RFCs")
        require_open_rfc(head, rfc_id, "approved")
        if label is not None:
            for other in head.rfcs.values():
                if other.version == label:
                    raise Refused(f"version {label} was already given to {other.id}")
        return Draft(RfcApproved(id=rfc_id, on=day, version=label), rfc_id)

    return ledger.append(
        signer=signer, actor=actor, decide=decide, idem=idem, expect_head=expect_head
    )


def reject_rfc(
    *,
    ledger: Ledger,
    signer: Signer,
    rfc: str,
    reason: str | None = None,
    actor: str | None = None,
    idem: str | None = None,
) -> list[Recorded]:
    """Reject an open RFC: its proposed changes never take effect."""
    rfc_id = check_rfc_id(rfc)
    reason = check_text(reason, what="reason", limit=MAX_REASON) if reason else None
    day = ledger.clock().date()

    def decide(head: PlanState) -> Draft:
        require_role(head, _actor(head, signer, actor), "approver", "reject RFCs")
        require_open_rfc(head, rfc_id, "rejected")
        return Draft(RfcRejected(id=rfc_id, on=day, reason=reason), rfc_id)

    return ledger.append(signer=signer, actor=actor, decide=decide, idem=idem)


# --- keys and roles -------------------------------------------------------------------------


def add_key(
    *,
    ledger: Ledger,
    signer: Signer,
    actor_name: str,
    public_raw: bytes,
    delegate_for: str | None = None,
    actor: str | None = None,
    idem: str | None = None,
) -> list[Recorded]:
    """Register a public key for an actor (admin only).

    With `delegate_for` (e.g. ``slack:``) the key may also sign for any actor
    whose name starts with it: the Slack bot's key signs for Slack users.
    """
    name = check_actor(actor_name)
    if len(public_raw) != 32:
        raise InvalidInput("an Ed25519 public key is 32 bytes")
    key_id = key_id_of(public_raw)

    def decide(head: PlanState) -> Draft:
        require_role(head, _actor(head, signer, actor), "admin", "register keys")
        if (found := head.keys.get(key_id)) is not None:
            raise Refused(f"key {key_id} is already registered, for {found.actor}")
        fact = KeyRegistered(
            key_id=key_id, public_key=public_raw.hex(), actor=name, delegate_for=delegate_for
        )
        return Draft(fact, key_id)

    return ledger.append(signer=signer, actor=actor, decide=decide, idem=idem)


def revoke_key(
    *,
    ledger: Ledger,
    signer: Signer,
    key_id: str,
    reason: str,
    actor: str | None = None,
    idem: str | None = None,
) -> list[Recorded]:
    """Revoke a key: nothing it signs after this event verifies (admin only)."""
    reason = check_text(reason, what="reason", limit=MAX_REASON)
    key_id = key_id.strip().lower()

    def decide(head: PlanState) -> Draft:
        require_role(head, _actor(head, signer, actor), "admin", "revoke keys")
        found = head.keys.get(key_id)
        if found is None:
            raise NotFound(f"no key {key_id} in this ledger; `milestone key list` shows keys")
        if found.revoked_seq is not None:
            raise Refused(f"key {key_id} was already revoked at event #{found.revoked_seq}")
        return Draft(KeyRevoked(key_id=key_id, reason=reason), key_id)

    return ledger.append(signer=signer, actor=actor, decide=decide, idem=idem)


def grant_role(
    *,
    ledger: Ledger,
    signer: Signer,
    actor_name: str,
    role: str,
    revoke: bool = False,
    actor: str | None = None,
    idem: str | None = None,
) -> list[Recorded]:
    """Grant a role to an actor (or, with `revoke`, take it away). Admin only."""
    name = check_actor(actor_name)
    role = check_role(role)

    def decide(head: PlanState) -> Draft:
        require_role(head, _actor(head, signer, actor), "admin", "change roles")
        holds = head.has_role(name, role)
        if revoke and not holds:
            raise Refused(f"{name} does not hold the {role} role; nothing to take away")
        if not revoke and holds:
            raise Refused(f"{name} already holds the {role} role")
        fact = (RoleRevoked if revoke else RoleGranted)(actor=name, role=role)  # type: ignore[arg-type]
        return Draft(fact, name)

    return ledger.append(signer=signer, actor=actor, decide=decide, idem=idem)


def _actor(state: PlanState, signer: Signer, actor: str | None) -> str:
    """The actor a command acts as (authorisation has been checked by the ledger)."""
    return actor if actor is not None else state.keys[signer.key_id].actor
