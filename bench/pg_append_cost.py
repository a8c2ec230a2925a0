"""What one PostgreSQL append costs: round trips to the server and client CPU, two ways.

    .venv/bin/python bench/pg_append_cost.py [--postgres URL] [--appends N] [--rounds R]

Figures that the machine's load moves little, beside the rates of
`bench_peer.py` (c), which a shared disk's fsync times swing by 5x: round trips
are counted from libpq's protocol trace (a message sent after one received
starts a new one) in a short run of their own; CPU is this process's own time
in a run without the trace. Two cases, in a schema of
their own each: one ledger appending alone (its head never moves under it), and
two ledger objects taking turns (each append finds the head moved, as every
writer does when several write at once). Medians of `--rounds`.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import Any

import peer_postgres as pg
import sqlalchemy as sa
from peer_sqlite import mover, new_ledger

from ledger.ledger import Ledger
from ledger.signing import Signer, generate_key_file

DEFAULT_POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


@contextmanager
def traced(path: Path) -> Iterator[None]:
    """Every connection SQLAlchemy opens meanwhile writes libpq's trace to `path`."""
    from psycopg import pq

    sink = path.open("w")

    def on_connect(dbapi: Any, _record: Any) -> None:
        dbapi.pgconn.trace(sink.fileno())
        dbapi.pgconn.set_trace_flags(pq.Trace.SUPPRESS_TIMESTAMPS | pq.Trace.REGRESS_MODE)

    sa.event.listen(sa.engine.Engine, "connect", on_connect)
    try:
        yield
    finally:
        sa.event.remove(sa.engine.Engine, "connect", on_connect)
        sink.close()


def round_trips(trace: str) -> int:
    """Messages sent after a message received: one per wait on the server."""
    count, last = 0, ""
    for line in trace.splitlines():
        direction = line.split("\t", 1)[0]
        if direction == "F" and last == "B":
            count += 1
        last = direction or last
    return count


def one_case(url: str, signer: Signer, appends: int, *, turns: bool, trace: Path | None) -> float:
    """Per append, on a fresh schema: round trips when tracing, else CPU ms (wall ms
    printed by the caller from `last_wall`)."""
    with pg.fresh_schema(url) as schema, traced(trace) if trace else nullcontext():
        where = pg.in_schema(url, schema)
        new_ledger(where, signer, milestones=2).close()
        first, second = Ledger.open(where), Ledger.open(where)
        decide_first, decide_second = mover("DM-BENCH-1"), mover("DM-BENCH-2")
        for _ in range(10):  # warm: prepared statements, pooled connections
            first.append(signer=signer, actor=None, decide=decide_first)
            second.append(signer=signer, actor=None, decide=decide_second)
        start = trace.stat().st_size if trace else 0
        cpu, wall = time.process_time(), time.perf_counter()
        for i in range(appends):
            if turns and i % 2:
                second.append(signer=signer, actor=None, decide=decide_second)
            else:
                first.append(signer=signer, actor=None, decide=decide_first)
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
        first.close()
        second.close()
    if trace is None:
        WALL.append(wall / appends * 1e3)
        return cpu / appends * 1e3
    with trace.open() as text:
        text.seek(start)
        return round_trips(text.read()) / appends


#: Wall ms per append of each untraced run.
WALL: list[float] = []


def main() -> None:
    """Print round trips, CPU and wall time per append for both cases."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres", default=DEFAULT_POSTGRES, help="SQLAlchemy URL")
    parser.add_argument("--appends", type=int, default=500, help="appends per round")
    parser.add_argument("--rounds", type=int, default=3, help="rounds per case")
    args = parser.parse_args()
    print(f"PostgreSQL append cost, {args.postgres}; load average {os.getloadavg()[0]:.2f}")
    print(f"    {'case':<44}{'round trips':>12}{'CPU ms':>9}{'wall ms':>9}")
    with tempfile.TemporaryDirectory(prefix="bench-pg-cost-") as scratch:
        signer = generate_key_file(Path(scratch) / "admin.pem")
        trace = Path(scratch) / "trace.txt"
        for turns, name in (
            (False, "one writer, head never moved"),
            (True, "head moved by another"),
        ):
            trips = one_case(args.postgres, signer, 50, turns=turns, trace=trace)
            WALL.clear()
            cpu = statistics.median(
                one_case(args.postgres, signer, args.appends, turns=turns, trace=None)
                for _ in range(args.rounds)
            )
            wall = statistics.median(WALL)
            print(f"    {name:<44}{trips:>12.2f}{cpu:>9.3f}{wall:>9.3f}")
    print(f"load average {os.getloadavg()[0]:.2f} at the end")


if __name__ == "__main__":
    main()
