"""Read-side queries: the plan, one milestone, its history, the log, late lists, RFCs.

Each function takes a ledger (or a view of it) and returns plain dataclasses
that front ends render; none of them prints or changes anything.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

from ledger.asof import NOW, AsOf
from ledger.checks import check_rfc_id
from ledger.describe import describe
from ledger.errors import NotFound
from ledger.ledger import Ledger, View
from ledger.records import decode_row
from ledger.rules import find_milestone
from ledger.signing import signature_ok
from ledger.state import Milestone
from ledger.store import StoredEvent

if TYPE_CHECKING:
    from ledger.proving import CheckpointInfo


@dataclass(frozen=True)
class MilestoneRow:
    """A milestone as shown in a plan or list."""

    code: str
    level: int
    title: str
    team: str | None
    baseline: str
    forecast: str
    completed: str | None
    status: str
    releases: list[str]
    aliases: list[str]
    days_late: int | None = None  # how many days past its forecast, when it is late
    depends: list[str] = field(default_factory=list)  # the milestones it waits for


@dataclass(frozen=True)
class ReleaseBlock:
    """A Level-2 milestone and the Level-3 milestones under it."""

    release: MilestoneRow
    milestones: list[MilestoneRow]


@dataclass(frozen=True)
class Plan:
    """The whole plan at one point, laid out as LDM-564 lays it out."""

    as_of: str
    today: str
    events: int
    releases: list[ReleaseBlock]
    unassigned: list[MilestoneRow]


def row(milestone: Milestone, today: str) -> MilestoneRow:
    """A milestone as a row, its status judged on `today`."""
    status = milestone.status(today)
    late_by = None
    if status == "late":
        late_by = (date.fromisoformat(today) - date.fromisoformat(milestone.forecast)).days
    return MilestoneRow(
        code=milestone.code,
        level=milestone.level,
        title=milestone.title,
        team=milestone.team,
        baseline=milestone.baseline,
        forecast=milestone.forecast,
        completed=milestone.completed,
        status=status,
        releases=list(milestone.releases),
        aliases=list(milestone.aliases),
        days_late=late_by,
        depends=list(milestone.depends),
    )


def _due_order(m: Milestone) -> tuple[str, str]:
    return (m.forecast, m.code)


def plan(view: View) -> Plan:
    """The plan of a view: Level-2 milestones by due date then code, each with its
    Level-3 milestones by due date then code; withdrawn ones left out."""
    state, today = view.state, view.today
    live = [m for m in state.milestones.values() if not m.withdrawn]
    level2 = sorted((m for m in live if m.level == 2), key=_due_order)
    members: dict[str, list[Milestone]] = {m.code: [] for m in level2}
    unassigned = []
    for m in live:
        if m.level != 3:
            continue
        homes = [r for r in m.releases if r in members]
        for release in homes:
            members[release].append(m)
        if not homes:
            unassigned.append(m)
    blocks = [
        ReleaseBlock(
            row(m, today), [row(child, today) for child in sorted(members[m.code], key=_due_order)]
        )
        for m in level2
    ]
    return Plan(
        view.label,
        today,
        view.position,
        blocks,
        [row(m, today) for m in sorted(unassigned, key=_due_order)],
    )


# --- one milestone ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Proposal:
    """A change waiting for an RFC's approval."""

    seq: int
    rfc: str
    summary: str


@dataclass(frozen=True)
class MilestoneDetail:
    """Everything about one milestone at one point."""

    milestone: MilestoneRow
    withdrawn: bool
    completed_by: str | None
    members: list[MilestoneRow]
    proposals: list[Proposal]
    as_of: str
    #: The milestones in the plan that wait for this one (its successors), by code.
    needed_by: list[str] = field(default_factory=list)


def show(view: View, code: str) -> MilestoneDetail:
    """One milestone as of a view, with its Level-3 members and changes awaiting RFCs."""
    state = view.state
    milestone = find_milestone(state, code)
    members = sorted(
        (m for m in state.milestones.values() if milestone.code in m.releases and not m.withdrawn),
        key=_due_order,
    )
    names = {milestone.code, *milestone.aliases}
    proposals = [
        Proposal(event.seq, rfc_id, describe(event))
        for rfc_id, events in state.pending.items()
        for event in events
        if event.subject in names
    ]
    return MilestoneDetail(
        row(milestone, view.today),
        milestone.withdrawn,
        milestone.completed_by,
        [row(m, view.today) for m in members],
        proposals,
        view.label,
        sorted(
            m.code
            for m in state.milestones.values()
            if milestone.code in m.depends and not m.withdrawn
        ),
    )


