"""Import a revision of LDM-564: the events that turn the plan as of its date into the document's.

An import reads one text revision with `ledger.ldm564.parse_revision`, reads its plan into
targets (`ledger.import_targets`) and hands them to `ledger.import_plan`, which appends, in
one atomic append, the definitions, renames, retitles, links, withdrawals, reinstatements,
date moves, completions and reopenings that make the plan as of the document's date equal
to it, the approvals of the RFCs its change record names (`ledger.import_rfcs`), and a
closing `revision.imported` fact naming the source, its date and its SHA-256. Revisions can
come in any order; see `ledger.import_plan` for how a late one lands.
"""

from __future__ import annotations

from pathlib import Path
from typing import Unpack

from ledger.change_results import ImportResult
from ledger.errors import DocumentError
from ledger.files import read_document
from ledger.import_plan import ImportOptions, PlanSource, digest, import_plan
from ledger.import_targets import target_plan
from ledger.ldm564 import parse_revision
from ledger.requests import ImportRevision


def read_revision_file(path: Path) -> str:
    """The text of a revision file, or `DocumentError` if it is missing, binary or not UTF-8."""
    raw = read_document(path, expected="an LDM-564 text revision")
    if b"\x00" in raw:
        raise DocumentError(
            f"{path.name}: contains NUL bytes, so it is binary rather than text; "
            "expected a plain-text rendering of LDM-564"
        )
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise DocumentError(
            f"{path.name}: is not UTF-8 text (byte {error.start}); "
            "expected a plain-text rendering of LDM-564"
        ) from None


def revision_source(text: str, *, source: str) -> PlanSource:
    """What an LDM-564 revision states, ready to import (`DocumentError` if it is not one)."""
    revision = parse_revision(text, source=source)
    targets = target_plan(revision, source=source)
    entries = sum(len(release.milestones) for release in revision.releases)
    return PlanSource(
        kind="ldm564",
        source=source,
        label=f"LDM-564 of {revision.latest_revision}",
        day=revision.latest_revision,
        sha256=digest(text.encode("utf-8")),
        targets=targets,
        needs=ImportRevision.NEEDS,
        counts={
            "releases": len(revision.releases),
            "level3": len(targets.milestones) - len(revision.releases),
            "entries": entries,
        },
        change_record=revision.change_record,
    )


def import_revision(*, text: str, source: str, **options: Unpack[ImportOptions]) -> ImportResult:
    """Append the events that turn the ledger's plan as of the revision's date into the
    plan of an LDM-564 revision (or, with `dry_run`, list them and append nothing).

    `source` names the document (a file name) in errors and in the `revision.imported`
    fact; the `options` are `ledger.import_plan.import_plan`'s: `on` overrides the
    document's "Latest Revision" date as the events' effective date. Needs the admin role.
    Raises `DocumentError` for text that is not an LDM-564 revision and `Refused` when the
    ledger cannot take it; either way nothing is appended.
    """
    plan = revision_source(text, source=source)
    if (progress := options.get("progress")) is not None:
        counts = plan.counts
        progress(
            f"parsed {source}: {counts['releases']} releases, {counts['entries']} Level-3 "
            f"entries ({counts['level3']} milestones)"
        )
    return import_plan(plan=plan, **options)


def import_revision_file(*, path: Path, **options: Unpack[ImportOptions]) -> ImportResult:
    """`import_revision` of a file, named in the log by its file name."""
    return import_revision(text=read_revision_file(path), source=path.name, **options)
