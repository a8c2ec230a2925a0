"""Verification on every core reports exactly what one core reports, in the same order.

Chunks are made tiny here so that a small ledger spreads over many tasks.
"""

from __future__ import annotations

import os
import uuid
from concurrent.futures import ProcessPoolExecutor

import pytest
from conftest import make_key
from verify_damage import Tamperer, build_small_ledger, draw_many

from events import body_hash, canonical_bytes, fact_data
from events.catalogue import KeyRegistered
from ledger import requests as rq
from ledger import verify_parallel
from ledger.execute import record
from ledger.signing import load_key_file
from ledger.store import Store, StoredEvent
from ledger.verify import verify_store

#: The test process: a worker is any other.
PARENT = os.getpid()


@pytest.fixture(params=["process", "thread"])
def book(request, sqlite_url, admin_key, tmp_path, monkeypatch):
    """A small ledger, verified in chunks of three rows, by processes or by threads."""
    monkeypatch.setattr(verify_parallel, "CHUNK_ROWS", 3)
    monkeypatch.setattr(verify_parallel, "POOL", request.param)
    ledger = build_small_ledger(sqlite_url, tmp_path, admin_key)
    yield ledger
    ledger.close()


def _both(store: Store):
    return verify_store(store, workers=1), verify_store(store, workers=2)


def test_every_core_reports_the_same_findings_as_one_for_random_damage(book, tmp_path):
    tamperer = Tamperer(tmp_path / "milestones.db")
    differ = []

    for mutation in draw_many(9, 40, tamperer.lengths()):
        undo = tamperer.apply(mutation)
        one, every = _both(book.store)
        tamperer.restore(mutation, undo)
        if one != every or one.ok:
            differ.append((mutation, one, every))

    tamperer.close()
    assert differ == []
    assert _both(book.store)[1].ok


def test_a_key_the_workers_guess_wrongly_is_checked_again_in_order(book, admin_key, tmp_path):
    bob = load_key_file(tmp_path / "keys" / "bob.pem")
    other = make_key(tmp_path, "other")
    # A forged re-registration of bob's key id with another public key, whose index
    # column disagrees with its body: it does not verify, so bob's real key stays in
    # force, while the workers, which look for key events ahead, try the forged one.
    forged = _sealed(
        book,
        admin_key,
        KeyRegistered(key_id=bob.key_id, public_key=other.public_hex, actor="bob"),
        stored_subject="not the body's",
    )
    with book.store.writing() as txn:
        txn.insert(forged)
    # The ledger refuses to write after a row it did not record; folding the log again
    # (as `milestone rebuild` does) takes that row in, as an unwary owner would.
    book.rebuild()
    record(rq.ReopenMilestone(code="DM-A-1", reason="not done"), ledger=book, signer=bob)

    one, every = _both(book.store)

    assert [f.seq for f in one.findings] == [forged.seq]
    assert every == one


def _dies_in_a_worker(*args):
    if os.getpid() != PARENT:
        os._exit(1)
    return _real_check_chunk(*args)


_real_check_chunk = verify_parallel.check_chunk


def test_a_worker_that_dies_leaves_the_findings_unchanged(book, monkeypatch):
    monkeypatch.setattr(verify_parallel, "POOL", "process")  # a thread cannot die alone
    monkeypatch.setattr(verify_parallel, "check_chunk", _dies_in_a_worker)
    with book.store.engine.begin() as conn:
        conn.exec_driver_sql("DROP TRIGGER events_no_update")
        conn.exec_driver_sql("UPDATE events SET actor = 'mallory' WHERE seq = 11")

    one, every = _both(book.store)

    assert one.failure.seq == 11
    assert every == one


def test_a_long_log_is_checked_on_every_core_unasked(book, monkeypatch):
    pools = []

    class CountedPool(ProcessPoolExecutor):
        def __init__(self, *args, **kwargs):
            pools.append(args)
            super().__init__(*args, **kwargs)

    monkeypatch.setattr(verify_parallel, "POOL", "process")
    monkeypatch.setattr(verify_parallel, "ProcessPoolExecutor", CountedPool)
    monkeypatch.setattr(verify_parallel, "cores", lambda: 2)
    monkeypatch.setattr(verify_parallel, "PARALLEL_FROM", len(book.log))

    long = verify_store(book.store)
    monkeypatch.setattr(verify_parallel, "PARALLEL_FROM", len(book.log) + 1)
    short = verify_store(book.store)

    assert long.ok and short.ok
    assert pools == [(2,)]


def _sealed(book, signer, fact, *, stored_subject: str) -> StoredEvent:
    """The next event, correctly chained and signed, with a subject column of its own."""
    head = book.log[-1]
    body = {
        "seq": head.seq + 1,
        "id": str(uuid.uuid4()),
        "type": fact.type,
        "subject": fact.key_id,
        "data": fact_data(fact),
        "actor": "alice",
        "key": signer.key_id,
        "recorded_at": head.recorded_at,
        "effective": head.recorded_at,
        "rfc": None,
        "idem": None,
        "prev": head.hash.hex(),
    }
    raw = canonical_bytes(body)
    digest = body_hash(raw)
    return StoredEvent(
        body["seq"], body["id"], fact.type, stored_subject, "alice", signer.key_id, None, None,
        head.recorded_at, head.recorded_at, raw, digest, signer.sign(digest),
    )  # fmt: skip
