"""The Gantt chart as an image (png, svg, pdf): a row a milestone, dates along the bottom.

Each row shows the baseline (hollow diamond), the forecast (filled diamond, coloured by
status) joined to it by a line when they differ, and the completion day (a star).
Releases are bold; their Level-3 members follow them, indented, on a shaded band.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from ledger.charts import escape
from ledger.charts.figure import (
    date_axis,
    day_number,
    new_figure,
    row_labels,
    save,
    today_line,
)
from ledger.charts.formats import GANTT, IMAGES, format_of, write_text
from ledger.charts.gantt_latex import gantt_latex
from ledger.charts.layout import lay_out
from ledger.reports.gantt import Gantt, GanttRow

if TYPE_CHECKING:
    from matplotlib.artist import Artist

#: Forecast colours by status; the legend names them in this order.
STATUS_COLOURS = {
    "done": "tab:green",
    "on track": "tab:blue",
    "slipped": "tab:orange",
    "late": "tab:red",
}
WIDTH = 1400
ROW_HEIGHT = 22
#: How a row is labelled, by its level: releases bold, their members smaller and grey.
_STYLES: dict[int, dict[str, object]] = {
    2: {"fontweight": "bold", "fontsize": 9},
    3: {"fontweight": "normal", "fontsize": 8, "color": "0.3"},
}


def gantt_title(report: Gantt) -> str:
    """`Level-2 milestones (with their Level-3 milestones), as of D`."""
    members = " and their Level-3 milestones" if report.with_members else ""
    return f"Level-2 milestones{members}, as of {report.today}"


def gantt_size(report: Gantt) -> tuple[int, int]:
    """The default size: a fixed width, and a row's height for every row."""
    return (WIDTH, max(400, 180 + ROW_HEIGHT * len(report.rows)))


def _label(row: GanttRow) -> str:
    title = textwrap.shorten(row.title, width=44, placeholder="…")
    return escape.plot(f"{row.code}  {title}")


def _legend(rows: Sequence[GanttRow]) -> list[Artist]:
    """Keys for the marks these rows use: a key for a status nobody has is noise."""
    from matplotlib.lines import Line2D

    def mark(marker: str, colour: str, label: str, filled: bool = True) -> Line2D:
        face = colour if filled else "white"
        return Line2D([], [], linestyle="", marker=marker, color=colour, markerfacecolor=face,
                      markersize=8, label=label)  # fmt: skip

    statuses = {row.status for row in rows}
    keys: list[Artist] = [mark("D", "0.35", "Baseline", filled=False)]
    keys += [
        mark("D", colour, f"Forecast, {status}")
        for status, colour in STATUS_COLOURS.items()
        if status in statuses
    ]
    if any(row.completed for row in rows):
        keys.append(mark("*", "darkgreen", "Completed"))
    return keys


def draw_gantt(
    report: Gantt, *, out: Path, size: tuple[int, int] | None = None, title: str | None = None
) -> None:
    """Draw the Gantt rows to a png, svg or pdf, with a today line."""
    fmt = format_of(out, allowed=IMAGES, what="a Gantt chart")
    rows = report.rows
    figure = new_figure(size or gantt_size(report))
    axes = figure.add_subplot()
    if report.with_members:
        top = 0
        for block in report.releases:
            # Each release's members share its band, so where one release ends is plain.
            height = 1 + len(block.members)
            if len(block.members):
                axes.axhspan(top + 0.5, top + height - 0.5, color="0.93", zorder=0)
            top += height
    ys = list(range(len(rows)))
    baseline = [day_number(r.baseline) for r in rows]
    forecast = [day_number(r.forecast) for r in rows]
    axes.hlines(ys, baseline, forecast, colors="0.55", linewidth=1.2, zorder=2)
    axes.scatter(baseline, ys, marker="D", facecolors="white", edgecolors="0.35", s=30, zorder=3)
    axes.scatter(
        forecast, ys, marker="D", s=36, zorder=4,
        color=[STATUS_COLOURS.get(r.status, "0.5") for r in rows],
    )  # fmt: skip
    done = [(i, day_number(r.completed)) for i, r in enumerate(rows) if r.completed]
    axes.scatter([d for _, d in done], [i for i, _ in done], marker="*", s=70,
                 color="darkgreen", zorder=5)  # fmt: skip
    labels = row_labels(axes, [_label(r) for r in rows], [_STYLES[r.level] for r in rows])
    axes.set_ylim(max(len(rows), 1) - 0.5, -0.5)  # first row at the top
    if not rows:
        axes.text(0.5, 0.5, "No Level-2 milestones", ha="center", va="center",
                  transform=axes.transAxes)  # fmt: skip
    today = today_line(axes, report.today)
    date_axis(axes)
    axes.grid(axis="x", alpha=0.3)
    handles = [*_legend(rows), today]
    legend = figure.legend(handles=handles, loc="lower center", ncols=len(handles))
    lay_out(
        figure, axes, title=escape.plot(title or gantt_title(report)), legend=legend, rows=labels
    )
    save(figure, out, fmt)


def write_gantt(
    report: Gantt, *, out: Path, size: tuple[int, int] | None = None, title: str | None = None
) -> None:
    """Write the Gantt chart to `out`: an image (.png, .svg, .pdf) or LaTeX (.tex)."""
    if format_of(out, allowed=GANTT, what="a Gantt chart") == "tex":
        write_text(out, gantt_latex(report))
    else:
        draw_gantt(report, out=out, size=size, title=title)
