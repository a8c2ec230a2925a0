"""The one append path: authorise, check role and change control, decide, append.

Every change goes through `append`: the CLI's and the bot's requests (by way of
`record`), and the import of a document revision. Under the ledger's write lock,
against the state at the head, it establishes which actor the key signs for,
checks that actor holds the role the change needs, checks the RFC the change
names (open: validate on top of its proposals; approved: at once; rejected:
refused) or that one is named when the change needs it, asks the decision for
the facts, and has `Ledger.append` seal (encode, hash, sign) and store them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import date
from importlib import import_module

from ledger.append import Draft
from ledger.ledger import Ledger
from ledger.requests import (
    AddKey,
    ApproveRfc,
    Change,
    CompleteMilestone,
    DefineMilestone,
    DependMilestone,
    GrantRole,
    LinkMilestone,
    MoveMilestone,
    Needs,
    OpenRfc,
    ReinstateMilestone,
    RejectRfc,
    RenameMilestone,
    ReopenMilestone,
    RetitleMilestone,
    RevokeKey,
    RevokeRole,
    UndependMilestone,
    UnlinkMilestone,
    WithdrawMilestone,
)
from ledger.rules import authorise, change_control, require_role, rfc_required
from ledger.signing import Signer
from ledger.state import PlanState, Recorded

#: decide(state, request, *, today) -> the facts to record
Decision = Callable[..., list[Draft]]

#: Where each change's decision is: its module in `ledger.decisions` and its name there.
#: The module is imported when a change needs it, so a milestone change builds the models
#: of milestone facts only.
DECISIONS: dict[type[Change], tuple[str, str]] = {
    DefineMilestone: ("milestones", "define"),
    MoveMilestone: ("milestones", "move"),
    CompleteMilestone: ("milestones", "complete"),
    ReopenMilestone: ("milestones", "reopen"),
    RetitleMilestone: ("milestones", "retitle"),
    LinkMilestone: ("milestones", "link"),
    UnlinkMilestone: ("milestones", "unlink"),
    WithdrawMilestone: ("milestones", "withdraw"),
    RenameMilestone: ("milestones", "rename"),
    ReinstateMilestone: ("milestones", "reinstate"),
    DependMilestone: ("milestones", "depend"),
    UndependMilestone: ("milestones", "undepend"),
    OpenRfc: ("governance", "open_rfc"),
    ApproveRfc: ("governance", "approve_rfc"),
    RejectRfc: ("governance", "reject_rfc"),
    GrantRole: ("governance", "grant_role"),
    RevokeRole: ("governance", "revoke_role"),
    AddKey: ("governance", "add_key"),
    RevokeKey: ("governance", "revoke_key"),
}


def decide(request: Change, state: PlanState, *, today: date) -> list[Draft]:
    """The facts `request` records on `state` (pure: no role or RFC check, no database)."""
    drafts: list[Draft] = _decision(request)(state, request, today=today)
    return drafts


def _decision(request: Change) -> Decision:
    where = DECISIONS.get(type(request))
    if where is None:
        raise TypeError(f"no decision for {type(request).__name__}")
    module, name = where
    decision: Decision = getattr(import_module(f"ledger.decisions.{module}"), name)
    return decision


def record(
    request: Change,
    *,
    ledger: Ledger,
    signer: Signer,
    actor: str | None = None,
    idem: str | None = None,
    expect_head: int | None = None,
) -> list[Recorded]:
    """Record a change signed by `signer` for `actor` (default: the key's own actor).

    With `idem`, a change already recorded under that key is not recorded again:
    its events are returned. With `expect_head`, the change is refused with
    `Conflict` if anything was appended after that seq. A refused change raises
    a typed error and records nothing.
    """
    _decision(request)  # an unknown request is a bug: say so before taking the write lock
    today = ledger.clock().date()
    return append(
        request.needs,
        lambda state: decide(request, state, today=today),
        rfc=request.under,
        ledger=ledger,
        signer=signer,
        actor=actor,
        idem=idem,
        expect_head=expect_head,
    )


def append(
    needs: Needs,
    decision: Callable[[PlanState], Sequence[Draft]],
    *,
    ledger: Ledger,
    signer: Signer,
    rfc: str | None = None,
    actor: str | None = None,
    idem: str | None = None,
    expect_head: int | None = None,
) -> list[Recorded]:
    """Append what `decision` returns, once `needs` (role, RFC) hold for the acting actor.

    `decision` runs under the write lock on the state at the head, or, for a
    change under an open RFC, on that state with the RFC's proposals applied;
    the facts it returns are recorded under `rfc`.
    """

    def checked(head: PlanState) -> list[Draft]:
        # `Ledger.append` has just authorised the same signer and actor (the same rule
        # function); asking again is how the role check learns the actor a key acts for.
        who = authorise(head, signer=signer, actor=actor)
        require_role(head, who, needs.role, needs.may)
        state, rfc_id = change_control(
            head, rfc, required=rfc_required(needs.rfc, head), doing=needs.doing
        )
        drafts = decision(state)
        if rfc_id is None:
            return list(drafts)
        return [replace(draft, rfc=rfc_id) for draft in drafts]

    return ledger.append(
        signer=signer, actor=actor, decide=checked, idem=idem, expect_head=expect_head
    )
