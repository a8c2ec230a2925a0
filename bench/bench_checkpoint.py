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
import random
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


def _big(folder: Path, events: int) -> tuple[Ledger, Signer]:
    """A ledger of at least `events` real signed events in `folder` (reused when there)."""
    from ledger.append import Draft
    from ledger.signing import load_key_file

    url, key = f"sqlite:///{folder / 'big.db'}", folder / "big.pem"
    if key.exists():
        book, signer = Ledger.open(url), load_key_file(key)
    else:
        signer = generate_key_file(key)
        book = Ledger.create(url, name="big", signer=signer, actor="bench", baseline_control=False)
    codes = [f"LDM-503-{i:03d}" for i in range(100)]
    for code in codes:
        if code not in book.state().milestones:
            record(
                rq.DefineMilestone(code=code, title=code, due=_BASE, level=2),
                ledger=book,
                signer=signer,
            )
    start = time.perf_counter()
    while book.length < events:

        def moves(state):  # 1,000 forecast moves a transaction, through the one append path
            from events.catalogue import ForecastMoved

            drafts = []
            for n in range(min(1000, events - book.length)):
                code = codes[n % len(codes)]
                was = date.fromisoformat(state.milestones[code].forecast) + timedelta(days=n // 100)
                fact = ForecastMoved.model_validate(
                    {"code": code, "from": was, "to": was + timedelta(days=1)}
                )
                drafts.append(Draft(fact, code))
            return drafts

        book.append(signer=signer, actor=None, decide=moves)
        if book.length % 100_000 < 1000:
            rate = book.length / (time.perf_counter() - start)
            print(f"  built {book.length:,} events ({rate:,.0f}/s)", flush=True)
    return book, signer


def _timed(action, runs: int) -> tuple[float, float, float]:
    """Median, 95th percentile and worst time of `action`, in ms."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.95) - 1], times[-1]


def proofs(*, events: int, folder: Path | None, runs: int) -> None:
    """Build (or reuse) a ledger of `events` events and time proofs in it, as the CLI makes them."""
    from ledger.handle import Context, handle
    from ledger.note import parse_verifier_key
    from ledger.proof_check import check_proof

    with tempfile.TemporaryDirectory() as scratch:
        where = folder or Path(scratch)
        where.mkdir(parents=True, exist_ok=True)
        start = time.perf_counter()
        book, signer = _big(where, events)
        print(f"ledger of {book.length:,} events ready in {time.perf_counter() - start:,.1f} s")
        book.close()
        start = time.perf_counter()
        book = Ledger.open(f"sqlite:///{where / 'big.db'}")
        print(f"open the ledger: {(time.perf_counter() - start) * 1000:.1f} ms")
        context = Context(lambda: book, lambda: signer)
        rng = random.Random(9162)
        n = book.length

        def ask(**values):
            return handle(rq.Prove(**values), context=context).content

        older = where / "older.checkpoint"
        older.write_text(handle(rq.ShowCheckpoint(), context=context).checkpoint.note)
        key = parse_verifier_key(handle(rq.ShowCheckpoint(key_line=True), context=context).key_line)
        sample = ask(seq=rng.randrange(1, n + 1))
        print(f"an inclusion proof at {n:,} events: {len(sample['proof'])} hashes")
        lines = [
            ("inclusion proof, checkpoint signed now", lambda: ask(seq=rng.randrange(1, n + 1))),
            (
                "inclusion proof in a checkpoint file",
                lambda: ask(seq=rng.randrange(1, n + 1), checkpoint=str(older)),
            ),
            ("consistency proof from a file to now", lambda: ask(from_=str(older))),
            (
                "verify-proof of an inclusion proof",
                lambda: check_proof(handle(rq.Prove(seq=5), context=context).proof, keys=[key]),
            ),
        ]
        for name, action in lines:
            median, p95, worst = _timed(action, runs)
            print(f"{name:<42} median {median:6.2f} ms  p95 {p95:6.2f} ms  max {worst:6.2f} ms")
        book.close()


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
    proofs(events=args.events or 1_000_000, folder=args.dir, runs=args.runs)


if __name__ == "__main__":
    main()
