"""Many writers, one unbroken chain: the write lock, typed conflicts, readers that never block."""

from __future__ import annotations

import queue
import threading
import time
import uuid
from functools import partial
from pathlib import Path

import pytest
import sqlalchemy as sa
from conftest import PG_SERVER, make_key
from writer_processes import (
    APPROVE_EVERY,
    SPAWN,
    WriterReport,
    append_many,
    complete_at_once,
    rfc_id,
)

from ledger import requests as rq
from ledger.errors import Conflict, LedgerError, Refused
from ledger.execute import record
from ledger.ledger import Ledger
from ledger.store import Store, StoredEvent
from ledger.store import base as store_base
from ledger.verify import verify_rows

#: Events `Ledger.create` records: ledger.created, then editor and approver for its creator.
GENESIS_EVENTS = 3
#: Seconds a test waits for something that should take milliseconds, before failing.
PATIENCE = 20


def _start_together(target, argument_lists):  # type: ignore[no-untyped-def]
    """Start one spawned process per argument list; release them at once; return results."""
    ready, results, go = SPAWN.Queue(), SPAWN.Queue(), SPAWN.Event()
    processes = [
        SPAWN.Process(target=target, args=(*args, ready, go, results)) for args in argument_lists
    ]
    for process in processes:
        process.start()
    for _ in processes:
        ready.get(timeout=60)  # every child has opened its ledger
    go.set()
    outcomes = [results.get(timeout=120) for _ in processes]
    for process in processes:
        process.join(timeout=30)
        assert process.exitcode == 0
    return outcomes


def _key_file(tmp_path: Path) -> str:
    return str(tmp_path / "keys" / "alice.pem")


# --- many writers ---------------------------------------------------------------------------------


@pytest.mark.slow
def test_many_processes_appending_at_once_leave_one_gap_free_verified_chain(
    db_kind, db_url, admin_key, tmp_path
):
    writers = 8 if db_kind == "postgresql" else 4
    each = 250
    Ledger.create(db_url, name="busy", signer=admin_key, actor="alice").close()

    started = time.perf_counter()
    reports: list[WriterReport] = _start_together(
        append_many, [(db_url, _key_file(tmp_path), worker, each) for worker in range(writers)]
    )
    elapsed = time.perf_counter() - started

    assert [r.errors for r in reports] == [[] for _ in reports]
    store = Store.open(db_url)
    rows = list(store.iter_all())
    assert len(rows) == GENESIS_EVENTS + writers * each
    assert [row.seq for row in rows] == list(range(1, len(rows) + 1))
    report = verify_rows(rows)
    assert report.ok, report.failure
    # Every acknowledged event is in the chain, exactly once, as the writer was told.
    stored = {row.seq: row.id for row in rows}
    acknowledged = [ack for r in reports for ack in r.acknowledged]
    assert len(acknowledged) == writers * each
    assert all(stored[seq] == event_id for seq, event_id in acknowledged)
    assert sorted(seq for seq, _ in acknowledged) == list(
        range(GENESIS_EVENTS + 1, GENESIS_EVENTS + writers * each + 1)
    )
    # Each writer's RFCs were opened once and every fifth approved: the state agrees.
    rfcs = Ledger.open(db_url).state().rfcs
    opened_each = each - each // APPROVE_EVERY
    assert len(rfcs) == writers * opened_each
    # A writer approves the last of every APPROVE_EVERY - 1 RFCs it opened.
    expected = {
        rfc_id(w, i)
        for w in range(writers)
        for i in range(opened_each)
        if i % (APPROVE_EVERY - 1) == APPROVE_EVERY - 2
    }
    assert {rfc.id for rfc in rfcs.values() if rfc.state == "approved"} == expected
    # Commands are validated under the lock against the caught-up head, so
    # none can meet a Conflict; one here would mean two writers saw one head.
    conflicts = sum(r.conflicts for r in reports)
    assert conflicts == 0
    print(
        f"\n{db_kind}: {writers} writers x {each} events in {elapsed:.1f} s with start-up, "
        f"{writers * each / max(r.seconds for r in reports):.0f} appends/s while all ran, "
        f"{conflicts} conflicts"
    )
    store.close()


# --- one winner -----------------------------------------------------------------------------------


