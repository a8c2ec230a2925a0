"""The record at a terminal: histories and logs, RFCs, diffs, oddities, keys.

A history row says when a change took effect in the plan and when the ledger
learned it: an import of a 2018 revision is effective in 2018 and recorded
today, and both matter to an auditor. A diff is one row per milestone, its
changes joined, in natural code order.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from cli import render_tree
from cli.screen import PLAIN, Screen
from cli.tables import Cell, Column, paragraph, status, table

if TYPE_CHECKING:
    from ledger.audit import Entry
    from ledger.check import Oddity
    from ledger.diff import PlanDiff
    from ledger.rfcs import RfcSummary
    from ledger.state import KeyInfo

#: From this width on, the recording time is shown to the second, not just its day.
TIMED = 120


def _rfc_cell(entry: Entry) -> Cell:
    if entry.rfc is None:
        return ""
    if entry.rfc_state in (None, "approved"):
        return entry.rfc
    return (f"{entry.rfc} {entry.rfc_state}", status(entry.rfc_state or "")[1])


def entries_text(entries: list[Entry], screen: Screen = PLAIN, *, empty: str = "No events.") -> str:
    """History or log entries: which event, effective when, recorded when, by whom, what,
    under which RFC, and whether its signature verifies."""
    if not entries:
        return empty
    timed = screen.width is None or screen.width >= TIMED
    recorded = Column("recorded (UTC)" if timed else "recorded")
    columns = (
        Column("seq", justify="right"),
        Column("effective"),
        recorded,
        Column("actor", wrap=True),
        Column("what", wrap=True),
        Column("rfc", wrap=True),
        Column("sig"),
    )
    rows: list[list[Cell]] = [
        [
            f"#{e.seq}",
            e.effective[:10],
            e.recorded_at[:19].replace("T", " ") if timed else e.recorded_at[:10],
            e.actor,
            e.summary,
            _rfc_cell(e),
            status(e.signature),
        ]
        for e in entries
    ]
    return table(columns, rows, screen)


def rfc_text(rfc: RfcSummary, screen: Screen = PLAIN) -> str:
    """One RFC with its changes."""
    decided = f", {rfc.state} on {rfc.decided_on} by {rfc.decided_by}" if rfc.decided_on else ""
    version = f" (version {rfc.version})" if rfc.version else ""
    head = paragraph(f"{rfc.id}: {rfc.title}", screen, indent=2)
    state = paragraph(
        f"  {rfc.state}{version}; opened by {rfc.opened_by}{decided}", screen, indent=2
    )
    if rfc.checkpoint is not None:
        state += "\n" + paragraph(
            render_tree.approval_text(rfc.id, rfc.checkpoint), screen, indent=2
        )
    none = "No changes proposed under it yet." if rfc.state == "open" else "No changes under it."
    changes = entries_text(rfc.changes, screen, empty=none)
    return f"{head}\n{state}\n\n{changes}"


def rfc_list_text(rfcs: list[RfcSummary], screen: Screen = PLAIN) -> str:
    """Every RFC."""
    if not rfcs:
        return "No RFCs yet: `milestone rfc open RFC-1 TITLE` opens one."
    columns = (
        Column("rfc"),
        Column("state"),
        Column("version"),
        Column("decided"),
        Column("title", wrap=True),
    )
    rows: list[list[Cell]] = [
        [r.id, status(r.state), r.version or "", r.decided_on or "", r.title] for r in rfcs
    ]
    return table(columns, rows, screen)


def _days(n: int) -> str:
    return f"{n:+d} day" if abs(n) == 1 else f"{n:+d} days"


def _moves(code: str, result: PlanDiff) -> str | None:
    moves = {m.which: m for m in result.moved if m.code == code}
    if not moves:
        return None
    baseline, forecast = moves.get("baseline"), moves.get("forecast")
    if (
        baseline
        and forecast
        and (baseline.before, baseline.after) == (forecast.before, forecast.after)
    ):
        return f"moved {baseline.before} → {baseline.after} ({_days(baseline.days)})"
    return "; ".join(
        f"{m.which} {m.before} → {m.after} ({_days(m.days)})" for m in (baseline, forecast) if m
    )


def diff_changes(result: PlanDiff) -> dict[str, list[str]]:
    """What changed for each milestone, by code (natural order), each change in words."""
    from ledger.order import natural

    found: dict[str, list[str]] = {}

    def note(code: str, text: str) -> None:
        found.setdefault(code, []).append(text)

    for code in result.added:
        note(code, "added")
    for code in result.withdrawn:
        note(code, "withdrawn")
    for c in result.renamed:
        note(c.code, f"renamed from {c.before}")
    for c in result.retitled:
        note(c.code, f"retitled {c.before!r} → {c.after!r}")
    for code in dict.fromkeys(m.code for m in result.moved):
        note(code, _moves(code, result) or "")
    for c in result.completed:
        note(c.code, f"completed on {c.after}")
    for c in result.redated:
        note(c.code, f"completion date {c.before} → {c.after}")
    for code in result.reopened:
        note(code, "reopened")
    for c in result.relinked:
        note(c.code, f"under {c.after or 'no Level-2 milestone'} (was {c.before or 'none'})")
    return {code: found[code] for code in sorted(found, key=natural)}


def diff_text(result: PlanDiff, screen: Screen = PLAIN) -> str:
    """A plan diff: the counts, then one row per milestone with all its changes."""
    counts = result.counts
    if not any(counts.values()):
        return f"No changes from {result.before} to {result.after}."
    summary = ", ".join(f"{n} {kind}" for kind, n in counts.items() if n)
    head = paragraph(f"From {result.before} to {result.after}: {summary}.", screen)
    rows: list[list[Cell]] = [
        [code, "; ".join(texts)] for code, texts in diff_changes(result).items()
    ]
    return head + "\n\n" + table((Column("code"), Column("change", wrap=True)), rows, screen)


def check_text(oddities: list[Oddity], screen: Screen = PLAIN) -> str:
    """The oddities found."""
    if not oddities:
        return "No oddities."
    rows: list[list[Cell]] = [[o.code, o.kind, o.message] for o in oddities]
    head = f"{len(oddities)} {'oddity' if len(oddities) == 1 else 'oddities'} worth a look:"
    columns = (Column("where"), Column("kind"), Column("what", wrap=True))
    return paragraph(head, screen) + "\n\n" + table(columns, rows, screen)


def keys_text(keys: list[KeyInfo], screen: Screen = PLAIN) -> str:
    """The registered keys."""
    columns = (
        Column("key"),
        Column("actor", wrap=True),
        Column("delegate for", wrap=True),
        Column("registered"),
        Column("revoked"),
    )
    rows: list[list[Cell]] = [
        [
            k.key_id,
            k.actor,
            k.delegate_for or "",
            f"#{k.registered_seq}",
            (f"#{k.revoked_seq}", "dim") if k.revoked_seq else "",
        ]
        for k in keys
    ]
    return table(columns, rows, screen)
