"""Results: what `ledger.handle` answers, one class per kind of answer.

Front ends render a result by its type (`functools.singledispatch`), so none
of them needs to know which command asked. Each result wraps the value a
query returned; `content` is that value, which `--json` prints as it is.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ledger.audit import Entry
    from ledger.check import Oddity
    from ledger.diff import PlanDiff
    from ledger.queries import MilestoneDetail, MilestoneRow, Plan
    from ledger.rfcs import RfcSummary
    from ledger.state import KeyInfo, Recorded
    from ledger.verify import Report
    from ledger.verify_tree import TreeReport


#: The exit status of `check --strict` when it finds an oddity (the library's errors use 1-10).
ODDITIES_FOUND = 11


@dataclass(frozen=True, slots=True, kw_only=True)
class Result:
    """An answer of the ledger."""

    @property
    def content(self) -> Any:
        """The answer as data (what `--json` prints)."""
        raise NotImplementedError

    @property
    def exit_code(self) -> int:
        """The exit status a command line ends with after showing it."""
        return 0


@dataclass(frozen=True, slots=True, kw_only=True)
class PlanResult(Result):
    """The plan at one point, and the form it was asked for in."""

    plan: Plan
    format: str = "table"

    @property
    def content(self) -> Plan:
        """The plan."""
        return self.plan


@dataclass(frozen=True, slots=True, kw_only=True)
class MilestoneResult(Result):
    """One milestone in full."""

    detail: MilestoneDetail

    @property
    def content(self) -> MilestoneDetail:
        """The milestone."""
        return self.detail


@dataclass(frozen=True, slots=True, kw_only=True)
class HistoryResult(Result):
    """The audit trail of one milestone."""

    code: str
    entries: list[Entry]

    @property
    def content(self) -> list[Entry]:
        """Its events, oldest first."""
        return self.entries


@dataclass(frozen=True, slots=True, kw_only=True)
class LogResult(Result):
    """Events of the log."""

    entries: list[Entry]

    @property
    def content(self) -> list[Entry]:
        """The events, oldest first."""
        return self.entries


@dataclass(frozen=True, slots=True, kw_only=True)
class DiffResult(Result):
    """What changed between two points."""

    diff: PlanDiff

    @property
    def content(self) -> PlanDiff:
        """The changes."""
        return self.diff


@dataclass(frozen=True, slots=True, kw_only=True)
class LateResult(Result):
    """Milestones past their forecast and not done, as of `as_of` (judged on `today`)."""

    rows: list[MilestoneRow]
    as_of: str = "now"
    today: str = ""

    @property
    def content(self) -> list[MilestoneRow]:
        """The milestones."""
        return self.rows


@dataclass(frozen=True, slots=True, kw_only=True)
class UpcomingResult(Result):
    """Milestones due within the next `days` days: from `start` through `until` (ISO days)."""

    days: int
    start: str
    until: str
    rows: list[MilestoneRow]

    @property
    def content(self) -> list[MilestoneRow]:
        """The milestones."""
        return self.rows


@dataclass(frozen=True, slots=True, kw_only=True)
class CheckResult(Result):
    """Oddities found in the plan; `strict` when finding any is a failure."""

    oddities: list[Oddity]
    strict: bool = False

    @property
    def content(self) -> list[Oddity]:
        """The oddities."""
        return self.oddities

    @property
    def exit_code(self) -> int:
        """`ODDITIES_FOUND` when strict and something was found (for scripts and CI)."""
        return ODDITIES_FOUND if self.strict and self.oddities else 0


@dataclass(frozen=True, slots=True, kw_only=True)
class VerifyResult(Result):
    """The outcome of verifying the stored log."""

    report: Report
    #: What the check of the Merkle tree, checkpoints and cosignatures covered (None when
    #: the log did not hold); its findings are the report's.
    tree: TreeReport | None = None

    @property
    def content(self) -> Report:
        """The report."""
        return self.report

    @property
    def exit_code(self) -> int:
        """8 (the exit status of a broken chain) when verification failed."""
        return 0 if self.report.ok else 8


@dataclass(frozen=True, slots=True, kw_only=True)
class RfcResult(Result):
    """One RFC and the changes proposed under it."""

    rfc: RfcSummary

    @property
    def content(self) -> RfcSummary:
        """The RFC."""
        return self.rfc


@dataclass(frozen=True, slots=True, kw_only=True)
class RfcListResult(Result):
    """Every RFC."""

    rfcs: list[RfcSummary]

    @property
    def content(self) -> list[RfcSummary]:
        """The RFCs."""
        return self.rfcs


@dataclass(frozen=True, slots=True, kw_only=True)
class KeyListResult(Result):
    """The registered keys."""

    keys: list[KeyInfo]

    @property
    def content(self) -> list[KeyInfo]:
        """The keys."""
        return self.keys


@dataclass(frozen=True, slots=True, kw_only=True)
class ApprovalPreviewResult(Result):
    """What approving an open RFC would make take effect, as of the head `head`."""

    rfc: RfcSummary
    version: str | None
    head: int

    @property
    def content(self) -> RfcSummary:
        """The RFC and its proposals."""
        return self.rfc


@dataclass(frozen=True, slots=True, kw_only=True)
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


@dataclass(frozen=True, slots=True, kw_only=True)
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
