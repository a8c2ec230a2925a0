"""Import a revision of LDM-564: the events that turn the ledger's plan into the document's.

An import reads one text revision with `ledger.ldm564.parse_revision`, compares the plan it
states with the ledger's plan at the head and appends, in one atomic append, the events that
make the two equal: definitions, renames, retitles, links and unlinks, withdrawals, date
moves, completions and reopenings, the approvals of the RFCs its change record names, and a
closing `revision.imported` fact naming the source, its date and its SHA-256.

Choices, each made so that the plan after the import equals the document whatever was there:

- Time. Every event is effective at the end of the revision's date (UTC), the same instant
  `--as-of DATE` reads up to, and recorded now. A revision must be newer than every plan
  change already in the ledger: the events are computed against the head, so landing them
  before a later change would not reproduce the document.
- Change control. The RFC of the change record's last row approves this revision. If the
  ledger has not approved it yet, every milestone change is recorded under it and its
  approval comes last, so `--as-of RFC-781` is exactly the revision's plan. The document's
  due dates are then approved baseline moves (the forecast follows). Without such an RFC the
  changes carry none and dates move as forecasts only: nothing approved a new baseline.
- Other RFCs named in the change record are opened and approved with their own dates and
  version labels, before the milestone changes, and no changes of their own: we do not hold
  the revisions they approved. A version label is never given to two RFCs; rows that name no
  RFC become no approval and are kept only in the `revision.imported` fact.
- Idempotence. The document's SHA-256 is the append's idempotency key, and a revision the
  ledger already matches appends nothing.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Literal

from events import Fact
from events.catalogue import (
    BaselineMoved,
    ChangeRecordRow,
    ForecastMoved,
    MilestoneCompleted,
    MilestoneDefined,
    MilestoneLinked,
    MilestoneRenamed,
    MilestoneReopened,
    MilestoneRetitled,
    MilestoneUnlinked,
    MilestoneWithdrawn,
    RevisionImported,
    RfcApproved,
    RfcOpened,
)
from ledger.asof import parse_instant_text
from ledger.checks import MAX_TITLE, check_code, check_date, check_text
from ledger.describe import describe
from ledger.errors import DocumentError, InvalidInput, Refused
from ledger.execute import append
from ledger.fold import with_proposals
from ledger.ldm564 import ChangeRecordEntry, Revision, parse_revision
from ledger.ledger import Draft, Ledger
from ledger.requests import ImportRevision
from ledger.results import IMPORT_COUNTS, ImportResult
from ledger.rules import forecast_after_baseline_move
from ledger.signing import Signer
from ledger.state import Milestone, PlanState

Progress = Callable[[str], None]


@dataclass(frozen=True)
class Target:
    """What a revision says about one milestone (dates as ISO strings, as the state keeps them)."""

    code: str
    level: Literal[2, 3]
    title: str
    due: str
    completed: str | None
    releases: tuple[str, ...] = ()


# --- reading ------------------------------------------------------------------------------------


def read_revision_file(path: Path) -> str:
    """The text of a revision file, or `DocumentError` if it is missing, binary or not UTF-8."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise DocumentError(
            f"{path}: no such file; give the path of an LDM-564 text revision"
        ) from None
    except IsADirectoryError:
        raise DocumentError(
            f"{path} is a directory; give the path of an LDM-564 text revision"
        ) from None
    except OSError as error:
        raise DocumentError(f"{path}: cannot be read ({error.strerror})") from None
    except ValueError:  # a NUL byte in the name
        raise DocumentError(
            f"{str(path)!r} is not a file name; give the path of a LDM-564 revision"
        ) from None
    if b"\x00" in raw:
        raise DocumentError(
            f"{path.name}: contains NUL bytes, so it is binary rather than text; "
            "expected a plain-text rendering of LDM-564"
        )
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise DocumentError(
            f"{path.name}: is not UTF-8 text (byte {error.start}); "
            "expected a plain-text rendering of LDM-564"
        ) from None


def normalised_code(code: str) -> str:
    """A code with the zero-padding of its numbers removed: `LDM-503-08b` -> `LDM-503-8b`.

    Two codes equal after this are taken to be one milestone spelled two ways.
    """
    return re.sub(r"\d+", lambda match: str(int(match.group())), code)


