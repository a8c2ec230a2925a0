"""Reports at a terminal: the slip and celebration tables, and charts written to files.

A chart is an image: with `--out FILE` it is written there (the extension chooses the
format) and the command says where; without, it goes to standard output as PNG when that
is a pipe or a file (`milestone chart burndown > burndown.png`), and is refused on a
terminal, which cannot show it. The writers are `ledger.charts`'; they, and matplotlib
with them, are imported only when something is drawn.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from cli.screen import PLAIN, Screen
from cli.tables import Cell, Column, paragraph, styled, table
from ledger.errors import InvalidInput

if TYPE_CHECKING:
    from ledger.report_results import ChartResult
    from ledger.reports.burndown import Burndown
    from ledger.reports.celebrate import Celebration
    from ledger.reports.gantt import Gantt
    from ledger.reports.graph import Graph
    from ledger.reports.slip import Slip, SlipRow

    Report = Burndown | Gantt | Slip | Graph | Celebration


def written(report: Report, out: str, size: tuple[int, int] | None = None) -> str:
    """Write `report` to `out` and say where it went."""
    from ledger.charts.output import name_of, write_report

    path = Path(out)
    write_report(report, out=path, size=size)
    kind = path.suffix.lower().removeprefix(".")
    return f"wrote the {name_of(report)} ({kind}) to {path}"


def chart_output(result: ChartResult, screen: Screen = PLAIN) -> str | bytes:
    """The chart written to `--out`, or as PNG bytes for a pipe; refused on a terminal."""
    if result.out is not None:
        return written(result.chart, result.out, result.size)
    if screen.terminal:
        from ledger.charts.output import name_of

        name = name_of(result.chart)
        raise InvalidInput(
            f"a chart is an image and this is a terminal: give --out {name}.png (or .svg, "
            f".pdf), or send it to a file: milestone chart {name} ... > {name}.png"
        )
    from ledger.charts.output import png_bytes

    return png_bytes(result.chart, size=result.size)


def chart_text(result: ChartResult, screen: Screen = PLAIN) -> str:
    """What a chart shows, in a line: its title."""
    from ledger.charts.output import title_of

    return paragraph(title_of(result.chart), screen)


# --- slip ---------------------------------------------------------------------------------------


def _slip_cell(row: SlipRow) -> Cell:
    if row.days is None:
        return (row.change, "dim")
    if row.days == 0:
        return "0"
    return (f"{row.days:+d}", "red" if row.days > 0 else "green")


def slip_text(report: Slip, screen: Screen = PLAIN) -> str:
    """Every milestone's forecast at both points and its slip in days, largest first."""
    from ledger.charts.slip import slip_title

    heading = paragraph(slip_title(report) + ".", screen)
    if not report.rows:
        return heading + "\nNo milestones at either point."
    columns = [
        Column("code"),
        Column(report.before_label),
        Column(report.after_label),
        Column("slip (days)", justify="right"),
        Column("title", wrap=True),
    ]
    rows: list[list[Cell]] = [
        [
            r.code,
            r.before or "",
            r.after or "",
            _slip_cell(r),
            r.title if r.was is None else f"{r.title} (was {r.was})",
        ]
        for r in report.rows
    ]
    return heading + "\n\n" + table(columns, rows, screen)


def slip_output(report: Slip, out: str | None, csv: bool, screen: Screen = PLAIN) -> str:
    """The slip written to `--out`, as CSV with `--csv`, or as a table."""
    if out is not None:
        return written(report, out)
    if csv:
        from ledger.charts.slip import slip_csv

        return slip_csv(report)
    return slip_text(report, screen)


# --- celebrate ----------------------------------------------------------------------------------


def celebration_text(report: Celebration, screen: Screen = PLAIN) -> str:
    """The completions since the day, oldest first, with who recorded each and when."""
    from ledger.charts.celebrate import celebration_title, recorded

    count = len(report.completions)
    if count == 0:
        return f"No milestones completed since {report.since}."
    heading = styled(f"{celebration_title(report)}: {count}", "bold", screen)
    columns = [
        Column("completed"),
        Column("code"),
        Column("title", wrap=True),
        Column("recorded by"),
        Column("recorded (UTC)"),
    ]
    rows: list[list[Cell]] = [
        [c.completed, c.code, c.title, c.recorded_by or "", recorded(c)] for c in report.completions
    ]
    return heading + "\n\n" + table(columns, rows, screen)


def celebration_output(report: Celebration, out: str | None, screen: Screen = PLAIN) -> str:
    """The celebration written to `--out` (Markdown or HTML), or as a table."""
    return written(report, out) if out is not None else celebration_text(report, screen)
