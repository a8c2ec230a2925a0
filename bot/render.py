"""How results read in Slack: each result type as a Block Kit reply.

`answer` renders a result by its type (`functools.singledispatch`); the
command that asked is never consulted. The renderings are
`bot.milestones`' and `bot.entries`'; the message pieces and their escaping
are `bot.blocks`', the pages `bot.pages`'.
"""

from __future__ import annotations

from functools import singledispatch

from bot import entries, milestones, render_tree, reports
from bot.blocks import Reply, code, escape
from ledger import change_results as cr
from ledger import proof_results as prs
from ledger import report_results as rr
from ledger import results as rs


@singledispatch
def answer(result: rs.Result) -> Reply:
    """How a result reads in Slack."""
    raise TypeError(f"no Slack answer for {type(result).__name__}")


@answer.register
def _(result: rs.PlanResult) -> Reply:
    return milestones.plan(result.plan)


@answer.register
def _(result: rs.MilestoneResult) -> Reply:
    return milestones.show(result.detail)


@answer.register
def _(result: rs.HistoryResult) -> Reply:
    title = f"*History of {code(result.code)}*"
    return entries.entries(result.entries, title=title, empty="No events.")


@answer.register
def _(result: rs.LogResult) -> Reply:
    return entries.entries(
        result.entries, title="*Log*", empty="No events match.", newest_first=True
    )


@answer.register
def _(result: rs.DiffResult) -> Reply:
    return entries.diff(result.diff)


@answer.register
def _(result: rs.LateResult) -> Reply:
    judged = f"; judged on {result.today}" if result.today else ""
    note = f"As of {escape(result.as_of)}{judged}."
    return milestones.rows(result.rows, title="*Late*", empty="Nothing is late.", note=note)


@answer.register
def _(result: rs.UpcomingResult) -> Reply:
    title = f"*Due in the next {result.days} days*"
    note = f"From {result.start} through {result.until}."
    empty = "Nothing is due in that window."
    return milestones.rows(result.rows, title=title, empty=empty, note=note)


@answer.register
def _(result: rs.CheckResult) -> Reply:
    return milestones.check(result.oddities)


@answer.register
def _(result: rs.VerifyResult) -> Reply:
    if result.tree is None or not result.report.ok:
        return entries.verify(result.report)
    return render_tree.verified(entries.verify(result.report), result.tree)


@answer.register
def _(result: rs.RfcResult) -> Reply:
    return entries.rfc_show(result.rfc)


@answer.register
def _(result: rs.RfcListResult) -> Reply:
    return entries.rfc_list(result.rfcs)


@answer.register
def _(result: cr.RecordedResult) -> Reply:
    return entries.recorded(result.events, result.rfc_states)


answer.register(prs.CheckpointResult, lambda r: render_tree.checkpoint(r.checkpoint))
answer.register(prs.KeyLineResult, lambda r: render_tree.key_line(r.key_line))
answer.register(prs.CheckpointListResult, lambda r: render_tree.checkpoints(r.checkpoints))
answer.register(prs.ProofResult, lambda r: render_tree.proof(r.proof))
answer.register(rr.SlipResult, lambda r: reports.slip(r.slip))
answer.register(rr.CelebrationResult, lambda r: reports.celebration(r.celebration))
answer.register(rr.GraphResult, lambda r: reports.graph(r.graph))


@answer.register
def _(result: rr.ChartResult) -> Reply:
    # What a chart answers with when it is not uploaded: its title (the picture is
    # `bot.uploads`').
    from ledger.charts.output import title_of

    return reports.chart(title_of(result.chart))
