"""The event catalogue: one frozen pydantic model per fact, keyed by event type.

An event is an envelope (`Event`) around the data of one fact. The envelope's
`type` names the fact; `FACTS` maps each type to the model its `data` must
satisfy. Facts are past tense and carry no behaviour.
"""

from __future__ import annotations

import datetime
import re
from datetime import date
from typing import Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from events.codec import INSTANT_FORMAT

_HEX64 = re.compile(r"^[0-9a-f]{64}$")
_INSTANT = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$")


class Fact(BaseModel):
    """Base of every event's data: frozen, strict about unknown fields."""

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)
    type: ClassVar[str]


# --- the ledger itself, keys and roles -------------------------------------------------


class LedgerCreated(Fact):
    """Genesis: the ledger exists, with its first actor (admin) and root key."""

    type: ClassVar[str] = "ledger.created"
    name: str
    actor: str
    key_id: str
    public_key: str
    baseline_control: bool = True


class KeyRegistered(Fact):
    """A public key may from now on sign for `actor` (and, as a delegate, for actors
    whose names start with `delegate_for`)."""

    type: ClassVar[str] = "key.registered"
    key_id: str
    public_key: str
    actor: str
    delegate_for: str | None = None


class KeyRevoked(Fact):
    """A key may no longer sign anything recorded after this event."""

    type: ClassVar[str] = "key.revoked"
    key_id: str
    reason: str


class RoleGranted(Fact):
    """An actor received a role."""

    type: ClassVar[str] = "role.granted"
    actor: str
    role: Literal["editor", "approver", "admin"]


class RoleRevoked(Fact):
    """An actor lost a role."""

    type: ClassVar[str] = "role.revoked"
    actor: str
    role: Literal["editor", "approver", "admin"]


# --- milestones --------------------------------------------------------------------------


class MilestoneDefined(Fact):
    """A milestone entered the plan."""

    type: ClassVar[str] = "milestone.defined"
    code: str
    level: Literal[2, 3]
    title: str
    baseline: date
    forecast: date
    releases: tuple[str, ...] = ()


class MilestoneRetitled(Fact):
    """A milestone's title changed."""

    type: ClassVar[str] = "milestone.retitled"
    code: str
    title: str


class MilestoneLinked(Fact):
    """A Level-3 milestone now belongs to a Level-2 milestone (`release`)."""

    type: ClassVar[str] = "milestone.linked"
    code: str
    release: str


class MilestoneUnlinked(Fact):
    """A Level-3 milestone no longer belongs to a Level-2 milestone."""

    type: ClassVar[str] = "milestone.unlinked"
    code: str
    release: str


class ForecastMoved(Fact):
    """The expected date of a milestone moved; the approved baseline did not."""

    type: ClassVar[str] = "milestone.forecast_moved"
    code: str
    from_: date = Field(alias="from")
    to: date
    reason: str | None = None


class BaselineMoved(Fact):
    """The approved date of a milestone moved (always under an RFC)."""

    type: ClassVar[str] = "milestone.baseline_moved"
    code: str
    from_: date = Field(alias="from")
    to: date
    reason: str | None = None


class MilestoneCompleted(Fact):
    """A milestone was done on a given date."""

    type: ClassVar[str] = "milestone.completed"
    code: str
    on: date


class MilestoneReopened(Fact):
    """A completed milestone turned out not to be done."""

    type: ClassVar[str] = "milestone.reopened"
    code: str
    reason: str


class MilestoneWithdrawn(Fact):
    """A milestone left the plan."""

    type: ClassVar[str] = "milestone.withdrawn"
    code: str
    reason: str


class MilestoneRenamed(Fact):
    """A milestone's code changed; the old code remains an alias."""

    type: ClassVar[str] = "milestone.renamed"
    code: str
    new_code: str


class MilestoneReinstated(Fact):
    """A withdrawn milestone came back into the plan, as it was when it left."""

    type: ClassVar[str] = "milestone.reinstated"
    code: str
    reason: str


class MilestoneDepends(Fact):
    """A milestone now waits for another one (`predecessor`)."""

    type: ClassVar[str] = "milestone.depends"
    code: str
    predecessor: str


class MilestoneIndependent(Fact):
    """A milestone no longer waits for `predecessor`."""

    type: ClassVar[str] = "milestone.independent"
    code: str
    predecessor: str


# --- change control ----------------------------------------------------------------------


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


FACTS: dict[str, type[Fact]] = {
    model.type: model
    for model in (
        LedgerCreated,
        KeyRegistered,
        KeyRevoked,
        RoleGranted,
        RoleRevoked,
        MilestoneDefined,
        MilestoneRetitled,
        MilestoneLinked,
        MilestoneUnlinked,
        ForecastMoved,
        BaselineMoved,
        MilestoneCompleted,
        MilestoneReopened,
        MilestoneWithdrawn,
        MilestoneRenamed,
        MilestoneReinstated,
        MilestoneDepends,
        MilestoneIndependent,
        RfcOpened,
        RfcApproved,
        RfcRejected,
        RevisionImported,
    )
}


def fact_data(fact: Fact) -> dict[str, Any]:
    """Return a fact as the JSON-ready dict stored in an event's `data`."""
    return fact.model_dump(mode="json", by_alias=True, exclude_none=True)


class Event(BaseModel):
    """The envelope every event shares; `data` is checked against `FACTS[type]`."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    seq: int = Field(ge=1)
    id: str
    type: str
    subject: str
    data: dict[str, Any]
    actor: str
    key: str
    recorded_at: str
    effective: str
    rfc: str | None = None
    idem: str | None = None
    prev: str

    @field_validator("type")
    @classmethod
    def _known_type(cls, value: str) -> str:
        if value not in FACTS:
            raise ValueError(f"unknown event type {value!r}")
        return value

    @field_validator("recorded_at", "effective")
    @classmethod
    def _instant(cls, value: str) -> str:
        if not _INSTANT.match(value):
            raise ValueError(f"{value!r} is not an instant in the form {INSTANT_FORMAT}")
        return value

    @field_validator("prev")
    @classmethod
    def _hex_hash(cls, value: str) -> str:
        if not _HEX64.match(value):
            raise ValueError("prev must be 64 lowercase hex digits")
        return value

    @model_validator(mode="after")
    def _data_matches_type(self) -> Event:
        FACTS[self.type].model_validate(self.data)
        return self

    def fact(self) -> Fact:
        """Return the typed fact this event records."""
        return FACTS[self.type].model_validate(self.data)
