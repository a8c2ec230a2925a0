"""Facts of change control: RFCs opened, approved and rejected, and revisions imported."""

from __future__ import annotations

import datetime
from datetime import date
from typing import ClassVar, Literal

from pydantic import BaseModel, ConfigDict

from events.fact import Fact


class RfcOpened(Fact):
    """A request for change was opened; changes may now be proposed under it."""

    type: ClassVar[str] = "rfc.opened"
    id: str
    title: str


class RfcApproved(Fact):
    """The board approved an RFC: its proposed changes take effect."""

    type: ClassVar[str] = "rfc.approved"
    id: str
    on: date
    version: str | None = None


class RfcRejected(Fact):
    """The board rejected an RFC: its proposed changes never take effect."""

    type: ClassVar[str] = "rfc.rejected"
    id: str
    on: date
    reason: str | None = None


class ChangeRecordRow(BaseModel):
    """One row of a document's change record, as the imported revision states it.

    `date` is None for a draft's newest row, which has no date yet (`TBD 2019-XX-XX`)."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    version: str | None = None
    # Spelled `datetime.date`: a field named `date` would shadow the type in its own annotation.
    date: datetime.date | None = None
    description: str
    owner: str = ""
    rfc: str | None = None


class RevisionImported(Fact):
    """A revision of the plan (an LDM-564 document or a P6 export) was imported: the events
    of the same append brought the plan as of `document_date` to that revision's, and (when
    the ledger already held later changes) restored the plan those changes were made on.

    `change_record` keeps the document's change record as the document states it,
    including rows that name no RFC (and so became no `rfc.approved` event). `warnings`
    are what the source says inconsistently (a milestone listed twice with different
    dates, a code of unusual shape); `milestone check` lists them."""

    type: ClassVar[str] = "revision.imported"
    source: str
    document_date: date
    sha256: str
    counts: dict[str, int]
    change_record: tuple[ChangeRecordRow, ...] = ()
    kind: Literal["ldm564", "p6"] = "ldm564"
    warnings: tuple[str, ...] = ()
