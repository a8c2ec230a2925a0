"""Changes to milestones: define, move, complete, reopen, retitle, link, withdraw, rename,
reinstate, depend."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, ClassVar

from ledger.checks import (
    MAX_REASON,
    MAX_TITLE,
    check_code,
    check_date,
    check_rfc_id,
    check_text,
    looks_like_date,
)
from ledger.errors import InvalidInput
from ledger.frozen import frozen_type
from ledger.requests.base import Change, Needs, arg, flag, many, opt
from ledger.requests.reads import CODE_HELP

if TYPE_CHECKING:
    from ledger.rules import RfcNeed

RFC_HELP = "the RFC this change is made under, e.g. RFC-781"
REASON_HELP = "why (recorded in the log)"


def _rfc(rfc: str | None) -> str | None:
    return None if rfc is None else check_rfc_id(rfc)


def _reason(reason: str | None) -> str | None:
    return None if not reason else check_text(reason, what="reason", limit=MAX_REASON)


@frozen_type
class MilestoneChange(Change):
    """A change to one milestone, by an editor; made under the RFC its --rfc names."""

    #: Whether it needs an RFC: most changes do when the ledger's baseline control is on.
    RFC_NEED: ClassVar[RfcNeed] = "baseline control"
    code: str = arg(CODE_HELP)

    @property
    def needs(self) -> Needs:
        """An editor, and an RFC as `RFC_NEED` says."""
        verb = self.WORDS[0]
        doing = f"{verb.removesuffix('e')}ing {self.code.strip()}"  # "defining DM-AP-18"
        return Needs("editor", f"{verb} milestones", self.RFC_NEED, doing)

    @property
    def under(self) -> str | None:
        """The RFC named by --rfc, if the change offers it and it was given."""
        rfc: str | None = getattr(self, "rfc", None)
        return rfc


@frozen_type
class DefineMilestone(MilestoneChange):
    """Add a milestone to the plan."""

    WORDS = ("define",)
    EXAMPLES = (
        'define DM-AP-18 "Alert packet generation" --due 2020-05-29 --in LDM-503-05 --rfc RFC-781',
    )
    title: str = arg("the milestone's title")
    due: date = opt("due date, YYYY-MM-DD (baseline and forecast)", required=True, metavar="DATE")
    level: int | None = opt(
        "2 for a test milestone, 3 for a milestone under one", type=int, metavar="2|3"
    )
    releases: tuple[str, ...] = many(
        "the Level-2 milestone(s) it belongs to (repeat for several)", option="--in", metavar="L2"
    )
    rfc: str | None = opt(RFC_HELP)

    def __post_init__(self) -> None:
        code = check_code(self.code)
        self._set("code", code)
        self._set("title", check_text(self.title, what="title", limit=MAX_TITLE))
        self._set("due", check_date(self.due, what="due date"))
        level = self.level
        if level is None:
            if not self.releases:
                raise InvalidInput(
                    f"say what {code} is: --level 2 for a test milestone, or --in L2-CODE "
                    "for a Level-3 milestone under one"
                )
            level = 3
        if level not in (2, 3):
            raise InvalidInput(f"level {level} is not a milestone level; use 2 or 3")
        if level == 2 and self.releases:
            raise InvalidInput(
                "a Level-2 milestone is not inside another; drop --in or use --level 3"
            )
        self._set("level", level)
        self._set("releases", tuple(check_code(r, what="Level-2 code") for r in self.releases))
        self._set("rfc", _rfc(self.rfc))


@frozen_type
class MoveMilestone(MilestoneChange):
    """Move a milestone's forecast date, or with --baseline its baseline (which needs an RFC)."""

    WORDS = ("move",)
    EXAMPLES = (
        'move DM-AP-18 2020-06-30 --reason "vendor delay"',
        "move DM-AP-18 2020-07-31 --baseline --rfc RFC-781",
    )
    to: date = arg("the new date, YYYY-MM-DD", metavar="DATE")
    baseline: bool = flag("move the approved baseline instead of the forecast")
    rfc: str | None = opt(RFC_HELP)
    reason: str | None = opt(REASON_HELP, metavar="TEXT")

    def __post_init__(self) -> None:
        if looks_like_date(self.code) and not looks_like_date(self.to):
            raise InvalidInput(
                f"the code comes first, then the date: move {str(self.to).strip()} "
                f"{self.code.strip()}"
            )
        self._set("to", check_date(self.to, what="new date"))
        self._set("reason", _reason(self.reason))
        self._set("rfc", _rfc(self.rfc))

    @property
    def needs(self) -> Needs:
        """An editor; an RFC, always, for a baseline move."""
        doing = f"moving the baseline of {self.code.strip()}"
        return Needs("editor", "move milestones", "always" if self.baseline else "no", doing)


