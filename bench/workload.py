"""A realistic stream of facts for building large ledgers fast, through the batch path.

The stream follows a plan over seven simulated years (2018-2024): a few hundred
Level-2 and a few thousand Level-3 milestones defined under RFCs, forecast
moves, completions and reopens, baseline moves under RFCs approved (or now and
then rejected) with a version label, and a few backdated events. It keeps its
own model of the plan, so every fact is one the commands would have accepted:
a move starts from the current forecast, only open milestones move or
complete, only completed ones reopen.

Each chunk of drafts carries the instant it is recorded at (the effective time
of its last event), so `effective <= recorded_at` throughout and the as-of
points spread over the whole timeline.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from events.catalogue import (
    BaselineMoved,
    Fact,
    ForecastMoved,
    MilestoneCompleted,
    MilestoneDefined,
    MilestoneReopened,
    RfcApproved,
    RfcOpened,
    RfcRejected,
)
from events.codec import format_instant
from ledger.append import Draft

START = datetime(2018, 1, 1, tzinfo=UTC)
SPAN = datetime(2024, 12, 31, tzinfo=UTC) - START
TEAMS = ("AP", "DRP", "NCSA", "SQuaRE", "Arch", "LSP", "DAX")
#: How far back the backdated events take effect.
_LATE = timedelta(days=14)
#: Events the genesis append records (ledger.created and two role grants).
GENESIS_EVENTS = 3


@dataclass
class Chunk:
    """Drafts to record in one transaction, and the instant they are recorded at."""

    recorded_at: datetime
    drafts: list[Draft]


@dataclass
class _Pool:
    """A set with O(1) add, remove and uniform random choice."""

    items: list[str] = field(default_factory=list)
    where: dict[str, int] = field(default_factory=dict)

    def add(self, item: str) -> None:
        self.where[item] = len(self.items)
        self.items.append(item)

    def remove(self, item: str) -> None:
        index = self.where.pop(item)
        last = self.items.pop()
        if last != item:
            self.items[index] = last
            self.where[last] = index

    def pick(self, rng: random.Random) -> str:
        return self.items[rng.randrange(len(self.items))]

    def __len__(self) -> int:
        return len(self.items)


@dataclass
class Counts:
    """What the stream recorded, by kind."""

    level2: int = 0
    level3: int = 0
    rfcs: int = 0
    approved: int = 0
    rejected: int = 0
    forecast_moves: int = 0
    baseline_moves: int = 0
    completions: int = 0
    reopens: int = 0
    backdated: int = 0


class Workload:
    """The facts of a ledger of `events` events (genesis included), deterministic per seed."""

    def __init__(self, events: int, *, seed: int = 564) -> None:
        self.total = max(events - GENESIS_EVENTS, 0)
        self.rng = random.Random(seed)
        self.level2_target = min(300, max(5, events // 3000))
        self.level3_target = min(3000, max(20, events // 300))
        # Definitions are spread over the first 70% of the log, the first cycle at once.
        self.define_until = max(1, int(self.total * 0.7))
        # A change-control cycle (open, baseline moves, approve) every few thousand events.
        self.cycle_every = max(60, min(3000, self.total // 12 or 1))
        # A few backdated events: five, evenly spread (none in a tiny ledger).
        self.backdate_at = [self.total * k // 6 for k in range(1, 6)] if self.total >= 600 else []
        self.next_cycle = self.cycle_every
        self.step = SPAN / max(self.total, 1)
        self.position = 0  # events emitted so far
        self.baseline: dict[str, str] = {}
        self.forecast: dict[str, str] = {}
        self.level2: list[str] = []
        self.open = _Pool()  # level-3 milestones in the plan and not done
        self.done = _Pool()
        self.touched: dict[str, int] = {}  # the position of each milestone's last change
        self.versions = 0
        self.counts = Counts()

    # --- the stream ------------------------------------------------------------------------

    def chunks(self, size: int = 10_000) -> Iterator[Chunk]:
        """The stream cut into transactions of `size` drafts (the last one shorter)."""
        drafts: list[Draft] = []
        last = START
        for draft, at in self._events():
            drafts.append(draft)
            last = max(last, at)
            if len(drafts) >= size:
                yield Chunk(last, drafts)
                drafts = []
        if drafts:
            yield Chunk(last, drafts)

    def _events(self) -> Iterator[tuple[Draft, datetime]]:
        while self.position < self.total:
            for fact, subject, rfc, backdate in self._next():
                at = START + self.step * self.position
                effective = at - backdate if backdate else at
                self.position += 1
                yield Draft(fact, subject, rfc, format_instant(effective)), at
                if self.position >= self.total:
                    return

    def _defined(self) -> int:
        return len(self.forecast)

    def _next(self) -> list[tuple[Fact, str, str | None, timedelta | None]]:
        target = self.level2_target + self.level3_target
        due = target * min(1.0, 0.2 + self.position / self.define_until)
        if self._defined() < due:
            return self._definition_cycle(min(40, target - self._defined()))
        if self.position >= self.next_cycle and len(self.open) >= 4:
            self.next_cycle += self.cycle_every
            return self._baseline_cycle()
        if self.backdate_at and self.position >= self.backdate_at[0]:
            code = self._quiet(_LATE)
            if code is not None:
                self.backdate_at.pop(0)
                self.counts.backdated += 1
                return [self._move(code, late=_LATE)]
        done_share = len(self.done) / max(1, len(self.done) + len(self.open))
        roll = self.rng.random()
        if roll < 0.04 * (1 - done_share) and len(self.open) > 1:
            return [self._complete(self.open.pick(self.rng))]
        if roll > 1 - 0.06 * done_share and len(self.done):
            return [self._reopen(self.done.pick(self.rng))]
        if not len(self.open):
            return [self._reopen(self.done.pick(self.rng))]
        return [self._move(self.open.pick(self.rng))]

    def _quiet(self, span: timedelta) -> str | None:
        """An open milestone unchanged for `span`: a change backdated by `span` to it
        lands after its last change, so the plan's order and this model agree."""
        before = self.position - span / self.step - 1
        for _ in range(200):
            code = self.open.pick(self.rng)
            if self.touched.get(code, 0) < before:
                return code
        return None

    # --- facts -----------------------------------------------------------------------------

    def _today(self) -> date:
        return (START + self.step * self.position).date()

    def _rfc(self, title: str) -> tuple[str, tuple[Fact, str, None, None]]:
        self.counts.rfcs += 1
        rfc = f"RFC-{100 + self.counts.rfcs}"
        return rfc, (RfcOpened(id=rfc, title=title), rfc, None, None)

    def _decision(self, rfc: str, *, reject: bool = False) -> tuple[Fact, str, None, None]:
        on = self._today()
        if reject:
            self.counts.rejected += 1
            return RfcRejected(id=rfc, on=on, reason="not this cycle"), rfc, None, None
        self.counts.approved += 1
        self.versions += 1
        version = f"{self.versions // 10 + 1}.{self.versions % 10}"
        return RfcApproved(id=rfc, on=on, version=version), rfc, None, None

    def _definition_cycle(self, size: int) -> list[tuple[Fact, str, str | None, None]]:
        rfc, opened = self._rfc(f"Define {size} milestones")
        facts: list[tuple[Fact, str, str | None, None]] = [opened]
        codes = []
        for _ in range(size):
            due = self._today() + timedelta(days=self.rng.randrange(60, 1100))
            if len(self.level2) < self.level2_target and (
                len(self.level2) < 5 or self.rng.random() < 0.1
            ):
                code = f"LDM-503-{len(self.level2) + 1:02d}"
                fact = MilestoneDefined(
                    code=code, level=2, title=f"Test milestone {code}", baseline=due, forecast=due
                )
                self.level2.append(code)
                self.counts.level2 += 1
            else:
                team = TEAMS[self.counts.level3 % len(TEAMS)]
                code = f"DM-{team}-{self.counts.level3 + 1}"
                pair = self.rng.sample(self.level2, min(2, len(self.level2)))
                releases = tuple(sorted(set(pair)))
                fact = MilestoneDefined(
                    code=code,
                    level=3,
                    title=f"{team} deliverable {self.counts.level3 + 1}",
                    baseline=due,
                    forecast=due,
                    releases=releases[: 1 + (self.rng.random() < 0.2)],
                )
                codes.append(code)
                self.counts.level3 += 1
            self.baseline[code] = self.forecast[code] = due.isoformat()
            self.touched[code] = self.position
            facts.append((fact, code, rfc, None))
        facts.append(self._decision(rfc))
        # The milestones are in the plan only once the RFC is approved.
        for code in codes:
            self.open.add(code)
        return facts

    def _baseline_cycle(self) -> list[tuple[Fact, str, str | None, None]]:
        rfc, opened = self._rfc("Replan")
        facts: list[tuple[Fact, str, str | None, None]] = [opened]
        moved = {}
        for code in dict.fromkeys(self.open.pick(self.rng) for _ in range(4)):
            current = date.fromisoformat(self.baseline[code])
            to = current + timedelta(days=self.rng.choice((-1, 1)) * self.rng.randrange(7, 120))
            fact = BaselineMoved.model_validate(
                {"code": code, "from": current, "to": to, "reason": "replan"}
            )
            facts.append((fact, code, rfc, None))
            moved[code] = to.isoformat()
            self.counts.baseline_moves += 1
        reject = self.counts.rfcs % 10 == 0
        facts.append(self._decision(rfc, reject=reject))
        if not reject:
            for code, to in moved.items():
                # The forecast follows the baseline until it has been moved on its own.
                if self.forecast[code] == self.baseline[code]:
                    self.forecast[code] = to
                self.baseline[code] = to
                self.touched[code] = self.position
        return facts

    def _move(
        self, code: str, *, late: timedelta | None = None
    ) -> tuple[Fact, str, None, timedelta | None]:
        current = date.fromisoformat(self.forecast[code])
        to = current + timedelta(days=self.rng.choice((-1, 1)) * self.rng.randrange(1, 60))
        self.forecast[code] = to.isoformat()
        self.touched[code] = self.position
        self.counts.forecast_moves += 1
        reason = "recorded late" if late else "rescheduled"
        fact = ForecastMoved.model_validate(
            {"code": code, "from": current, "to": to, "reason": reason}
        )
        return fact, code, None, late

    def _complete(self, code: str) -> tuple[Fact, str, None, None]:
        self.open.remove(code)
        self.done.add(code)
        self.touched[code] = self.position
        self.counts.completions += 1
        return MilestoneCompleted(code=code, on=self._today()), code, None, None

    def _reopen(self, code: str) -> tuple[Fact, str, None, None]:
        self.done.remove(code)
        self.open.add(code)
        self.touched[code] = self.position
        self.counts.reopens += 1
        return MilestoneReopened(code=code, reason="found more work"), code, None, None
