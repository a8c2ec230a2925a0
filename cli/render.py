"""How each result reads in a terminal (`cli.data` has what `--json` prints).

`text` renders a result by its type (`functools.singledispatch`): a command's
name is never consulted. Everything the ledger library provides is imported
when it is needed, so a command pays only for what it shows.
"""

from __future__ import annotations

from functools import singledispatch
from typing import TYPE_CHECKING

from cli import render_tree
from cli.tables import table
from ledger import proof_results as prs
from ledger import results as rs

if TYPE_CHECKING:
    from ledger.check import Oddity
    from ledger.diff import PlanDiff
    from ledger.queries import Entry, MilestoneDetail, MilestoneRow, Plan, RfcSummary
    from ledger.state import Recorded
    from ledger.verify import Report

__all__ = ["table", "text"]


_MILESTONE_HEADERS = ("code", "title", "baseline", "forecast", "completed", "status")


def _milestone_cells(row: MilestoneRow, indent: str = "") -> list[object]:
    return [
        indent + row.code,
        row.title,
        row.baseline,
        row.forecast,
        row.completed or "",
        row.status,
    ]


def plan_text(plan: Plan) -> str:
    """The plan as a table: each Level-2 milestone, then its Level-3 ones indented."""
    rows: list[list[object]] = []
    for block in plan.releases:
        rows.append(_milestone_cells(block.release))
        rows.extend(_milestone_cells(m, "  ") for m in block.milestones)
    if plan.unassigned:
        rows.append(["(under no Level-2 milestone)", "", "", "", "", ""])
        rows.extend(_milestone_cells(m, "  ") for m in plan.unassigned)
    level3 = {m.code for b in plan.releases for m in b.milestones} | {
        m.code for m in plan.unassigned
    }
    head = (
        f"Plan as of {plan.as_of} ({plan.events} events; status judged on {plan.today}): "
        f"{len(plan.releases)} Level-2, {len(level3)} Level-3 milestones"
    )
    if not rows:
        return head + "\nThe plan is empty: `milestone define` adds milestones."
    return head + "\n\n" + table(_MILESTONE_HEADERS, rows, widest=56)


def rows_text(rows: list[MilestoneRow], *, empty: str) -> str:
    """A list of milestones."""
    if not rows:
        return empty
    return table(_MILESTONE_HEADERS, [_milestone_cells(r) for r in rows], widest=56)


def show_text(detail: MilestoneDetail) -> str:
    """One milestone in full."""
    m = detail.milestone
    lines = [
        f"{m.code}: {m.title}",
        f"  level       {m.level}" + (f"   team {m.team}" if m.team else ""),
        f"  baseline    {m.baseline}",
        f"  forecast    {m.forecast}",
        f"  completed   {m.completed + ' by ' + str(detail.completed_by) if m.completed else '-'}",
        f"  status      {m.status} (as of {detail.as_of})",
    ]
    if m.releases:
        lines.append(f"  in          {', '.join(m.releases)}")
    if m.aliases:
        lines.append(f"  aliases     {', '.join(m.aliases)}")
    if detail.members:
        lines.append("")
        lines.append(rows_text(detail.members, empty=""))
    if detail.proposals:
        lines.append("")
        lines.append("Awaiting approval:")
        lines.extend(f"  #{p.seq} under {p.rfc}: {p.summary}" for p in detail.proposals)
    return "\n".join(lines)


def entries_text(entries: list[Entry], *, empty: str = "No events.") -> str:
    """History or log entries: who, when, what, which RFC, signature."""
    if not entries:
        return empty
    rows = [
        [
            f"#{e.seq}",
            e.recorded_at[:19].replace("T", " "),
            e.actor,
            e.summary,
            f"{e.rfc} ({e.rfc_state})" if e.rfc else "",
            e.signature,
        ]
        for e in entries
    ]
    return table(("seq", "recorded (UTC)", "actor", "what", "rfc", "signature"), rows, widest=70)


def diff_text(result: PlanDiff) -> str:
    """A plan diff, section by section, with counts."""
    counts = result.counts
    lines = [
        f"From {result.before} to {result.after}: "
        + ", ".join(f"{n} {kind}" for kind, n in counts.items() if n)
        if any(counts.values())
        else f"No changes from {result.before} to {result.after}."
    ]
    if result.added:
        lines.append("added:     " + ", ".join(result.added))
    if result.withdrawn:
        lines.append("withdrawn: " + ", ".join(result.withdrawn))
    lines.extend(f"renamed:   {c.before} → {c.after}" for c in result.renamed)
    lines.extend(f"retitled:  {c.code}: {c.before!r} → {c.after!r}" for c in result.retitled)
    lines.extend(
        f"moved:     {m.code} {m.which} {m.before} → {m.after} ({m.days:+d} days)"
        for m in result.moved
    )
    lines.extend(f"completed: {c.code} on {c.after}" for c in result.completed)
    lines.extend(f"redated:   {c.code} completed {c.before} → {c.after}" for c in result.redated)
    if result.reopened:
        lines.append("reopened:  " + ", ".join(result.reopened))
    lines.extend(f"relinked:  {c.code}: [{c.before}] → [{c.after}]" for c in result.relinked)
    return "\n".join(lines)


