"""One contract, every store: what the ledger relies on from SQLite and PostgreSQL alike.

`StoreContract` holds the tests; each subclass only says how to make its store
(as eventsourcing's recorder test cases do), so a new dialect gets the whole
suite by writing one fixture.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from conftest import PG_SERVER
from writer_processes import SPAWN, sight_keys

from events import GENESIS_PREV, body_hash, canonical_bytes
from ledger.errors import Conflict, LedgerError
from ledger.store import PostgresStore, SqliteStore, Store, StoredEvent, derived, sightings


def _event(seq: int, prev: str, *, idem: str | None = None, effective: str = "") -> StoredEvent:
    instant = f"2024-01-01T00:00:{seq % 60:02d}.000000Z"
    body = canonical_bytes({"seq": seq, "prev": prev, "idem": idem})
    return StoredEvent(
        seq=seq,
        id=str(uuid.uuid4()),
        type="rfc.opened" if seq % 2 else "milestone.completed",
        subject=f"S-{seq % 3}",
        actor="alice" if seq % 2 else "bob",
        key="0" * 16,
        rfc=None,
        idem=idem,
        recorded_at=instant,
        effective=effective or instant,
        body=body,
        hash=body_hash(body),
        sig=bytes(64),
    )


def _chain(n: int, start: StoredEvent | None = None) -> list[StoredEvent]:
    events: list[StoredEvent] = []
    prev = start.hash.hex() if start else GENESIS_PREV
    first = start.seq + 1 if start else 1
    for seq in range(first, first + n):
        events.append(_event(seq, prev))
        prev = events[-1].hash.hex()
    return events


class StoreContract:
    """The tests every store passes."""

    def test_a_new_store_is_empty_and_reports_where_it_is(self, store: Store):
        assert store.head() is None and store.last_seq() == 0 and store.read() == []
        assert "password" not in store.where

    def test_events_written_in_one_transaction_read_back_exactly_in_order(self, store: Store):
        events = _chain(5)
        with store.writing() as txn:
            txn.insert_many(events)

        assert store.read() == events
        assert store.read(after=2, upto=4) == events[2:4]
        assert store.head() == events[-1] and store.last_seq() == 5
        assert list(store.iter_all(batch=2)) == events

    def test_select_filters_on_index_columns_and_can_take_the_newest(self, store: Store):
        events = _chain(6)
        with store.writing() as txn:
            txn.insert_many(events)

        assert [e.seq for e in store.select(actor="bob")] == [2, 4, 6]
        assert [e.seq for e in store.select(type_="rfc.")] == [1, 3, 5]
        assert [e.seq for e in store.select(subjects=["S-0"])] == [3, 6]
        assert [e.seq for e in store.select(limit=2, newest_first=True)] == [6, 5]

    def test_an_insert_that_does_not_extend_the_chain_is_refused(self, store: Store):
        events = _chain(3)
        with store.writing() as txn:
            txn.insert_many(events)
        bad = [
            _event(5, events[-1].hash.hex()),  # a gap
            _event(4, events[0].hash.hex()),  # a fork: prev is not the head
            _event(3, events[1].hash.hex()),  # a second seq 3
            _event(4503599627370958, events[-1].hash.hex()),  # far beyond the head
        ]

        for event in bad:
            with pytest.raises(Conflict), store.writing() as txn:
                txn.insert(event)
        assert store.read() == events

    def test_an_idempotency_key_is_found_and_cannot_be_used_twice(self, store: Store):
        first = _event(1, GENESIS_PREV, idem="req-1")
        with store.writing() as txn:
            txn.insert(first)

        assert store.by_idem("req-1") == first and store.by_idem("other") is None
        with pytest.raises(Conflict), store.writing() as txn:
            txn.insert(_event(2, first.hash.hex(), idem="req-1"))

    def test_a_write_that_fails_leaves_nothing(self, store: Store):
        with pytest.raises(RuntimeError), store.writing() as txn:
            txn.insert_many(_chain(2))
            raise RuntimeError("abandon")

        assert store.last_seq() == 0

    def test_follower_cursors_move_only_from_where_they_are(self, store: Store):
        assert store.cursor("announcer") == 0
        assert store.advance_cursor("announcer", expected=0, to=4)
        assert not store.advance_cursor("announcer", expected=0, to=9)
        store.save_cursor("announcer", 7)

        assert store.cursor("announcer") == 7

    def test_a_follower_waiting_for_events_wakes_when_one_commits(self, store: Store):
        woke: list[bool] = []
        waiter = threading.Thread(
            target=lambda: woke.append(store.wait_for_events(after=0, timeout=10))
        )
        waiter.start()
        time.sleep(0.2)
        with store.writing() as txn:
            txn.insert_many(_chain(1))
        waiter.join(timeout=10)

        assert woke == [True]
        assert not store.wait_for_events(after=1, timeout=0.1)

    def test_derived_rows_and_snapshots_are_kept_and_cleared(self, store: Store):
        with store.locked() as conn:
            derived.write_rows(conn, {("milestone", "A"): b"1", ("rfc", "R"): b"2"})
            derived.write_rows(conn, {("milestone", "A"): b"3", ("rfc", "R"): None})
            for seq, effective in ((5, "2020"), (9, "2019"), (12, "2021")):
                derived.save_snapshot(
                    conn, axis="effective", seq=seq, effective=effective, count=seq, doc=b"s"
                )
        with store.reading() as conn:
            assert derived.load_rows(conn) == [("milestone", "A", b"3")]
            assert derived.nearest_snapshot(conn, axis="effective", upto=("2020", 7))[0] == 5
            assert derived.nearest_snapshot(conn, axis="effective", upto=("2019", 8)) is None
        with store.locked() as conn:
            derived.drop_snapshots_after(conn, order=("2020", 1))
            derived.clear_rows(conn)
        with store.reading() as conn:
            assert derived.load_rows(conn) == []
            assert derived.nearest_snapshot(conn, axis="effective", upto=("2099", 99))[0] == 9

    def test_a_key_is_seen_first_once_until_its_time_is_up_then_pruned(self, store: Store):
        first = store.first_sighting("v0=aa", at=1000.0, keep_until=1360.0)
        again = store.first_sighting("v0=aa", at=1359.0, keep_until=1700.0)
        other = store.first_sighting("v0=bb", at=1100.0, keep_until=1460.0)
        with store.reading() as conn:
            kept = sightings.count(conn)
        later = store.first_sighting("v0=cc", at=1400.0, keep_until=1760.0)  # prunes aa
        with store.reading() as conn:
            pruned = sightings.count(conn)
        afresh = store.first_sighting("v0=aa", at=1401.0, keep_until=1761.0)

        assert (first, again, other, later, afresh) == (True, False, True, True, True)
        assert (kept, pruned) == (2, 2)  # bb and cc, then aa again
        assert store.last_seq() == 0  # nothing of it reaches the log

    def test_of_concurrent_sightings_of_a_key_exactly_one_wins(self, store: Store):
        callers, keys = 8, 12
        start = threading.Barrier(callers)
        won: list[tuple[int, str]] = []
        failed: list[BaseException] = []

        def caller(n: int) -> None:
            try:
                for k in range(keys):
                    start.wait(timeout=20)  # every caller tries key k at the same moment
                    now = time.time()
                    if store.first_sighting(f"v0={k}", at=now, keep_until=now + 360, wait=20):
                        won.append((n, f"v0={k}"))
            except BaseException as error:
                failed.append(error)

        threads = [threading.Thread(target=caller, args=(n,)) for n in range(callers)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)

        assert failed == []
        assert sorted(key for _, key in won) == sorted(f"v0={k}" for k in range(keys))

    @pytest.mark.slow
    def test_of_processes_sighting_a_key_at_once_exactly_one_wins(self, store: Store):
        processes, keys = 4, 10
        start, results = SPAWN.Barrier(processes), SPAWN.Queue()
        children = [
            SPAWN.Process(target=sight_keys, args=(store.url, keys, start, results))
            for _ in range(processes)
        ]
        for child in children:
            child.start()
        outcomes = [results.get(timeout=120) for _ in children]
        for child in children:
            child.join(timeout=30)

        assert [kind for kind, _ in outcomes] == ["ok"] * processes, outcomes
        won = sorted(key for _, keys_won in outcomes for key in keys_won)
        assert won == sorted(f"v0={k}" for k in range(keys))

    def test_the_events_table_refuses_update_and_delete(self, store: Store):
        with store.writing() as txn:
            txn.insert_many(_chain(1))

        for statement in ("UPDATE events SET actor = 'mallory'", "DELETE FROM events"):
            with (
                pytest.raises(sa.exc.DatabaseError, match="append-only"),
                store.engine.begin() as conn,
            ):
                conn.exec_driver_sql(statement)


class TestSqliteStore(StoreContract):
    """The contract on a SQLite file."""

    @pytest.fixture
    def store(self, tmp_path) -> Iterator[Store]:
        store = Store.open(f"sqlite:///{tmp_path / 'contract.db'}", create=True)
        assert isinstance(store, SqliteStore)
        yield store
        store.close()

    def test_a_sighting_waits_briefly_for_the_write_lock_then_says_so(self, store: Store):
        # SQLite has one write lock per file: a long append elsewhere holds up a sighting.
        with store.writing():
            started = time.monotonic()
            with pytest.raises(LedgerError, match=r"busy for over 0\.2 s"):
                store.first_sighting("v0=aa", at=1000.0, keep_until=1360.0, wait=0.2)
            waited = time.monotonic() - started

        assert 0.15 < waited < 5
        assert store.first_sighting("v0=aa", at=1000.0, keep_until=1360.0)

    def test_a_sighting_leaves_its_connection_waiting_and_syncing_as_before(self, store: Store):
        # A sighting is neither synced at commit nor waits long; the pooled connection it
        # used goes on to serve appends, which must be both.
        assert store.first_sighting("v0=aa", at=1000.0, keep_until=1360.0, wait=0.2)
        with store.reading() as conn:  # the connection just given back to the pool
            settings = (conn.scalar("PRAGMA synchronous"), conn.scalar("PRAGMA busy_timeout"))

        assert settings == (2, 30_000)  # FULL, and LOCK_WAIT_SECONDS


class TestPostgresStore(StoreContract):
    """The contract on a schema of the PostgreSQL server."""

    @pytest.fixture
    def store(self) -> Iterator[Store]:
        schema = f"c_{uuid.uuid4().hex[:12]}"
        admin = sa.create_engine(PG_SERVER)
        with admin.begin() as conn:
            conn.exec_driver_sql(f"CREATE SCHEMA {schema}")
        store = Store.open(f"{PG_SERVER}?options=-csearch_path%3D{schema}", create=True)
        assert isinstance(store, PostgresStore)
        yield store
        store.close()
        with admin.begin() as conn:
            conn.exec_driver_sql(f"DROP SCHEMA {schema} CASCADE")
        admin.dispose()

    def test_a_sighting_never_waits_for_the_ledgers_write_lock(self, store: Store):
        with store.writing():
            seen = store.first_sighting("v0=aa", at=1000.0, keep_until=1360.0, wait=0.2)

        assert seen is True

    def test_a_sighting_waits_for_another_of_the_same_key_to_commit_or_roll_back(
        self, store: Store
    ):
        insert = (
            "INSERT INTO seen_requests (digest, seen_at, keep_until) VALUES (%(d)s, 1000, 1360)"
        )
        for end, expected in (("rollback", True), ("commit", False)):
            key = f"v0={end}"
            with store.engine.connect() as other:
                other.exec_driver_sql(insert, {"d": sightings.digest(key)})  # not committed
                with pytest.raises(LedgerError, match=r"busy for over 0\.2 s"):
                    store.first_sighting(key, at=1001.0, keep_until=1361.0, wait=0.2)
                getattr(other, end)()
            assert store.first_sighting(key, at=1002.0, keep_until=1362.0) is expected
