"""Results: what `ledger.handle` answers, one class per kind of answer.

Front ends render a result by its type (`functools.singledispatch`), so none
of them needs to know which command asked. Each result wraps the value a
query returned; `content` is that value, which `--json` prints as it is.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ledger.frozen import Frozen, frozen_type

if TYPE_CHECKING:
    from ledger.audit import Entry
    from ledger.check import Oddity
    from ledger.diff import PlanDiff
    from ledger.queries import MilestoneDetail, MilestoneRow, Plan
    from ledger.rfcs import RfcSummary
    from ledger.state import KeyInfo
    from ledger.verify import Report
    from ledger.verify_tree import TreeReport


#: The exit status of `check --strict` when it finds an oddity (the library's errors use 1-10).
ODDITIES_FOUND = 11


@frozen_type
class Result(Frozen):
    """An answer of the ledger."""

    @property
    def content(self) -> Any:
        """The answer as data (what `--json` prints)."""
        raise NotImplementedError

    @property
    def exit_code(self) -> int:
        """The exit status a command line ends with after showing it."""
        return 0


@frozen_type
class PlanResult(Result):
    """The plan at one point, and the form it was asked for in."""

    plan: Plan
    format: str = "table"

    @property
    def content(self) -> Plan:
        """The plan."""
        return self.plan


@frozen_type
class MilestoneResult(Result):
    """One milestone in full."""

    detail: MilestoneDetail

    @property
    def content(self) -> MilestoneDetail:
        """The milestone."""
        return self.detail


@frozen_type
class HistoryResult(Result):
    """The audit trail of one milestone."""

    code: str
    entries: list[Entry]

    @property
    def content(self) -> list[Entry]:
        """Its events, oldest first."""
        return self.entries


@frozen_type
class LogResult(Result):
    """Events of the log."""

    entries: list[Entry]

    @property
    def content(self) -> list[Entry]:
        """The events, oldest first."""
        return self.entries


@frozen_type
class DiffResult(Result):
    """What changed between two points."""

    diff: PlanDiff

    @property
    def content(self) -> PlanDiff:
        """The changes."""
        return self.diff


@frozen_type
class LateResult(Result):
    """Milestones past their forecast and not done, as of `as_of` (judged on `today`)."""

    rows: list[MilestoneRow]
    as_of: str = "now"
    today: str = ""

    @property
    def content(self) -> list[MilestoneRow]:
        """The milestones."""
        return self.rows


@frozen_type
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


@frozen_type
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


@frozen_type
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


@frozen_type
class RfcResult(Result):
    """One RFC and the changes proposed under it."""

    rfc: RfcSummary

    @property
    def content(self) -> RfcSummary:
        """The RFC."""
        return self.rfc


@frozen_type
class RfcListResult(Result):
    """Every RFC."""

    rfcs: list[RfcSummary]

    @property
    def content(self) -> list[RfcSummary]:
        """The RFCs."""
        return self.rfcs


@frozen_type
class KeyListResult(Result):
    """The registered keys."""

    keys: list[KeyInfo]

    @property
    def content(self) -> list[KeyInfo]:
        """The keys."""
        return self.keys


@frozen_type
class ApprovalPreviewResult(Result):
    """What approving an open RFC would make take effect, as of the head `head`."""

    rfc: RfcSummary
    version: str | None
    head: int

    @property
    def content(self) -> RfcSummary:
        """The RFC and its proposals."""
        return self.rfc