@pytest.fixture
def team(open_ledger, admin_key, tmp_path):
    """The open ledger plus editors bob, carol and dave, and a milestone to complete."""
    keys = {"alice": admin_key}
    for name in ("bob", "carol", "dave"):
        keys[name] = make_key(tmp_path, name)
        record(
            rq.AddKey(actor=name, public_key=keys[name].public_raw),
            ledger=open_ledger,
            signer=admin_key,
        )
        record(rq.GrantRole(actor=name, role="editor"), ledger=open_ledger, signer=admin_key)
    record(
        rq.DefineMilestone(code="DM-AP-18", title="Alert distribution", due="2020-01-01", level=2),
        ledger=open_ledger,
        signer=admin_key,
    )
    return open_ledger, keys


@pytest.mark.slow
def test_four_processes_completing_one_milestone_at_once_record_it_once(team, db_url, tmp_path):
    ledger, keys = team
    paths = [str(tmp_path / "keys" / f"{name}.pem") for name in keys]

    outcomes = _start_together(complete_at_once, [(db_url, path, "DM-AP-18") for path in paths])

    winners = [o for o in outcomes if o[0] == "recorded"]
    assert len(winners) == 1
    _, winner, seq = winners[0]
    losers = [o for o in outcomes if o[0] != "recorded"]
    assert [kind for kind, _, _ in losers] == ["Refused"] * 3
    for _, message, _ in losers:
        assert "DM-AP-18 is already completed" in message
        assert f"recorded by {winner} (event #{seq})" in message
    ledger.refresh()
    assert [e.actor for e in ledger.log if e.type == "milestone.completed"] == [winner]


def test_a_second_ledger_object_with_a_stale_view_is_told_who_completed_first(team, db_url):
    ledger, keys = team
    stale = Ledger.open(db_url)
    record(
        rq.CompleteMilestone(code="DM-AP-18", on="2019-12-30"), ledger=ledger, signer=keys["bob"]
    )

    with pytest.raises(Refused) as refusal:
        record(rq.CompleteMilestone(code="DM-AP-18"), ledger=stale, signer=keys["carol"])

    assert "on 2019-12-30, recorded by bob" in str(refusal.value)
    assert stale.store.last_seq() == len(ledger.log)
    stale.close()


# --- typed conflicts ------------------------------------------------------------------------------


def test_an_approval_decided_against_a_head_that_moved_is_a_conflict(
    open_ledger, admin_key, db_url
):
    record(rq.OpenRfc(rfc="RFC-1", title="slip"), ledger=open_ledger, signer=admin_key)
    seen = len(open_ledger.log)
    other = Ledger.open(db_url)
    record(rq.OpenRfc(rfc="RFC-2", title="meanwhile"), ledger=other, signer=admin_key)

    with pytest.raises(Conflict, match=r"head was #4, now #5"):
        record(rq.ApproveRfc(rfc="RFC-1"), ledger=open_ledger, signer=admin_key, expect_head=seen)

    assert open_ledger.store.last_seq() == 5
    assert open_ledger.state().rfcs["RFC-1"].state == "open"
    record(rq.ApproveRfc(rfc="RFC-1"), ledger=open_ledger, signer=admin_key, expect_head=5)
    other.close()


def test_an_insert_clashing_with_a_stored_event_is_a_conflict_and_records_nothing(open_ledger):
    store = open_ledger.store
    existing = store.read()[-1]
    clash = StoredEvent(**{**existing.as_row(), "id": str(uuid.uuid4())})

    with pytest.raises(Conflict, match=f"event {existing.seq} clashes"), store.writing() as txn:
        txn.insert(clash)

    assert [row.id for row in store.read()] == [e.id for e in open_ledger.log]


def test_one_idempotency_key_from_two_ledger_objects_records_one_command(
    open_ledger, admin_key, db_url
):
    other = Ledger.open(db_url)

    first = record(
        rq.OpenRfc(rfc="RFC-9", title="t"), ledger=open_ledger, signer=admin_key, idem="k1"
    )
    again = record(rq.OpenRfc(rfc="RFC-9", title="t"), ledger=other, signer=admin_key, idem="k1")

    assert [e.seq for e in again] == [e.seq for e in first]
    assert other.store.last_seq() == first[0].seq
    other.close()


# --- readers never block --------------------------------------------------------------------------


def _in_thread(function):  # type: ignore[no-untyped-def]
    """Run `function` in a thread; return a queue that receives its result or error."""
    out: queue.Queue[object] = queue.Queue()

    def run() -> None:
        try:
            out.put(function())
        except Exception as error:
            out.put(error)

    threading.Thread(target=run, daemon=True).start()
    return out


