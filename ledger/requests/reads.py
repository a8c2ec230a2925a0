"""Questions: the plan, a milestone, its history, the log, diffs, late lists, checks, RFCs."""

from __future__ import annotations

from ledger.checks import check_count, check_event_type, check_rfc_id
from ledger.frozen import frozen_type
from ledger.requests.base import Read, arg, flag, opt

AS_OF_HELP = "as of a date, instant, RFC-n, vX.Y or '#seq' (default: now)"
CODE_HELP = "milestone code, e.g. DM-AP-18"
PLAN_FORMATS = ("table", "json", "csv", "md", "tex")


@frozen_type
class ShowPlan(Read):
    """Show the plan: Level-2 milestones with their Level-3 milestones."""

    WORDS = ("plan",)
    EXAMPLES = (
        "plan",
        "plan --as-of RFC-781",
        "plan --as-of 2020-06-01 --known-at 2020-07-01",
    )
    as_of: str | None = opt(AS_OF_HELP, metavar="WHEN")
    known_at: str | None = opt("only what was recorded by this date or instant", metavar="WHEN")
    format: str = opt("output format", default="table", choices=PLAN_FORMATS, cli_only=True)


@frozen_type
class ShowMilestone(Read):
    """Show one milestone: dates, status, members, pending changes."""

    WORDS = ("show",)
    EXAMPLES = (
        "show DM-AP-18",
        "show DM-AP-18 --as-of v1.5",
    )
    code: str = arg(CODE_HELP)
    as_of: str | None = opt(AS_OF_HELP, metavar="WHEN")


@frozen_type
class ShowHistory(Read):
    """The audit trail of a milestone: who, when, what, which RFC, signature status."""

    WORDS = ("history",)
    EXAMPLES = ("history DM-AP-18",)
    code: str = arg(CODE_HELP)


@frozen_type
class ShowLog(Read):
    """The event log, optionally filtered."""

    WORDS = ("log",)
    EXAMPLES = (
        "log --type milestone.completed --limit 20",
        "log --actor alice --rfc RFC-781",
    )
    since: int = opt("only events after this seq", default=0, type=int)
    actor: str | None = opt("only events by this actor")
    rfc: str | None = opt("only events under or about this RFC")
    event_type: str | None = opt(
        "only events of this type (or prefix, e.g. milestone.)", option="--type", metavar="TYPE"
    )
    limit: int | None = opt("only the last N matching events", type=int)

    def __post_init__(self) -> None:
        check_count(self.since, what="--since")
        check_count(self.limit, what="--limit")
        self._set("event_type", check_event_type(self.event_type))


@frozen_type
class DiffPlans(Read):
    """What changed in the plan between two as-of points."""

    WORDS = ("diff",)
    EXAMPLES = (
        "diff v1.4 v1.5",
        "diff RFC-781 now",
    )
    before: str = arg("the earlier point: date, instant, RFC-n, vX.Y or '#seq'", metavar="WHEN")
    after: str = arg("the later point (same forms; 'now' for now)")


@frozen_type
class ListLate(Read):
    """Milestones not done whose forecast date has passed."""

    WORDS = ("late",)
    EXAMPLES = (
        "late",
        "late --as-of 2021-01-01",
    )
    as_of: str | None = opt(AS_OF_HELP, metavar="WHEN")


@frozen_type
class ListUpcoming(Read):
    """Milestones not done that are due in the next days (from today, or the --as-of day)."""

    WORDS = ("upcoming",)
    EXAMPLES = (
        "upcoming --days 60",
        "upcoming --as-of 2020-06-01",
    )
    days: int = opt("how many days ahead", default=30, type=int)
    as_of: str | None = opt(AS_OF_HELP, metavar="WHEN")

    def __post_init__(self) -> None:
        # A century ahead is more than any plan holds, and keeps the window's end a date.
        check_count(self.days, what="--days", most=36_525)


@frozen_type
class CheckPlan(Read):
    """Oddities in the plan (Level-2 done with Level-3 open, due-date inversions, late
    completions, unapplicable events)."""

    WORDS = ("check",)
    EXAMPLES = (
        "check",
        "check --as-of v1.5",
    )
    as_of: str | None = opt(AS_OF_HELP, metavar="WHEN")
    strict: bool = flag(
        "exit with status 11 when anything is found (for scripts and CI)", cli_only=True
    )


@frozen_type
class VerifyLedger(Read):
    """Verify every event's hash, chain link, signature, key and index columns; exit
    status 0 only when all holds."""

    WORDS = ("verify",)
    EXAMPLES = (
        "verify",
        "verify --ledger-id $LEDGER_ID --expect-length 441",
    )
    ledger_id: str | None = opt("the genesis hash this ledger must have", metavar="HASH")
    expect_head: str | None = opt(
        "a head hash recorded earlier that the chain must contain", metavar="HASH"
    )
    expect_length: int | None = opt("the fewest events the log must hold", type=int)

    def __post_init__(self) -> None:
        check_count(self.expect_length, what="--expect-length")


@frozen_type
class ShowRfc(Read):
    """Show an RFC and every change proposed under it."""

    WORDS = ("rfc", "show")
    EXAMPLES = ("rfc show RFC-781",)
    rfc: str = arg("RFC id, e.g. RFC-781")


@frozen_type
class ListRfcs(Read):
    """List the RFCs and their states."""

    WORDS = ("rfc", "list")
    EXAMPLES = ("rfc list",)


@frozen_type
class ListKeys(Read):
    """List the keys registered in the ledger."""


@frozen_type
class PreviewApproval(Read):
    """What approving an open RFC would do: the changes proposed under it, and the head
    the approval would follow. Refused, like the approval, unless the RFC is open."""

    rfc: str
    version: str | None = None

    def __post_init__(self) -> None:
        self._set("rfc", check_rfc_id(self.rfc))