# --- history and log --------------------------------------------------------------------------


@dataclass(frozen=True)
class Entry:
    """One event in a history or log, for people and scripts."""

    seq: int
    recorded_at: str
    effective: str
    actor: str
    type: str
    subject: str
    summary: str
    rfc: str | None
    rfc_state: str | None  # proposed | approved | rejected while the RFC is open/decided
    signature: str  # ok | BAD | unknown key


def _entries(ledger: Ledger, stored: Sequence[StoredEvent]) -> list[Entry]:
    """Rows as entries, each with its signature checked once; a row whose body does not
    decode is listed as damaged rather than hidden (`verify` says more)."""
    state = ledger.state()
    entries = []
    for row in stored:
        if row.seq > ledger.length:
            continue  # not recorded by the ledger: only `verify` speaks of it
        key = state.keys.get(row.key)
        if key is None:
            signature = "unknown key"
        else:
            good = signature_ok(bytes.fromhex(key.public_key), row.hash, row.sig)
            signature = "ok" if good and row.body_hash_ok else "BAD"
        try:
            event = decode_row(row)
        except ValueError as error:
            entries.append(
                Entry(
                    row.seq,
                    row.recorded_at,
                    row.effective,
                    row.actor,
                    row.type,
                    row.subject,
                    f"damaged: {error}",
                    row.rfc,
                    None,
                    "BAD",
                )
            )
            continue
        rfc_state = None
        if event.rfc is not None:
            found = state.rfcs.get(event.rfc)
            status = found.state if found else "unknown"
            rfc_state = "proposed" if status == "open" else status
        entries.append(
            Entry(
                event.seq,
                event.recorded_at,
                event.effective,
                event.actor,
                event.type,
                event.subject,
                describe(event),
                event.rfc,
                rfc_state,
                signature,
            )
        )
    return entries


def history(ledger: Ledger, code: str) -> list[Entry]:
    """The audit trail of a milestone: every event about it (under any of its codes),
    including proposals and links from Level-3 milestones to it."""
    state = ledger.state()
    resolved = state.resolve(code)
    if resolved is not None:
        names = {resolved, *state.milestones[resolved].aliases}
    else:
        names = {code.strip()}
    # Links name the Level-2 milestone in their data, not as subject: look those up by type.
    candidates = {
        row.seq: row
        for query in (
            {"subjects": sorted(names)},
            {"type_": "milestone.linked"},
            {"type_": "milestone.unlinked"},
        )
        for row in ledger.store.select(**query)
    }
    rows = []
    for row in sorted(candidates.values(), key=lambda r: r.seq):
        try:
            e = decode_row(row)
        except ValueError:
            if row.subject in names:
                rows.append(row)  # listed as damaged
            continue
        if (
            (e.type.startswith("milestone.") and e.subject in names)
            or e.data.get("release") in names
            or e.data.get("new_code") in names
        ):
            rows.append(row)
    if resolved is None and not rows:
        find_milestone(state, code)  # raises NotFound with suggestions
    return _entries(ledger, rows)


def log(
    ledger: Ledger,
    *,
    since: int = 0,
    actor: str | None = None,
    rfc: str | None = None,
    type_: str | None = None,
    limit: int | None = None,
) -> list[Entry]:
    """Events after `since`, filtered by actor, RFC and type (a prefix such as
    `milestone.` matches every milestone event)."""
    rfc_id = check_rfc_id(rfc) if rfc else None
    stored = ledger.store.select(
        since=since, actor=actor, rfc=rfc_id, type_=type_, limit=limit, newest_first=True
    )
    return _entries(ledger, stored[::-1])


# --- RFCs -------------------------------------------------------------------------------------


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
    changes = _entries(
        ledger, [row for row in ledger.store.select(rfc=rfc_id) if row.rfc == rfc_id]
    )
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


def view_of(ledger: Ledger, as_of: AsOf = NOW, known_at: str | None = None) -> View:
    """Shorthand for `ledger.view`, for symmetry with the other queries."""
    return ledger.view(as_of, known_at=known_at)
