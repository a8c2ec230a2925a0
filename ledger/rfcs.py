"""Read-side queries of change control: the RFCs, and one RFC with what was proposed
under it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ledger.audit import Entry, entries
from ledger.checks import check_rfc_id
from ledger.errors import NotFound
from ledger.ledger import Ledger

if TYPE_CHECKING:
    from ledger.proving import CheckpointInfo


@dataclass(frozen=True)
class RfcSummary:
    """An RFC and what was proposed under it."""

    id: str
    title: str
    state: str
    opened_by: str
    decided_on: str | None
    decided_by: str | None
    version: str | None
    changes: list[Entry] = field(default_factory=list)
    #: The checkpoint signed at its approval: the log up to and including the approval.
    checkpoint: CheckpointInfo | None = None


def rfc_list(ledger: Ledger) -> list[RfcSummary]:
    """Every RFC, in the order they were opened."""
    state = ledger.state()
    return [
        RfcSummary(r.id, r.title, r.state, r.opened_by, r.decided_on, r.decided_by, r.version)
        for r in sorted(state.rfcs.values(), key=lambda r: r.opened_seq)
    ]


def rfc_show(ledger: Ledger, rfc: str) -> RfcSummary:
    """One RFC with every change proposed under it and whether it took effect."""
    rfc_id = check_rfc_id(rfc)
    state = ledger.state()
    found = state.rfcs.get(rfc_id)
    if found is None:
        raise NotFound(f"{rfc_id} is not in this ledger; `milestone rfc list` shows the RFCs")
    changes = entries(ledger, [row for row in ledger.store.select(rfc=rfc_id) if row.rfc == rfc_id])
    checkpoint = None
    if found.state == "approved":
        from ledger.proving import at_approval

        checkpoint = at_approval(ledger, rfc_id)
    return RfcSummary(
        found.id,
        found.title,
        found.state,
        found.opened_by,
        found.decided_on,
        found.decided_by,
        found.version,
        changes,
        checkpoint,
    )
