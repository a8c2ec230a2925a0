"""The results of changes: what a command recorded, and what an import recorded (or would).

Like every result (`ledger.results`), each is rendered by its type.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ledger.frozen import frozen_type
from ledger.results import Result

if TYPE_CHECKING:
    from ledger.state import Recorded


@frozen_type
class RecordedResult(Result):
    """What a change recorded, with each RFC's state just after (to say what is in effect)."""

    events: list[Recorded]
    rfc_states: dict[str, str]

    @property
    def content(self) -> list[Recorded]:
        """The events recorded."""
        return self.events


#: Counts an import keeps in its `revision.imported` fact, by the event type each one counts.
IMPORT_COUNTS = {
    "milestone.defined": "defined",
    "milestone.renamed": "renamed",
    "milestone.retitled": "retitled",
    "milestone.linked": "linked",
    "milestone.unlinked": "unlinked",
    "milestone.withdrawn": "withdrawn",
    "milestone.reinstated": "reinstated",
    "milestone.baseline_moved": "baseline_moved",
    "milestone.forecast_moved": "forecast_moved",
    "milestone.completed": "completed",
    "milestone.reopened": "reopened",
    "milestone.depends": "depends",
    "milestone.independent": "independent",
    "rfc.opened": "rfcs_opened",
    "rfc.approved": "rfcs_approved",
}


@dataclass(frozen=True, slots=True)
class PlannedEvent:
    """An event a dry run would append: its type, subject, when it would take effect, under
    which RFC, and what it says."""

    type: str
    subject: str
    effective: str
    rfc: str | None
    summary: str


@frozen_type
class ImportResult(Result):
    """What an import did: the events it appended (none when there was nothing to do), or
    with `dry_run` the events it would append (`planned`).

    `label` names the source for people ("LDM-564 of 2019-05-20", "P6 export of
    2019-04-30"). `restored_at` is the instant at which the import restored the plan that
    later changes were made on, when the ledger held any (see `ledger.import_plan`).
    """

    source: str
    label: str
    document_date: str
    effective: str
    sha256: str
    rfc: str | None
    events: list[Recorded]
    counts: dict[str, int]
    already_imported: bool = False
    dry_run: bool = False
    planned: list[PlannedEvent] = field(default_factory=list)
    restored_at: str | None = None
    notes: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def content(self) -> ImportResult:
        """The whole result."""
        return self

    def summary(self) -> str:
        """A few lines for a person: what was appended (or would be), or why nothing was."""
        head = f"{self.source} ({self.label})"
        if self.already_imported:
            first = f" as event #{self.events[0].seq}" if self.events else ""
            return f"{head} was already imported{first}; nothing appended."
        if not self.events and not self.planned:
            return f"{head}: the ledger's plan already matches it; nothing appended."
        kinds = ", ".join(
            f"{name.replace('_', ' ')} {self.counts[name]}"
            for name in IMPORT_COUNTS.values()
            if self.counts.get(name)
        )
        under = f" under {self.rfc}" if self.rfc else " (no RFC)"
        if self.dry_run:
            first = f"dry run: importing {head} would append {len(self.planned)} events"
        else:
            first = f"imported {head} as events #{self.events[0].seq}-#{self.events[-1].seq}"
        lines = [f"{first}, effective {self.effective[:10]}{under}", f"  {kinds}"]
        if self.restored_at is not None:
            lines.append(
                f"  later changes were already recorded: {self.counts.get('restoring', 0)} "
                f"events restore the plan they were made on, just before them, at "
                f"{self.restored_at}"
            )
        lines += [f"  warning: {warning}" for warning in self.warnings]
        lines += [f"  note: {note}" for note in self.notes]
        if self.dry_run:
            lines += [
                f"  would record ({p.effective[:10]}{', ' + p.rfc if p.rfc else ''}): {p.summary}"
                for p in self.planned
            ]
            lines.append("nothing appended (dry run)")
        return "\n".join(lines)
