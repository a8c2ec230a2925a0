"""A P6 export as LDM-564 section 3: the `Revision` the LDM-564 importer already consumes.

Rubin generated LDM-564's section 3 from these exports, so the same shape carries both:
`ledger.importer.target_plan(export_revision(export=...), source=...)` gives the targets an
import needs. What the shape cannot carry stays on the `P6Export`: forecasts apart from
baselines, statuses, relationships.
"""

from __future__ import annotations

from datetime import date

from ledger.errors import DocumentError
from ledger.ldm564 import HANDLE, Level3Entry, Release, Revision
from ledger.p6_model import P6Export, P6Milestone

__all__ = ["export_revision", "release_title"]

# Rubin's Level-2 activities are named for the report that closes them ("Test report: HSC
# reprocessing"); LDM-564 names the release ("HSC reprocessing").
_REPORT_PREFIX = "Test report: "


def release_title(milestone: P6Milestone) -> str:
    """The title LDM-564 gives a Level-2 milestone: its P6 name without "Test report: "."""
    return milestone.title.removeprefix(_REPORT_PREFIX)


def _entry(milestone: P6Milestone) -> Level3Entry:
    return Level3Entry(
        code=milestone.code,
        title=milestone.title,
        due=milestone.due,
        completed=milestone.completed,
    )


def export_revision(*, export: P6Export, on: date | None = None) -> Revision:
    """The export's plan as a `Revision`: releases and their Level-3 milestones in plan order.

    The revision is dated `on`, else the export's month end; it has no change record, since
    an export approves nothing. Level-3 titles are P6's activity names as exported. Raises
    `DocumentError` when neither `on` nor the export gives a date.
    """
    day = on or export.month_end
    if day is None:
        raise DocumentError(
            f"{export.source}: the export's date is unknown (its WBS codes name no month-end "
            "project such as 'LSST ME 19-04'); give the date the export describes"
        )
    releases = tuple(
        Release(
            label=release.code,
            title=release_title(release),
            due=release.due,
            completed=release.completed,
            milestones=tuple(_entry(m) for m in export.members(release.code)),
            note=None,
        )
        for release in export.releases
    )
    return Revision(
        handle=HANDLE,
        title=f"P6 export {export.project or export.source}",
        latest_revision=day,
        change_record=(),
        releases=releases,
    )
