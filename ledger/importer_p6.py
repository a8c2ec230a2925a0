"""Import a Primavera P6 export: the events that turn the plan as of its date into the export's.

`ledger.p6` reads the export (CSV or XLS) the way Rubin's tooling read it when it generated
LDM-564 section 3; `ledger.p6_plan.export_revision` gives its plan in the shape of a
document revision. On top of what a document says, an export gives each milestone's
forecast (P6's current finish) apart from its baseline, and its relationships:

- Dependencies. A relationship between two milestones of the plan (TASKPRED, or a CSV's
  predecessor and successor lists, made good where the export cut them) becomes a
  `milestone.depends` of the successor on the predecessor, except a Level-3 milestone's
  link to a release it belongs to: that link is its membership, already recorded by
  `milestone.linked`. Chains through activities that are not milestones are left to the
  charts (`ledger.p6_links`): the ledger records what P6 states, not what it implies.
- Change control. An export has no change record, so `--rfc` says which RFC approved its
  changes, as a document's newest change-record row does: unless the ledger approved that
  RFC by the export's date, the import records its approval on that date, after the
  changes made under it (baselines move, forecasts follow). Without `--rfc` nothing
  approved a new baseline: existing milestones keep theirs and their forecasts move.
- Date. The export's month end ("LSST ME 19-04" is 2019-04-30), or `--date`.

What the reader noticed (tickets left out of the plan, links to an id the file does not
hold, cut lists) is shown at the import and kept in its `revision.imported` fact.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Unpack

from ledger.change_results import ImportResult
from ledger.errors import Refused
from ledger.import_plan import ImportOptions, PlanSource, digest, import_plan
from ledger.import_targets import target_plan
from ledger.p6 import RUBIN, parse_p6_export, read_export_bytes
from ledger.p6_model import Levels, P6Export
from ledger.p6_plan import export_revision
from ledger.requests import ImportExport
from ledger.rules import require_no_cycle


def dependencies(export: P6Export) -> tuple[dict[str, tuple[str, ...]], list[str]]:
    """Each plan milestone's predecessors among the plan's milestones, memberships left out,
    and a note for each link left out because it would make a milestone wait for itself."""
    releases = {m.code: m.releases for m in export.milestones}
    found: dict[str, list[str]] = {}
    notes: list[str] = []
    for link in export.dependencies:
        before, after = link.predecessor, link.successor
        if after in releases.get(before, ()) or before in found.get(after, ()):
            continue
        try:
            require_no_cycle(lambda c: found.get(c, ()), code=after, predecessor=before)
        except Refused as error:
            notes.append(f"the link {before} -> {after} is left out: {error}")
            continue
        found.setdefault(after, []).append(before)
    return {code: tuple(codes) for code, codes in found.items()}, notes


def export_source(
    export: P6Export, *, sha256: str, on: date | None = None, rfc: str | None = None
) -> PlanSource:
    """What a P6 export states, ready to import. `on` dates an export whose month end is
    unknown (`DocumentError` if neither gives a date)."""
    revision = export_revision(export=export, on=None if export.month_end else on)
    depends, notes = dependencies(export)
    targets = target_plan(
        revision,
        source=export.source,
        forecasts={m.code: m.forecast for m in export.milestones},
        depends=depends,
    )
    project = f" {export.project}" if export.project else ""
    return PlanSource(
        kind="p6",
        source=export.source,
        label=f"P6 export{project} of {revision.latest_revision}",
        day=revision.latest_revision,
        sha256=sha256,
        targets=targets,
        needs=ImportExport.NEEDS,
        counts={
            "releases": len(revision.releases),
            "level3": len(targets.milestones) - len(revision.releases),
            "entries": sum(len(release.milestones) for release in revision.releases),
            "activities": len(export.activities),
            "relationships": len(export.relationships),
        },
        rfc=rfc,
        notes=tuple(export.notes) + tuple(notes),
    )


def import_export_file(
    *,
    path: Path,
    rfc: str | None = None,
    levels: Levels = RUBIN,
    **options: Unpack[ImportOptions],
) -> ImportResult:
    """Append the events that turn the ledger's plan as of the export's date into the plan
    of a P6 export file, CSV or XLS (or, with `dry_run`, list them and append nothing).

    `rfc` is the RFC that approved the export's changes; `levels` says how activity ids
    give a milestone's level (Rubin's prefixes by default); the `options` are
    `ledger.import_plan.import_plan`'s. Needs the admin role. Raises `DocumentError`
    naming the row and column for a file that is not a P6 export, and `Refused` when the
    ledger cannot take it; either way nothing is appended.
    """
    data = read_export_bytes(path)
    export = parse_p6_export(data=data, source=path.name, levels=levels)
    plan = export_source(export, sha256=digest(data), on=options.get("on"), rfc=rfc)
    if (progress := options.get("progress")) is not None:
        counts = plan.counts
        progress(
            f"read {path.name}: {counts['activities']} activities, {counts['relationships']} "
            f"relationships; {counts['releases']} releases, {counts['level3']} Level-3 "
            "milestones"
        )
    return import_plan(plan=plan, **options)
