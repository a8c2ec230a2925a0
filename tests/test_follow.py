"""Followers wait for new events: LISTEN/NOTIFY on PostgreSQL, polling on SQLite, one interface."""

from __future__ import annotations

import queue
import threading
import time

import psycopg
import pytest
import sqlalchemy as sa
from psycopg import sql

from ledger import requests as rq
from ledger.execute import record
from ledger.ledger import Ledger
from ledger.store import Store, StoredEvent
from ledger.store import base as store_base

#: Seconds a test waits for something that should take milliseconds, before failing.
PATIENCE = 20


def _waiting(store: Store, *, after: int, timeout: float) -> queue.Queue[tuple[bool, float]]:
    """Call wait_for_events in a thread; the queue receives (result, seconds taken)."""
    out: queue.Queue[tuple[bool, float]] = queue.Queue()

    def run() -> None:
        started = time.monotonic()
        found = store.wait_for_events(after=after, timeout=timeout)
        out.put((found, time.monotonic() - started))

    threading.Thread(target=run, daemon=True).start()
    return out


def test_waiting_after_an_older_seq_returns_at_once(open_ledger, db_url):
    follower = Store.open(db_url)

    started = time.monotonic()
    found = follower.wait_for_events(after=1, timeout=PATIENCE)

    assert found is True
    assert time.monotonic() - started < PATIENCE / 2
    follower.close()


def test_waiting_at_the_head_times_out_with_false(open_ledger, db_url):
    follower = Store.open(db_url)

    started = time.monotonic()
    found = follower.wait_for_events(after=len(open_ledger.log), timeout=0.3)

    assert found is False
    assert time.monotonic() - started >= 0.3
    follower.close()


def test_a_waiting_follower_wakes_when_another_connection_appends(open_ledger, admin_key, db_url):
    follower = Store.open(db_url)
    head = len(open_ledger.log)
    waiting = _waiting(follower, after=head, timeout=PATIENCE)

    record(rq.OpenRfc(rfc="RFC-1", title="news"), ledger=open_ledger, signer=admin_key)

    found, seconds = waiting.get(timeout=PATIENCE + 5)
    assert found is True
    assert seconds < PATIENCE / 2
    assert [row.seq for row in follower.read(after=head)] == [head + 1]
    follower.close()


def test_a_follower_sees_every_event_once_and_in_order_while_writers_append(
    open_ledger, admin_key, db_url
):
    writers, each = 3, 30
    total = len(open_ledger.log) + writers * each
    follower = Store.open(db_url)
    seen: list[int] = []

    def write(worker: int) -> None:
        ledger = Ledger.open(db_url)
        for index in range(each):
            record(
                rq.OpenRfc(rfc=f"RFC-{worker}{index:03d}", title="w"),
                ledger=ledger,
                signer=admin_key,
            )
        ledger.close()

    threads = [threading.Thread(target=write, args=(w + 1,)) for w in range(writers)]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + PATIENCE
    while len(seen) < total and time.monotonic() < deadline:
        if follower.wait_for_events(after=len(seen), timeout=1.0):
            seen += [row.seq for row in follower.read(after=len(seen))]
    for thread in threads:
        thread.join()

    assert seen == list(range(1, total + 1))
    follower.close()


@pytest.mark.postgresql_only
def test_an_append_notifies_the_ledgers_channel_when_it_commits_and_only_then(
    db_kind, open_ledger, admin_key, db_url
):
    store = open_ledger.store
    cargs, cparams = store.engine.dialect.create_connect_args(store.engine.url)
    listener = psycopg.connect(*cargs, **cparams, autocommit=True)
    listener.execute(sql.SQL("LISTEN {}").format(sql.Identifier(store.channel)))
    last = store.read()[-1]
    # Just enough of a body for the database to accept it as the next link of the chain.
    chained = b'{"prev":"' + last.hash.hex().encode() + b'"}'
    placeholder = StoredEvent(
        **{**last.as_row(), "seq": last.seq + 1, "id": "rolled-back", "body": chained}
    )

    with pytest.raises(RuntimeError), store.writing() as txn:
        txn.insert(placeholder)
        raise RuntimeError("roll back")
    after_rollback = list(listener.notifies(timeout=0.2, stop_after=1))
    recorded = record(rq.OpenRfc(rfc="RFC-1", title="news"), ledger=open_ledger, signer=admin_key)
    after_commit = list(listener.notifies(timeout=PATIENCE, stop_after=1))

    assert after_rollback == []
    assert [(n.channel, n.payload) for n in after_commit] == [(store.channel, str(recorded[0].seq))]
    listener.close()


@pytest.mark.postgresql_only
def test_a_postgresql_follower_is_woken_by_notify_not_by_polling(
    db_kind, open_ledger, admin_key, db_url, monkeypatch
):
    monkeypatch.setattr(store_base, "POLL_SECONDS", 3600.0)
    follower = Store.open(db_url)
    head = len(open_ledger.log)
    waiting = _waiting(follower, after=head, timeout=600)

    record(rq.OpenRfc(rfc="RFC-1", title="news"), ledger=open_ledger, signer=admin_key)

    found, seconds = waiting.get(timeout=PATIENCE)
    assert found is True
    assert seconds < PATIENCE
    follower.close()


@pytest.mark.postgresql_only
def test_a_postgresql_follower_survives_losing_its_listening_connection(
    db_kind, open_ledger, admin_key, db_url
):
    follower = Store.open(db_url)
    head = len(open_ledger.log)
    assert follower.wait_for_events(after=head, timeout=0.1) is False
    listener_pid = follower._listener.info.backend_pid
    with open_ledger.store.engine.connect() as conn:
        conn.execute(sa.text("SELECT pg_terminate_backend(:pid)"), {"pid": listener_pid})
    record(rq.OpenRfc(rfc="RFC-1", title="news"), ledger=open_ledger, signer=admin_key)

    found = follower.wait_for_events(after=head, timeout=PATIENCE)
    again = follower.wait_for_events(after=head + 1, timeout=0.1)

    assert (found, again) == (True, False)
    assert follower._listener is not None
    assert follower._listener.info.backend_pid != listener_pid
    follower.close()


def test_the_log_stays_whole_when_another_process_appended_before_this_one(
    open_ledger, admin_key, db_url
):
    assert open_ledger.log  # read once, and kept up to date from then on
    other = Ledger.open(db_url)
    record(rq.OpenRfc(rfc="RFC-1", title="elsewhere"), ledger=other, signer=admin_key)
    other.close()

    record(rq.OpenRfc(rfc="RFC-2", title="here"), ledger=open_ledger, signer=admin_key)
    open_ledger.refresh()

    seqs = [event.seq for event in open_ledger.log]
    assert seqs == list(range(1, open_ledger.length + 1))
