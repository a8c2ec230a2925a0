"""Appends per second with 1, 2, 4 and 8 writer processes, on PostgreSQL and on SQLite.

Each writer is a process of its own with its own Ledger, appending one event
per command (one transaction each) through the library, as `milestone` users
and bot replicas do. Every run starts from a fresh ledger (a new SQLite file,
a new PostgreSQL schema) and ends with a check that the chain verifies.

    .venv/bin/python bench/bench_writers.py [--seconds 5] [--postgres URL] [--sqlite-only]
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from ledger import requests as rq
from ledger.execute import record
from ledger.ledger import Ledger
from ledger.signing import generate_key_file, load_key_file
from ledger.store import Store
from ledger.verify import verify_rows

SPAWN = multiprocessing.get_context("spawn")
WRITERS = (1, 2, 4, 8)


def writer(
    url: str, key_path: str, worker: int, seconds: float, ready: Any, go: Any, out: Any
) -> None:
    """Open RFCs as fast as the lock allows for `seconds`; report how many."""
    ledger = Ledger.open(url)
    signer = load_key_file(Path(key_path))
    ready.put(worker)
    go.wait()
    deadline = time.perf_counter() + seconds
    count = 0
    while time.perf_counter() < deadline:
        record(
            rq.OpenRfc(rfc=f"RFC-{worker + 1}{count:06d}", title="b"), ledger=ledger, signer=signer
        )
        count += 1
    ledger.close()
    out.put(count)


def run(url: str, key_path: str, writers: int, seconds: float) -> float:
    """Appends per second over `seconds` with `writers` processes on a fresh ledger at `url`."""
    signer = load_key_file(Path(key_path))
    Ledger.create(url, name="bench", signer=signer, actor="bench", baseline_control=False).close()
    ready, go, out = SPAWN.Queue(), SPAWN.Event(), SPAWN.Queue()
    processes = [
        SPAWN.Process(target=writer, args=(url, key_path, w, seconds, ready, go, out))
        for w in range(writers)
    ]
    for process in processes:
        process.start()
    for _ in processes:
        ready.get(timeout=120)
    started = time.perf_counter()
    go.set()
    total = sum(out.get(timeout=seconds + 120) for _ in processes)
    elapsed = time.perf_counter() - started
    for process in processes:
        process.join()
    store = Store.open(url)
    report = verify_rows(store.iter_all())
    store.close()
    if not report.ok or report.checked != total + 3:
        raise SystemExit(f"the chain is wrong after the run: {report}")
    return total / elapsed


def main() -> None:
    """Run every configuration and print one table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5.0, help="length of each run")
    parser.add_argument("--postgres", default="postgresql+psycopg://postgres@127.0.0.1:5432/test")
    parser.add_argument("--sqlite-only", action="store_true")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as scratch:
        key_path = str(Path(scratch) / "bench.pem")
        generate_key_file(Path(key_path))
        results: dict[str, list[float]] = {}
        if not args.sqlite_only:
            admin = sa.create_engine(args.postgres)
            rates = []
            for count in WRITERS:
                schema = f"bench_{uuid.uuid4().hex[:8]}"
                with admin.begin() as conn:
                    conn.exec_driver_sql(f"CREATE SCHEMA {schema}")
                try:
                    url = f"{args.postgres}?options=-csearch_path%3D{schema}"
                    rates.append(run(url, key_path, count, args.seconds))
                finally:
                    with admin.begin() as conn:
                        conn.exec_driver_sql(f"DROP SCHEMA {schema} CASCADE")
            admin.dispose()
            results["PostgreSQL"] = rates
        rates = []
        for count in WRITERS:
            url = f"sqlite:///{Path(scratch) / f'bench-{count}.db'}"
            rates.append(run(url, key_path, count, args.seconds))
        results["SQLite (WAL, FULL)"] = rates

    print(
        f"appends per second, one event per transaction, {args.seconds:g} s per run, "
        f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} at the end"
    )
    print(
        f"{'store':<20}" + "".join(f"{f'{n} writer' + ('s' if n > 1 else ''):>12}" for n in WRITERS)
    )
    for name, rates in results.items():
        print(f"{name:<20}" + "".join(f"{rate:>12.0f}" for rate in rates))


if __name__ == "__main__":
    main()
