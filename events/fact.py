"""What every fact is: a frozen pydantic model of an event's data, and its stored form.

The facts themselves are in one module per domain (`events.admin_facts`,
`events.milestone_facts`, `events.governance_facts`), so a command that records
milestone facts builds only those models; `events.catalogue` gathers them all.
"""

from __future__ import annotations

from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict


class Fact(BaseModel):
    """Base of every event's data: frozen, strict about unknown fields."""

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)
    type: ClassVar[str]


def fact_data(fact: Fact) -> dict[str, Any]:
    """Return a fact as the JSON-ready dict stored in an event's `data`."""
    return fact.model_dump(mode="json", by_alias=True, exclude_none=True)
