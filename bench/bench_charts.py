"""Time each chart drawn by the real `milestone` command from a ledger of 100,000 events.

    .venv/bin/python bench/bench_charts.py [EVENTS] [--cache DIR] [--runs N]

Builds a realistic ledger of EVENTS events (default 100,000) with `bench_scale`'s builder
(`workload.py`: some thousands of milestones under a few hundred releases, forecast moves,
completions, baseline moves under RFCs over 2018-2024), or reuses one cached under
`--cache`. Then runs the installed console script as whole processes, as a person would
(`milestone --db PATH chart ... --out FILE.png`), one untimed warm-up and N timed runs
each, and prints the median and fastest wall time, the median CPU time (user + system) and
the peak memory of each chart, with its ratio to `milestone late` (a read that draws
nothing: the cost of starting, opening the ledger and folding a view) and the issue's bar:
under 3 s a chart, judged on the median wall time. Each chart's time includes importing
matplotlib (Agg), which only the drawing commands do. The project's bytecode is written
first, as installing it does, so that no run pays for compiling it.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from bench_scale import ledger_for
from coldstart import SCRIPT, Measure, compile_project, measure

from ledger.ledger import Ledger

TARGET_S = 3.0
#: The earlier point charts compare with: the middle of the workload's 2018-2024 timeline.
MIDDLE = "2021-06-30"


def _first_release(db: Path) -> str:
    """A Level-2 milestone with members, for the one-release Gantt chart."""
    ledger = Ledger.open(f"sqlite:///{db}")
    try:
        state = ledger.state()
        counts: dict[str, int] = {}
        for m in state.milestones.values():
            for release in m.releases:
                counts[release] = counts.get(release, 0) + 1
        return max(sorted(counts), key=lambda code: counts[code])
    finally:
        ledger.close()


def cases(db: Path, out: Path) -> list[tuple[str, list[str]]]:
    """The commands to time: (label, words after `milestone --db DB`)."""
    release = _first_release(db)
    return [
        ("late (no drawing: the baseline)", ["late"]),
        ("chart burndown (every level)", ["chart", "burndown", "--out", f"{out}/b.png"]),
        (
            f"chart burndown --level 3 --compare {MIDDLE}",
            ["chart", "burndown", "--level", "3", "--compare", MIDDLE, "--out", f"{out}/b3.png"],
        ),
        ("chart gantt (every Level-2)", ["chart", "gantt", "--out", f"{out}/g.png"]),
        (
            "chart gantt --release R --members",
            ["chart", "gantt", "--release", release, "--members", "--out", f"{out}/g1.png"],
        ),
        (
            f"chart slip {MIDDLE} now --level 2",
            ["chart", "slip", MIDDLE, "now", "--level", "2", "--out", f"{out}/s.png"],
        ),
        (
            f"chart slip {MIDDLE} now (every level)",
            ["chart", "slip", MIDDLE, "now", "--out", f"{out}/s3.png"],
        ),
    ]


def table(measures: Sequence[Measure]) -> str:
    """Median and fastest wall time, median CPU time, peak memory, ratio to the baseline
    read, and the bar."""
    base = measures[0].median_ms
    lines = [
        f"{'command':<44}{'median s':>9}{'min s':>7}{'cpu s':>7}{'peak MB':>9}{'x late':>8}{'':>6}",
    ]
    for m in measures:
        if m.failure:
            lines.append(f"{m.label:<44}  FAILED {m.failure}")
            continue
        verdict = "" if m is measures[0] else "ok" if m.median_ms / 1000 < TARGET_S else "MISS"
        lines.append(
            f"{m.label:<44}{m.median_ms / 1000:>9.2f}{m.min_ms / 1000:>7.2f}"
            f"{m.cpu_ms / 1000:>7.2f}{m.peak_mb:>9.0f}{m.median_ms / base:>8.1f}{verdict:>6}"
        )
    return "\n".join(lines)


def main() -> None:
    """Build (or reuse) the ledger, time each chart command on it, print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("events", type=int, nargs="?", default=100_000)
    parser.add_argument("--cache", type=Path, help="keep the built ledger here and reuse it")
    parser.add_argument("--runs", type=int, default=5, help="timed runs per command")
    args = parser.parse_args()
    if not SCRIPT.exists():
        raise SystemExit(f"no console script at {SCRIPT}; install the project (pip install -e .)")
    print(f"milestone charts, {os.cpu_count()} CPUs, python {sys.version.split()[0]}")
    compile_project()
    with tempfile.TemporaryDirectory(prefix="bench-charts-") as scratch:
        folder = args.cache or Path(scratch)
        folder.mkdir(parents=True, exist_ok=True)
        db, key, built = ledger_for(
            args.events, folder, cached=args.cache is not None, profile=False
        )
        how = "reused" if built.reused else f"built in {built.seconds:.0f} s"
        print(
            f"ledger of {built.events:,} events ({how}): {built.milestones:,} milestones, "
            f"{built.level2} of them Level 2"
        )
        out = Path(scratch) / "charts"
        out.mkdir()
        env = {**os.environ, "MILESTONE_KEY": str(key), "COLUMNS": "120"}
        measures = []
        load_before = os.getloadavg()[0]
        for label, words in cases(db, out):
            argv = [str(SCRIPT), "--db", str(db), *words]
            measures.append(
                measure(label, "read", lambda _i, a=argv: a, env=env, cwd=out, runs=args.runs)
            )
        print(
            f"whole processes; medians of {args.runs} timed runs after one warm-up; load average "
            f"{load_before:.2f} before, {os.getloadavg()[0]:.2f} after"
        )
        print(table(measures))
        print(f"bar: under {TARGET_S:.0f} s a chart")


if __name__ == "__main__":
    main()
