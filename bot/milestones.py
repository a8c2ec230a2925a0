"""How milestones read in Slack: one line each, the plan, one milestone, lists, oddities.

Where an answer is long, what people look for comes first: the plan opens
with the Level-2 milestones that still have work to do (late ones show their
red mark), and the finished ones follow.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.blocks import Block, Reply, code, context, escape, section, who
from bot.pages import reply

if TYPE_CHECKING:
    from ledger.check import Oddity
    from ledger.queries import MilestoneDetail, MilestoneRow, Plan, ReleaseBlock

STATUS = {
    "done": ":white_check_mark:",
    "late": ":red_circle:",
    "slipped": ":large_orange_circle:",
    "on track": ":large_green_circle:",
    "withdrawn": ":white_circle:",
}
_CLOSED = {"done", "withdrawn"}
_INDENT = "        "


def milestone_line(row: MilestoneRow, indent: str = "") -> str:
    """One milestone on one line: status, code, title, dates."""
    dates = f"due {row.forecast}"
    if row.forecast != row.baseline:
        dates += f" (baseline {row.baseline})"
    if row.completed:
        dates = f"done {row.completed}"
    mark = STATUS.get(row.status, "")
    return f"{indent}{mark} {code(row.code)} {escape(row.title)} — {dates} · {row.status}"


def _finished(block: ReleaseBlock) -> bool:
    rows = [block.release, *block.milestones]
    return all(r.status in _CLOSED for r in rows)


def _release_lines(blocks: list[ReleaseBlock]) -> list[str]:
    lines = []
    for block in blocks:
        lines.append("*" + milestone_line(block.release) + "*")
        lines.extend(milestone_line(m, _INDENT) for m in block.milestones)
    return lines


def plan(result: Plan) -> Reply:
    """The plan: Level-2 milestones with work to do first, each with its Level-3 milestones
    under it; then the finished ones. Every milestone is on some page."""
    level3 = {m.code: m for b in result.releases for m in b.milestones}
    level3.update((m.code, m) for m in result.unassigned)
    counts = {s: 0 for s in ("late", "slipped", "on track", "done")}
    for row in level3.values():
        counts[row.status] = counts.get(row.status, 0) + 1
    tally = ", ".join(f"{n} {status}" for status, n in counts.items() if n)
    title = (
        f"*Plan as of {escape(result.as_of)}*: {len(result.releases)} Level-2, "
        f"{len(level3)} Level-3 milestones ({result.events} events; status judged on "
        f"{result.today})" + (f". Level-3: {tally}" if tally else "")
    )
    if not result.releases and not result.unassigned:
        return reply(title, ["The plan is empty: `/milestone define` adds milestones."])
    working = [b for b in result.releases if not _finished(b)]
    finished = [b for b in result.releases if _finished(b)]
    loose_open = [m for m in result.unassigned if m.status not in _CLOSED]
    loose_done = [m for m in result.unassigned if m.status in _CLOSED]
    lines: list[str] = []
    if working or loose_open:
        lines.append(f"*Still to do* ({len(working)} Level-2, by due date)")
        lines += _release_lines(working)
        if loose_open:
            lines.append("_Under no Level-2 milestone:_")
            lines += [milestone_line(m, _INDENT) for m in loose_open]
    if finished or loose_done:
        lines.append(f"*Done* ({len(finished)} Level-2, by due date)")
        lines += _release_lines(finished)
        if loose_done:
            lines.append("_Under no Level-2 milestone:_")
            lines += [milestone_line(m, _INDENT) for m in loose_done]
    return reply(title, lines)


def rows(result: list[MilestoneRow], *, title: str, empty: str, note: str | None = None) -> Reply:
    """A list of milestones; `note` says which point or window it is of."""
    if not result:
        return reply(empty, note=note)
    return reply(f"{title} ({len(result)})", [milestone_line(r) for r in result], note=note)


def show(detail: MilestoneDetail) -> Reply:
    """One milestone in full; its Level-3 milestones and pending changes, paged."""
    m = detail.milestone
    completed = f"{m.completed} by {who(detail.completed_by)}" if m.completed else "-"
    fields = [
        ("Level", str(m.level)),
        ("Team", escape(m.team or "-")),
        ("Baseline", m.baseline),
        ("Forecast", m.forecast),
        ("Completed", completed),
        ("Status", f"{STATUS.get(m.status, '')} {m.status} (as of {escape(detail.as_of)})"),
    ]
    title = f"{code(m.code)} *{escape(m.title)}*"
    first: list[Block] = [
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
    for label, codes in (("Waits for", m.depends), ("Needed by", detail.needed_by)):
        if codes:
            # A context block holds 2,000 characters: name the first few, count the rest.
            more = f" and {len(codes) - 12} more" if len(codes) > 12 else ""
            extra.append(f"{label} " + ", ".join(code(c) for c in codes[:12]) + more)
    if extra:
        first.append(context(" · ".join(extra)))
    lines = []
    if detail.members:
        lines.append(f"*Level-3 milestones under it* ({len(detail.members)})")
        lines += [milestone_line(r) for r in detail.members]
    if detail.proposals:
        lines.append(f"*Awaiting approval* ({len(detail.proposals)})")
        lines += [f"`#{p.seq}` under {code(p.rfc)}: {escape(p.summary)}" for p in detail.proposals]
    return reply(f"{code(m.code)} {escape(m.title)}", lines, first=first)


def check(result: list[Oddity]) -> Reply:
    """Oddities in the plan."""
    if not result:
        return reply(":white_check_mark: No oddities.")
    lines = [f"*{escape(o.kind)}* {code(o.code)}: {escape(o.message)}" for o in result]
    return reply(f"*Oddities* ({len(result)})", lines)
