"""The event catalogue: one frozen pydantic model per fact, keyed by event type.

An event is an envelope (`Event`) around the data of one fact. The envelope's
`type` names the fact; `FACTS` maps each type to the model its `data` must
satisfy. Facts are past tense and carry no behaviour; they are defined in one
module per domain and gathered here.
"""

from __future__ import annotations

import re
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from events.admin_facts import (
    KeyRegistered,
    KeyRevoked,
    LedgerCreated,
    RoleGranted,
    RoleRevoked,
)
from events.codec import INSTANT_FORMAT
from events.fact import Fact, fact_data
from events.governance_facts import (
    ChangeRecordRow,
    RevisionImported,
    RfcApproved,
    RfcOpened,
    RfcRejected,
)
from events.milestone_facts import (
    BaselineMoved,
    ForecastMoved,
    MilestoneCompleted,
    MilestoneDefined,
    MilestoneDepends,
    MilestoneIndependent,
    MilestoneLinked,
    MilestoneReinstated,
    MilestoneRenamed,
    MilestoneReopened,
    MilestoneRetitled,
    MilestoneUnlinked,
    MilestoneWithdrawn,
)

__all__ = [
    "FACTS",
    "BaselineMoved",
    "ChangeRecordRow",
    "Event",
    "Fact",
    "ForecastMoved",
    "KeyRegistered",
    "KeyRevoked",
    "LedgerCreated",
    "MilestoneCompleted",
    "MilestoneDefined",
    "MilestoneDepends",
    "MilestoneIndependent",
    "MilestoneLinked",
    "MilestoneReinstated",
    "MilestoneRenamed",
    "MilestoneReopened",
    "MilestoneRetitled",
    "MilestoneUnlinked",
    "MilestoneWithdrawn",
    "RevisionImported",
    "RfcApproved",
    "RfcOpened",
    "RfcRejected",
    "RoleGranted",
    "RoleRevoked",
    "fact_data",
]

_HEX64 = re.compile(r"^[0-9a-f]{64}$")
_INSTANT = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$")


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
