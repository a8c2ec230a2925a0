"""The slip report drawn as arrows from each forecast to the next (png, svg, pdf), and as CSV."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from ledger.charts import escape
from ledger.charts.figure import (
    date_axis,
    day_number,
    new_figure,
    row_labels,
    save,
    today_line,
)
from ledger.charts.formats import IMAGES, SLIP, format_of, write_text
from ledger.charts.layout import lay_out
from ledger.reports.slip import Slip, SlipRow

FORMATS = SLIP
WIDTH = 1200
ROW_HEIGHT = 22  # pixels a milestone needs for a readable label
#: The most arrows drawn: a chart of thousands is unreadable (and slow); the CSV has them all.
MOST_ROWS = 80


def slip_title(report: Slip) -> str:
    """`Forecasts moved from X to Y: N later, M earlier` (and how many were added, removed)."""
    title = (
        f"Forecasts moved from {report.before_label} to {report.after_label}: "
        f"{report.slipped} later, {report.advanced} earlier"
    )
    for change in ("added", "removed"):
        count = sum(1 for r in report.rows if r.change == change)
        if count:
            title += f", {count} {change}"
    if report.slipped + report.advanced > MOST_ROWS:
        title += f" (the {MOST_ROWS} that moved furthest are drawn)"
    return title


def slip_csv(report: Slip) -> str:
    """One row a milestone, in the report's order (largest slip first)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(
        ["code", "level", "title", "forecast_before", "forecast_after", "slip_days", "change",
         "completed", "was"]
    )  # fmt: skip
    for r in report.rows:
        writer.writerow(
            [r.code, r.level, r.title, r.before or "", r.after or "",
             "" if r.days is None else r.days, r.change, r.completed or "", r.was or ""]
        )  # fmt: skip
    return buffer.getvalue()


def _moved(report: Slip) -> list[SlipRow]:
    """The rows with an arrow to draw (the title counts the rest): every moved milestone, or
    the `MOST_ROWS` that moved furthest either way, in the report's order."""
    moved = [r for r in report.rows if r.days]
    if len(moved) <= MOST_ROWS:
        return moved
    furthest = set(sorted(range(len(moved)), key=lambda i: -abs(moved[i].days or 0))[:MOST_ROWS])
    return [row for i, row in enumerate(moved) if i in furthest]


def slip_size(report: Slip) -> tuple[int, int]:
    """The default size: a fixed width, and a row's height for every moved milestone."""
    return (WIDTH, max(400, 160 + ROW_HEIGHT * len(_moved(report))))


def draw_slip(
    report: Slip, *, out: Path, size: tuple[int, int] | None = None, title: str | None = None
) -> None:
    """Each moved milestone as an arrow from its earlier forecast to its later one, largest
    slip at the top, with a today line when the report knows its day."""
    fmt = format_of(out, allowed=IMAGES, what="a slip chart")
    rows = _moved(report)
    figure = new_figure(size or slip_size(report))
    axes = figure.add_subplot()
    ys = list(range(len(rows)))
    before = [day_number(r.before or "") for r in rows]
    after = [day_number(r.after or "") for r in rows]
    later = ["tab:red" if (r.days or 0) > 0 else "tab:green" for r in rows]
    axes.hlines(ys, before, after, colors=later, linewidth=1.5, zorder=2)
    axes.scatter(
        before, ys, marker="o", facecolors="white", edgecolors="0.35", zorder=3,
        label=f"Forecast at {escape.plot(report.before_label)}",
    )  # fmt: skip
    for direction, marker, colour, words in (
        (1, ">", "tab:red", "later"),
        (-1, "<", "tab:green", "earlier"),
    ):
        picked = [i for i, r in enumerate(rows) if (r.days or 0) * direction > 0]
        if not picked:
            continue  # no legend entry for arrows that are not drawn
        axes.scatter(
            [after[i] for i in picked], picked, marker=marker, color=colour, zorder=4,
            label=f"Forecast at {escape.plot(report.after_label)}, {words}",
        )  # fmt: skip
    labels = row_labels(axes, [escape.plot(f"{r.code}  {r.days:+d} d") for r in rows], fontsize=8)
    axes.set_ylim(max(len(rows), 1) - 0.5, -0.5)  # largest slip at the top
    if not rows:
        axes.text(0.5, 0.5, "No forecast moved", ha="center", va="center", transform=axes.transAxes)
    if report.today is not None:
        today_line(axes, report.today)
    date_axis(axes)
    axes.grid(axis="x", alpha=0.3)
    # Below the plot, where no arrow can be hidden behind it however the dates fall.
    legend = figure.legend(loc="lower center", ncols=4)
    lay_out(
        figure, axes, title=escape.plot(title or slip_title(report)), legend=legend, rows=labels
    )
    save(figure, out, fmt)


def write_slip(
    report: Slip, *, out: Path, size: tuple[int, int] | None = None, title: str | None = None
) -> None:
    """Write the slip report to `out`: a chart (.png, .svg, .pdf) or its rows (.csv)."""
    if format_of(out, allowed=FORMATS, what="a slip report") == "csv":
        write_text(out, slip_csv(report))
    else:
        draw_slip(report, out=out, size=size, title=title)
