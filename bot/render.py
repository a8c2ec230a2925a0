"""How results read in Slack: each result type as a Block Kit reply.

`answer` renders a result by its type (`functools.singledispatch`); the
command that asked is never consulted. The message pieces and their
escaping are `bot.blocks`'.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import singledispatch
from typing import TYPE_CHECKING

from bot import render_tree
from bot.blocks import MAX_BLOCKS, Block, Reply, code, context, escape, reply, section, who
from ledger import proof_results as prs
from ledger import results as rs
from ledger.describe import describe
from ledger.state import Recorded

if TYPE_CHECKING:
    from ledger.check import Oddity
    from ledger.diff import PlanDiff
    from ledger.proving import CheckpointInfo
    from ledger.queries import Entry, MilestoneDetail, MilestoneRow, Plan, RfcSummary
    from ledger.verify import Report

_LATEST = 60  # events of a long history shown in Slack
_STATUS = {
    "done": ":white_check_mark:",
    "late": ":red_circle:",
    "slipped": ":large_orange_circle:",
    "on track": ":large_green_circle:",
    "withdrawn": ":white_circle:",
}


# --- milestones ---------------------------------------------------------------------------------


def milestone_line(row: MilestoneRow, indent: str = "") -> str:
    """One milestone on one line: status, code, title, dates."""
    dates = f"due {row.forecast}"
    if row.forecast != row.baseline:
        dates += f" (baseline {row.baseline})"
    if row.completed:
        dates = f"done {row.completed}"
    mark = _STATUS.get(row.status, "")
    return f"{indent}{mark} {code(row.code)} {escape(row.title)} — {dates} · {row.status}"


def plan(result: Plan) -> Reply:
    """The plan: each Level-2 milestone with its Level-3 milestones under it."""
    lines: list[str] = []
    for block in result.releases:
        lines.append("*" + milestone_line(block.release) + "*")
        lines.extend(milestone_line(m, "        ") for m in block.milestones)
    if result.unassigned:
        lines.append("_Under no Level-2 milestone:_")
        lines.extend(milestone_line(m, "        ") for m in result.unassigned)
    level3 = {m.code for b in result.releases for m in b.milestones}
    level3 |= {m.code for m in result.unassigned}
    title = (
        f"*Plan as of {escape(result.as_of)}*: {len(result.releases)} Level-2, "
        f"{len(level3)} Level-3 milestones ({result.events} events; status judged on "
        f"{result.today})"
    )
    if not lines:
        return reply(title, ["The plan is empty: `/milestone define` adds milestones."])
    return reply(title, lines)


def rows(result: list[MilestoneRow], *, title: str, empty: str) -> Reply:
    """A list of milestones."""
    if not result:
        return reply(empty)
    return reply(f"{title} ({len(result)})", [milestone_line(r) for r in result])


def show(detail: MilestoneDetail) -> Reply:
    """One milestone in full."""
    m = detail.milestone
    completed = f"{m.completed} by {who(detail.completed_by)}" if m.completed else "-"
    fields = [
        ("Level", str(m.level)),
        ("Team", escape(m.team or "-")),
        ("Baseline", m.baseline),
        ("Forecast", m.forecast),
        ("Completed", completed),
        ("Status", f"{_STATUS.get(m.status, '')} {m.status} (as of {escape(detail.as_of)})"),
    ]
    title = f"{code(m.code)} *{escape(m.title)}*"
    blocks: list[Block] = [
        section(title),
        {
            "type": "section",
            "fields": [{"type": "mrkdwn", "text": f"*{k}*\n{v}"} for k, v in fields],
        },
    ]
    extra = []
    if m.releases:
        extra.append("In " + ", ".join(code(r) for r in m.releases))
    if m.aliases:
        extra.append("Also known as " + ", ".join(code(a) for a in m.aliases))
    if extra:
        blocks.append(context(" · ".join(extra)))
    if detail.members:
        lines = [milestone_line(r) for r in detail.members[:40]]
        if len(detail.members) > 40:
            lines.append(f"…and {len(detail.members) - 40} more")
        blocks.append(section("*Level-3 milestones under it*\n" + "\n".join(lines)))
    if detail.proposals:
        lines = [
            f"`#{p.seq}` under {code(p.rfc)}: {escape(p.summary)}" for p in detail.proposals[:20]
        ]
        blocks.append(section("*Awaiting approval*\n" + "\n".join(lines)))
    return Reply(f"{code(m.code)} {escape(m.title)}", tuple(blocks))


# --- events -------------------------------------------------------------------------------------


def _about(subject: str, summary: str) -> str:
    """A summary that names what it is about (a date move's summary does not)."""
    return summary if subject in summary else f"{subject}: {summary}"


def entry_line(entry: Entry) -> str:
    """One event of a history or log: seq, when, who, what, RFC, signature."""
    when = entry.recorded_at[:16].replace("T", " ")
    summary = _about(entry.subject, entry.summary)
    rfc = f" · {code(entry.rfc)} ({entry.rfc_state})" if entry.rfc else ""
    sig = "signature ok" if entry.signature == "ok" else f":warning: signature {entry.signature}"
    return f"`#{entry.seq}` {when} · {who(entry.actor)} · {escape(summary)}{rfc} · {sig}"


def entries(result: list[Entry], *, title: str, empty: str) -> Reply:
    """A history or log, oldest first; a long one shows its latest events."""
    if not result:
        return reply(empty)
    shown = result[-_LATEST:]
    note = None
    if len(result) > len(shown):
        note = f"The {len(result) - len(shown)} earlier events are not shown; a terminal shows all."
    return reply(
        f"{title} ({len(result)} events)",
        [entry_line(e) for e in shown],
        note=note,
        cut=len(result) > len(shown),
    )


def diff(result: PlanDiff) -> Reply:
    """What changed between two points."""
    counts = ", ".join(f"{n} {kind}" for kind, n in result.counts.items() if n)
    span = f"{escape(result.before)} to {escape(result.after)}"
    if not counts:
        return reply(f"No changes from {span}.")
    lines = []
    if result.added:
        lines.append("*added* " + ", ".join(code(c) for c in result.added))
    if result.withdrawn:
        lines.append("*withdrawn* " + ", ".join(code(c) for c in result.withdrawn))
    lines.extend(f"*renamed* {code(c.before)} → {code(c.after)}" for c in result.renamed)
    lines.extend(
        f"*retitled* {code(c.code)}: “{escape(c.before)}” → “{escape(c.after)}”"
        for c in result.retitled
    )
    lines.extend(
        f"*moved* {code(m.code)} {m.which} {m.before} → {m.after} ({m.days:+d} days)"
        for m in result.moved
    )
    lines.extend(f"*completed* {code(c.code)} on {escape(c.after)}" for c in result.completed)
    if result.reopened:
        lines.append("*reopened* " + ", ".join(code(c) for c in result.reopened))
    lines.extend(
        f"*relinked* {code(c.code)}: [{escape(c.before)}] → [{escape(c.after)}]"
        for c in result.relinked
    )
    return reply(f"*From {span}*: {counts}", lines)


def check(result: list[Oddity]) -> Reply:
    """Oddities in the plan."""
    if not result:
        return reply(":white_check_mark: No oddities.")
    lines = [f"*{escape(o.kind)}* {code(o.code)}: {escape(o.message)}" for o in result]
    return reply(f"*Oddities* ({len(result)})", lines)


def verify(report: Report) -> Reply:
    """The outcome of a verification."""
    if report.ok:
        return reply(
            f":white_check_mark: *OK*: {report.checked} events verified.",
            [f"ledger id `{report.ledger_id}`", f"head `#{report.checked}` `{report.head_hash}`"],
        )
    assert report.failure is not None
    return reply(
        f":x: *FAILED* at event #{report.failure.seq}: {escape(report.failure.reason)}",
        [f"{report.checked} events before it verified."],
    )


def rfc_show(rfc: RfcSummary) -> Reply:
    """One RFC and the changes proposed under it."""
    decided = (
        f", {rfc.state} on {rfc.decided_on} by {who(rfc.decided_by)}" if rfc.decided_on else ""
    )
    version = f" (version {escape(rfc.version)})" if rfc.version else ""
    title = (
        f"{code(rfc.id)} *{escape(rfc.title)}*\n{rfc.state}{version}; opened by "
        f"{who(rfc.opened_by)}{decided}"
    )
    if rfc.checkpoint is not None:
        title += "\n" + render_tree.at_approval(rfc.id, rfc.checkpoint)
    if not rfc.changes:
        return reply(title, ["No changes proposed under it yet."])
    return reply(title, [entry_line(e) for e in rfc.changes])


def rfc_list(result: list[RfcSummary]) -> Reply:
    """Every RFC."""
    if not result:
        return reply("No RFCs yet: `/milestone rfc open RFC-1 TITLE` opens one.")
    lines = [
        f"{code(r.id)} {r.state}"
        + (f" v{escape(r.version)}" if r.version else "")
        + (f" {r.decided_on}" if r.decided_on else "")
        + f" · {escape(r.title)}"
        for r in result
    ]
    return reply(f"*RFCs* ({len(result)})", lines)


def event_line(event: Recorded, rfc_states: dict[str, str]) -> str:
    """What one recorded event did, for people."""
    note = ""
    if event.rfc and rfc_states.get(event.rfc) == "open":
        note = f" _(proposed under {code(event.rfc)}: takes effect when it is approved)_"
    elif event.rfc:
        note = f" (under {code(event.rfc)})"
    return f"{escape(_about(event.subject, describe(event)))}{note}"


def recorded(events: list[Recorded], rfc_states: dict[str, str]) -> Reply:
    """The answer to a write: what was recorded, and under which numbers."""
    lines = [f"`#{e.seq}` {event_line(e, rfc_states)}" for e in events]
    return reply(":white_check_mark: Recorded, signed for you:", lines)


def announcement(
    events: Sequence[Recorded],
    rfc_states: dict[str, str],
    checkpoints: Mapping[int, CheckpointInfo] | None = None,
) -> Reply:
    """The channel message for events appended anywhere; an approval shows its checkpoint."""
    lines = [f"{who(e.actor)} {event_line(e, rfc_states)} `#{e.seq}`" for e in events]
    kept = [render_tree.approval_checkpoint(c) for c in (checkpoints or {}).values()]
    extra = tuple(block for pair in kept for block in pair)
    if len(lines) == 1:
        return Reply(lines[0], (section(lines[0]), *extra))
    shown = tuple(section(line) for line in lines[: MAX_BLOCKS - len(extra)])
    return Reply(f"{len(lines)} changes to the plan", (*shown, *extra))


# --- by result type -----------------------------------------------------------------------------


@singledispatch
def answer(result: rs.Result) -> Reply:
    """How a result reads in Slack."""
    raise TypeError(f"no Slack answer for {type(result).__name__}")


@answer.register
def _(result: rs.PlanResult) -> Reply:
    return plan(result.plan)


@answer.register
def _(result: rs.MilestoneResult) -> Reply:
    return show(result.detail)


@answer.register
def _(result: rs.HistoryResult) -> Reply:
    return entries(result.entries, title=f"*History of {code(result.code)}*", empty="No events.")


@answer.register
def _(result: rs.LogResult) -> Reply:
    return entries(result.entries, title="*Log*", empty="No events match.")


@answer.register
def _(result: rs.DiffResult) -> Reply:
    return diff(result.diff)


@answer.register
def _(result: rs.LateResult) -> Reply:
    return rows(result.rows, title="*Late*", empty="Nothing is late.")


@answer.register
def _(result: rs.UpcomingResult) -> Reply:
    title = f"*Due in the next {result.days} days*"
    return rows(result.rows, title=title, empty="Nothing is due in that window.")


@answer.register
def _(result: rs.CheckResult) -> Reply:
    return check(result.oddities)


@answer.register
def _(result: rs.VerifyResult) -> Reply:
    if result.tree is None or not result.report.ok:
        return verify(result.report)
    return render_tree.verified(verify(result.report), result.tree)


@answer.register
def _(result: rs.RfcResult) -> Reply:
    return rfc_show(result.rfc)


@answer.register
def _(result: rs.RfcListResult) -> Reply:
    return rfc_list(result.rfcs)


@answer.register
def _(result: rs.RecordedResult) -> Reply:
    return recorded(result.events, result.rfc_states)


answer.register(prs.CheckpointResult, lambda r: render_tree.checkpoint(r.checkpoint))
answer.register(prs.KeyLineResult, lambda r: render_tree.key_line(r.key_line))
answer.register(prs.CheckpointListResult, lambda r: render_tree.checkpoints(r.checkpoints))
answer.register(prs.ProofResult, lambda r: render_tree.proof(r.proof))
