"""Results of the report requests: a chart to draw, the slip report, a celebration, a graph.

Like `ledger.results`, one class per kind of answer, rendered by type. Each holds the pure
report data (`ledger.reports`), which is what `--json` prints, and the `--out` file a
terminal asked for; drawing and writing are the front ends' (`ledger.charts` has the
writers), so the same result becomes a file at a terminal and an upload in Slack.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ledger.frozen import frozen_type
from ledger.results import Result

if TYPE_CHECKING:
    from ledger.reports.burndown import Burndown
    from ledger.reports.celebrate import Celebration
    from ledger.reports.gantt import Gantt
    from ledger.reports.graph import Graph
    from ledger.reports.slip import Slip


@frozen_type
class ChartResult(Result):
    """A chart to draw (burndown, Gantt or slip), where to write it and at what size."""

    chart: Burndown | Gantt | Slip
    out: str | None = None
    size: tuple[int, int] | None = None

    @property
    def content(self) -> Burndown | Gantt | Slip:
        """The chart's data."""
        return self.chart


@frozen_type
class SlipResult(Result):
    """The slip report as a table (or CSV, or a file)."""

    slip: Slip
    out: str | None = None
    csv: bool = False

    @property
    def content(self) -> Slip:
        """The report."""
        return self.slip


@frozen_type
class CelebrationResult(Result):
    """Completions to celebrate, as a table (or a Markdown or HTML file)."""

    celebration: Celebration
    out: str | None = None

    @property
    def content(self) -> Celebration:
        """The completions."""
        return self.celebration


@frozen_type
class GraphResult(Result):
    """The dependency graph, as DOT text (or a file Graphviz draws)."""

    graph: Graph
    out: str | None = None

    @property
    def content(self) -> Graph:
        """The nodes, edges and critical path."""
        return self.graph
