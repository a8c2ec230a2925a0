"""How reports read in Slack as text: the slip report, a celebration, what a chart shows.

Charts themselves are uploaded as images (`bot.uploads`); these are the answers that are
text, paged like every long answer (`bot.pages`), every value escaped.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.blocks import Reply, code, escape, who
from bot.pages import reply

if TYPE_CHECKING:
    from ledger.reports.celebrate import Celebration
    from ledger.reports.graph import Graph
    from ledger.reports.slip import Slip, SlipRow


def _slip_line(row: SlipRow) -> str:
    title = escape(row.title) + (f" (was {code(row.was)})" if row.was else "")
    if row.change == "added":
        return f":new: {code(row.code)} {title} — added, due {row.after}"
    if row.change == "removed":
        return f":heavy_minus_sign: {code(row.code)} {title} — removed (was due {row.before})"
    days = row.days or 0
    mark = ":arrow_right:" if days > 0 else ":arrow_left:" if days < 0 else ":heavy_equals_sign:"
    moved = f"{days:+d} days" if days else "unchanged"
    return f"{mark} {code(row.code)} {title} — {row.before} → {row.after} · *{moved}*"


def slip(report: Slip) -> Reply:
    """Every milestone's forecast at both points and its slip, largest first."""
    from ledger.charts.slip import slip_title

    title = f"*{escape(slip_title(report))}*"
    if not report.rows:
        return reply(title, ["No milestones at either point."])
    return reply(title, [_slip_line(row) for row in report.rows])


def celebration(report: Celebration) -> Reply:
    """The completions since the day, oldest first, with who recorded each and when."""
    from ledger.charts.celebrate import celebration_title, recorded

    count = len(report.completions)
    if count == 0:
        return reply(f"No milestones completed since {report.since}.")
    lines = [
        f":tada: {c.completed} {code(c.code)} {escape(c.title)} — recorded by "
        f"{who(c.recorded_by)}" + (f" on {recorded(c)} UTC" if c.recorded_at else "")
        for c in report.completions
    ]
    return reply(f"*{escape(celebration_title(report))}* ({count})", lines)


def graph(report: Graph) -> Reply:
    """What a dependency graph holds, in words: its size, what is late, its critical path."""
    from ledger.charts.graph import graph_title

    late = [n.code for n in report.nodes if n.late]
    lines = [f"{len(report.nodes)} milestones, {len(report.edges)} links."]
    if late:
        lines.append("Late: " + ", ".join(code(c) for c in late))
    if report.critical_path:
        lines.append("Critical path: " + " → ".join(code(c) for c in report.critical_path))
    return reply(f"*{escape(graph_title(report))}*", lines)


def chart(title: str) -> Reply:
    """The words that go with a chart: its title."""
    return reply(f"*{escape(title)}*")