def target_plan(revision: Revision, *, source: str) -> dict[str, Target]:
    """The milestones a revision states, Level 2 then Level 3, in document order.

    A Level-3 milestone listed under several releases is one milestone in all of them;
    listings that disagree about its title or dates are refused, since the ledger could
    not reproduce both.
    """
    targets: dict[str, Target] = {}
    for release in revision.releases:
        label = _valid_code(release.label, source=source)
        if label in targets:
            raise DocumentError(f"{source}: release {label} has two sections in section 3")
        targets[label] = Target(
            label,
            2,
            _valid_title(release.title, label, source=source),
            release.due.isoformat(),
            _iso(release.completed),
        )
    for release in revision.releases:
        for entry in release.milestones:
            code = _valid_code(entry.code, source=source)
            found = targets.get(code)
            target = Target(
                code,
                3,
                _valid_title(entry.title, code, source=source),
                entry.due.isoformat(),
                _iso(entry.completed),
                (release.label,),
            )
            if found is None:
                targets[code] = target
            elif found.level == 2:
                raise DocumentError(
                    f"{source}: {code} is a release label and also listed as a Level-3 "
                    f"milestone under {release.label}"
                )
            elif _statement(found) != _statement(target):
                raise DocumentError(
                    f"{source}: {code} is listed under {found.releases[0]} and {release.label} "
                    f"with different titles or dates ({_statement(found)} vs {_statement(target)})"
                )
            elif release.label not in found.releases:
                targets[code] = replace(found, releases=(*found.releases, release.label))
    return targets


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
    return f"{target.title!r}, due {target.due}, {done}"


# --- the differences ----------------------------------------------------------------------------


def plan_changes(
    state: PlanState,
    targets: dict[str, Target],
    *,
    rfc: str | None,
    effective: str,
    document: str,
) -> list[Draft]:
    """The milestone events that turn the plan of `state` into `targets` (pure; never appends).

    Under an RFC the due dates become baseline moves, the forecast following; without one
    they are forecast moves. `document` names the revision in the reasons the log keeps
    for withdrawals and reopenings.
    """
    current = _match(state, targets)
    renames: list[Draft] = []
    retitles: list[Draft] = []
    defines: list[Draft] = []
    relinks: list[Draft] = []
    moves: list[Draft] = []
    completions: list[Draft] = []

    def draft(fact: Fact, code: str) -> Draft:
        return Draft(fact, subject=code, rfc=rfc, effective=effective)

    # Level-2 codes as they will be once the renames below are applied.
    renamed_to = {m.code: code for code, m in current.items() if m is not None and m.code != code}
    for code, target in targets.items():
        m = current[code]
        if m is None:
            defines.append(
                draft(
                    MilestoneDefined(
                        code=code,
                        level=target.level,
                        title=target.title,
                        baseline=date.fromisoformat(target.due),
                        forecast=date.fromisoformat(target.due),
                        releases=target.releases,
                    ),
                    code,
                )
            )
            if target.completed is not None:
                completions.append(
                    draft(
                        MilestoneCompleted(code=code, on=date.fromisoformat(target.completed)), code
                    )
                )
            continue
        if m.code != code:
            renames.append(draft(MilestoneRenamed(code=m.code, new_code=code), m.code))
        if m.title != target.title:
            retitles.append(draft(MilestoneRetitled(code=code, title=target.title), code))
        if target.level == 3:
            relinks += _relinks(state, m, target, renamed_to, draft)
        moves += _moves(m, target, under_rfc=rfc is not None, draft=draft)
        if m.completed != target.completed:
            if m.completed is not None:
                done = f"completed {target.completed}" if target.completed else "incomplete"
                why = f"{document} says {done}"
                completions.append(draft(MilestoneReopened(code=code, reason=why), code))
            if target.completed is not None:
                completions.append(
                    draft(
                        MilestoneCompleted(code=code, on=date.fromisoformat(target.completed)), code
                    )
                )

    claimed = {m.code for m in current.values() if m is not None}
    leaving = [m for m in state.milestones.values() if not m.withdrawn and m.code not in claimed]
    # Level 3 before Level 2, so a release is never withdrawn with live milestones under it.
    leaving.sort(key=lambda m: (-m.level, m.code))
    withdrawals = [
        draft(MilestoneWithdrawn(code=m.code, reason=f"not in {document}"), m.code) for m in leaving
    ]
    # Renames first (later events name the new codes), definitions before the links to them.
    return renames + retitles + defines + relinks + withdrawals + moves + completions


