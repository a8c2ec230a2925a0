"""The events by which an import that arrives late restores the plan later changes were made on.

When a source dated D lands in a ledger that already holds changes effective after D, those
changes were decided on the plan as of D without it. `restoring` gives the events,
effective one microsecond before the first such change, that turn the plan the import
leaves back into exactly that plan: the same diff as an import's own changes
(`ledger.import_changes`), from the plan with the import folded in to the plan without it.
See `ledger.import_plan` for why they land before that change rather than after it.
"""

from __future__ import annotations

from events.catalogue import fact_data
from ledger.append import Draft
from ledger.describe import describe
from ledger.errors import Refused
from ledger.fold import fold
from ledger.import_changes import plan_changes
from ledger.import_targets import target_of
from ledger.state import PlanState, Recorded
from ledger.timeline import just_before


def restoring(
    base: PlanState,
    as_of: PlanState,
    drafts: list[Draft],
    later: Recorded,
    *,
    rfc: str | None,
    effective: str,
    source: str,
) -> list[Draft]:
    """The events that turn the plan back, just before the change `later`, into the plan
    as of D without this import (`as_of`): the plan `later` was decided on.

    `base` is the plan the import's `drafts` were computed on; `rfc` the RFC they were
    made under (approved by then), which the restoring events carry too, since a baseline
    the import moved can only move back under an RFC. Raises `Refused` when `later` is
    effective the very instant after D, leaving the source's plan no time to hold.
    """
    at = just_before(later.effective)
    if at <= effective:
        raise Refused(
            f"the ledger holds a plan change effective at {later.effective} (#{later.seq} "
            f"{describe(later)}), the very next instant: this source's plan would hold for "
            "no time at all"
        )
    imported = fold(_as_events(drafts), base.copy())
    targets = {m.code: target_of(m) for m in as_of.milestones.values() if not m.withdrawn}
    # Read in reasons as "not in the plan before #212 (X came late)", "back in ...".
    why = f"the plan before #{later.seq} ({source} came late)"
    return plan_changes(imported, targets, rfc=rfc, effective=at, document=why)


def _as_events(drafts: list[Draft]) -> list[Recorded]:
    """Drafts as unsigned events, to fold what an import would make of a plan."""
    return [
        Recorded(
            seq=index,
            id="",
            type=d.fact.type,
            subject=d.subject,
            actor="",
            key="",
            rfc=d.rfc,
            idem=None,
            recorded_at="",
            effective=d.effective or "",
            data=fact_data(d.fact),
            prev="",
            hash=b"",
        )
        for index, d in enumerate(drafts, start=1)
    ]
