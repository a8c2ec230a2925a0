"""Benchmark the ledger core on SQLite (WAL, synchronous=FULL).

    python bench/bench_ledger.py 100000

Builds a ledger of N events through the library (one signed event per
transaction, as a user's commands make them), then measures:

- appends per second (signing, validation against the head, insert, fsync'd commit);
- verify: events per second of a full verification from genesis;
- rebuild: events per second of loading the log and folding the plan from scratch;
- plan as of an RFC: the first query, and later queries at other RFCs.
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from ledger import requests as rq
from ledger.asof import parse_as_of
from ledger.execute import record
from ledger.ledger import Ledger
from ledger.queries import plan
from ledger.signing import generate_key_file
from ledger.verify import verify_rows


def build(book: Ledger, signer, n: int) -> float:
    """Append events until the log holds `n`; return appends per second."""
    k = {"ledger": book, "signer": signer}
    rng = random.Random(564)
    base = date(2024, 1, 1)
    level2 = [f"LDM-503-{i:02d}" for i in range(max(5, n // 2000))]
    level3: list[str] = []
    forecast: dict[str, date] = {}
    done: set[str] = set()
    appended = 0
    rfc_number = 0
    start = time.perf_counter()

    def day(unlike: str = "") -> date:
        while True:
            picked = base + timedelta(days=rng.randrange(1, 2000))
            if picked.isoformat() != unlike:
                return picked

    while len(book.log) < n:
        step = len(book.log)
        if step < len(level2) + 10:
            code = level2[step % len(level2)]
            if code not in forecast:
                forecast[code] = day()
                record(
                    rq.DefineMilestone(
                        code=code, title=f"Release {code}", due=forecast[code], level=2
                    ),
                    **k,
                )
                appended += 1
                continue
        if len(level3) < max(50, n // 100) and rng.random() < 0.3:
            code = f"DM-T{len(level3) % 7}-{len(level3)}"
            level3.append(code)
            forecast[code] = day()
            record(
                rq.DefineMilestone(
                    code=code,
                    title=f"Milestone {code}",
                    due=forecast[code],
                    releases=[rng.choice(level2)],
                ),
                **k,
            )
            appended += 1
            continue
        roll = rng.random()
        if roll < 0.02 or not level3:
            # A change-control cycle: open, propose three baseline moves, approve.
            rfc_number += 1
            rfc = f"RFC-{rfc_number}"
            record(rq.OpenRfc(rfc=rfc, title=f"Change {rfc_number}"), **k)
            for code in rng.sample([x for x in level3 if x not in done] or level2, 3):
                current = book.state().milestones[code].baseline
                record(rq.MoveMilestone(code=code, to=day(current), baseline=True, rfc=rfc), **k)
            record(rq.ApproveRfc(rfc=rfc, version=f"{rfc_number}.0"), **k)
            appended += 5
            continue
        code = rng.choice(level3)
        if code in done:
            record(rq.ReopenMilestone(code=code, reason="found more work"), **k)
            done.discard(code)
        elif roll < 0.15:
            record(rq.CompleteMilestone(code=code, on=base), **k)
            done.add(code)
        else:
            target = day(book.state().milestones[code].forecast)
            record(rq.MoveMilestone(code=code, to=target, reason="rescheduled"), **k)
        appended += 1
    return appended / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("events", type=int, nargs="?", default=10_000, help="ledger size")
    parser.add_argument("--dir", type=Path, help="keep the ledger in this folder")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as scratch:
        folder = args.dir or Path(scratch)
        folder.mkdir(parents=True, exist_ok=True)
        url = f"sqlite:///{folder / 'bench.db'}"
        signer = generate_key_file(folder / f"bench-{time.time_ns()}.pem")
        book = Ledger.create(
            url, name="bench", signer=signer, actor="bench", baseline_control=False
        )
        appends = build(book, signer, args.events)
        total = len(book.log)
        book.close()

        start = time.perf_counter()
        report = verify_rows(Ledger.open(url).store.iter_all())
        verify_rate = total / (time.perf_counter() - start)
        assert report.ok, report.failure

        start = time.perf_counter()
        fresh = Ledger.open(url)
        rebuilt = plan(fresh.view())
        rebuild_rate = total / (time.perf_counter() - start)

        rfcs = sorted(fresh.state().rfcs)
        random.Random(1).shuffle(rfcs)
        start = time.perf_counter()
        plan(fresh.view(parse_as_of(rfcs[0])))
        first = time.perf_counter() - start
        later = []
        for rfc in rfcs[1:21]:
            start = time.perf_counter()
            plan(fresh.view(parse_as_of(rfc)))
            later.append(time.perf_counter() - start)

        print(
            f"ledger: {total} events, {len(fresh.state().milestones)} milestones, "
            f"{len(rfcs)} RFCs, {len(rebuilt.releases)} Level-2 in the plan"
        )
        print(f"{'measure':<34}{'result':>14}")
        print(f"{'appends/s (1 event per txn)':<34}{appends:>14,.0f}")
        print(f"{'verify events/s':<34}{verify_rate:>14,.0f}")
        print(f"{'rebuild events/s (load + fold)':<34}{rebuild_rate:>14,.0f}")
        print(f"{'plan as of RFC, first (ms)':<34}{first * 1000:>14.1f}")
        print(f"{'plan as of RFC, later median (ms)':<34}{statistics.median(later) * 1000:>14.1f}")
        print(f"{'plan as of RFC, later max (ms)':<34}{max(later) * 1000:>14.1f}")
        fresh.close()


if __name__ == "__main__":
    main()
