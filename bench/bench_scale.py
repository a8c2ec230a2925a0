"""Build ledgers of N events fast, then time the real `milestone` command on each.

    .venv/bin/python bench/bench_scale.py 1000 100000 1000000 [--cache DIR] [--quick]

For each N: build a realistic ledger of N events on SQLite (WAL, synchronous=FULL)
through the batch path (`Ledger.append` with a `decide` returning about 10,000
drafts per transaction; see `workload.py` for the mix), or reuse one cached
under `--cache`; print the build rate. Then run the installed console script
as whole processes (`milestone --db PATH ...`, `MILESTONE_KEY` naming the admin
key), one untimed warm-up and five timed runs each, and print one table per N:
median and fastest wall time, peak resident memory (of the worst run), and the
targets of issue 9 beside them. A final table shows how each command grows
with N. `--help` over its target gets a `python -X importtime` breakdown;
`--profile-misses` profiles any other command over its target, and
`--profile-build` the build itself.

The page cache is warm (the warm-up run reads the file): "cold" means a new
process, not an empty disk cache. The write commands (a forecast move, which
needs no RFC even under baseline control, and a completion) append a dozen
events per run, so a ledger reused from `--cache` grows a little each time.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sqlite3
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

import coldstart
from breakdown import Breakdown
from coldstart import SCRIPT, Measure
from workload import START, Workload

from events.catalogue import MilestoneReopened
from ledger.append import Draft
from ledger.ledger import Ledger
from ledger.signing import Signer, generate_key_file, load_key_file
from ledger.state import PlanState

TARGET_MS = {"help": 150, "read": 300, "as-of": 500, "write": 300}
TARGET_MB = 150
BATCH = 10_000


@dataclass
class Built:
    """How a ledger file came to be."""

    events: int
    seconds: float
    rate: float
    milestones: int
    level2: int
    rfcs: int
    reused: bool = False
    agrees: str = ""


class SimulatedClock:
    """The ledger's clock during a build: the instant the current chunk is recorded at."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


# --- building ----------------------------------------------------------------------------------


def build(path: Path, signer: Signer, events: int, *, batch: int = BATCH) -> Built:
    """Build a ledger of `events` events at `path` through the batch path."""
    clock = SimulatedClock(START)
    url = f"sqlite:///{path}"
    start = time.perf_counter()
    ledger = Ledger.create(url, name="bench", signer=signer, actor="admin", clock=clock)
    workload = Workload(events)
    shown = start
    for chunk in workload.chunks(batch):
        clock.now = chunk.recorded_at
        drafts = chunk.drafts
        ledger.append(signer=signer, actor=None, decide=lambda _head, d=drafts: d)
        now = time.perf_counter()
        if now - shown >= 5 or ledger.length >= events:
            shown = now
            rate = ledger.length / (now - start)
            eta = (events - ledger.length) / rate
            print(
                f"  building {events:,}: {ledger.length:,} events, {rate:,.0f}/s, "
                f"{now - start:.0f} s, about {eta:.0f} s to go",
                file=sys.stderr,
                flush=True,
            )
    seconds = time.perf_counter() - start
    state = ledger.state()
    built = Built(
        events=ledger.length,
        seconds=seconds,
        rate=ledger.length / seconds,
        milestones=len(state.milestones),
        level2=sum(1 for m in state.milestones.values() if m.level == 2),
        rfcs=len(state.rfcs),
        agrees=_agreement(workload, ledger),
    )
    ledger.close()
    return built


def _agreement(workload: Workload, ledger: Ledger) -> str:
    """Whether the plan at the head is the plan the generator modelled (a sanity check)."""
    state = ledger.state()
    wrong = [
        code
        for code, forecast in workload.forecast.items()
        if code not in state.milestones or state.milestones[code].forecast != forecast
    ]
    done = {c for c, m in state.milestones.items() if m.completed is not None}
    if done != set(workload.done.items):
        wrong.append("completions")
    if wrong or state.oddities:
        return f"NO: {len(wrong)} differ, {len(state.oddities)} oddities"
    return "yes, no oddities"


