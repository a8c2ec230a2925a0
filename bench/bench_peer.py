"""Our appends beside the peer library `eventsourcing` 9.5 and plain psycopg, in one run.

    .venv/bin/python bench/bench_peer.py [--quick] [--postgres URL | --no-postgres]

(a) One event per transaction on SQLite: signed forecast moves through
    `Ledger.append` against eventsourcing's `SQLiteApplicationRecorder` writing
    unsigned events of the same size, both WAL with synchronous=FULL, files in
    one temporary folder. Target: ours >= 1.0x. For context, also the peer with
    a SHA-256 and an Ed25519 signature added per event.
(b) 10,000 events in one transaction, both libraries. Target: ours >= 20,000/s.
(c) PostgreSQL, 1, 2, 4 and 8 writer processes: `Ledger.append` against plain
    psycopg transactions inserting a like row under the same advisory lock.
    Target: ours >= 0.7x.

Rates are medians of several rounds, ours and the peer taking turns, so that
a change in the machine's load hits both alike.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
from collections.abc import Callable
from importlib.metadata import version
from pathlib import Path

import peer_sqlite as sq
from breakdown import Breakdown

from ledger.signing import generate_key_file

DEFAULT_POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def rounds(count: int, *runs: Callable[[], float]) -> list[float]:
    """Median rate of each run over `count` rounds, the runs taking turns."""
    rates: list[list[float]] = [[] for _ in runs]
    for _ in range(count):
        for index, run in enumerate(runs):
            rates[index].append(run())
    return [statistics.median(r) for r in rates]


def verdict(value: float, target: float) -> str:
    return "ok" if value >= target else "MISS"


def main() -> None:
    """Run (a), (b) and (c) and print one table each."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smoke run: few events, short runs")
    parser.add_argument("--appends", type=int, default=1000, help="appends per round in (a)")
    parser.add_argument("--rounds", type=int, default=3, help="rounds per measure")
    parser.add_argument("--seconds", type=float, default=5.0, help="length of each run in (c)")
    parser.add_argument("--postgres", default=DEFAULT_POSTGRES, help="SQLAlchemy URL")
    parser.add_argument("--no-postgres", action="store_true", help="skip (c)")
    parser.add_argument(
        "--breakdown", action="store_true", help="time the library's steps of one more (b)"
    )
    args = parser.parse_args()
    appends = 40 if args.quick else args.appends
    batch = 1_000 if args.quick else 10_000
    count = 1 if args.quick else args.rounds
    seconds = 1.0 if args.quick else args.seconds

    print(
        f"appends beside eventsourcing {version('eventsourcing')}, {os.cpu_count()} CPUs, "
        f"load average {os.getloadavg()[0]:.2f} at the start"
    )
    with tempfile.TemporaryDirectory(prefix="bench-peer-") as scratch:
        folder = Path(scratch)
        key_path = folder / "admin.pem"
        signer = generate_key_file(key_path)
        body = sq.sample_body(folder, signer)
        ours_pragmas = sq.synchronous_of(folder / "sample.db")

        print(f"\n(a) one event per transaction, SQLite, {appends} appends x {count} rounds")
        print(f"    ours: {ours_pragmas}; events of {len(body)} bytes, signed")
        peer_pragmas = ""

        def peer() -> float:
            nonlocal peer_pragmas
            rate, peer_pragmas = sq.peer_one_per_transaction(folder, body, appends)
            return rate

        ours, theirs, signed = rounds(
            count,
            lambda: sq.ours_one_per_transaction(folder, signer, appends),
            peer,
            lambda: sq.peer_one_per_transaction(folder, body, appends, signer=signer)[0],
        )
        print(f"    eventsourcing: {peer_pragmas}; same bytes, unsigned")
        print(f"    {'':<44}{'events/s':>10}{'ratio':>8}{'target':>8}")
        print(f"    {'ours, signed (Ledger.append)':<44}{ours:>10,.0f}")
        ratio = ours / theirs
        print(
            f"    {'eventsourcing, unsigned':<44}{theirs:>10,.0f}{ratio:>7.2f}x"
            f"{'>=1.0x':>8} {verdict(ratio, 1.0)}"
        )
        print(
            f"    {'eventsourcing + SHA-256 + Ed25519 per event':<44}{signed:>10,.0f}"
            f"{ours / signed:>7.2f}x  (context)"
        )

        print(f"\n(b) {batch:,} events in one transaction, SQLite, {count} rounds")
        ours_batch, theirs_batch = rounds(
            count,
            lambda: sq.ours_one_transaction(folder, signer, batch),
            lambda: sq.peer_one_transaction(folder, body, batch),
        )
        print(f"    {'':<44}{'events/s':>10}{'ratio':>8}{'target':>10}")
        print(
            f"    {'ours, signed (one Ledger.append)':<44}{ours_batch:>10,.0f}{'':>8}"
            f"{'>=20,000/s':>10} {verdict(ours_batch, 20_000)}"
        )
        print(
            f"    {'eventsourcing, unsigned (one insert_events)':<44}{theirs_batch:>10,.0f}"
            f"{ours_batch / theirs_batch:>7.2f}x"
        )

        if args.breakdown:
            with Breakdown() as steps:
                rate = sq.ours_one_transaction(folder, signer, batch)
            print(f"    where one more {batch:,}-event transaction ({rate:,.0f}/s) spent its time:")
            print(steps.report(batch / rate, batch, outside=False))

        if not args.no_postgres:
            postgres(args.postgres, key_path, body, seconds=seconds, count=count)
    print(f"\nload average {os.getloadavg()[0]:.2f} at the end")


def postgres(url: str, key_path: Path, body: bytes, *, seconds: float, count: int) -> None:
    """(c): both kinds of writer at each number of processes."""
    import peer_postgres as pg

    print(f"\n(c) PostgreSQL appends/s, one event per transaction, {seconds:g} s per run")
    print(f"    {url}; a schema per run, dropped after it; {count} rounds")
    print(f"    {'writers':<10}{'ours':>10}{'plain psycopg':>15}{'ratio':>8}{'target':>8}")
    for writers in pg.WRITERS:
        try:
            ours, plain = rounds(
                count,
                lambda w=writers: pg.ours_rate(url, key_path, w, seconds),
                lambda w=writers: pg.plain_rate(url, body, w, seconds),
            )
        except pg.psycopg.OperationalError as error:
            print(f"    PostgreSQL at {url} is not reachable: {str(error).strip()}")
            sys.exit(1)
        ratio = ours / plain
        print(
            f"    {writers:<10}{ours:>10,.0f}{plain:>15,.0f}{ratio:>7.2f}x{'>=0.7x':>8} "
            f"{verdict(ratio, 0.7)}",
            flush=True,
        )


if __name__ == "__main__":
    main()
