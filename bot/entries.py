"""How events read in Slack: histories, the log, diffs, RFCs, verification, what was recorded.

A long list is paged (`bot.pages`), never cut: a history reads oldest first
like a story, the log newest first like a feed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot import render_tree
from bot.blocks import Reply, code, escape, who
from bot.pages import reply
from ledger.describe import describe

if TYPE_CHECKING:
    from ledger.audit import Entry
    from ledger.diff import PlanDiff
    from ledger.rfcs import RfcSummary
    from ledger.state import Recorded
    from ledger.verify import Report


def about(subject: str, summary: str) -> str:
    """A summary that names what it is about (a date move's summary does not)."""
    return summary if subject in summary else f"{subject}: {summary}"


def entry_line(entry: Entry) -> str:
    """One event of a history or log: seq, when, who, what, RFC, signature."""
    when = entry.recorded_at[:16].replace("T", " ")
    if entry.effective[:10] != entry.recorded_at[:10]:
        # An import's change (or a restore after a late one) holds from another day.
        when += f" (effective {entry.effective[:10]})"
    summary = about(entry.subject, entry.summary)
    rfc = f" · {code(entry.rfc)} ({entry.rfc_state})" if entry.rfc else ""
    sig = "signature ok" if entry.signature == "ok" else f":warning: signature {entry.signature}"
    return f"`#{entry.seq}` {when} · {who(entry.actor)} · {escape(summary)}{rfc} · {sig}"


def entries(result: list[Entry], *, title: str, empty: str, newest_first: bool = False) -> Reply:
    """A history or log, every event on some page."""
    if not result:
        return reply(empty)
    shown = result[::-1] if newest_first else result
    order = ", newest first" if newest_first else ""
    return reply(f"{title} ({len(result)} events){order}", [entry_line(e) for e in shown])


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


def rfc_heading(rfc: RfcSummary) -> str:
    """An RFC's id, title, state and who opened and decided it."""
    decided = (
        f", {rfc.state} on {rfc.decided_on} by {who(rfc.decided_by)}" if rfc.decided_on else ""
    )
    version = f" (version {escape(rfc.version)})" if rfc.version else ""
    heading = (
        f"{code(rfc.id)} *{escape(rfc.title)}*\n{rfc.state}{version}; opened by "
        f"{who(rfc.opened_by)}{decided}"
    )
    if rfc.checkpoint is not None:
        heading += "\n" + render_tree.at_approval(rfc.id, rfc.checkpoint)
    return heading


def rfc_show(rfc: RfcSummary) -> Reply:
    """One RFC and every change proposed under it."""
    title = rfc_heading(rfc)
    if not rfc.changes:
        return reply(title, ["No changes proposed under it yet."])
    heading = f"*{len(rfc.changes)} change(s) under it*"
    return reply(title, [heading, *(entry_line(e) for e in rfc.changes)])


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
    return f"{escape(about(event.subject, describe(event)))}{note}"


def recorded(events: list[Recorded], rfc_states: dict[str, str]) -> Reply:
    """The answer to a write: what was recorded, and under which numbers."""
    lines = [f"`#{e.seq}` {event_line(e, rfc_states)}" for e in events]
    return reply(":white_check_mark: Recorded, signed for you:", lines)
