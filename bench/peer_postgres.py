"""Appends on PostgreSQL with 1, 2, 4 and 8 writer processes: ours beside plain psycopg.

Ours: each writer process opens the ledger and appends one signed forecast move
per `Ledger.append` (one transaction each). Plain: each writer process runs
psycopg transactions that take the same `pg_advisory_xact_lock`, read the last
row's seq and hash, and insert a row of the same columns, indexes and sizes
(our body bytes, a 32-byte hash, a 64-byte signature), unsigned and unchecked.
Every run gets a schema of its own, dropped afterwards.
"""

from __future__ import annotations

import multiprocessing
import os
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psycopg
import sqlalchemy as sa
from peer_sqlite import codes, mover, new_ledger

from events.codec import format_instant
from ledger.ledger import Ledger
from ledger.signing import load_key_file
from ledger.store import Store, ledger_tag

SPAWN = multiprocessing.get_context("spawn")
WRITERS = (1, 2, 4, 8)

_PLAIN_TABLE = """
CREATE TABLE events (
    seq bigint PRIMARY KEY, id varchar(36) NOT NULL UNIQUE, type varchar(64) NOT NULL,
    subject varchar(200) NOT NULL, actor varchar(200) NOT NULL, key varchar(16) NOT NULL,
    rfc varchar(64), idem varchar(200) UNIQUE, recorded_at varchar(27) NOT NULL,
    effective varchar(27) NOT NULL, body bytea NOT NULL, hash bytea NOT NULL, sig bytea NOT NULL
);
CREATE INDEX ix_events_type ON events (type);
CREATE INDEX ix_events_subject ON events (subject);
CREATE INDEX ix_events_actor ON events (actor);
CREATE INDEX ix_events_rfc ON events (rfc);
"""
_PLAIN_INSERT = (
    "INSERT INTO events (seq, id, type, subject, actor, key, rfc, idem, recorded_at, "
    "effective, body, hash, sig) VALUES (%s, %s, %s, %s, %s, %s, NULL, NULL, %s, %s, %s, %s, %s)"
)


def conninfo(url: str) -> str:
    """A libpq URL for psycopg from a SQLAlchemy one."""
    return sa.make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


@contextmanager
def fresh_schema(url: str) -> Iterator[str]:
    """A new schema for one run, dropped (with everything in it) afterwards."""
    schema = f"bench_peer_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(conninfo(url), autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    try:
        yield schema
    finally:
        with psycopg.connect(conninfo(url), autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")


def in_schema(url: str, schema: str) -> str:
    """`url` with its search_path set to `schema`."""
    return f"{url}{'&' if '?' in url else '?'}options=-csearch_path%3D{schema}"


# --- writers (each in a process of its own) ------------------------------------------------------


def ours_writer(
    url: str, key_path: str, code: str, seconds: float, ready: Any, go: Any, out: Any
) -> None:
    """Append signed forecast moves of `code` through `Ledger.append` for `seconds`."""
    ledger = Ledger.open(url)
    signer = load_key_file(Path(key_path))
    decide = mover(code)
    ready.put(os.getpid())
    go.wait()
    out.put(_loop(seconds, lambda: ledger.append(signer=signer, actor=None, decide=decide)))
    ledger.close()


def plain_writer(
    info: str, schema: str, body: bytes, seconds: float, ready: Any, go: Any, out: Any
) -> None:
    """Insert rows like ours under the same advisory lock for `seconds`, one per transaction."""
    lock, _ = ledger_tag(schema)
    hash_, sig = os.urandom(32), os.urandom(64)
    with psycopg.connect(info, options=f"-csearch_path={schema}") as conn:
        ready.put(os.getpid())
        go.wait()

        def append() -> None:
            with conn.transaction():
                conn.execute("SELECT pg_advisory_xact_lock(%s)", (lock,))
                head = conn.execute("SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1")
                row = head.fetchone()
                now = format_instant(datetime.now(UTC))
                conn.execute(
                    _PLAIN_INSERT,
                    (
                        (row[0] if row else 0) + 1,
                        str(uuid.uuid4()),
                        "milestone.forecast_moved",
                        "DM-BENCH-1",
                        "admin",
                        "0123456789abcdef",
                        now,
                        now,
                        body,
                        hash_,
                        sig,
                    ),
                )

        out.put(_loop(seconds, append))


def _loop(seconds: float, append: Callable[[], object]) -> tuple[int, float, float]:
    start = time.perf_counter()
    deadline = start + seconds
    count = 0
    while time.perf_counter() < deadline:
        append()
        count += 1
    return count, start, time.perf_counter()


# --- runs ----------------------------------------------------------------------------------------


def _run(
    target: Callable[..., None], args_of: Callable[[int], tuple[Any, ...]], writers: int
) -> tuple[int, float]:
    """Start `writers` processes, release them together, and return (events, seconds)."""
    ready, go, out = SPAWN.Queue(), SPAWN.Event(), SPAWN.Queue()
    processes = [
        SPAWN.Process(target=target, args=(*args_of(w), ready, go, out)) for w in range(writers)
    ]
    for process in processes:
        process.start()
    try:
        for _ in processes:
            ready.get(timeout=120)
        go.set()
        results = [out.get(timeout=600) for _ in processes]
    finally:
        for process in processes:
            process.join(timeout=30)
            if process.is_alive():
                process.terminate()
    total = sum(count for count, _, _ in results)
    seconds = max(end for _, _, end in results) - min(start for _, start, _ in results)
    return total, seconds


def ours_rate(url: str, key_path: Path, writers: int, seconds: float) -> float:
    """Events/s of our appends with `writers` processes, on a fresh schema."""
    with fresh_schema(url) as schema:
        where = in_schema(url, schema)
        signer = load_key_file(key_path)
        ledger = new_ledger(where, signer, milestones=writers)
        before = ledger.length
        ledger.close()
        names = codes(writers)
        total, elapsed = _run(
            ours_writer, lambda w: (where, str(key_path), names[w], seconds), writers
        )
        store = Store.open(where)
        written = store.last_seq() - before
        store.close()
        if written != total:
            raise SystemExit(f"ours: {total} appends reported, {written} events stored")
        return total / elapsed


def plain_rate(url: str, body: bytes, writers: int, seconds: float) -> float:
    """Events/s of plain psycopg transactions under the lock, on a fresh schema."""
    with fresh_schema(url) as schema:
        info = conninfo(url)
        with psycopg.connect(info, options=f"-csearch_path={schema}", autocommit=True) as conn:
            conn.execute(_PLAIN_TABLE)
        total, elapsed = _run(plain_writer, lambda _w: (info, schema, body, seconds), writers)
        with psycopg.connect(info, options=f"-csearch_path={schema}") as conn:
            row = conn.execute("SELECT count(*), max(seq) FROM events").fetchone()
        if row is None or row[0] != total or row[1] != total:
            raise SystemExit(f"plain: {total} inserts reported, table holds {row}")
        return total / elapsed
