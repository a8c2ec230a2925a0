"""Benchmark what checkpoints cost and give: appends keeping the tree, proofs in a big log.

    python bench/bench_checkpoint.py appends [--events 400] [--rounds 3]
    python bench/bench_checkpoint.py proofs [--events 1000000] [--dir DIR]

`appends` times signed appends one per transaction on a new SQLite ledger (WAL,
synchronous=FULL), as a user's commands make them: forecast moves, and an RFC
opened and approved every 50 events (each approval now signs and keeps a
checkpoint). It prints appends per second (wall clock: mostly fsync) and the
process's CPU time per append (what this code adds; steadier on a busy
machine). It uses only what every version of the library has, so the same file
measures the code before checkpoints: run it with PYTHONPATH at a checkout of that.

`proofs` builds a ledger of N real signed events through the library's append
path (batches of 1,000 per transaction, so every event grows the stored tree as
a user's append does), then times, on the open ledger: an inclusion proof for a
random event against a new checkpoint (`milestone prove SEQ`), the same against
a given checkpoint, and a consistency proof between two checkpoints, each made
through `ledger.handle` as the CLI makes it, and checked offline.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from ledger import requests as rq
from ledger.execute import record
from ledger.ledger import Ledger
from ledger.signing import Signer, generate_key_file

_BASE = date(2024, 1, 1)


def _ledger(folder: Path) -> tuple[Ledger, Signer]:
    url = f"sqlite:///{folder / f'bench-{time.time_ns()}.db'}"
    signer = generate_key_file(folder / f"bench-{time.time_ns()}.pem")
    book = Ledger.create(url, name="bench", signer=signer, actor="bench", baseline_control=False)
    return book, signer


def appends(events: int, folder: Path) -> tuple[float, float]:
    """Append `events` events to a new ledger: (appends per second, CPU ms per append)."""
    book, signer = _ledger(folder)
    k = {"ledger": book, "signer": signer}
    codes = [f"LDM-503-{i:02d}" for i in range(20)]
    for code in codes:
        record(rq.DefineMilestone(code=code, title=code, due=_BASE, level=2), **k)
    wall, cpu = time.perf_counter(), time.process_time()
    done, rfc = 0, 0
    while done < events:
        if done % 50 == 48:
            rfc += 1
            record(rq.OpenRfc(rfc=f"RFC-{rfc}", title="a change"), **k)
            record(rq.ApproveRfc(rfc=f"RFC-{rfc}"), **k)
            done += 2
            continue
        code = codes[done % len(codes)]
        to = _BASE + timedelta(days=done + 1)
        record(rq.MoveMilestone(code=code, to=to, reason="rescheduled"), **k)
        done += 1
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    book.close()
    return done / wall, cpu / done * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("what", choices=("appends", "proofs"))
    parser.add_argument("--events", type=int, help="events appended (appends) or in the log")
    parser.add_argument("--rounds", type=int, default=3, help="rounds of appends")
    parser.add_argument("--runs", type=int, default=200, help="proofs timed per kind")
    parser.add_argument("--dir", type=Path, help="keep (and reuse) the proofs ledger here")
    args = parser.parse_args()
    if args.what == "appends":
        rates, cpus = [], []
        with tempfile.TemporaryDirectory() as scratch:
            for _ in range(args.rounds):
                rate, cpu = appends(args.events or 400, Path(scratch))
                rates.append(rate)
                cpus.append(cpu)
        print(
            f"appends/s (1 event per txn) median {statistics.median(rates):,.0f} "
            f"[{', '.join(f'{r:,.0f}' for r in rates)}]; CPU per append median "
            f"{statistics.median(cpus):.3f} ms [{', '.join(f'{c:.3f}' for c in cpus)}]"
        )
        return
    from bench.proof_timing import proofs

    proofs(events=args.events or 1_000_000, folder=args.dir, runs=args.runs)


if __name__ == "__main__":
    main()
