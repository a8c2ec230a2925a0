"""Milestones at a terminal: the plan, one milestone, the late and upcoming lists.

A plan row needs its code, title, dates and status. At 100 columns and more
(and on a pipe) the table shows baseline, forecast and completion apart; in a
narrower terminal it shows the forecast as DUE and the completion as DONE, so
the title keeps about a third of the width instead of a fifth, and `show
CODE` gives the baseline. Titles wrap; nothing is cut.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from cli.screen import PLAIN, Screen
from cli.tables import STATUS_STYLES, Cell, Column, paragraph, status, styled, table

if TYPE_CHECKING:
    from ledger.queries import MilestoneDetail, MilestoneRow, Plan

#: Narrower than this, the plan leaves the baseline to `show`.
WIDE = 100

_WIDE = (
    Column("code"),
    Column("title", wrap=True),
    Column("baseline"),
    Column("forecast"),
    Column("completed"),
    Column("status"),
)
_NARROW = (
    Column("code"),
    Column("title", wrap=True),
    Column("due"),
    Column("done"),
    Column("status"),
)


def is_wide(screen: Screen) -> bool:
    """Whether the screen has room for baseline and forecast side by side."""
    return screen.width is None or screen.width >= WIDE


def _cells(row: MilestoneRow, screen: Screen, indent: str = "") -> list[Cell]:
    strong = "bold" if row.level == 2 else ""
    code: Cell = (indent + row.code, strong)
    title: Cell = (row.title, strong)
    if is_wide(screen):
        return [code, title, row.baseline, row.forecast, row.completed or "", status(row.status)]
    return [code, title, row.forecast, row.completed or "", status(row.status)]


def plan_text(plan: Plan, screen: Screen = PLAIN) -> str:
    """The plan as a table: each Level-2 milestone, then its Level-3 ones indented."""
    rows: list[list[Cell]] = []
    for block in plan.releases:
        rows.append(_cells(block.release, screen))
        rows.extend(_cells(m, screen, "  ") for m in block.milestones)
    if plan.unassigned:
        columns = len(_WIDE if is_wide(screen) else _NARROW)
        rows.append([("(under no Level-2 milestone)", "italic"), *[""] * (columns - 1)])
        rows.extend(_cells(m, screen, "  ") for m in plan.unassigned)
    level3 = {m.code for b in plan.releases for m in b.milestones} | {
        m.code for m in plan.unassigned
    }
    head = (
        f"Plan as of {plan.as_of}: {len(plan.releases)} Level-2 and {len(level3)} Level-3 "
        f"milestones from {plan.events} events; status judged on {plan.today}."
    )
    if not is_wide(screen):
        head += " DUE is the forecast; `milestone show CODE` has the baseline."
    if not rows:
        return paragraph(head, screen) + "\nThe plan is empty: `milestone define` adds milestones."
    return (
        paragraph(head, screen)
        + "\n\n"
        + table(_WIDE if is_wide(screen) else _NARROW, rows, screen)
    )


def rows_text(rows: list[MilestoneRow], screen: Screen = PLAIN) -> str:
    """A list of milestones, in the plan's columns."""
    return table(_WIDE if is_wide(screen) else _NARROW, [_cells(r, screen) for r in rows], screen)


def _count(n: int) -> str:
    return f"{n} milestone" if n == 1 else f"{n} milestones"


def late_text(rows: list[MilestoneRow], as_of: str, today: str, screen: Screen = PLAIN) -> str:
    """Milestones past their forecast, with how many days."""
    if as_of != today:
        as_of = f"{as_of} ({today})"
    if not rows:
        return f"Nothing is late as of {as_of}."
    cells: list[list[Cell]] = [
        [row.code, row.title, row.forecast, (str(row.days_late or 0), "bold red")] for row in rows
    ]
    columns = (
        Column("code"),
        Column("title", wrap=True),
        Column("due"),
        Column("days late", justify="right"),
    )
    head = f"{_count(len(rows))} late as of {as_of}, most overdue first:"
    return paragraph(head, screen) + "\n\n" + table(columns, cells, screen)


def upcoming_text(
    rows: list[MilestoneRow], start: str, until: str, days: int, screen: Screen = PLAIN
) -> str:
    """Milestones due in a window, and the window."""
    window = f"from {start} through {until} ({days} day{'s' if days != 1 else ''})"
    if not rows:
        return f"Nothing open is due {window}."
    head = f"{_count(len(rows))} due {window}:"
    cells: list[list[Cell]] = [
        [row.code, row.title, row.forecast, status(row.status)] for row in rows
    ]
    columns = (Column("code"), Column("title", wrap=True), Column("due"), Column("status"))
    return paragraph(head, screen) + "\n\n" + table(columns, cells, screen)


def show_text(detail: MilestoneDetail, screen: Screen = PLAIN) -> str:
    """One milestone in full."""
    m = detail.milestone
    done = f"{m.completed} by {detail.completed_by}" if m.completed else "-"
    late = f", {m.days_late} days late" if m.days_late else ""
    word = styled(m.status, STATUS_STYLES.get(m.status, ""), screen)
    state = f"  status      {word} (as of {detail.as_of}{late})"
    lines = [
        paragraph(f"{m.code}: {m.title}", screen, indent=2),
        f"  level       {m.level}" + (f"   team {m.team}" if m.team else ""),
        f"  baseline    {m.baseline}",
        f"  forecast    {m.forecast}",
        f"  completed   {done}",
        state,
    ]
    if m.releases:
        lines.append(paragraph(f"  in          {', '.join(m.releases)}", screen, indent=14))
    if m.aliases:
        lines.append(paragraph(f"  aliases     {', '.join(m.aliases)}", screen, indent=14))
    if m.depends:
        lines.append(paragraph(f"  waits for   {', '.join(m.depends)}", screen, indent=14))
    if detail.needed_by:
        lines.append(paragraph(f"  needed by   {', '.join(detail.needed_by)}", screen, indent=14))
    if detail.withdrawn:
        lines.append("  withdrawn   yes (`milestone reinstate` brings it back)")
    if detail.members:
        lines += ["", rows_text(detail.members, screen)]
    if detail.proposals:
        lines += ["", "Awaiting approval:"]
        lines += [
            paragraph(f"  #{p.seq} under {p.rfc}: {p.summary}", screen, indent=4)
            for p in detail.proposals
        ]
    return "\n".join(lines)
