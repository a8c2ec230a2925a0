"""Questions a release manager hands round: charts, the slip report, celebrations, the graph.

Each names the points of the plan it compares with the usual as-of selectors. `--out FILE`
(a terminal's only: Slack uploads its charts instead) chooses the format by extension; its
extension and folder are checked here, when the request is built, so a wrong one is refused
before any ledger is opened. `--size WxH` is the image's size in pixels.
"""

from __future__ import annotations

import re
from typing import Any

from ledger.charts import formats
from ledger.errors import InvalidInput
from ledger.frozen import frozen_type
from ledger.requests.base import Read, arg, flag, many, opt
from ledger.requests.reads import AS_OF_HELP

KNOWN_AT_HELP = "only what was recorded by this date or instant"
POINT_HELP = "date, instant, RFC-n, vX.Y or '#seq' ('now' for now)"
LEVEL_HELP = "only Level-2 or only Level-3 milestones (default: both)"
SIZE_HELP = "image size in pixels, e.g. 1600x900 (default: fitted to the chart)"
_SIZE = re.compile(r"^(\d{3,5})x(\d{3,5})$")
#: The largest image drawn (a wall poster at 100 dpi); the smallest is the renderers' own.
MOST_PIXELS = 10_000


def _out_help(allowed: tuple[str, ...]) -> str:
    return "write to FILE, as its extension says: " + ", ".join(f".{f}" for f in allowed)


def _out(allowed: tuple[str, ...]) -> Any:
    return opt(_out_help(allowed), metavar="FILE", cli_only=True)


def check_level(level: int | None) -> None:
    """Refuse a level that is not 2 or 3."""
    if level is not None and level not in (2, 3):
        raise InvalidInput(f"--level {level} is not a milestone level; use 2 or 3")


def pixels(size: str | None) -> tuple[int, int] | None:
    """`--size WxH` as (width, height); `InvalidInput` if it is not one."""
    if size is None:
        return None
    found = _SIZE.match(size.strip().lower())
    width, height = (int(found.group(1)), int(found.group(2))) if found else (0, 0)
    if not (100 <= width <= MOST_PIXELS and 100 <= height <= MOST_PIXELS):
        raise InvalidInput(
            f"--size {size!r} is not an image size; write WIDTHxHEIGHT in pixels, each "
            f"100 to {MOST_PIXELS}, e.g. 1600x900"
        )
    return width, height


@frozen_type
class ChartBurndown(Read):
    """Draw the burndown: milestones due by the baseline, by the forecast (and by the
    forecast as it stood at --compare), and completed, cumulative over time."""

    WORDS = ("chart", "burndown")
    EXAMPLES = (
        "chart burndown --level 3 --compare 2018-04-13 --out burndown.png",
        "chart burndown --compare RFC-781 --since 2021-01-01 --out burndown.svg",
        "chart burndown --as-of 2019-05-20 --out burndown.csv",
    )
    level: int | None = opt(LEVEL_HELP, type=int, metavar="2|3")
    compare: str | None = opt("also the forecast as of this point: " + POINT_HELP, metavar="WHEN")
    since: str | None = opt("start the chart on this day", metavar="DATE")
    as_of: str | None = opt(AS_OF_HELP, metavar="WHEN")
    known_at: str | None = opt(KNOWN_AT_HELP, metavar="WHEN")
    size: str | None = opt(SIZE_HELP, metavar="WxH")
    out: str | None = _out(formats.BURNDOWN)

    def __post_init__(self) -> None:
        check_level(self.level)
        pixels(self.size)
        self._set("out", formats.check_out(self.out, allowed=formats.BURNDOWN, what="a burndown"))


@frozen_type
class ChartGantt(Read):
    """Draw the Level-2 milestones on a time line: baseline, forecast and completion,
    optionally each followed by its Level-3 milestones; as an image or as LaTeX."""

    WORDS = ("chart", "gantt")
    EXAMPLES = (
        "chart gantt --out gantt.png",
        "chart gantt --release LDM-503-15a --members --out spring.svg",
        "chart gantt --as-of RFC-781 --out gantt.tex",
    )
    releases: tuple[str, ...] = many(
        "only this Level-2 milestone", option="--release", metavar="L2"
    )
    members: bool = flag("follow each Level-2 milestone with its Level-3 milestones")
    as_of: str | None = opt(AS_OF_HELP, metavar="WHEN")
    known_at: str | None = opt(KNOWN_AT_HELP, metavar="WHEN")
    size: str | None = opt(SIZE_HELP, metavar="WxH")
    out: str | None = _out(formats.GANTT)

    def __post_init__(self) -> None:
        pixels(self.size)
        self._set("out", formats.check_out(self.out, allowed=formats.GANTT, what="a Gantt chart"))


