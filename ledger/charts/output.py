"""Any report to a file, by the report's type: what front ends call to write or upload one.

`write_report` picks the report's writer (`write_burndown`, `write_gantt`, ...), which picks
the format from the file's extension; `png_bytes` draws a report as PNG for an upload or a
pipe; `title_of` and `name_of` name it for people and files.
"""

from __future__ import annotations

import tempfile
from functools import singledispatch
from pathlib import Path

from ledger.charts.burndown import SIZE as BURNDOWN_SIZE
from ledger.charts.burndown import burndown_title, write_burndown
from ledger.charts.celebrate import celebration_title, write_celebration
from ledger.charts.gantt import gantt_title, write_gantt
from ledger.charts.graph import graph_title, write_graph
from ledger.charts.slip import slip_title, write_slip
from ledger.reports.burndown import Burndown
from ledger.reports.celebrate import Celebration
from ledger.reports.gantt import Gantt
from ledger.reports.graph import Graph
from ledger.reports.slip import Slip

Size = tuple[int, int] | None


@singledispatch
def write_report(report: object, *, out: Path, size: Size = None) -> None:
    """Write `report` to `out` in the format its extension names (`UnsupportedFormat` for
    one the report cannot be written as); `size` in pixels for an image (graphs are
    sized by Graphviz)."""
    raise TypeError(f"no writer for {type(report).__name__}")


@write_report.register
def _(report: Burndown, *, out: Path, size: Size = None) -> None:
    write_burndown(report, out=out, size=size or BURNDOWN_SIZE)


@write_report.register
def _(report: Gantt, *, out: Path, size: Size = None) -> None:
    write_gantt(report, out=out, size=size)


@write_report.register
def _(report: Slip, *, out: Path, size: Size = None) -> None:
    write_slip(report, out=out, size=size)


@write_report.register
def _(report: Graph, *, out: Path, size: Size = None) -> None:
    write_graph(report, out=out)


@write_report.register
def _(report: Celebration, *, out: Path, size: Size = None) -> None:
    write_celebration(report, out=out)


def png_bytes(report: Burndown | Gantt | Slip | Graph, *, size: Size = None) -> bytes:
    """The report drawn as a PNG image."""
    with tempfile.TemporaryDirectory(prefix="milestone-chart-") as folder:
        path = Path(folder) / "chart.png"
        write_report(report, out=path, size=size)
        return path.read_bytes()


@singledispatch
def title_of(report: object) -> str:
    """The report's title, as its chart shows it."""
    raise TypeError(f"no title for {type(report).__name__}")


title_of.register(Burndown, burndown_title)
title_of.register(Gantt, gantt_title)
title_of.register(Slip, slip_title)
title_of.register(Graph, graph_title)
title_of.register(Celebration, celebration_title)

_NAMES = {Burndown: "burndown", Gantt: "gantt", Slip: "slip", Graph: "graph"}


def name_of(report: Burndown | Gantt | Slip | Graph | Celebration) -> str:
    """A file name for the report without its extension: `burndown`, `gantt`, `slip`..."""
    return _NAMES.get(type(report), "celebration")
