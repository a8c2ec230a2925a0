"""The RFCs a document's change record names: which one governs its changes, and approvals.

- The RFC named by the change record's newest row governs the revision, and only that one:
  its milestone changes are recorded under it and its approval comes after them, at the
  revision's date, so `--as-of RFC-781` is exactly the revision's plan. A newest row that
  names no RFC, or a draft's undated `TBD` row, means no RFC: the changes are the
  revision's own and are not pinned on an older RFC. An RFC the ledger already approved
  governs nothing new (it approved an earlier revision).
- Every other RFC a dated row names, and the ledger has not approved, is opened and
  approved at the end of that row's date (never later than the revision's), with no
  changes of its own: we do not hold the revision it approved, so `--as-of RFC-501` is the
  plan as it stood when RFC-501 was approved.
- A version label is never given to two RFCs. Rows that name no RFC become no approval
  and are kept only in the `revision.imported` fact.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from events.catalogue import RfcApproved, RfcOpened
from ledger.append import Draft
from ledger.asof import parse_instant_text
from ledger.checks import MAX_TITLE, check_text
from ledger.errors import Refused
from ledger.fold import with_proposals
from ledger.ldm564 import ChangeRecordEntry
from ledger.state import PlanState


@dataclass
class Approvals:
    """The RFC events of an import, and the plan its milestone changes are computed on."""

    base: PlanState
    governing: str | None
    #: Openings and approvals of the other RFCs, each at its own row's date.
    earlier: list[Draft] = field(default_factory=list)
    #: The governing RFC's opening (before the changes) and approval (after them).
    opening: Draft | None = None
    approval: Draft | None = None
    notes: list[str] = field(default_factory=list)


def approvals(
    head: PlanState, base: PlanState, rows: Sequence[ChangeRecordEntry], *, effective: str
) -> Approvals:
    """Open and approve the RFCs a change record names that the ledger has not approved.

    `head` tells which RFCs the ledger knows; `base` is the plan the import's changes are
    computed on (the plan as of the revision's date), returned with the proposals of
    the open RFCs it approves applied. Raises `Refused` when the record says an RFC approved
    a version that the ledger records rejected.
    """
    newest = rows[-1] if rows else None
    governing = newest.rfc if newest is not None and not newest.draft else None
    known = head.rfcs.get(governing) if governing is not None else None
    if known is not None and known.state == "approved":
        # It approved an earlier revision; this one's changes are not made under it.
        governing = None
    result = Approvals(base=base, governing=governing)
    taken = {r.version: r.id for r in head.rfcs.values() if r.version}
    first_rows: dict[str, ChangeRecordEntry] = {}
    for row in rows:
        if row.rfc is not None and not row.draft:
            first_rows.setdefault(row.rfc, row)
    for rfc_id, first in first_rows.items():
        row = newest if rfc_id == governing and newest is not None else first
        assert row.on is not None  # draft rows were left out above
        found = head.rfcs.get(rfc_id)
        if found is not None and found.state == "rejected":
            raise Refused(
                f"{rfc_id} approved this revision on {row.on}"
                + (f" as version {row.version}" if row.version else "")
                + f", but this ledger records it rejected on {found.decided_on}"
            )
        if found is not None and found.state == "approved":
            continue
        # The governing RFC is approved with the revision; another on its own row's day.
        when = effective if rfc_id == governing else min(effective, _end_of(row))
        opening = None
        if found is None:
            title = check_text(
                row.description or f"version {row.version}", what="RFC title", limit=MAX_TITLE
            )
            opening = Draft(RfcOpened(id=rfc_id, title=title), rfc_id, None, when)
        else:
            # Its proposals take effect at the approval below, by the revision's date:
            # diff against that plan.
            result.base = with_proposals(result.base, rfc_id)
        label = row.version
        if label is not None and label in taken:
            result.notes.append(
                f"version {label} already belongs to {taken[label]}, so {rfc_id} is approved "
                "without a version label"
            )
            label = None
        if label is not None:
            taken[label] = rfc_id
        approval = Draft(RfcApproved(id=rfc_id, on=row.on, version=label), rfc_id, None, when)
        if rfc_id == governing:
            result.opening, result.approval = opening, approval
        else:
            result.earlier += [opening, approval] if opening is not None else [approval]
    return result


def _end_of(row: ChangeRecordEntry) -> str:
    assert row.on is not None
    return parse_instant_text(row.on.isoformat())
