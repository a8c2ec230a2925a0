"""The dependency graph as Graphviz DOT, and as SVG, PNG or PDF by running `dot`.

Work flows left to right: an edge points from the milestone that must be done first.
Level-2 milestones are bold boxes, late milestones orange, done ones blue; the critical
path is red; milestones from outside the chosen release have dashed borders, and
membership edges are dashed where predecessor links are solid.
"""

from __future__ import annotations

import subprocess
import textwrap
from pathlib import Path

from ledger.charts import escape
from ledger.charts.formats import GRAPH, format_of, write_text
from ledger.errors import RenderFailed
from ledger.reports.graph import Graph, GraphEdge, GraphNode

FORMATS = GRAPH
DOT_SECONDS = 120  # a graph of the whole plan takes dot a second or two; this is a hang

LATE_FILL = "#ffb347"
DONE_FILL = "#b0e0e6"
CRITICAL = "#d62728"


def graph_title(report: Graph) -> str:
    """`Dependencies of R as of D` (or of the plan), and what the critical path runs to."""
    scope = f"{report.release}" if report.release else "the plan"
    title = f"Dependencies of {scope} as of {report.today}"
    if report.target is not None:
        title += f"; critical path to {report.target} in red"
    return title


def _quoted(text: str) -> str:
    return f'"{escape.dot(text)}"'


def _node(node: GraphNode) -> str:
    title = textwrap.wrap(node.title, width=28, max_lines=3, placeholder="…")
    day = f"done {node.completed}" if node.completed else f"due {node.forecast}"
    # Each part is escaped on its own; the \n between them are DOT's line breaks.
    label = "\\n".join(escape.dot(part) for part in (node.code, *title, day))
    styles = (
        ["filled"] + (["rounded"] if node.level == 3 else []) + (["dashed"] if node.outside else [])
    )
    fill = LATE_FILL if node.late else DONE_FILL if node.completed else "white"
    attributes = [f'label="{label}"', f'style="{",".join(styles)}"', f'fillcolor="{fill}"']
    if node.level == 2:
        attributes.append('fontname="Helvetica-Bold"')
    if node.critical:
        attributes += [f'color="{CRITICAL}"', "penwidth=3"]
    elif node.level == 2:
        attributes.append("penwidth=2")
    return f"  {_quoted(node.code)} [{', '.join(attributes)}];"


def _edge(edge: GraphEdge) -> str:
    attributes = ["style=dashed"] if edge.kind == "member" else []
    if edge.critical:
        attributes += [f'color="{CRITICAL}"', "penwidth=2.5"]
    shown = f" [{', '.join(attributes)}]" if attributes else ""
    return f"  {_quoted(edge.source)} -> {_quoted(edge.target)}{shown};"


def graph_key(report: Graph) -> str:
    """What the marks mean, for the marks this graph uses."""
    nodes, kinds = report.nodes, {edge.kind for edge in report.edges}
    marks = [
        ("orange: late", any(n.late for n in nodes)),
        ("blue: done", any(n.completed for n in nodes)),
        ("bold box: Level 2", any(n.level == 2 for n in nodes)),
        ("dashed arrow: member of", "member" in kinds),
        ("solid arrow: must precede", "depends" in kinds),
        ("dashed box: outside the release", any(n.outside for n in nodes)),
    ]
    return "; ".join(text for text, shown in marks if shown)


def graph_dot(report: Graph, *, title: str | None = None) -> str:
    """The graph as DOT text, for `dot`, `xdot` or any Graphviz tool."""
    key = graph_key(report)
    heading = escape.dot(title or graph_title(report))
    return "\n".join(
        [
            "digraph milestones {",
            f'  graph [rankdir=LR, labelloc=t, fontname="Helvetica", fontsize=14, '
            f'label="{heading}\\n{escape.dot(key)}"];',
            '  node [shape=box, fontname="Helvetica", fontsize=10];',
            '  edge [color="#555555"];',
            *(_node(node) for node in report.nodes),
            *(_edge(edge) for edge in report.edges),
            "}",
            "",
        ]
    )


def draw_graph(report: Graph, *, out: Path, title: str | None = None) -> None:
    """Draw the graph with Graphviz `dot` to an svg, png or pdf; `RenderFailed` if it cannot."""
    fmt = format_of(out, allowed=("svg", "png", "pdf"), what="a graph image")
    try:
        subprocess.run(
            ["dot", f"-T{fmt}", "-o", str(out)],
            input=graph_dot(report, title=title).encode("utf-8"),
            capture_output=True,
            check=True,
            timeout=DOT_SECONDS,
        )
    except FileNotFoundError:
        raise RenderFailed(
            "Graphviz `dot` is not installed (apt-get install graphviz); or write the graph as .dot"
        ) from None
    except subprocess.CalledProcessError as error:
        reason = error.stderr.decode("utf-8", "replace").strip().splitlines()
        raise RenderFailed(
            f"dot could not draw {out.name}: {reason[0] if reason else error}"
        ) from None
    except subprocess.TimeoutExpired:
        raise RenderFailed(
            f"dot took over {DOT_SECONDS} s to draw {out.name}; draw one release"
        ) from None


def write_graph(report: Graph, *, out: Path, title: str | None = None) -> None:
    """Write the graph to `out`: DOT text (.dot, .gv), or an image dot draws (.svg, .png, .pdf)."""
    if format_of(out, allowed=FORMATS, what="a graph") in ("dot", "gv"):
        write_text(out, graph_dot(report, title=title))
    else:
        draw_graph(report, out=out, title=title)
