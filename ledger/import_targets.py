"""What a source says the plan is: one `Target` per milestone, read from a `Revision`.

A document or a P6 export states each milestone once per listing; `target_plan` makes one
target of each code. Where a source disagrees with itself (a Level-3 milestone listed under
two releases with different titles or dates) the first listing is kept, the milestone is
under both releases, and a warning names both listings. Codes of unusual shape are taken
as they are, with a warning; lines the parser could not read as anything are reported.
Nothing is dropped without a word.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date
from typing import Literal

from ledger.checks import MAX_TITLE, check_code, check_text
from ledger.errors import DocumentError, InvalidInput
from ledger.ldm564 import Revision
from ledger.state import Milestone


@dataclass(frozen=True)
class Target:
    """What a source says about one milestone (dates as ISO strings, as the state keeps them).

    A document gives one due date, which is both the baseline and the forecast; a P6
    export gives both. `depends` is None when the source says nothing about dependencies
    (an LDM-564 document), so an import leaves them as they are.
    """

    code: str
    level: Literal[2, 3]
    title: str
    baseline: str
    forecast: str
    completed: str | None
    releases: tuple[str, ...] = ()
    depends: tuple[str, ...] | None = None


@dataclass(frozen=True)
class TargetPlan:
    """The targets of a source (Level 2 then Level 3, in its order) and what it said oddly."""

    milestones: dict[str, Target]
    warnings: tuple[str, ...] = ()


def normalised_code(code: str) -> str:
    """A code with the zero-padding of its numbers removed: `LDM-503-08b` -> `LDM-503-8b`.

    Two codes equal after this are taken to be one milestone spelled two ways.
    """
    return re.sub(r"\d+", lambda match: str(int(match.group())), code)


def target_plan(
    revision: Revision,
    *,
    source: str,
    forecasts: dict[str, date] | None = None,
    depends: dict[str, tuple[str, ...]] | None = None,
) -> TargetPlan:
    """The milestones a revision states, Level 2 then Level 3, in document order.

    `forecasts` (a P6 export's current finishes) and `depends` (its predecessors of each
    milestone) add what the `Revision` shape cannot carry. Raises `DocumentError` for what
    the ledger cannot hold at all: a release with two sections, a code that is both a
    release and a Level-3 milestone, a code or title the ledger refuses.
    """
    forecasts = forecasts or {}
    targets: dict[str, Target] = {}
    warnings: list[str] = []

    def target(
        code: str,
        level: Literal[2, 3],
        title: str,
        due: date,
        done: date | None,
        releases: tuple[str, ...] = (),
    ) -> Target:
        return Target(
            code,
            level,
            _valid_title(title, code, source=source),
            due.isoformat(),
            forecasts.get(code, due).isoformat(),
            _iso(done),
            releases,
            None if depends is None else depends.get(code, ()),
        )

    for release in revision.releases:
        label = _valid_code(release.label, source=source)
        if label in targets:
            raise DocumentError(f"{source}: release {label} has two sections in section 3")
        targets[label] = target(label, 2, release.title, release.due, release.completed)
        warnings += [
            f"{line} under {label} mentions a due date but is not a milestone entry "
            "'CODE: Title (Due: ...)'; it was not imported"
            for line in release.unread
        ]
    for release in revision.releases:
        for entry in release.milestones:
            code = _valid_code(entry.code, source=source)
            found = targets.get(code)
            listed = target(code, 3, entry.title, entry.due, entry.completed, (release.label,))
            if found is None:
                targets[code] = listed
                if entry.unusual:
                    warnings.append(
                        f"{code} under {release.label} is not shaped like a Level-3 code "
                        "(DM-TEAM-N or DM-WORD); imported as it is written"
                    )
            elif found.level == 2:
                raise DocumentError(
                    f"{source}: {code} is a release label and also listed as a Level-3 "
                    f"milestone under {release.label}"
                )
            else:
                if _statement(found) != _statement(listed):
                    warnings.append(
                        f"{code} is listed under {found.releases[0]} as {_statement(found)} "
                        f"and under {release.label} as {_statement(listed)}; the ledger keeps "
                        f"the first listing"
                    )
                if release.label not in found.releases:
                    targets[code] = replace(found, releases=(*found.releases, release.label))
    return TargetPlan(targets, tuple(warnings))


def target_of(milestone: Milestone) -> Target:
    """A milestone of the ledger as a target: what restoring it to this state must reach."""
    return Target(
        milestone.code,
        2 if milestone.level == 2 else 3,
        milestone.title,
        milestone.baseline,
        milestone.forecast,
        milestone.completed,
        tuple(milestone.releases),
        tuple(milestone.depends),
    )


def _valid_code(code: str, *, source: str) -> str:
    try:
        return check_code(code)
    except InvalidInput as error:
        raise DocumentError(f"{source}: {error}") from None


def _valid_title(title: str, code: str, *, source: str) -> str:
    try:
        return check_text(title, what=f"title of {code}", limit=MAX_TITLE)
    except InvalidInput as error:
        raise DocumentError(f"{source}: {error}") from None


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day is not None else None


def _statement(target: Target) -> str:
    done = f"completed {target.completed}" if target.completed else "incomplete"
    return f"{target.title!r}, due {target.baseline}, {done}"
