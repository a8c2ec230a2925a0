"""Where a chart's plot goes: margins measured once from what lies around it.

matplotlib's constrained layout finds margins by drawing the whole figure once without
output and measuring every tick label over again, twice, before the real drawing; a chart
of 80 rows spent nearly a third of its drawing time there. A chart here has one plot, so its
margins are plain sums: the widest row label on the left, the date labels and the legend
below, the title above. Each is measured once, through the same text-size cache the
drawing then reads, and the plot is placed in pixels before the figure is drawn.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.axis import Axis
    from matplotlib.backend_bases import RendererBase
    from matplotlib.figure import Figure
    from matplotlib.legend import Legend
    from matplotlib.text import Text
    from matplotlib.transforms import Bbox

#: Pixels between the figure's edge and what is drawn, and between neighbours.
PAD = 5
#: The least share of the figure the plot keeps however long the labels are.
LEAST = 0.2


def lay_out(
    figure: Figure,
    axes: Axes,
    *,
    title: str,
    legend: Legend | None = None,
    rows: Sequence[Text] = (),
) -> None:
    """Give `axes` the title `title` and place it in `figure` so that its tick labels, axis
    labels, row labels (`rows`, as `figure.row_labels` makes them) and title fit inside the figure,
    above `legend` (a figure legend drawn at the bottom centre) when there is one."""
    import matplotlib

    renderer = figure.canvas.get_renderer()  # type: ignore[attr-defined]
    width, height = figure.bbox.width, figure.bbox.height
    # A title at a fixed height spares matplotlib from measuring the ticks again to place it.
    axes.set_title(title, y=1.0)
    title_pad = matplotlib.rcParams["axes.titlepad"] * figure.dpi / 72
    # The axes' labels hang off its edges by the same amounts wherever it is, so they are
    # measured with the axes filling the figure.
    axes.set_position((0.0, 0.0, 1.0, 1.0))
    left_labels = _extent(axes.yaxis, renderer, width, height)
    below = _extent(axes.xaxis, renderer, width, height)
    widest = max((-text.get_window_extent(renderer).x0 for text in rows), default=0)
    left = PAD + max(-left_labels.x0, -below.x0, widest, 0)
    bottom = PAD + max(-below.y0, 0)
    if legend is not None:
        bottom += legend.get_window_extent(renderer).height + PAD
    top = PAD + max(
        axes.title.get_window_extent(renderer).height + title_pad, left_labels.y1 - height
    )
    right = PAD + max(left_labels.x1 - width, 0)
    _place(axes, left, bottom, right, top, width, height)
    # The last date label can hang past the right edge, by more the narrower the plot.
    overhang = _extent(axes.xaxis, renderer, width, height).x1 - (width - PAD)
    if overhang > 0:
        _place(axes, left, bottom, right + overhang, top, width, height)


def _extent(axis: Axis, renderer: RendererBase, width: float, height: float) -> Bbox:
    """What `axis` draws (ticks, their labels, the axis label), in pixels; inside the
    figure when it draws nothing."""
    from matplotlib.transforms import Bbox

    box = axis.get_tightbbox(renderer)
    return box if box is not None else Bbox.from_extents(0, 0, width, height)


def _place(
    axes: Axes, left: float, bottom: float, right: float, top: float, width: float, height: float
) -> None:
    """Put the axes `left`, `bottom`, `right`, `top` pixels in from the figure's edges (but
    keep `LEAST` of the figure for it, however wide the margins)."""
    span_x = max(width - left - right, LEAST * width)
    span_y = max(height - bottom - top, LEAST * height)
    axes.set_position((min(left, width - span_x) / width, min(bottom, height - span_y) / height,
                       span_x / width, span_y / height))  # fmt: skip
