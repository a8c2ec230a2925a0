"""Benchmark the charts on the plan a 100,000-event ledger folds to.

    python bench/bench_charts.py 100000

Makes N plan events (5% definitions, with a Level-2 milestone for every 99 Level-3 ones;
85% forecast moves; 10% completions), so 100,000 events are a plan of about 5,000
milestones under 50 releases, as in bench_ledger.py. It folds them without a store (the
fold is what a view of a real ledger costs, measured by bench_ledger.py), then times each
report and its drawing, with the plan halfway through as the compare point. The issue's
bar: under 3 s a chart. The first drawing includes importing matplotlib (about 0.5 s).
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from pathlib import Path

from ledger.charts.burndown import write_burndown
from ledger.charts.celebrate import write_celebration
from ledger.charts.gantt import write_gantt
from ledger.charts.graph import write_graph
from ledger.charts.slip import write_slip
from ledger.fold import fold
from ledger.reports.burndown import burndown
from ledger.reports.celebrate import celebrate
from ledger.reports.gantt import gantt
from ledger.reports.graph import graph
from ledger.reports.slip import slip
from ledger.state import Recorded

TODAY = "2026-06-30"


def events(n: int) -> Iterator[Recorded]:
    """N plan events in the fold's order, from a fixed seed."""
    rng = random.Random(564)
    base = date(2024, 1, 1)
    codes: list[str] = []
    open_codes: list[str] = []

    def day() -> str:
        return (base + timedelta(days=rng.randrange(0, 1500))).isoformat()

    def event(seq: int, kind: str, subject: str, **data: object) -> Recorded:
        instant = f"2024-01-01T00:00:00.{seq:06d}Z"
        return Recorded(seq, str(seq), kind, subject, "alice", "k", None, None, instant,
                        instant, dict(data), "", b"")  # fmt: skip

    for seq in range(1, n + 1):
        roll = rng.random()
        if not codes or roll < 0.05:
            level = 2 if len(codes) % 100 == 0 else 3
            code = f"LDM-{len(codes)}" if level == 2 else f"DM-X-{len(codes)}"
            releases = [] if level == 2 else [f"LDM-{100 * (len(codes) // 100)}"]
            due = day()
            codes.append(code)
            open_codes.append(code)
            yield event(seq, "milestone.defined", code, code=code, level=level, title=code,
                        baseline=due, forecast=due, releases=releases)  # fmt: skip
        elif roll < 0.9 or not open_codes:
            code = rng.choice(codes)
            yield event(seq, "milestone.forecast_moved", code, code=code, to=day())
        else:
            code = open_codes.pop(rng.randrange(len(open_codes)))
            yield event(seq, "milestone.completed", code, code=code, on=day()[:4] + "-03-01")


def timed(label: str, work: Callable[[], object]) -> None:
    """Run `work` and print how long it took."""
    start = time.perf_counter()
    work()
    print(f"{label:<40} {time.perf_counter() - start:6.2f} s")


def main() -> None:
    """Fold N events, then time every report and its drawing."""
    parser = argparse.ArgumentParser()
    parser.add_argument("events", type=int, nargs="?", default=100_000)
    n = parser.parse_args().events
    log = list(events(n))
    then = fold(log[: n // 2])
    start = time.perf_counter()
    state = fold(log)
    print(f"{'fold ' + str(n) + ' events':<40} {time.perf_counter() - start:6.2f} s")
    level2 = sum(1 for m in state.milestones.values() if m.level == 2)
    print(f"{len(state.milestones)} milestones, {level2} of them Level 2")
    out = Path(tempfile.mkdtemp())
    for level in (2, 3):
        timed(f"burndown level {level}, png", lambda level=level: write_burndown(
            burndown(state=state, compare=then, compare_label="half", level=level, today=TODAY),
            out=out / f"burndown{level}.png"))  # fmt: skip
    timed("gantt, every Level-2, png", lambda: write_gantt(
        gantt(state=state, today=TODAY), out=out / "gantt.png"))  # fmt: skip
    timed("gantt, one release with members, png", lambda: write_gantt(
        gantt(state=state, today=TODAY, releases=["LDM-0"], with_members=True),
        out=out / "gantt1.png"))  # fmt: skip
    timed("gantt, Level-2, tex", lambda: write_gantt(
        gantt(state=state, today=TODAY), out=out / "gantt.tex"))  # fmt: skip
    timed("slip, Level-2, png", lambda: write_slip(
        slip(before=then, after=state, level=2, today=TODAY), out=out / "slip.png"))  # fmt: skip
    timed("slip, every milestone, csv", lambda: write_slip(
        slip(before=then, after=state), out=out / "slip.csv"))  # fmt: skip
    timed("celebrate since 2027-01-01, html", lambda: write_celebration(
        celebrate(state=state, since="2027-01-01"), out=out / "done.html"))  # fmt: skip
    timed("graph of one release, svg", lambda: write_graph(
        graph(state=state, today=TODAY, release="LDM-0"), out=out / "graph.svg"))  # fmt: skip


if __name__ == "__main__":
    main()
