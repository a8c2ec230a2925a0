"""How each result reads in a terminal (`ledger.data` has what `--json` prints).

`text` renders a result by its type (`functools.singledispatch`): a command's
name is never consulted. The tables are laid out for the screen the output
goes to (`cli.screen`): its width, and whether it takes colour. Everything
the ledger library provides is imported when it is needed, so a command pays
only for what it shows.
"""

from __future__ import annotations

from functools import singledispatch
from typing import TYPE_CHECKING

from cli import milestones, render_tree, reports, trail
from cli.screen import PLAIN, Screen
from cli.tables import paragraph, styled
from ledger import change_results as cr
from ledger import proof_results as prs
from ledger import report_results as rr
from ledger import results as rs

if TYPE_CHECKING:
    from ledger.state import Recorded
    from ledger.verify import Report

__all__ = ["output", "text", "verify_text"]


def verify_text(report: Report, screen: Screen = PLAIN) -> str:
    """The outcome of a verification."""
    if report.ok:
        return (
            f"{styled('OK', 'bold green', screen)}: {report.checked} events verified.\n"
            f"ledger id  {report.ledger_id}\nhead       #{report.checked} {report.head_hash}"
        )
    assert report.failure is not None
    failed = f"at event #{report.failure.seq}: {report.failure.reason}"
    return (
        f"{styled('FAILED', 'bold red', screen)} {failed}\n"
        f"({report.checked} events before it verified)"
    )


def recorded_text(
    events: list[Recorded], rfc_states: dict[str, str], screen: Screen = PLAIN
) -> str:
    """What a write command recorded."""
    from ledger.describe import describe

    lines = []
    for event in events:
        note = ""
        if event.rfc and rfc_states.get(event.rfc) == "open":
            note = f"  (proposed under {event.rfc}: takes effect when it is approved)"
        lines.append(paragraph(f"recorded #{event.seq}: {describe(event)}{note}", screen, indent=4))
    return "\n".join(lines)


# --- by result type -----------------------------------------------------------------------------


@singledispatch
def text(result: rs.Result, screen: Screen = PLAIN) -> str:
    """A result as text for a person, laid out for `screen`."""
    raise TypeError(f"no text for {type(result).__name__}")


@text.register
def _(result: rs.PlanResult, screen: Screen = PLAIN) -> str:
    if result.format == "table":
        return milestones.plan_text(result.plan, screen)
    if result.format == "json":
        from ledger.data import as_json, plain

        return as_json(plain(result.plan))
    from ledger import render

    formats = {"csv": render.to_csv, "md": render.to_markdown, "tex": render.to_latex}
    return formats[result.format](result.plan)


@text.register
def _(result: rs.MilestoneResult, screen: Screen = PLAIN) -> str:
    return milestones.show_text(result.detail, screen)


@text.register
def _(result: rs.HistoryResult, screen: Screen = PLAIN) -> str:
    return trail.entries_text(result.entries, screen)


@text.register
def _(result: rs.LogResult, screen: Screen = PLAIN) -> str:
    return trail.entries_text(result.entries, screen)


@text.register
def _(result: rs.DiffResult, screen: Screen = PLAIN) -> str:
    return trail.diff_text(result.diff, screen)


@text.register
def _(result: rs.LateResult, screen: Screen = PLAIN) -> str:
    return milestones.late_text(result.rows, result.as_of, result.today, screen)


@text.register
def _(result: rs.UpcomingResult, screen: Screen = PLAIN) -> str:
    return milestones.upcoming_text(result.rows, result.start, result.until, result.days, screen)


@text.register
def _(result: rs.CheckResult, screen: Screen = PLAIN) -> str:
    return trail.check_text(result.oddities, screen)


@text.register
def _(result: rs.VerifyResult, screen: Screen = PLAIN) -> str:
    held = result.report.ok and result.tree is not None
    return verify_text(result.report, screen) + (
        render_tree.tree_text(result.tree) if held and result.tree else ""
    )


@text.register
def _(result: rs.RfcResult, screen: Screen = PLAIN) -> str:
    return trail.rfc_text(result.rfc, screen)


@text.register
def _(result: rs.RfcListResult, screen: Screen = PLAIN) -> str:
    return trail.rfc_list_text(result.rfcs, screen)


@text.register
def _(result: rs.KeyListResult, screen: Screen = PLAIN) -> str:
    return trail.keys_text(result.keys, screen)


@text.register
def _(result: cr.RecordedResult, screen: Screen = PLAIN) -> str:
    return recorded_text(result.events, result.rfc_states, screen)


@text.register
def _(result: cr.ImportResult, screen: Screen = PLAIN) -> str:
    return result.summary()


text.register(prs.CheckpointResult, lambda r, screen=PLAIN: r.checkpoint.note)
text.register(prs.KeyLineResult, lambda r, screen=PLAIN: r.key_line)
text.register(
    prs.CheckpointListResult, lambda r, screen=PLAIN: render_tree.checkpoints_text(r.checkpoints)
)
text.register(prs.ProofResult, lambda r, screen=PLAIN: r.proof.text())
text.register(prs.ProofCheckResult, lambda r, screen=PLAIN: render_tree.check_text(r.check))
text.register(prs.CosignResult, lambda r, screen=PLAIN: r.cosigned.note)
text.register(rr.ChartResult, reports.chart_text)
text.register(rr.SlipResult, lambda r, screen=PLAIN: reports.slip_text(r.slip, screen))
text.register(
    rr.CelebrationResult, lambda r, screen=PLAIN: reports.celebration_text(r.celebration, screen)
)


@text.register
def _(result: rr.GraphResult, screen: Screen = PLAIN) -> str:
    from ledger.charts.graph import graph_dot

    return graph_dot(result.graph)


# --- what a command prints ----------------------------------------------------------------------


@singledispatch
def output(result: rs.Result, screen: Screen = PLAIN) -> str | bytes:
    """What a command prints: its text; for a report asked for as a file (`--out`), the file
    is written and the output says where; a chart without one is PNG bytes for a pipe."""
    return text(result, screen)


output.register(rr.ChartResult, reports.chart_output)
output.register(
    rr.SlipResult, lambda r, screen=PLAIN: reports.slip_output(r.slip, r.out, r.csv, screen)
)
output.register(
    rr.CelebrationResult,
    lambda r, screen=PLAIN: reports.celebration_output(r.celebration, r.out, screen),
)


@output.register
def _(result: rr.GraphResult, screen: Screen = PLAIN) -> str | bytes:
    if result.out is not None:
        return reports.written(result.graph, result.out)
    return text(result, screen)
