"""The audit trail: a milestone's history and the filtered log, each event with its
signature checked.

Each function takes a ledger and returns `Entry` rows that front ends render;
a row whose body does not decode is listed as damaged, not hidden.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ledger.checks import check_rfc_id
from ledger.describe import describe
from ledger.ledger import Ledger
from ledger.records import decode_row
from ledger.rules import find_milestone
from ledger.signing import signature_ok
from ledger.store import StoredEvent


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


def entries(ledger: Ledger, stored: Sequence[StoredEvent]) -> list[Entry]:
    """Rows as entries, each with its signature checked once; a row whose body does not
    decode is listed as damaged rather than hidden (`verify` says more)."""
    state = ledger.state()
    listed: list[Entry] = []
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
            listed.append(
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
            rfc = state.rfcs.get(event.rfc)
            status = rfc.state if rfc else "unknown"
            rfc_state = "proposed" if status == "open" else status
        listed.append(
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
    return listed


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
    return entries(ledger, rows)


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
    return entries(ledger, stored[::-1])
