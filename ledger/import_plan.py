"""Importing a revision of the plan, from any source, at its own date, in any order.

A `PlanSource` is what an LDM-564 document (`ledger.importer`) or a P6 export
(`ledger.importer_p6`) states: its targets, its date, its change record or RFC. One
atomic append records the events that turn the plan as of that date into the source's,
and a closing `revision.imported` fact.

Time. Every change is effective at the end of the source's date D (the instant `--as-of
D` reads up to) and recorded now. The changes are computed against the plan as of D, not
the head, so a revision may arrive after later ones. When the ledger already holds plan
changes effective after D, they were decided on a plan without this revision: so the same
append also records restoring events, effective one microsecond before the first of those
later changes, that turn the plan back into exactly what it was there before this import.
Every later change then folds onto the plan it was made on, so the plans as of later dates
are unchanged; the plan between D and the next change is this revision's; and a view
`--known-at` a time before this import, which leaves out everything recorded since, shows
the ledger as it was. A restore lands *before* the next change rather than after it, so
that a point such as `--as-of RFC-781` (just after an approval that is itself a later
change) never shows a mixture of the two revisions. The restoring events are ordinary
facts (withdrawals, reinstatements, moves, retitles), decided by the same diff as the
import's own changes and shown as such by `history`.

Idempotence. The source's SHA-256 is the append's idempotency key, and a source whose plan
the ledger already holds as of its date appends nothing. A dry run computes the same
events against the head and appends none.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Literal, Required, TypedDict

from events.catalogue import ChangeRecordRow, RevisionImported, fact_data
from ledger.append import Draft
from ledger.asof import parse_instant_text
from ledger.change_results import IMPORT_COUNTS, ImportResult, PlannedEvent
from ledger.describe import describe_fact
from ledger.errors import InvalidInput, Refused
from ledger.execute import append
from ledger.import_changes import plan_changes
from ledger.import_restore import restoring
from ledger.import_rfcs import approvals
from ledger.import_targets import TargetPlan
from ledger.ldm564 import ChangeRecordEntry
from ledger.ledger import Ledger
from ledger.requests import Needs
from ledger.signing import Signer
from ledger.state import PlanState
from ledger.timeline import holds_events_after, next_change, plan_at

Progress = Callable[[str], None]


class ImportOptions(TypedDict, total=False):
    """How an import runs, whatever its source: the keyword arguments of `import_plan` that
    the importer of each source (`ledger.importer`, `ledger.importer_p6`) passes through.

    Declared once so that an option added to `import_plan` reaches every importer, and
    every front end that calls one, without each restating the list.
    """

    ledger: Required[Ledger]
    signer: Required[Signer | None]
    on: date | None
    actor: str | None
    progress: Progress | None
    dry_run: bool


@dataclass(frozen=True)
class PlanSource:
    """What one source states, ready to import.

    `label` names it for people ("LDM-564 of 2019-05-20"); `day` is the date it describes;
    `rfc` is the RFC that approved the source's changes when the source itself has no
    change record to say so (`--rfc` of a P6 export); `counts` are what was read
    (releases, Level-3 milestones, entries).
    """

    kind: Literal["ldm564", "p6"]
    source: str
    label: str
    day: date
    sha256: str
    targets: TargetPlan
    needs: Needs
    counts: dict[str, int]
    change_record: tuple[ChangeRecordEntry, ...] = ()
    rfc: str | None = None
    notes: tuple[str, ...] = ()

    @property
    def idem(self) -> str:
        """The idempotency key of its import."""
        return f"{self.kind}:{self.sha256}"


def digest(data: bytes) -> str:
    """The SHA-256 of a source's bytes, hex."""
    return hashlib.sha256(data).hexdigest()


@dataclass
class _Outcome:
    """What the decision found, kept for the result (it runs under the write lock)."""

    decided: bool = False
    rfc: str | None = None
    counts: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    restored_at: str | None = None