def _match(state: PlanState, targets: dict[str, Target]) -> dict[str, Milestone | None]:
    """For each code of the document, the ledger milestone it is (None: a new one).

    A code is matched by code or alias first; a code still unmatched then takes a live
    milestone of the same level that no document code matched and whose code differs only
    in zero-padding (`LDM-503-8b` and `LDM-503-08b`): that is a rename.
    """
    current: dict[str, Milestone | None] = {}
    claimed: dict[str, str] = {}
    for code, target in targets.items():
        resolved = state.resolve(code)
        if resolved is None:
            current[code] = None
            continue
        m = state.milestones[resolved]
        if m.withdrawn:
            raise Refused(
                f"{code} is in the document but was withdrawn from the ledger's plan, and a "
                "withdrawn milestone cannot come back; `milestone history "
                f"{code}` shows when and why"
            )
        if m.level != target.level:
            raise Refused(
                f"{code} is Level {target.level} in the document but Level {m.level} in the "
                "ledger; a milestone cannot change level"
            )
        if resolved in claimed:
            raise Refused(
                f"{claimed[resolved]} and {code} in the document are both the ledger's "
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


def _relinks(
    state: PlanState,
    m: Milestone,
    target: Target,
    renamed_to: dict[str, str],
    draft: Callable[[Fact, str], Draft],
) -> list[Draft]:
    # Releases by the codes they will have after this import's renames.
    now: list[str] = []
    for release in m.releases:
        name = state.resolve(release) or release
        name = renamed_to.get(name, name)
        if name not in now:
            now.append(name)
    out = [
        draft(MilestoneUnlinked(code=target.code, release=name), target.code)
        for name in now
        if name not in target.releases
    ]
    out += [
        draft(MilestoneLinked(code=target.code, release=name), target.code)
        for name in target.releases
        if name not in now
    ]
    return out


def _moves(
    m: Milestone, target: Target, *, under_rfc: bool, draft: Callable[[Fact, str], Draft]
) -> list[Draft]:
    out: list[Draft] = []
    forecast = m.forecast
    if under_rfc and m.baseline != target.due:
        out.append(
            draft(
                BaselineMoved.model_validate(
                    {"code": target.code, "from": m.baseline, "to": target.due}
                ),
                target.code,
            )
        )
        forecast = forecast_after_baseline_move(
            baseline=m.baseline, forecast=forecast, to=target.due
        )
    if forecast != target.due:
        out.append(
            draft(
                ForecastMoved.model_validate(
                    {"code": target.code, "from": forecast, "to": target.due}
                ),
                target.code,
            )
        )
    return out


# --- change control -----------------------------------------------------------------------------


@dataclass
class _Approvals:
    """The RFC events of an import and the state its milestone changes are computed on."""

    base: PlanState
    governing: str | None
    opened: list[Draft] = field(default_factory=list)
    approved: list[Draft] = field(default_factory=list)
    governing_approval: Draft | None = None
    notes: list[str] = field(default_factory=list)


def _approvals(
    state: PlanState, rows: Sequence[ChangeRecordEntry], *, effective: str
) -> _Approvals:
    """Open and approve the RFCs a change record names that the ledger has not approved.

    Each is approved on the date and with the version label of the first row naming it
    (the governing RFC: of the last row), unless another RFC already holds that label.
    """
    last = rows[-1] if rows else None
    governing = last.rfc if last is not None else None
    if governing is not None:
        found = state.rfcs.get(governing)
        if found is not None and found.state == "approved":
            # It approved an earlier revision; this one's changes are not made under it.
            governing = None
    result = _Approvals(base=state, governing=governing)
    taken = {r.version: r.id for r in state.rfcs.values() if r.version}
    first_rows: dict[str, ChangeRecordEntry] = {}
    for row in rows:
        if row.rfc is not None:
            first_rows.setdefault(row.rfc, row)
    for rfc_id, first in first_rows.items():
        row = last if rfc_id == governing and last is not None else first
        found = state.rfcs.get(rfc_id)
        if found is not None and found.state == "rejected":
            raise Refused(
                f"the change record says {rfc_id} approved version {row.version or '(none)'} "
                f"on {row.date}, but this ledger records it rejected on {found.decided_on}"
            )
        if found is not None and found.state == "approved":
            continue
        if found is None:
            title = check_text(
                row.description or f"LDM-564 version {row.version}",
                what="RFC title",
                limit=MAX_TITLE,
            )
            result.opened.append(Draft(RfcOpened(id=rfc_id, title=title), rfc_id, None, effective))
        else:
            # Its proposals take effect at the approval below; diff against that plan.
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
        approval = Draft(
            RfcApproved(id=rfc_id, on=row.date, version=label), rfc_id, None, effective
        )
        if rfc_id == governing:
            result.governing_approval = approval
        else:
            result.approved.append(approval)
    return result


# --- the import ---------------------------------------------------------------------------------


@dataclass
class _Outcome:
    """What `decide` found, kept for the result (decide runs under the write lock)."""

    decided: bool = False
    rfc: str | None = None
    counts: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def import_revision(
    *,
    ledger: Ledger,
    signer: Signer,
    text: str,
    source: str,
    on: date | str | None = None,
    actor: str | None = None,
    progress: Progress | None = None,
) -> ImportResult:
    """Append the events that turn the ledger's plan into the plan of an LDM-564 revision.

    `source` names the document (a file name) in errors and in the `revision.imported`
    fact; `on` overrides the document's "Latest Revision" date as the events' effective
    date. Needs the admin role. Raises `DocumentError` for text that is not an LDM-564
    revision and `Refused` when the ledger cannot take it; either way nothing is appended.
    """
    revision = parse_revision(text, source=source)
    targets = target_plan(revision, source=source)
    entries = sum(len(release.milestones) for release in revision.releases)
    if progress is not None:
        progress(
            f"parsed {source}: {len(revision.releases)} releases, {entries} Level-3 entries "
            f"({len(targets) - len(revision.releases)} milestones)"
        )
    day = revision.latest_revision if on is None else _day(on)
    if day > ledger.clock().date():
        raise InvalidInput(
            f"the import date {day} is in the future; give the day the revision describes"
        )
    effective = parse_instant_text(day.isoformat())
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    document = f"{source} (LDM-564 of {revision.latest_revision})"
    outcome = _Outcome()

    def decide(head: PlanState) -> list[Draft]:
        outcome.decided = True
        later = ledger.last_change_after(effective)
        if later is not None:
            raise Refused(
                f"{source}: the ledger already holds plan changes effective after {day} "
                f"(#{later.seq} {describe(later)}, effective {later.effective[:10]}); import "
                "revisions oldest first, or give --date"
            )
        try:
            rfcs = _approvals(head, revision.change_record, effective=effective)
            changes = plan_changes(
                rfcs.base, targets, rfc=rfcs.governing, effective=effective, document=document
            )
        except Refused as error:
            raise Refused(f"{source}: {error}") from None
        if rfcs.governing_approval is not None:
            changes.append(rfcs.governing_approval)
        drafts = rfcs.opened + rfcs.approved + changes
        if not drafts:
            return []
        counts = Counter(IMPORT_COUNTS[d.fact.type] for d in drafts)
        outcome.rfc, outcome.notes = rfcs.governing, rfcs.notes
        outcome.counts = {
            "releases": len(revision.releases),
            "level3": len(targets) - len(revision.releases),
            "entries": entries,
            **{name: counts.get(name, 0) for name in IMPORT_COUNTS.values()},
            "events": len(drafts) + 1,
        }
        drafts.append(
            Draft(
                RevisionImported(
                    source=source,
                    document_date=revision.latest_revision,
                    sha256=digest,
                    counts=outcome.counts,
                    change_record=tuple(_row(r) for r in revision.change_record),
                ),
                subject=source[:200],
                effective=effective,
            )
        )
        if progress is not None:
            progress(f"appending {len(drafts)} events...")
        return drafts

    events = append(
        ImportRevision.NEEDS,
        decide,
        ledger=ledger,
        signer=signer,
        actor=actor,
        idem=f"ldm564:{digest}",
    )
    return ImportResult(
        source=source,
        document_date=revision.latest_revision.isoformat(),
        effective=effective,
        sha256=digest,
        rfc=outcome.rfc,
        events=events,
        counts=outcome.counts,
        already_imported=not outcome.decided,
        notes=outcome.notes,
    )


def import_revision_file(
    *,
    ledger: Ledger,
    signer: Signer,
    path: Path,
    on: date | str | None = None,
    actor: str | None = None,
    progress: Progress | None = None,
) -> ImportResult:
    """`import_revision` of a file, named in the log by its file name."""
    return import_revision(
        ledger=ledger,
        signer=signer,
        text=read_revision_file(path),
        source=path.name,
        on=on,
        actor=actor,
        progress=progress,
    )


def _day(value: date | str) -> date:
    day = check_date(value, what="--date")
    assert day is not None
    return day


def _row(entry: ChangeRecordEntry) -> ChangeRecordRow:
    return ChangeRecordRow(
        version=entry.version,
        date=entry.date,
        description=entry.description,
        owner=entry.owner,
        rfc=entry.rfc,
    )
