"""Completions to celebrate, as Markdown (for a wiki or a Slack post) and as an HTML page.

Every value from the ledger is escaped: a title is text, never markup.
"""

from __future__ import annotations

import html
from pathlib import Path

from ledger.charts import escape
from ledger.charts.formats import CELEBRATION, format_of, write_text
from ledger.reports.celebrate import Celebration, Completion

FORMATS = CELEBRATION
COLUMNS = ("Completed", "Code", "Title", "Level", "Recorded by", "Recorded (UTC)")


def celebration_title(report: Celebration) -> str:
    """`Milestones completed since D`."""
    return f"Milestones completed since {report.since}"


def recorded(c: Completion) -> str:
    """When the completion was recorded, to the minute (UTC), or "" when not known."""
    return c.recorded_at[:16].replace("T", " ") if c.recorded_at else ""


def _cells(c: Completion) -> tuple[str, ...]:
    return (c.completed, c.code, c.title, str(c.level), c.recorded_by or "", recorded(c))


def _summary(report: Celebration) -> str:
    count = len(report.completions)
    if count == 0:
        return f"No milestones completed since {report.since}."
    return f"{count} milestone{'s' if count != 1 else ''} completed."


def celebration_markdown(report: Celebration) -> str:
    """A heading, a table of completions oldest first, and a count."""
    out = [f"## {escape.markdown(celebration_title(report))}", ""]
    if report.completions:
        out += [
            "| " + " | ".join(COLUMNS) + " |",
            "|" + "---|" * len(COLUMNS),
            *(
                "| " + " | ".join(escape.markdown(cell) for cell in _cells(c)) + " |"
                for c in report.completions
            ),
            "",
        ]
    out.append(_summary(report))
    return "\n".join(out) + "\n"


def celebration_html(report: Celebration) -> str:
    """A small self-contained HTML page: the same table, styled to be handed round."""
    title = html.escape(celebration_title(report))
    rows = "\n".join(
        "<tr>" + "".join(f"<td>{html.escape(cell)}</td>" for cell in _cells(c)) + "</tr>"
        for c in report.completions
    )
    head = "".join(f"<th>{html.escape(name)}</th>" for name in COLUMNS)
    table = (
        f"<table>\n<thead><tr>{head}</tr></thead>\n<tbody>\n{rows}\n</tbody>\n</table>\n"
        if report.completions
        else ""
    )
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{title}</title>\n"
        "<style>\n"
        "body { font-family: system-ui, sans-serif; margin: 2em; }\n"
        "table { border-collapse: collapse; }\n"
        "th, td { text-align: left; padding: 0.3em 0.8em; border-bottom: 1px solid #ddd; }\n"
        "td:first-child { white-space: nowrap; }\n"
        "</style>\n</head>\n<body>\n"
        f"<h1>{title}</h1>\n{table}"
        f"<p>{html.escape(_summary(report))}</p>\n"
        "</body>\n</html>\n"
    )


def write_celebration(report: Celebration, *, out: Path) -> None:
    """Write the celebration to `out` as Markdown (.md) or HTML (.html)."""
    if format_of(out, allowed=FORMATS, what="a celebration") == "md":
        write_text(out, celebration_markdown(report))
    else:
        write_text(out, celebration_html(report))
