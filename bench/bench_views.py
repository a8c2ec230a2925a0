"""What a view before the head costs: as of a date, an RFC and a log position, and known at.

    .venv/bin/python bench/bench_views.py [EVENTS] [--cache DIR] [--runs N]

Builds (or reuses from `--cache`) a ledger of EVENTS events with `bench_scale`'s
workload, opens it once, and times each kind of view in this process on CPU time
(`time.process_time`, which leaves out worker processes) and on the wall clock:
`--runs` views at points drawn with a fixed seed, printing the median and the
slowest of each. Every row a view reads is checked (`ledger.trust`),
most of that in Ed25519: the last line prints what one signature check costs here,
to set the view's time beside it.
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from bench_scale import ledger_for

from ledger.asof import parse_as_of, parse_instant_text
from ledger.ledger import Ledger
from ledger.queries import plan
from ledger.signing import signature_ok


def _time(run: Callable[[], object], times: int) -> tuple[list[float], list[float]]:
    """CPU seconds of this process, and wall seconds, of `times` runs."""
    cpu, wall = [], []
    for _ in range(times):
        start, started = time.process_time(), time.perf_counter()
        run()
        cpu.append(time.process_time() - start)
        wall.append(time.perf_counter() - started)
    return cpu, wall


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("events", type=int, nargs="?", default=20_000)
    parser.add_argument("--cache", type=Path, help="keep (and reuse) the ledger in this folder")
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        folder = args.cache or Path(scratch)
        folder.mkdir(parents=True, exist_ok=True)
        db, _key, built = ledger_for(args.events, folder, cached=True, profile=False)
        ledger = Ledger.open(f"sqlite:///{db}")
        log = ledger.store.read(after=0, upto=ledger.length)
        first, last = log[0].effective, log[-1].effective
        rng = random.Random(9)
        rfcs = sorted(r for r, v in ledger.state().rfcs.items() if v.state == "approved")
        days = sorted({row.effective[:10] for row in log if first <= row.effective <= last})
        recorded = sorted({row.recorded_at[:10] for row in log})

        def date() -> None:
            plan(ledger.view(parse_as_of(rng.choice(days))))

        def rfc() -> None:
            plan(ledger.view(parse_as_of(rng.choice(rfcs))))

        def seq() -> None:
            plan(ledger.view(parse_as_of(f"#{rng.randrange(1, ledger.length + 1)}")))

        def known() -> None:
            at = parse_instant_text(rng.choice(recorded))
            plan(ledger.view(parse_as_of(None), known_at=at))

        print(f"ledger: {ledger.length:,} events ({'reused' if built.reused else 'built'})")
        print(
            f"{'view (ms)':<24}{'CPU median':>12}{'slowest':>10}{'wall median':>13}{'slowest':>10}"
        )
        for label, run, times in (
            ("--as-of DATE", date, args.runs),
            ("--as-of RFC-n", rfc, args.runs),
            ("--as-of '#N'", seq, args.runs),
            ("--known-at DATE", known, max(3, args.runs // 5)),
        ):
            cpu, wall = _time(run, times)
            figures = [statistics.median(cpu), max(cpu), statistics.median(wall), max(wall)]
            widths = (12, 10, 13, 10)
            print(
                label.ljust(24)
                + "".join(f"{f * 1000:>{w}.1f}" for f, w in zip(figures, widths, strict=True))
            )
        public = bytes.fromhex(next(iter(ledger.state().keys.values())).public_key)
        row = log[-1]
        cpu, _wall = _time(lambda: signature_ok(public, row.hash, row.sig), 2000)
        print(f"one Ed25519 signature check: {statistics.median(cpu) * 1e6:.0f} µs of CPU")
        ledger.close()


if __name__ == "__main__":
    main()