def import_plan(
    *,
    ledger: Ledger,
    signer: Signer | None,
    plan: PlanSource,
    on: date | None = None,
    actor: str | None = None,
    progress: Progress | None = None,
    dry_run: bool = False,
) -> ImportResult:
    """Append the events that make the plan as of the source's date equal to the source's.

    `on` overrides the source's own date. Needs the role `plan.needs` names (admin);
    `signer` may be None only for a dry run, which appends nothing. Raises `Refused` when
    the ledger cannot take the source and `InvalidInput` for a date in the future; either
    way nothing is appended.
    """
    day = on or plan.day
    if day > ledger.clock().date():
        raise InvalidInput(
            f"the import date {day} is in the future; give the day the source describes"
        )
    effective = parse_instant_text(day.isoformat())
    outcome = _Outcome()

    def decide(head: PlanState) -> list[Draft]:
        outcome.decided = True
        try:
            drafts = _drafts(ledger, head, plan, effective, outcome)
        except Refused as error:
            raise Refused(f"{plan.source}: {error}") from None
        if drafts and progress is not None:
            progress(f"{'planning' if dry_run else 'appending'} {len(drafts)} events...")
        return drafts

    if dry_run:
        ledger.refresh()
        already = ledger.store.by_idem(plan.idem)
        drafts = [] if already is not None else decide(ledger.state())
        events = [] if already is None else ledger.events([already])
        outcome.decided = already is None
    else:
        if signer is None:
            raise TypeError("an import that appends needs a signer")
        events = append(
            plan.needs, decide, ledger=ledger, signer=signer, actor=actor, idem=plan.idem
        )
        drafts = []
    return ImportResult(
        source=plan.source,
        label=plan.label,
        document_date=plan.day.isoformat(),
        effective=effective,
        sha256=plan.sha256,
        rfc=outcome.rfc,
        events=events,
        counts=outcome.counts,
        already_imported=not outcome.decided,
        dry_run=dry_run,
        planned=[_planned(d) for d in drafts],
        restored_at=outcome.restored_at,
        notes=outcome.notes + list(plan.notes),
        warnings=list(plan.targets.warnings),
    )


def _drafts(
    ledger: Ledger, head: PlanState, plan: PlanSource, effective: str, outcome: _Outcome
) -> list[Draft]:
    """Everything the import records: RFC events, changes, restores, the closing fact."""
    later_exists = holds_events_after(ledger, effective)
    # In order (nothing after D), the plan as of D is the head: no fold needed.
    as_of = plan_at(ledger, effective) if later_exists else head
    document = f"{plan.source} ({plan.label})"
    rows = plan.change_record
    if plan.rfc is not None:
        # An RFC named for a source with no change record (`--rfc`) is read as that record's
        # newest row: the RFC that approved this revision, on its date.
        day = date.fromisoformat(effective[:10])
        rows = (ChangeRecordEntry(None, day, plan.label, "", plan.rfc),)
    rfcs = approvals(head, as_of, rows, effective=effective)
    base, rfc, notes = rfcs.base, rfcs.governing, rfcs.notes
    if plan.rfc is not None and rfc is None:
        rfc = _approved_by(head, as_of, plan.rfc, effective)
    before = rfcs.earlier + ([rfcs.opening] if rfcs.opening else [])
    after = [rfcs.approval] if rfcs.approval else []
    changes = plan_changes(
        base, plan.targets.milestones, rfc=rfc, effective=effective, document=document
    )
    drafts = before + changes + after
    if not drafts:
        return []
    counts = Counter(IMPORT_COUNTS[d.fact.type] for d in drafts)
    restores: list[Draft] = []
    if later_exists and changes:
        later = next_change(ledger, after=effective, state=as_of.copy())
        if later is not None:
            restores = restoring(
                base, as_of, drafts, later, rfc=rfc, effective=effective, source=plan.source
            )
            if restores:
                outcome.restored_at = restores[0].effective
            drafts += restores
    outcome.rfc, outcome.notes = rfc, notes
    # The source's own changes by kind; the restoring events (not the source's) in one count.
    outcome.counts = {
        **plan.counts,
        **{name: counts.get(name, 0) for name in IMPORT_COUNTS.values()},
        "restoring": len(restores),
        "events": len(drafts) + 1,
    }
    closing = RevisionImported(
        source=plan.source,
        document_date=plan.day,
        sha256=plan.sha256,
        counts=outcome.counts,
        change_record=tuple(_row(r) for r in plan.change_record),
        kind=plan.kind,
        warnings=plan.targets.warnings + plan.notes,
    )
    return [*drafts, Draft(closing, subject=plan.source[:200], effective=effective)]


def _approved_by(head: PlanState, as_of: PlanState, rfc_id: str, effective: str) -> str:
    """An RFC named for a source that the ledger approved already: its changes are made
    under it, at once, if it was approved by the source's date; refused if only later."""
    found = as_of.rfcs.get(rfc_id)
    if found is not None and found.state == "approved":
        return rfc_id
    later = head.rfcs[rfc_id]
    raise Refused(
        f"{rfc_id} was approved on {later.decided_on}, after {effective[:10]}, so changes "
        f"under it could not take effect by {effective[:10]}; name an RFC approved by then, "
        "or a new RFC id (the import then records its approval on that date)"
    )


def _planned(draft: Draft) -> PlannedEvent:
    data = fact_data(draft.fact)
    return PlannedEvent(
        type=draft.fact.type,
        subject=draft.subject,
        effective=draft.effective or "",
        rfc=draft.rfc,
        summary=describe_fact(draft.fact.type, data),
    )


def _row(entry: ChangeRecordEntry) -> ChangeRecordRow:
    return ChangeRecordRow(
        version=entry.version,
        date=entry.on,
        description=entry.description,
        owner=entry.owner,
        rfc=entry.rfc,
    )