def check_text(oddities: list[Oddity]) -> str:
    """The oddities found."""
    if not oddities:
        return "No oddities."
    return table(
        ("kind", "where", "what"), [[o.kind, o.code, o.message] for o in oddities], widest=90
    )


def verify_text(report: Report) -> str:
    """The outcome of a verification."""
    if report.ok:
        return (
            f"OK: {report.checked} events verified.\n"
            f"ledger id  {report.ledger_id}\n"
            f"head       #{report.checked} {report.head_hash}"
        )
    assert report.failure is not None
    return (
        f"FAILED at event #{report.failure.seq}: {report.failure.reason}\n"
        f"({report.checked} events before it verified)"
    )


def rfc_text(rfc: RfcSummary) -> str:
    """One RFC with its changes."""
    decided = f", {rfc.state} on {rfc.decided_on} by {rfc.decided_by}" if rfc.decided_on else ""
    version = f" (version {rfc.version})" if rfc.version else ""
    head = f"{rfc.id}: {rfc.title}\n  {rfc.state}{version}; opened by {rfc.opened_by}{decided}"
    if rfc.checkpoint is not None:
        head += "\n" + render_tree.approval_text(rfc.id, rfc.checkpoint)
    return head + "\n\n" + entries_text(rfc.changes, empty="No changes proposed under it yet.")


def rfc_list_text(rfcs: list[RfcSummary]) -> str:
    """Every RFC."""
    if not rfcs:
        return "No RFCs yet: `milestone rfc open RFC-1 TITLE` opens one."
    return table(
        ("rfc", "state", "version", "decided", "title"),
        [[r.id, r.state, r.version or "", r.decided_on or "", r.title] for r in rfcs],
    )


def recorded_text(events: list[Recorded], rfc_states: dict[str, str]) -> str:
    """What a write command recorded."""
    from ledger.describe import describe

    lines = []
    for event in events:
        note = ""
        if event.rfc and rfc_states.get(event.rfc) == "open":
            note = f"  (proposed under {event.rfc}: takes effect when it is approved)"
        lines.append(f"recorded #{event.seq}: {describe(event)}{note}")
    return "\n".join(lines)


# --- by result type -----------------------------------------------------------------------------


@singledispatch
def text(result: rs.Result) -> str:
    """A result as text for a person."""
    raise TypeError(f"no text for {type(result).__name__}")


@text.register
def _(result: rs.PlanResult) -> str:
    if result.format == "table":
        return plan_text(result.plan)
    if result.format == "json":
        from cli.data import as_json, plain

        return as_json(plain(result.plan))
    from ledger import render

    formats = {"csv": render.to_csv, "md": render.to_markdown, "tex": render.to_latex}
    return formats[result.format](result.plan)


@text.register
def _(result: rs.MilestoneResult) -> str:
    return show_text(result.detail)


@text.register
def _(result: rs.HistoryResult) -> str:
    return entries_text(result.entries)


@text.register
def _(result: rs.LogResult) -> str:
    return entries_text(result.entries)


@text.register
def _(result: rs.DiffResult) -> str:
    return diff_text(result.diff)


@text.register
def _(result: rs.LateResult) -> str:
    return rows_text(result.rows, empty="Nothing is late.")


@text.register
def _(result: rs.UpcomingResult) -> str:
    return rows_text(result.rows, empty="Nothing is due in that window.")


@text.register
def _(result: rs.CheckResult) -> str:
    return check_text(result.oddities)


@text.register
def _(result: rs.VerifyResult) -> str:
    held = result.report.ok and result.tree is not None
    return verify_text(result.report) + (render_tree.tree_text(result.tree) if held else "")


@text.register
def _(result: rs.RfcResult) -> str:
    return rfc_text(result.rfc)


@text.register
def _(result: rs.RfcListResult) -> str:
    return rfc_list_text(result.rfcs)


@text.register
def _(result: rs.KeyListResult) -> str:
    rows = [
        [
            k.key_id,
            k.actor,
            k.delegate_for or "",
            f"#{k.registered_seq}",
            f"#{k.revoked_seq}" if k.revoked_seq else "",
        ]
        for k in result.keys
    ]
    return table(("key", "actor", "delegate for", "registered", "revoked"), rows)


@text.register
def _(result: rs.RecordedResult) -> str:
    return recorded_text(result.events, result.rfc_states)


@text.register
def _(result: rs.ImportResult) -> str:
    return result.summary()


# Checkpoints, proofs and cosigned checkpoints print as the files an auditor keeps.
text.register(prs.CheckpointResult, lambda r: r.checkpoint.note)
text.register(prs.KeyLineResult, lambda r: r.key_line)
text.register(prs.CheckpointListResult, lambda r: render_tree.checkpoints_text(r.checkpoints))
text.register(prs.ProofResult, lambda r: r.proof.text())
text.register(prs.ProofCheckResult, lambda r: render_tree.check_text(r.check))
text.register(prs.CosignResult, lambda r: r.cosigned.note)
