"""The state a fold builds: milestones, RFCs, actors' roles and keys.

Dates are ISO strings (`YYYY-MM-DD`) and instants fixed-width UTC strings, so
comparisons are plain string comparisons on the hot path of a rebuild.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

_TEAM = re.compile(r"^[A-Za-z]+-([A-Za-z]+)-[^-]+$")


@dataclass(frozen=True, slots=True)
class Recorded:
    """An event as decoded from its stored body: what folds and queries work on."""

    seq: int
    id: str
    type: str
    subject: str
    actor: str
    key: str
    rfc: str | None
    idem: str | None
    recorded_at: str
    effective: str
    data: dict[str, Any]
    prev: str
    hash: bytes

    @property
    def order(self) -> tuple[str, int]:
        """The (effective, seq) key plans are folded in."""
        return (self.effective, self.seq)


def team_of(code: str) -> str | None:
    """The team part of a Level-3 code (`AP` in `DM-AP-18`); None when the code has none."""
    match = _TEAM.match(code)
    return match.group(1) if match else None


@dataclass(slots=True)
class Milestone:
    """One milestone as the plan sees it at some point."""

    code: str
    level: int
    title: str
    baseline: str
    forecast: str
    defined_seq: int
    releases: list[str] = field(default_factory=list)
    completed: str | None = None
    completed_by: str | None = None
    completed_seq: int | None = None
    withdrawn: bool = False
    aliases: list[str] = field(default_factory=list)
    #: The codes of the milestones it waits for (its predecessors), in the order added.
    depends: list[str] = field(default_factory=list)

    @property
    def team(self) -> str | None:
        """The team derived from the code, if the code names one."""
        return team_of(self.code)

    def status(self, today: str) -> str:
        """`done`, `withdrawn`, `late`, `slipped` or `on track` as of the ISO date `today`."""
        if self.withdrawn:
            return "withdrawn"
        if self.completed is not None:
            return "done"
        if self.forecast < today:
            return "late"
        if self.forecast > self.baseline:
            return "slipped"
        return "on track"

    def copy(self) -> Milestone:
        """An independent copy (lists copied too)."""
        return Milestone(
            self.code,
            self.level,
            self.title,
            self.baseline,
            self.forecast,
            self.defined_seq,
            list(self.releases),
            self.completed,
            self.completed_by,
            self.completed_seq,
            self.withdrawn,
            list(self.aliases),
            list(self.depends),
        )


@dataclass(slots=True)
class Rfc:
    """A request for change and what became of it."""

    id: str
    title: str
    state: str  # open | approved | rejected
    opened_by: str
    opened_seq: int
    decided_on: str | None = None
    decided_by: str | None = None
    decided_seq: int | None = None
    version: str | None = None
    changes: list[int] = field(default_factory=list)

    def copy(self) -> Rfc:
        """An independent copy."""
        return Rfc(
            self.id,
            self.title,
            self.state,
            self.opened_by,
            self.opened_seq,
            self.decided_on,
            self.decided_by,
            self.decided_seq,
            self.version,
            list(self.changes),
        )


@dataclass(slots=True)
class KeyInfo:
    """A registered signing key."""

    key_id: str
    actor: str
    public_key: str
    registered_seq: int
    delegate_for: str | None = None
    revoked_seq: int | None = None


@dataclass(slots=True)
class PlanState:
    """Everything a fold knows after some prefix of the log."""

    name: str = ""
    baseline_control: bool = True
    milestones: dict[str, Milestone] = field(default_factory=dict)
    aliases: dict[str, str] = field(default_factory=dict)
    rfcs: dict[str, Rfc] = field(default_factory=dict)
    roles: dict[str, set[str]] = field(default_factory=dict)
    keys: dict[str, KeyInfo] = field(default_factory=dict)
    pending: dict[str, list[Recorded]] = field(default_factory=dict)
    oddities: list[tuple[int, str]] = field(default_factory=list)
    last: Recorded | None = None

    def copy(self) -> PlanState:
        """An independent copy, cheap enough to snapshot every few thousand events."""
        return PlanState(
            name=self.name,
            baseline_control=self.baseline_control,
            milestones={code: m.copy() for code, m in self.milestones.items()},
            aliases=dict(self.aliases),
            rfcs={rfc_id: r.copy() for rfc_id, r in self.rfcs.items()},
            roles={actor: set(roles) for actor, roles in self.roles.items()},
            # Keys are never mutated after revocation is set, so copy shallowly per key.
            keys={
                k: KeyInfo(
                    v.key_id, v.actor, v.public_key, v.registered_seq, v.delegate_for, v.revoked_seq
                )
                for k, v in self.keys.items()
            },
            pending={rfc_id: list(events) for rfc_id, events in self.pending.items()},
            oddities=list(self.oddities),
            last=self.last,
        )

    def resolve(self, code: str) -> str | None:
        """The current code of a milestone named by its code or an alias."""
        code = code.strip()
        if code in self.milestones:
            return code
        return self.aliases.get(code)

    def has_role(self, actor: str, role: str) -> bool:
        """Whether `actor` holds `role`."""
        return role in self.roles.get(actor, ())
