"""A writer killed with SIGKILL loses nothing it acknowledged and leaves nothing half-written."""

from __future__ import annotations

import os
import signal
import sqlite3
import time
from pathlib import Path

import pytest
from writer_processes import SPAWN, hold_write_lock_until_killed, triples_until_killed

from ledger import requests as rq
from ledger.execute import record
from ledger.ledger import Ledger
from ledger.store import Store
from ledger.verify import verify_rows

#: Events `Ledger.create` records before any command.
GENESIS_EVENTS = 3
#: Seconds to wait for a child to reach the point where the test kills it.
PATIENCE = 60


def _kill_after(process, acks, commands: int) -> list[tuple[int, str]]:  # type: ignore[no-untyped-def]
    """Read acknowledgements until `commands` arrived, SIGKILL the child, drain the rest."""
    acknowledged: list[tuple[int, str]] = []
    deadline = time.monotonic() + PATIENCE
    received = 0
    while received < commands:
        assert acks.poll(max(0.0, deadline - time.monotonic())), "the writer stopped acknowledging"
        acknowledged += acks.recv()
        received += 1
    os.kill(process.pid, signal.SIGKILL)
    process.join(timeout=PATIENCE)
    assert process.exitcode == -signal.SIGKILL
    # Whatever the child sent before it died is still in the pipe.
    while acks.poll(0):
        try:
            acknowledged += acks.recv()
        except EOFError:
            break
    return acknowledged


@pytest.mark.slow
def test_a_writer_killed_mid_append_loses_no_acknowledged_event(db_url, admin_key, tmp_path):
    Ledger.create(db_url, name="crash", signer=admin_key, actor="alice").close()
    key_path = str(tmp_path / "keys" / "alice.pem")
    acknowledged: list[tuple[int, str]] = []

    # Three kills at different points of the loop, each of a fresh writer.
    for round_, commands_before_kill in enumerate((3, 11, 25)):
        receive, send = SPAWN.Pipe(duplex=False)
        child = SPAWN.Process(
            target=triples_until_killed, args=(db_url, key_path, 1000 * (round_ + 1), send)
        )
        child.start()
        send.close()
        acknowledged += _kill_after(child, receive, commands_before_kill)
        receive.close()

    store = Store.open(db_url)
    rows = list(store.iter_all())
    by_seq = {row.seq: row.hash.hex() for row in rows}
    assert all(by_seq.get(seq) == hash_ for seq, hash_ in acknowledged)
    assert [row.seq for row in rows] == list(range(1, len(rows) + 1))
    # Commands are three events in one transaction: only whole commands are stored.
    assert (len(rows) - GENESIS_EVENTS) % 3 == 0
    assert len(rows) >= GENESIS_EVENTS + len(acknowledged)
    assert verify_rows(rows).ok
    survivor = Ledger.open(db_url)
    recorded = record(rq.OpenRfc(rfc="RFC-1", title="after"), ledger=survivor, signer=admin_key)
    assert recorded[0].seq == len(rows) + 1
    assert verify_rows(store.iter_all()).ok
    survivor.close()
    store.close()


@pytest.mark.slow
def test_a_writer_killed_holding_the_lock_leaves_no_trace_and_releases_it(db_url, admin_key):
    ledger = Ledger.create(db_url, name="crash", signer=admin_key, actor="alice")
    receive, send = SPAWN.Pipe(duplex=False)
    child = SPAWN.Process(target=hold_write_lock_until_killed, args=(db_url, send))
    child.start()
    send.close()
    assert receive.poll(PATIENCE), "the child never took the lock"
    pending = receive.recv()

    # While the child holds the lock with an uncommitted insert, readers carry on.
    reader = Ledger.open(db_url)
    assert len(reader.log) == pending - 1
    reader.close()
    os.kill(child.pid, signal.SIGKILL)
    child.join(timeout=PATIENCE)

    recorded = record(rq.OpenRfc(rfc="RFC-1", title="after"), ledger=ledger, signer=admin_key)
    assert recorded[0].seq == pending
    rows = ledger.store.read()
    assert all(not row.id.startswith("uncommitted-") for row in rows)
    assert verify_rows(rows).ok
    ledger.close()


def test_sqlite_connections_use_wal_and_full_synchronous_commits(sqlite_url, admin_key):
    ledger = Ledger.create(sqlite_url, name="durable", signer=admin_key, actor="alice")

    # The connections appends run on, and the SQLAlchemy engine migrations run on.
    with ledger.store.locked() as conn:
        locked = conn.scalar("PRAGMA journal_mode"), conn.scalar("PRAGMA synchronous")
    with ledger.store.engine.connect() as conn:
        journal = conn.exec_driver_sql("PRAGMA journal_mode").scalar()
        synchronous = conn.exec_driver_sql("PRAGMA synchronous").scalar()

    assert locked == ("wal", 2)  # 2 is FULL
    assert (journal, synchronous) == ("wal", 2)
    # WAL is recorded in the file itself, so even a plain sqlite3 reader sees it.
    path = Path(sqlite_url.removeprefix("sqlite:///"))
    with sqlite3.connect(path) as raw:
        assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    ledger.close()
