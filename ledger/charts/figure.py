"""The matplotlib parts every chart shares: a figure, a date axis, row labels, a today
line, saving.

Figures are made with the Agg canvas directly rather than pyplot, so drawing keeps no
figures in global state and two charts drawn at once cannot mix. The one global touched
is matplotlib's rcParams, for two SVG settings held only while saving (matplotlib takes
them from nowhere else).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ledger.errors import InvalidInput

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D
    from matplotlib.text import Text

DPI = 100

# File metadata without dates, so that the same report draws to the same bytes.
_METADATA = {"svg": {"Date": None}, "pdf": {"CreationDate": None}, "png": {}}


def day_number(iso: str) -> float:
    """An ISO date as the number matplotlib places dates by: days since its epoch.

    Worked out from the epoch rather than by `date2num` for each date, which costs a
    numpy conversion a call (a tenth of a second for a large chart's thousand dates).
    """
    return float(date.fromisoformat(iso).toordinal() - _epoch())


@cache
def _epoch() -> int:
    from matplotlib.dates import date2num

    # date2num of the epoch's own day is 0; of day 1 (0001-01-01) it is 1 - epoch ordinal.
    return 1 - round(float(date2num(date(1, 1, 1))))


def new_figure(size: tuple[int, int]) -> Figure:
    """A figure of exactly `size` pixels (width, height) when saved as PNG."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    width, height = size
    if width < 100 or height < 100:
        raise InvalidInput(
            f"a chart of {width}x{height} pixels is too small; give at least 100x100"
        )
    figure = Figure(figsize=(width / DPI, height / DPI), dpi=DPI)  # placed by layout.lay_out
    FigureCanvasAgg(figure)
    return figure


def date_axis(axes: Axes) -> None:
    """Dates along x, labelled as concisely as the span allows."""
    from matplotlib.dates import AutoDateLocator, ConciseDateFormatter

    locator = AutoDateLocator()
    axes.xaxis.set_major_locator(locator)
    axes.xaxis.set_major_formatter(ConciseDateFormatter(locator))
    axes.set_xlabel("Date")


def row_labels(
    axes: Axes, labels: Sequence[str], styles: Sequence[Mapping[str, Any]] = (), **style: Any
) -> list[Text]:
    """Label row i (at y = i) with `labels[i]`, right-aligned left of the plot as a tick
    label would be, in `style` updated by `styles[i]` (when given).

    Plain texts rather than tick labels: a tick is five artists (its label, a second label,
    two marks and a grid line) made by copying properties, and its label is measured again
    each time matplotlib places the axis label, which adds up over 80 rows. The y axis keeps
    no ticks (their marks said nothing the labels do not).
    """
    import matplotlib

    axes.set_yticks([])
    pad = matplotlib.rcParams["ytick.major.size"] + matplotlib.rcParams["ytick.major.pad"]
    transform, vertical, horizontal = axes.get_yaxis_text1_transform(pad)
    placed: dict[str, Any] = {
        "transform": transform,
        "va": vertical,
        "ha": horizontal,
        "clip_on": False,
    }
    return [
        axes.text(0, y, label, **placed, **{**style, **(styles[y] if styles else {})})
        for y, label in enumerate(labels)
    ]


def today_line(axes: Axes, today: str) -> Line2D:
    """A dashed vertical line at the day the plan is judged on, in the legend as `today`."""
    return axes.axvline(
        day_number(today),
        color="tab:red",
        linestyle="--",
        linewidth=1.2,
        label=f"today ({today})",
        zorder=1,
    )


def save(figure: Figure, out: Path, fmt: str) -> None:
    """Save `figure` to `out` as `fmt` (png, svg or pdf)."""
    import matplotlib

    try:
        # Text stays text in SVG (searchable, and testable); a fixed salt keeps ids stable.
        with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": "milestone-ledger"}):
            figure.savefig(out, format=fmt, dpi=DPI, metadata=_METADATA[fmt])
    except (OSError, ValueError) as error:  # ValueError: a NUL in the name
        raise InvalidInput(
            f"cannot write {out}: {getattr(error, 'strerror', None) or error}"
        ) from None
