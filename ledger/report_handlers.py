"""The handlers of the report requests (see `ledger.handle`): fold the views, compute one report.

Each folds the views its request names (an as-of point, a compare point, the two points of
a slip, all limited by `--known-at`) and calls one pure report function of
`ledger.reports`. Nothing here draws: the result carries the report to the front end.
Each handler imports its report function when it runs: a command that asks for no report
loads none.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from ledger import report_results as rr
from ledger import requests as rq
from ledger.asof import parse_as_of, parse_instant_text
from ledger.requests.reports import pixels

if TYPE_CHECKING:
    from ledger.handle import Context
    from ledger.views import View

#: What `celebrate` looks back over when it is not given `--since`.
CELEBRATE_DAYS = 30


def view_of(context: Context, selector: str | None, known_at: str | None) -> View:
    """The plan as of `selector` (None: now), limited to what was recorded by `known_at`."""
    known = parse_instant_text(known_at, what="--known-at") if known_at else None
    return context.ledger.view(parse_as_of(selector), known_at=known)


def chart_burndown(request: rq.ChartBurndown, context: Context) -> rr.ChartResult:
    """The burndown as of --as-of, against the forecasts at --compare."""
    from ledger.reports.burndown import burndown

    view = view_of(context, request.as_of, request.known_at)
    other = None if request.compare is None else view_of(context, request.compare, request.known_at)
    report = burndown(
        state=view.state,
        today=view.today,
        compare=None if other is None else other.state,
        compare_label=request.compare,
        level=request.level,
        since=request.since,
    )
    return rr.ChartResult(chart=report, out=request.out, size=pixels(request.size))


def chart_gantt(request: rq.ChartGantt, context: Context) -> rr.ChartResult:
    """The Gantt rows of every Level-2 milestone, or of the --release ones."""
    from ledger.reports.gantt import gantt

    view = view_of(context, request.as_of, request.known_at)
    report = gantt(
        state=view.state,
        today=view.today,
        releases=request.releases or None,
        with_members=request.members,
    )
    return rr.ChartResult(chart=report, out=request.out, size=pixels(request.size))


def _slip(request: rq.ChartSlip | rq.ShowSlip, context: Context) -> Any:
    from ledger.reports.slip import slip

    before = view_of(context, request.before, request.known_at)
    after = view_of(context, request.after, request.known_at)
    return slip(
        before=before.state,
        after=after.state,
        before_label=request.before,
        after_label=request.after,
        level=request.level,
        today=after.today,
    )


def chart_slip(request: rq.ChartSlip, context: Context) -> rr.ChartResult:
    """The slip between two points, to draw."""
    return rr.ChartResult(chart=_slip(request, context), out=request.out, size=pixels(request.size))


def show_slip(request: rq.ShowSlip, context: Context) -> rr.SlipResult:
    """The slip between two points, as a table."""
    return rr.SlipResult(slip=_slip(request, context), out=request.out, csv=request.csv)


def _since(request: rq.Celebrate, context: Context, view: View) -> str:
    """The day --since names: a date as it is; an RFC, version or log position as the day
    that point is judged on; by default `CELEBRATE_DAYS` before the as-of day."""
    if request.since is None:
        return (date.fromisoformat(view.today) - timedelta(days=CELEBRATE_DAYS)).isoformat()
    point = parse_as_of(request.since)
    if point.kind in ("date", "instant"):
        return point.value[:10]
    return view_of(context, request.since, request.known_at).today


def show_celebration(request: rq.Celebrate, context: Context) -> rr.CelebrationResult:
    """The completions since --since, with when each was recorded."""
    from ledger.reports.celebrate import celebrate

    view = view_of(context, request.as_of, request.known_at)
    since = _since(request, context, view)
    seqs = [
        m.completed_seq
        for m in view.state.milestones.values()
        if m.completed is not None and m.completed_seq is not None and m.completed >= since
    ]
    recorded = {row.seq: row.recorded_at for row in context.ledger.store.rows(seqs)}
    report = celebrate(state=view.state, since=since, recorded_at=recorded)
    return rr.CelebrationResult(celebration=report, out=request.out)


def show_graph(request: rq.ShowGraph, context: Context) -> rr.GraphResult:
    """The dependency graph, with the predecessor links the plan records."""
    from ledger.reports.graph import graph

    view = view_of(context, request.as_of, request.known_at)
    links = {code: m.depends for code, m in view.state.milestones.items() if m.depends}
    report = graph(
        state=view.state,
        today=view.today,
        release=request.release,
        target=request.target,
        predecessors=links,
    )
    return rr.GraphResult(graph=report, out=request.out)


HANDLERS: dict[type[rq.Request], Callable[[Any, Context], Any]] = {
    rq.ChartBurndown: chart_burndown,
    rq.ChartGantt: chart_gantt,
    rq.ChartSlip: chart_slip,
    rq.ShowSlip: show_slip,
    rq.Celebrate: show_celebration,
    rq.ShowGraph: show_graph,
}
