"""`handle`: answer any request, through one table from request type to handler.

A front end parses words into a request (`ledger.grammar.parse`), or builds
one itself, and hands it here with a `Context` saying how to reach the ledger
and who is acting; it renders the typed result it gets back. Reads answer
from a view of the ledger; changes go through the one append path
(`ledger.execute`). What only some requests use (verification, diffs and checks, the
append path, the importer) is imported by their handlers, so a read loads no
more than it needs.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ledger import audit, due, queries, rfcs
from ledger import change_results as cr
from ledger import requests as rq
from ledger import results as rs
from ledger.asof import parse_as_of, parse_instant_text
from ledger.proof_handlers import HANDLERS as PROOF_HANDLERS
from ledger.report_handlers import HANDLERS as REPORT_HANDLERS
from ledger.rules import require_open_rfc

if TYPE_CHECKING:
    from ledger.import_plan import ImportOptions
    from ledger.ledger import Ledger, View
    from ledger.signing import Signer

Progress = Callable[[str], None]


@dataclass
class Context:
    """What a request runs with: how to reach the ledger and who is acting.

    `actor` is None at the terminal (the key's own actor) and `slack:T/U` in
    Slack; `idem` makes a retried request record nothing twice; `expect_head`
    refuses a change if anything was appended after that seq (a person
    confirmed what they saw then); `progress` hears how a long import goes.
    """

    open_ledger: Callable[[], Ledger]
    load_signer: Callable[[], Signer]
    actor: str | None = None
    idem: str | None = None
    expect_head: int | None = None
    progress: Progress | None = None
    _ledger: Ledger | None = None

    @property
    def ledger(self) -> Ledger:
        """The ledger, opened on first use."""
        if self._ledger is None:
            self._ledger = self.open_ledger()
        return self._ledger

    @property
    def opened(self) -> Ledger | None:
        """The ledger if a request opened it, else None (nothing is opened to ask)."""
        return self._ledger


def handle(request: rq.Request, *, context: Context) -> rs.Result:
    """Answer `request`: a read's answer, or what a change recorded."""
    handler = HANDLERS.get(type(request))
    if handler is None:
        raise TypeError(f"no handler for {type(request).__name__}")
    return handler(request, context)


# --- reads --------------------------------------------------------------------------------------


def _view(context: Context, as_of: str | None, known_at: str | None = None) -> View:
    known = parse_instant_text(known_at, what="--known-at") if known_at else None
    return context.ledger.view(parse_as_of(as_of), known_at=known)


def _plan(request: rq.ShowPlan, context: Context) -> rs.PlanResult:
    plan = queries.plan(_view(context, request.as_of, request.known_at))
    return rs.PlanResult(plan=plan, format=request.format)


def _show(request: rq.ShowMilestone, context: Context) -> rs.MilestoneResult:
    return rs.MilestoneResult(detail=queries.show(_view(context, request.as_of), request.code))


def _history(request: rq.ShowHistory, context: Context) -> rs.HistoryResult:
    entries = audit.history(context.ledger, request.code)
    return rs.HistoryResult(code=request.code, entries=entries)


def _log(request: rq.ShowLog, context: Context) -> rs.LogResult:
    entries = audit.log(
        context.ledger,
        since=request.since,
        actor=request.actor,
        rfc=request.rfc,
        type_=request.event_type,
        limit=request.limit,
    )
    return rs.LogResult(entries=entries)


def _diff(request: rq.DiffPlans, context: Context) -> rs.DiffResult:
    from ledger.diff import diff

    before, after = _view(context, request.before), _view(context, request.after)
    return rs.DiffResult(diff=diff(before, after))


def _late(request: rq.ListLate, context: Context) -> rs.LateResult:
    view = _view(context, request.as_of)
    return rs.LateResult(rows=due.late(view), as_of=view.label, today=view.today)


def _upcoming(request: rq.ListUpcoming, context: Context) -> rs.UpcomingResult:
    view = _view(context, request.as_of)
    start, until = due.upcoming_window(view, days=request.days)
    rows = due.upcoming(view, days=request.days)
    return rs.UpcomingResult(days=request.days, start=start, until=until, rows=rows)


def _check(request: rq.CheckPlan, context: Context) -> rs.CheckResult:
    from ledger.check import check

    oddities = check(_view(context, request.as_of))
    return rs.CheckResult(oddities=oddities, strict=request.strict)


def _verify(request: rq.VerifyLedger, context: Context) -> rs.VerifyResult:
    from ledger.verify_tree import verify_ledger

    report, tree = verify_ledger(
        context.ledger.store,
        ledger_id=request.ledger_id,
        expect_head=request.expect_head,
        expect_length=request.expect_length,
    )
    return rs.VerifyResult(report=report, tree=tree)


def _rfc_show(request: rq.ShowRfc, context: Context) -> rs.RfcResult:
    return rs.RfcResult(rfc=rfcs.rfc_show(context.ledger, request.rfc))


def _rfc_list(request: rq.ListRfcs, context: Context) -> rs.RfcListResult:
    return rs.RfcListResult(rfcs=rfcs.rfc_list(context.ledger))


def _key_list(request: rq.ListKeys, context: Context) -> rs.KeyListResult:
    return rs.KeyListResult(keys=list(context.ledger.state().keys.values()))


def _preview_approval(request: rq.PreviewApproval, context: Context) -> rs.ApprovalPreviewResult:
    ledger = context.ledger
    # The same refusal the approval itself would give, before anyone is asked to confirm.
    require_open_rfc(ledger.state(), request.rfc, "approved")
    return rs.ApprovalPreviewResult(
        rfc=rfcs.rfc_show(ledger, request.rfc), version=request.version, head=ledger.length
    )


# --- changes ------------------------------------------------------------------------------------


def _record(request: rq.Change, context: Context) -> cr.RecordedResult:
    from ledger.execute import record

    ledger = context.ledger
    events = record(
        request,
        ledger=ledger,
        signer=context.load_signer(),
        actor=context.actor,
        idem=context.idem,
        expect_head=context.expect_head,
    )
    states = {rfc_id: rfc.state for rfc_id, rfc in ledger.state().rfcs.items()}
    return cr.RecordedResult(events=events, rfc_states=states)


def _import_options(request: rq.ImportFile, context: Context) -> ImportOptions:
    """How an import of either kind of source runs for this request and context."""
    return {
        "ledger": context.ledger,
        # A dry run appends nothing, so it signs nothing: it needs no key.
        "signer": None if request.dry_run else context.load_signer(),
        "on": request.on,
        "actor": context.actor,
        "progress": context.progress,
        "dry_run": request.dry_run,
    }


def _import_revision(request: rq.ImportRevision, context: Context) -> cr.ImportResult:
    from ledger.importer import import_revision_file

    return import_revision_file(path=request.path, **_import_options(request, context))


def _import_export(request: rq.ImportExport, context: Context) -> cr.ImportResult:
    from ledger.importer_p6 import import_export_file

    options = _import_options(request, context)
    return import_export_file(path=request.path, rfc=request.rfc, **options)


Handler = Callable[[Any, Context], rs.Result]

HANDLERS: dict[type[rq.Request], Handler] = {
    rq.ShowPlan: _plan,
    rq.ShowMilestone: _show,
    rq.ShowHistory: _history,
    rq.ShowLog: _log,
    rq.DiffPlans: _diff,
    rq.ListLate: _late,
    rq.ListUpcoming: _upcoming,
    rq.CheckPlan: _check,
    rq.VerifyLedger: _verify,
    rq.ShowRfc: _rfc_show,
    rq.ListRfcs: _rfc_list,
    rq.ListKeys: _key_list,
    rq.PreviewApproval: _preview_approval,
    rq.DefineMilestone: _record,
    rq.MoveMilestone: _record,
    rq.CompleteMilestone: _record,
    rq.ReopenMilestone: _record,
    rq.RetitleMilestone: _record,
    rq.LinkMilestone: _record,
    rq.UnlinkMilestone: _record,
    rq.WithdrawMilestone: _record,
    rq.RenameMilestone: _record,
    rq.ReinstateMilestone: _record,
    rq.DependMilestone: _record,
    rq.UndependMilestone: _record,
    rq.OpenRfc: _record,
    rq.ApproveRfc: _record,
    rq.RejectRfc: _record,
    rq.GrantRole: _record,
    rq.RevokeRole: _record,
    rq.AddKey: _record,
    rq.RevokeKey: _record,
    rq.ImportRevision: _import_revision,
    rq.ImportExport: _import_export,
    **PROOF_HANDLERS,
    **REPORT_HANDLERS,
}