def _with_ledger(url, use):  # type: ignore[no-untyped-def]
    """Open a ledger of its own (own connections), use it, close it."""
    ledger = Ledger.open(url)
    try:
        return use(ledger=ledger)
    finally:
        ledger.close()


def test_reads_complete_while_another_connection_holds_the_write_lock(
    open_ledger, admin_key, db_url
):
    store = open_ledger.store
    length = len(open_ledger.log)
    last = store.read()[-1]
    # Just enough of a body for the database to accept it as the next link of the chain.
    chained = b'{"prev":"' + last.hash.hex().encode() + b'"}'
    uncommitted = StoredEvent(
        **{**last.as_row(), "seq": length + 1, "id": "pending", "body": chained}
    )

    with pytest.raises(RuntimeError, match="roll back"), store.writing() as txn:
        txn.insert(uncommitted)
        read = _in_thread(lambda: _with_ledger(db_url, lambda ledger: len(ledger.log)))
        rows = _in_thread(lambda: _with_ledger(db_url, lambda ledger: ledger.store.read()))
        writer = _in_thread(
            lambda: _with_ledger(
                db_url,
                partial(record, rq.OpenRfc(rfc="RFC-5", title="w"), signer=admin_key),
            )
        )

        assert read.get(timeout=PATIENCE) == length
        assert [row.seq for row in rows.get(timeout=PATIENCE)] == list(range(1, length + 1))
        # The other writer waits for the lock: give it time to (wrongly) get through.
        with pytest.raises(queue.Empty):
            writer.get(timeout=0.5)
        raise RuntimeError("roll back the placeholder")

    recorded = writer.get(timeout=PATIENCE)
    assert [e.seq for e in recorded] == [length + 1]
    assert verify_rows(store.iter_all()).ok


@pytest.fixture
def other_schema(db_kind):
    """A second, empty PostgreSQL schema (dropped afterwards), for a second ledger."""
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(PG_SERVER)
    with admin.begin() as conn:
        conn.exec_driver_sql(f"CREATE SCHEMA {schema}")
    yield schema
    with admin.begin() as conn:
        conn.exec_driver_sql(f"DROP SCHEMA {schema} CASCADE")
    admin.dispose()


@pytest.mark.postgresql_only
def test_ledgers_in_two_postgresql_schemas_do_not_wait_for_each_other(
    db_url, admin_key, other_schema
):
    first = Ledger.create(db_url, name="one", signer=admin_key, actor="alice")
    second_url = f"{PG_SERVER}?options=-csearch_path%3D{other_schema}"
    second = Ledger.create(second_url, name="two", signer=admin_key, actor="alice")
    assert first.store.lock_key != second.store.lock_key
    assert first.store.channel != second.store.channel

    with first.store.writing():
        other = _in_thread(
            lambda: record(rq.OpenRfc(rfc="RFC-1", title="t"), ledger=second, signer=admin_key)
        )
        recorded = other.get(timeout=PATIENCE)

    assert [e.seq for e in recorded] == [GENESIS_EVENTS + 1]
    first.close()
    second.close()


@pytest.mark.postgresql_only
def test_writers_whose_search_paths_differ_but_find_one_ledger_share_its_lock(
    open_ledger, db_url, other_schema
):
    schema = open_ledger.store.schema
    # The empty schema comes first, so it is current_schema(), yet `events` is found in the next.
    detour = f"{PG_SERVER}?options=-csearch_path%3D{other_schema},{schema}"

    store = Store.open(detour)

    assert (store.schema, store.lock_key, store.channel) == (
        schema,
        open_ledger.store.lock_key,
        open_ledger.store.channel,
    )
    store.close()


def test_a_writer_that_cannot_get_the_lock_in_time_is_told_so(
    open_ledger, admin_key, db_url, monkeypatch
):
    monkeypatch.setattr(store_base, "LOCK_WAIT_SECONDS", 0.5)
    late = Ledger.open(db_url)  # its connections wait half a second for the lock

    with open_ledger.store.writing():
        outcome = _in_thread(
            lambda: record(rq.OpenRfc(rfc="RFC-1", title="late"), ledger=late, signer=admin_key)
        ).get(timeout=PATIENCE)

    assert isinstance(outcome, LedgerError)
    assert "held the ledger's write lock for over 0.5 s; nothing was recorded" in str(outcome)
    assert late.store.last_seq() == GENESIS_EVENTS
    late.close()
