"""The milestone events that turn one plan into another: the pure diff behind every import.

`plan_changes(state, targets, ...)` compares the milestones of a state with the targets a
source states and returns the drafts that make them equal: renames, reinstatements,
retitles, definitions, links and unlinks, dependencies, withdrawals, date moves,
completions and reopenings. It never appends; the same function computes an import's
changes and the changes that restore the plan later events were made on
(`ledger.import_plan`), so both obey the same rules.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

from events import Fact
from events.catalogue import (
    BaselineMoved,
    ForecastMoved,
    MilestoneCompleted,
    MilestoneDefined,
    MilestoneDepends,
    MilestoneIndependent,
    MilestoneLinked,
    MilestoneReinstated,
    MilestoneRenamed,
    MilestoneReopened,
    MilestoneRetitled,
    MilestoneUnlinked,
    MilestoneWithdrawn,
)
from ledger.append import Draft
from ledger.errors import Refused
from ledger.import_targets import Target, normalised_code
from ledger.rules import forecast_after_baseline_move
from ledger.state import Milestone, PlanState

MakeDraft = Callable[[Fact, str], Draft]


@dataclass
class _Changes:
    """The drafts of a diff, by kind, in the order they must be recorded."""

    renames: list[Draft]
    reinstates: list[Draft]
    retitles: list[Draft]
    defines: list[Draft]
    relinks: list[Draft]
    independents: list[Draft]
    withdrawals: list[Draft]
    moves: list[Draft]
    completions: list[Draft]
    depends: list[Draft]

    def ordered(self) -> list[Draft]:
        # Renames first (later events name the new codes); a milestone is back before it
        # changes; definitions before the links and dependencies that name them.
        return (
            self.renames
            + self.reinstates
            + self.retitles
            + self.defines
            + self.relinks
            + self.independents
            + self.withdrawals
            + self.moves
            + self.completions
            + self.depends
        )


def plan_changes(
    state: PlanState,
    targets: dict[str, Target],
    *,
    rfc: str | None,
    effective: str,
    document: str,
) -> list[Draft]:
    """The milestone events that turn the plan of `state` into `targets` (pure; never appends).

    Under an RFC, baselines move to the targets' baselines (the forecast following) and
    forecasts then to theirs; without one only forecasts move, since nothing approved a new
    baseline. A milestone the ledger withdrew comes back by reinstatement. `document` names
    the source in the reasons the log keeps ("not in {document}", "back in {document}").
    Raises `Refused` when a target cannot be one of the ledger's milestones (another level,
    or two targets that are one milestone).
    """
    current = _match(state, targets)
    out = _Changes([], [], [], [], [], [], [], [], [], [])

    def draft(fact: Fact, code: str) -> Draft:
        return Draft(fact, subject=code, rfc=rfc, effective=effective)

    # Codes as they will be once the renames below are applied.
    renamed_to = {m.code: code for code, m in current.items() if m is not None and m.code != code}

    def after_renames(codes: list[str]) -> list[str]:
        found: list[str] = []
        for code in codes:
            name = state.resolve(code) or code
            name = renamed_to.get(name, name)
            if name not in found:
                found.append(name)
        return found

    for code, target in targets.items():
        m = current[code]
        if m is None:
            out.defines.append(draft(_definition(target), code))
            if target.completed is not None:
                out.completions.append(draft(_completion(code, target.completed), code))
            out.depends += [
                draft(MilestoneDepends(code=code, predecessor=p), code)
                for p in target.depends or ()
            ]
            continue
        if m.code != code:
            out.renames.append(draft(MilestoneRenamed(code=m.code, new_code=code), m.code))
        if m.withdrawn:
            reason = f"back in {document}"
            out.reinstates.append(draft(MilestoneReinstated(code=code, reason=reason), code))
        if m.title != target.title:
            out.retitles.append(draft(MilestoneRetitled(code=code, title=target.title), code))
        if target.level == 3:
            left, joined = _differences(after_renames(m.releases), target.releases)
            out.relinks += [draft(MilestoneUnlinked(code=code, release=r), code) for r in left]
            out.relinks += [draft(MilestoneLinked(code=code, release=r), code) for r in joined]
        if target.depends is not None:
            dropped, added = _differences(after_renames(m.depends), target.depends)
            out.independents += [
                draft(MilestoneIndependent(code=code, predecessor=p), code) for p in dropped
            ]
            out.depends += [draft(MilestoneDepends(code=code, predecessor=p), code) for p in added]
        out.moves += _moves(m, target, under_rfc=rfc is not None, draft=draft)
        if m.completed != target.completed:
            if m.completed is not None:
                done = f"completed {target.completed}" if target.completed else "incomplete"
                why = f"{document} says {done}"
                out.completions.append(draft(MilestoneReopened(code=code, reason=why), code))
            if target.completed is not None:
                out.completions.append(draft(_completion(code, target.completed), code))

    claimed = {m.code for m in current.values() if m is not None}
    leaving = [m for m in state.milestones.values() if not m.withdrawn and m.code not in claimed]
    # Level 3 before Level 2, so a release is never withdrawn with live milestones under it.
    leaving.sort(key=lambda m: (-m.level, m.code))
    out.withdrawals = [
        draft(MilestoneWithdrawn(code=m.code, reason=f"not in {document}"), m.code) for m in leaving
    ]
    return out.ordered()


def _differences(now: list[str], wanted: Sequence[str]) -> tuple[list[str], list[str]]:
    """The codes `now` holds that `wanted` does not, in `now`'s order, and the codes `wanted`
    adds, in its order (memberships and dependencies are both ordered lists of codes)."""
    return [c for c in now if c not in wanted], [c for c in wanted if c not in now]


def _definition(target: Target) -> MilestoneDefined:
    return MilestoneDefined(
        code=target.code,
        level=target.level,
        title=target.title,
        baseline=date.fromisoformat(target.baseline),
        forecast=date.fromisoformat(target.forecast),
        releases=target.releases,
    )


def _completion(code: str, on: str) -> MilestoneCompleted:
    return MilestoneCompleted(code=code, on=date.fromisoformat(on))


def _match(state: PlanState, targets: dict[str, Target]) -> dict[str, Milestone | None]:
    """For each target code, the ledger milestone it is (None: a new one).

    A code is matched by code or alias first, withdrawn milestones included (they come
    back). A code still unmatched then takes a live milestone of the same level that no
    target matched and whose code differs only in zero-padding (`LDM-503-8b` and
    `LDM-503-08b`): that is a rename.
    """
    current: dict[str, Milestone | None] = {}
    claimed: dict[str, str] = {}
    for code, target in targets.items():
        resolved = state.resolve(code)
        if resolved is None:
            current[code] = None
            continue
        m = state.milestones[resolved]
        if m.level != target.level:
            raise Refused(
                f"{code} is Level {target.level} in the source but Level {m.level} in the "
                "ledger; a milestone cannot change level"
            )
        if resolved in claimed:
            raise Refused(
                f"{claimed[resolved]} and {code} in the source are both the ledger's "
                f"{resolved} (one is an alias of the other)"
            )
        claimed[resolved] = code
        current[code] = m
    spare: dict[tuple[int, str], list[Milestone]] = {}
    for m in state.milestones.values():
        if not m.withdrawn and m.code not in claimed:
            spare.setdefault((m.level, normalised_code(m.code)), []).append(m)
    for code, target in targets.items():
        if current[code] is not None:
            continue
        candidates = spare.get((target.level, normalised_code(code)), [])
        if len(candidates) == 1:
            current[code] = candidates.pop()
    return current


def _moves(m: Milestone, target: Target, *, under_rfc: bool, draft: MakeDraft) -> list[Draft]:
    out: list[Draft] = []
    forecast = m.forecast
    if under_rfc and m.baseline != target.baseline:
        out.append(
            draft(
                BaselineMoved.model_validate(
                    {"code": target.code, "from": m.baseline, "to": target.baseline}
                ),
                target.code,
            )
        )
        forecast = forecast_after_baseline_move(
            baseline=m.baseline, forecast=forecast, to=target.baseline
        )
    if forecast != target.forecast:
        out.append(
            draft(
                ForecastMoved.model_validate(
                    {"code": target.code, "from": forecast, "to": target.forecast}
                ),
                target.code,
            )
        )
    return out