def ledger_for(
    events: int, folder: Path, *, cached: bool, profile: bool, breakdown: bool = False
) -> tuple[Path, Path, Built]:
    """The ledger file and admin key for `events` in `folder`: reused if cached, else built."""
    key = folder / "admin.pem"
    db = folder / f"ledger-{events}.db"
    meta = folder / f"ledger-{events}.json"
    if cached and db.exists() and key.exists() and meta.exists():
        built = Built(**json.loads(meta.read_text()))
        built.reused = True
        return db, key, built
    signer = load_key_file(key) if key.exists() else generate_key_file(key)
    partial = folder / f"ledger-{events}.partial.db"
    for stale in _files_of(partial) + _files_of(db):
        stale.unlink()
    if profile:
        result, stats = coldstart.profiled(lambda: build(partial, signer, events))
        assert isinstance(result, Built)
        built = result
        print(f"profile of the build of {events:,} events:")
        print(coldstart.format_profile(stats, top=25))
    elif breakdown:
        with Breakdown() as steps:
            built = build(partial, signer, events)
        print(f"where the build of {events:,} events spent its {built.seconds:.1f} s:")
        print(steps.report(built.seconds, built.events))
    else:
        built = build(partial, signer, events)
    with sqlite3.connect(partial) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    partial.rename(db)
    for leftover in _files_of(partial):
        leftover.unlink()
    meta.write_text(json.dumps(asdict(built)))
    return db, key, built


def _files_of(db: Path) -> list[Path]:
    return [p for p in (db, Path(f"{db}-wal"), Path(f"{db}-shm")) if p.exists()]


# --- measuring ---------------------------------------------------------------------------------


@dataclass
class Case:
    """One command to time: its label, its kind (for the target) and its i-th command line."""

    label: str
    kind: str
    argv: Callable[[int], list[str]]


def _open_level3(state: PlanState) -> list[str]:
    return sorted(
        code
        for code, m in state.milestones.items()
        if m.level == 3 and m.completed is None and not m.withdrawn
    )


def _reopen_some(ledger: Ledger, key: Path, needed: int) -> None:
    """Reopen completed milestones until `needed` are open (each run completes a few, so a
    small ledger reused from the cache runs out); untimed, through the batch path."""
    state = ledger.state()
    missing = needed - len(_open_level3(state))
    done = sorted(c for c, m in state.milestones.items() if m.level == 3 and m.completed)
    drafts = [
        Draft(MilestoneReopened(code=code, reason="benchmark"), code) for code in done[:missing]
    ]
    if drafts:
        print(f"  reopening {len(drafts)} milestones to complete", file=sys.stderr)
        ledger.append(signer=load_key_file(key), actor=None, decide=lambda _head: drafts)


