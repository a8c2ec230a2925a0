"""The burndown drawn as steps over dates (png, svg, pdf), and its data as CSV."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from ledger.charts import escape
from ledger.charts.figure import date_axis, day_number, new_figure, save, today_line
from ledger.charts.formats import BURNDOWN, IMAGES, format_of, write_text
from ledger.charts.layout import lay_out
from ledger.reports.burndown import Burndown

FORMATS = BURNDOWN
SIZE = (1200, 700)


def burndown_title(report: Burndown) -> str:
    """`Level-3 milestones due and completed, as of D` (and since, and the compare point)."""
    which = "All milestones" if report.level is None else f"Level-{report.level} milestones"
    title = f"{which} due and completed, as of {report.today}"
    if report.since is not None:
        title += f", since {report.since}"
    return title


def burndown_csv(report: Burndown) -> str:
    """One row a listed day: cumulative baseline-due, forecast-due, compare-due, completed."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["date", "baseline_due", "forecast_due", "compare_due", "completed"])
    for p in report.points:
        compare = "" if p.compare is None else p.compare
        writer.writerow([p.date, p.baseline, p.forecast, compare, p.completed])
    return buffer.getvalue()


def draw_burndown(
    report: Burndown, *, out: Path, size: tuple[int, int] = SIZE, title: str | None = None
) -> None:
    """Draw the four cumulative series as steps, with a today line, to a png, svg or pdf."""
    fmt = format_of(out, allowed=IMAGES, what="a burndown chart")
    figure = new_figure(size)
    axes = figure.add_subplot()
    days = [day_number(p.date) for p in report.points]
    # Baseline and forecast are often the same line (an import moves both): the baseline
    # is a wide pale band under the forecast so that both stay visible.
    axes.step(
        days,
        [p.baseline for p in report.points],
        where="post",
        color="0.6",
        alpha=0.6,
        linewidth=6,
        label=f"Baseline due ({report.total})",
        zorder=2,
    )
    # Completions after the day the plan is judged on have not happened yet as far as
    # this view knows, so the completed area stops at today.
    done = [p for p in report.points if p.date <= report.today]
    finished = done[-1].completed if done else 0
    axes.fill_between(
        [day_number(p.date) for p in done],
        [p.completed for p in done],
        step="post",
        color="tab:green",
        alpha=0.35,
        edgecolor="tab:green",
        linewidth=1.5,
        label=f"Completed ({finished} by {report.today})",
        zorder=3,
    )
    axes.step(
        days,
        [p.forecast for p in report.points],
        where="post",
        color="tab:blue",
        linewidth=1.8,
        label="Forecast due",
        zorder=4,
    )
    if report.compare_total is not None:
        label = escape.plot(report.compare_label or "the compare point")
        axes.step(
            days,
            [p.compare or 0 for p in report.points],
            where="post",
            color="tab:orange",
            linestyle=":",
            linewidth=2,
            label=f"Forecast due, as of {label} ({report.compare_total})",
            zorder=5,
        )
    today_line(axes, report.today)
    date_axis(axes)
    axes.set_ylabel("Milestones (cumulative)")
    axes.set_ylim(bottom=0)
    axes.grid(alpha=0.3)
    axes.legend(loc="upper left")
    lay_out(figure, axes, title=escape.plot(title or burndown_title(report)))
    save(figure, out, fmt)


def write_burndown(
    report: Burndown, *, out: Path, size: tuple[int, int] = SIZE, title: str | None = None
) -> None:
    """Write the burndown to `out`: a chart (.png, .svg, .pdf) or its data (.csv)."""
    if format_of(out, allowed=FORMATS, what="a burndown") == "csv":
        write_text(out, burndown_csv(report))
    else:
        draw_burndown(report, out=out, size=size, title=title)