@frozen_type
class CompleteMilestone(MilestoneChange):
    """Mark a milestone done."""

    WORDS = ("complete",)
    EXAMPLES = ("complete DM-AP-18", "complete DM-AP-18 on 2020-05-31")
    RFC_NEED = "no"
    on: date | None = opt("the day it was done, YYYY-MM-DD (default: today)", metavar="DATE")

    def __post_init__(self) -> None:
        self._set("on", check_date(self.on, what="completion date"))


@frozen_type
class ReopenMilestone(MilestoneChange):
    """Mark a completed milestone as not done after all."""

    WORDS = ("reopen",)
    EXAMPLES = ('reopen DM-AP-18 --reason "failed acceptance test"',)
    RFC_NEED = "no"
    reason: str = opt(REASON_HELP, required=True, metavar="TEXT")

    def __post_init__(self) -> None:
        self._set("reason", check_text(self.reason, what="reason", limit=MAX_REASON))


@frozen_type
class RetitleMilestone(MilestoneChange):
    """Change a milestone's title."""

    WORDS = ("retitle",)
    EXAMPLES = ('retitle DM-AP-18 "Alert packet generation and distribution" --rfc RFC-781',)
    title: str = arg("the new title")
    rfc: str | None = opt(RFC_HELP)

    def __post_init__(self) -> None:
        self._set("title", check_text(self.title, what="title", limit=MAX_TITLE))
        self._set("rfc", _rfc(self.rfc))


@frozen_type
class Membership(MilestoneChange):
    """A change to which Level-2 milestone a Level-3 milestone is under."""

    release: str = arg("the Level-2 code", metavar="L2")
    rfc: str | None = opt(RFC_HELP)

    def __post_init__(self) -> None:
        self._set("rfc", _rfc(self.rfc))


@frozen_type
class LinkMilestone(Membership):
    """Put a Level-3 milestone under a Level-2 milestone."""

    WORDS = ("link",)
    EXAMPLES = ("link DM-AP-18 LDM-503-06 --rfc RFC-781",)


@frozen_type
class UnlinkMilestone(Membership):
    """Take a Level-3 milestone out of a Level-2 milestone."""

    WORDS = ("unlink",)
    EXAMPLES = ("unlink DM-AP-18 LDM-503-05 --rfc RFC-781",)


@frozen_type
class WithdrawMilestone(MilestoneChange):
    """Take a milestone out of the plan (its history stays)."""

    WORDS = ("withdraw",)
    EXAMPLES = ('withdraw DM-AP-18 --reason "merged into DM-AP-19" --rfc RFC-781',)
    reason: str = opt(REASON_HELP, required=True, metavar="TEXT")
    rfc: str | None = opt(RFC_HELP)

    def __post_init__(self) -> None:
        self._set("reason", check_text(self.reason, what="reason", limit=MAX_REASON))
        self._set("rfc", _rfc(self.rfc))


@frozen_type
class RenameMilestone(MilestoneChange):
    """Give a milestone a new code; the old code stays as an alias."""

    WORDS = ("rename",)
    EXAMPLES = ("rename LDM-503-8b LDM-503-08b --rfc RFC-781",)
    code: str = arg("the current code", metavar="OLD")
    new_code: str = arg("the new code", metavar="NEW")
    rfc: str | None = opt(RFC_HELP)

    def __post_init__(self) -> None:
        self._set("new_code", check_code(self.new_code, what="new code"))
        self._set("rfc", _rfc(self.rfc))


@frozen_type
class ReinstateMilestone(MilestoneChange):
    """Bring a withdrawn milestone back into the plan, as it was when it left."""

    WORDS = ("reinstate",)
    EXAMPLES = ('reinstate DM-DAX-5 --reason "back in the 2022 plan" --rfc RFC-781',)
    reason: str = opt(REASON_HELP, required=True)
    rfc: str | None = opt(RFC_HELP)

    def __post_init__(self) -> None:
        self._set("reason", check_text(self.reason, what="reason", limit=MAX_REASON))
        self._set("rfc", _rfc(self.rfc))


@frozen_type
class Dependency(MilestoneChange):
    """A change to which milestone another one waits for."""

    on: str = opt("the milestone it waits for (its predecessor)", required=True, metavar="OTHER")
    rfc: str | None = opt(RFC_HELP)

    def __post_init__(self) -> None:
        self._set("on", check_code(self.on, what="predecessor code"))
        self._set("rfc", _rfc(self.rfc))


@frozen_type
class DependMilestone(Dependency):
    """Record that a milestone waits for another one (its predecessor)."""

    WORDS = ("depend",)
    EXAMPLES = ("depend LDM-503-11a --on DM-NCSA-20", "depend DM-AP-18 --on DM-AP-17")


@frozen_type
class UndependMilestone(Dependency):
    """Record that a milestone no longer waits for another one."""

    WORDS = ("undepend",)
    EXAMPLES = ("undepend LDM-503-11a --on DM-NCSA-20",)