def cases(db: Path, key: Path, *, runs: int, quick: bool) -> list[Case]:
    """The commands to time on the ledger at `db`, at points picked from its head."""
    needed = runs + 4  # shown, moved, and one to complete per run, warm-up and profile
    ledger = Ledger.open(f"sqlite:///{db}")
    _reopen_some(ledger, key, needed)
    state = ledger.state()
    length = ledger.length
    ledger.close()
    rng = random.Random(length)
    open3 = _open_level3(state)
    picks = rng.sample(open3, min(len(open3), needed))
    shown, moved, completing = picks[0], picks[1], picks[2:]
    forecast = date.fromisoformat(state.milestones[moved].forecast)
    approved = sorted(
        (r.decided_seq, r.id)
        for r in state.rfcs.values()
        if r.decided_seq and r.state == "approved"
    )
    base = ["--db", str(db)]

    def fixed(*words: str) -> Callable[[int], list[str]]:
        return lambda _i: [str(SCRIPT), *base, *words]

    def rfc_near(share: float) -> tuple[int, str]:
        return min(approved, key=lambda item: abs(item[0] - share * length))

    found = [
        Case("--help", "help", lambda _i: [str(SCRIPT), "--help"]),
        Case(f"show {shown}", "read", fixed("show", shown)),
        Case(f"history {shown}", "read", fixed("history", shown)),
        Case("log --limit 10", "read", fixed("log", "--limit", "10")),
        Case("late", "read", fixed("late")),
        Case("plan --json", "read", fixed("plan", "--json")),
    ]
    shares = (0.45,) if quick else (0.3, 0.7)
    for share in shares:
        seq, rfc = rfc_near(share + rng.uniform(-0.05, 0.05))
        found.append(Case(f"plan --as-of {rfc} (#{seq:,})", "as-of", fixed("plan", "--as-of", rfc)))
    # An arbitrary point, and the worst one for the seq axis: just before a snapshot.
    points = [rng.randrange(length // 3, length)]
    if not quick and length > 2048:
        points.append((rng.randrange(length // 2048, length // 1024) + 1) * 1024 - 1)
    for seq in points:
        found.append(Case(f"plan --as-of '#{seq:,}'", "as-of", fixed("plan", "--as-of", f"#{seq}")))
    day = START.date() + timedelta(days=rng.randrange(400, 2200))
    found.append(Case(f"plan --as-of {day}", "as-of", fixed("plan", "--as-of", day.isoformat())))

    def move(i: int) -> list[str]:
        to = (forecast + timedelta(days=i + 1)).isoformat()
        return [str(SCRIPT), *base, "move", moved, to, "--reason", "x"]

    found.append(Case(f"move {moved} DATE --reason x", "write", move))
    found.append(
        Case(
            "complete CODE",
            "write",
            lambda i: [str(SCRIPT), *base, "complete", completing[i % len(completing)]],
        )
    )
    return found


def measure_all(
    db: Path, key: Path, *, runs: int, quick: bool, profile: bool
) -> tuple[list[Measure], list[str]]:
    """Time every case; the measures, and notes (import times, profiles) for misses."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("MILESTONE_")}
    env["MILESTONE_KEY"] = str(key)
    measures, notes = [], []
    with tempfile.TemporaryDirectory() as cwd:
        for case in cases(db, key, runs=runs, quick=quick):
            argv = case.argv
            print(f"  timing {case.label}", file=sys.stderr, flush=True)
            found = coldstart.measure(
                case.label, case.kind, argv, env=env, cwd=Path(cwd), runs=runs
            )
            measures.append(found)
            if found.failure or found.median_ms <= TARGET_MS[case.kind]:
                continue
            # A command line no timed run used (a write's date or code is still fresh).
            words = argv(runs + 1)[1:]
            took = f"median {found.median_ms:.0f} ms"
            if case.kind == "help" and not quick:
                notes.append(f"python -X importtime milestone --help ({took}):")
                notes.append(coldstart.import_offenders(words, env=env, cwd=Path(cwd)))
            elif profile:
                notes.append(f"cProfile of `milestone {case.label}` ({took}):")
                notes.append(coldstart.profile_command(words, env=env, cwd=Path(cwd)))
    return measures, notes


# --- printing ----------------------------------------------------------------------------------


def table(events: int, db: Path, built: Built, measures: Sequence[Measure], load: str) -> str:
    """One N's results, with the targets beside them."""
    size = sum(p.stat().st_size for p in _files_of(db)) / 2**20
    how = "reused from the cache, built" if built.reused else "built"
    lines = [
        f"== N = {events:,}: {built.events:,} events at build, {size:,.0f} MB of SQLite, "
        f"{built.milestones:,} milestones ({built.level2} Level-2), {built.rfcs} RFCs ==",
        f"{how} in {built.seconds:.1f} s: {built.rate:,.0f} events/s ({BATCH:,} per transaction)"
        + (f"; plan at the head matches the generator: {built.agrees}" if built.agrees else ""),
        f"load average {load}",
    ]
    if measures:
        lines.append(
            "medians of the timed runs after one warm-up (wall; cpu = user + system of the "
            "process); peak memory of the worst run"
        )
        lines.append(
            f"{'command':<42}{'median ms':>10}{'min ms':>8}{'cpu ms':>8}{'target':>8}{'':>6}"
            f"{'peak MB':>9}"
        )
    for m in measures:
        target = TARGET_MS[m.kind]
        if m.failure:
            lines.append(f"{m.label:<42}{'FAILED':>10}  {m.failure}")
            continue
        time_ok = "ok" if m.median_ms <= target else "MISS"
        mem_ok = "ok" if m.peak_mb <= TARGET_MB else "MISS"
        lines.append(
            f"{m.label:<42}{m.median_ms:>10.0f}{m.min_ms:>8.0f}{m.cpu_ms:>8.0f}"
            f"{f'≤{target}':>8}{time_ok:>6}"
            f"{m.peak_mb:>9.1f}{mem_ok:>6}"
        )
    if measures:
        lines.append(
            f"(peak memory target ≤{TARGET_MB} MB; {len(measures[0].runs)} timed runs each)"
        )
    return "\n".join(lines)


def growth(results: dict[int, list[Measure]]) -> str:
    """Median ms (peak MB) of each command, by N."""
    sizes = list(results)
    kinds: dict[str, str] = {}
    for measures in results.values():
        for m in measures:
            kinds.setdefault(_generic(m.label), m.kind)
    lines = [
        "== growth: median wall ms / cpu ms (peak MB) by ledger size ==",
        f"{'command':<30}{'target':>8}" + "".join(f"{f'N={n:,}':>20}" for n in sizes),
    ]
    for label, kind in kinds.items():
        cells = []
        for n in sizes:
            found = [m for m in results[n] if _generic(m.label) == label]
            if not found or found[0].failure:
                cells.append(f"{'-' if not found else 'FAILED':>20}")
            else:
                m = max(found, key=lambda m: m.median_ms)
                cells.append(f"{f'{m.median_ms:.0f} / {m.cpu_ms:.0f} ({m.peak_mb:.0f})':>20}")
        lines.append(f"{label:<30}{f'≤{TARGET_MS[kind]}':>8}" + "".join(cells))
    lines.append("(where a command was timed at several points, the slowest is shown)")
    return "\n".join(lines)


def _generic(label: str) -> str:
    words = label.split()
    if words[0] in ("show", "history"):
        return f"{words[0]} CODE"
    if words[0] == "move":
        return "move CODE DATE"
    if words[:2] == ["plan", "--as-of"]:
        point = words[2]
        if point.startswith("RFC-"):
            return "plan --as-of RFC-n"
        if point.startswith("'#"):
            return "plan --as-of '#seq'"
        return "plan --as-of DATE"
    return label


def main() -> None:
    """Build (or reuse) each ledger, time the commands on it, print the tables."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sizes", type=int, nargs="*", help="ledger sizes (events)")
    parser.add_argument("--cache", type=Path, help="keep built ledgers here and reuse them")
    parser.add_argument("--runs", type=int, default=5, help="timed runs per command")
    parser.add_argument("--quick", action="store_true", help="smoke run: 1,000 events, 2 runs")
    parser.add_argument("--profile-build", action="store_true", help="cProfile the builds")
    parser.add_argument(
        "--profile-misses", action="store_true", help="cProfile commands over their target"
    )
    parser.add_argument("--build-only", action="store_true", help="build, time no commands")
    parser.add_argument(
        "--breakdown", action="store_true", help="time the library's steps during the builds"
    )
    args = parser.parse_args()
    sizes = args.sizes or ([1000] if args.quick else [1000, 100_000])
    runs = 2 if args.quick else max(args.runs, 1)
    if not SCRIPT.exists():
        raise SystemExit(f"no console script at {SCRIPT}; install the project (pip install -e .)")
    print(f"milestone cold starts, {os.cpu_count()} CPUs, python {sys.version.split()[0]}")
    coldstart.compile_project()
    results: dict[int, list[Measure]] = {}
    with tempfile.TemporaryDirectory(prefix="bench-scale-") as scratch:
        folder = args.cache or Path(scratch)
        folder.mkdir(parents=True, exist_ok=True)
        for events in sizes:
            load_before = f"{os.getloadavg()[0]:.2f}"
            db, key, built = ledger_for(
                events,
                folder,
                cached=args.cache is not None,
                profile=args.profile_build,
                breakdown=args.breakdown,
            )
            if args.build_only:
                measures, notes = [], []
            else:
                measures, notes = measure_all(
                    db, key, runs=runs, quick=args.quick, profile=args.profile_misses
                )
            load = f"{load_before} before, {os.getloadavg()[0]:.2f} after"
            print(table(events, db, built, measures, load))
            for note in notes:
                print(note)
            print(flush=True)
            results[events] = measures
            if args.cache is None:
                for path in _files_of(db):
                    path.unlink()
    if len(results) > 1 and not args.build_only:
        print(growth(results))


if __name__ == "__main__":
    main()