@frozen_type
class ChartSlip(Read):
    """Draw how far each milestone's forecast moved between two points of the plan, an
    arrow a milestone, largest slip at the top."""

    WORDS = ("chart", "slip")
    EXAMPLES = (
        "chart slip 2018-04-13 2022-08-13 --level 2 --out slip.png",
        "chart slip RFC-501 RFC-781 --out slip.pdf",
    )
    before: str = arg("the earlier point: " + POINT_HELP, metavar="X")
    after: str = arg("the later point (same forms)", metavar="Y")
    level: int | None = opt(LEVEL_HELP, type=int, metavar="2|3")
    known_at: str | None = opt(KNOWN_AT_HELP, metavar="WHEN")
    size: str | None = opt(SIZE_HELP, metavar="WxH")
    out: str | None = _out(formats.SLIP)

    def __post_init__(self) -> None:
        check_level(self.level)
        pixels(self.size)
        self._set("out", formats.check_out(self.out, allowed=formats.SLIP, what="a slip chart"))


@frozen_type
class ShowSlip(Read):
    """For every milestone, its forecast at two points and the slip in days between them,
    largest slip first; then those added and removed."""

    WORDS = ("slip",)
    EXAMPLES = (
        "slip 2018-04-13 2022-08-13",
        "slip RFC-501 now --level 2",
        "slip 2018-04-13 2022-08-13 --out slip.csv",
    )
    before: str = arg("the earlier point: " + POINT_HELP, metavar="X")
    after: str = arg("the later point (same forms)", metavar="Y")
    level: int | None = opt(LEVEL_HELP, type=int, metavar="2|3")
    known_at: str | None = opt(KNOWN_AT_HELP, metavar="WHEN")
    csv: bool = flag("print CSV instead of a table", cli_only=True)
    out: str | None = _out(formats.SLIP)

    def __post_init__(self) -> None:
        check_level(self.level)
        if self.csv and self.out is not None:
            raise InvalidInput("--csv prints CSV; --out FILE.csv writes it: give one of them")
        self._set("out", formats.check_out(self.out, allowed=formats.SLIP, what="a slip report"))


@frozen_type
class Celebrate(Read):
    """Milestones completed since a point, oldest first, with who recorded each and when."""

    WORDS = ("celebrate",)
    EXAMPLES = (
        "celebrate",
        "celebrate --since 2022-01-01",
        "celebrate --since RFC-501 --as-of RFC-781 --out done.html",
    )
    since: str | None = opt(
        "completed on or after this point: " + POINT_HELP + " (default: 30 days before)",
        metavar="WHEN",
    )
    as_of: str | None = opt(AS_OF_HELP, metavar="WHEN")
    known_at: str | None = opt(KNOWN_AT_HELP, metavar="WHEN")
    out: str | None = _out(formats.CELEBRATION)

    def __post_init__(self) -> None:
        self._set(
            "out", formats.check_out(self.out, allowed=formats.CELEBRATION, what="a celebration")
        )


@frozen_type
class ShowGraph(Read):
    """The dependency graph (Level-3 membership and predecessor links) as Graphviz DOT,
    late milestones marked and the critical path to a milestone in red."""

    WORDS = ("graph",)
    EXAMPLES = (
        "graph --release LDM-503-11a --out graph.svg",
        "graph --release LDM-503-15a > graph.dot",
        "graph --target LDM-503-12 --out critical.png",
    )
    release: str | None = opt(
        "only this Level-2 milestone, its members and what they wait for", metavar="L2"
    )
    target: str | None = opt(
        "the milestone the critical path runs to (default: the --release)", metavar="CODE"
    )
    as_of: str | None = opt(AS_OF_HELP, metavar="WHEN")
    known_at: str | None = opt(KNOWN_AT_HELP, metavar="WHEN")
    out: str | None = _out(formats.GRAPH)

    def __post_init__(self) -> None:
        self._set("out", formats.check_out(self.out, allowed=formats.GRAPH, what="a graph"))
