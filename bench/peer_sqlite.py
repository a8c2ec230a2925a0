"""Appends on SQLite: ours (signed, through `Ledger.append`) beside eventsourcing's recorder.

Both write to files in one folder, in WAL mode with synchronous=FULL (read back
from each connection and printed), so every commit waits for the disk alike.
"""

from __future__ import annotations

import hashlib
import time
import uuid
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

from eventsourcing.persistence import StoredEvent as PeerEvent
from eventsourcing.sqlite import (
    SQLiteApplicationRecorder,
    SQLiteConnection,
    SQLiteConnectionPool,
    SQLiteDatastore,
)

from events.catalogue import ForecastMoved, MilestoneDefined
from ledger.append import Draft
from ledger.ledger import Ledger
from ledger.signing import Signer
from ledger.state import PlanState

#: The peer's stand-in for a forecast move: same size as ours, no signature.
TOPIC = "bench.events:ForecastMoved"


def codes(count: int) -> list[str]:
    """The milestones the benchmarks move."""
    return [f"DM-BENCH-{i + 1}" for i in range(count)]


def new_ledger(url: str, signer: Signer, *, milestones: int) -> Ledger:
    """A ledger without baseline control holding `milestones` Level-2 milestones."""
    ledger = Ledger.create(url, name="peer", signer=signer, actor="admin", baseline_control=False)
    due = date(2030, 1, 1)
    drafts = [
        Draft(
            MilestoneDefined(code=code, level=2, title=f"Bench {code}", baseline=due, forecast=due),
            code,
        )
        for code in codes(milestones)
    ]
    ledger.append(signer=signer, actor=None, decide=lambda _head: drafts)
    return ledger


def mover(code: str) -> Callable[[PlanState], Draft]:
    """A `decide` moving `code`'s forecast a day on from wherever the head has it."""

    def decide(head: PlanState) -> Draft:
        current = date.fromisoformat(head.milestones[code].forecast)
        fact = ForecastMoved.model_validate(
            {"code": code, "from": current, "to": current + timedelta(days=1), "reason": "bench"}
        )
        return Draft(fact, code)

    return decide


def moves(code: str, count: int, *, start: date = date(2030, 1, 1)) -> list[Draft]:
    """`count` consecutive forecast moves of `code`, decided in advance (as an import is)."""
    drafts = []
    for i in range(count):
        current = start + timedelta(days=i)
        fact = ForecastMoved.model_validate(
            {"code": code, "from": current, "to": current + timedelta(days=1), "reason": "bench"}
        )
        drafts.append(Draft(fact, code))
    return drafts


def synchronous_of(path: Path) -> str:
    """journal_mode and synchronous as a fresh connection of our store sees them."""
    ledger = Ledger.open(f"sqlite:///{path}")
    with ledger.store.reading() as conn:
        mode = conn.scalar("PRAGMA journal_mode")
        sync = conn.scalar("PRAGMA synchronous")
    ledger.close()
    return f"journal_mode={mode}, synchronous={_SYNC.get(sync, sync)}"


_SYNC = {0: "OFF", 1: "NORMAL", 2: "FULL", 3: "EXTRA"}


# --- ours ----------------------------------------------------------------------------------------


def ours_one_per_transaction(folder: Path, signer: Signer, count: int) -> float:
    """Signed forecast moves through `Ledger.append`, one per transaction; events/s."""
    ledger = new_ledger(
        f"sqlite:///{folder / f'ours-{uuid.uuid4().hex}.db'}", signer, milestones=20
    )
    deciders = [mover(code) for code in codes(20)]
    start = time.perf_counter()
    for i in range(count):
        ledger.append(signer=signer, actor=None, decide=deciders[i % len(deciders)])
    rate = count / (time.perf_counter() - start)
    ledger.close()
    return rate


def ours_one_transaction(folder: Path, signer: Signer, count: int) -> float:
    """`count` signed forecast moves in one `Ledger.append`; events/s (drafts made before)."""
    ledger = new_ledger(
        f"sqlite:///{folder / f'batch-{uuid.uuid4().hex}.db'}", signer, milestones=1
    )
    drafts = moves(codes(1)[0], count)
    start = time.perf_counter()
    ledger.append(signer=signer, actor=None, decide=lambda _head: drafts)
    rate = count / (time.perf_counter() - start)
    ledger.close()
    return rate


def sample_body(folder: Path, signer: Signer) -> bytes:
    """The stored body of one of our forecast moves (the peer writes events this size)."""
    ledger = new_ledger(f"sqlite:///{folder / 'sample.db'}", signer, milestones=1)
    ledger.append(signer=signer, actor=None, decide=mover(codes(1)[0]))
    body = ledger.store.read(after=ledger.length - 1)[0].body
    ledger.close()
    return body


# --- eventsourcing -------------------------------------------------------------------------------


class _FullSyncPool(SQLiteConnectionPool):
    """eventsourcing's pool (WAL already), with synchronous=FULL set as ours sets it."""

    def _create_connection(self) -> SQLiteConnection:
        connection = super()._create_connection()
        connection._sqlite_conn.execute("PRAGMA synchronous=FULL")
        return connection


def peer_recorder(path: Path) -> SQLiteApplicationRecorder:
    """eventsourcing's SQLite application recorder on a fresh file."""
    datastore = SQLiteDatastore(str(path))
    datastore.pool.close()
    datastore.pool = _FullSyncPool(db_name=str(path))
    recorder = SQLiteApplicationRecorder(datastore)
    recorder.create_table()
    return recorder


def peer_synchronous(recorder: SQLiteApplicationRecorder) -> str:
    """journal_mode and synchronous as the recorder's own connection sees them."""
    with recorder.datastore.transaction(commit=False) as cursor:
        cursor.execute("PRAGMA journal_mode")
        mode = cursor.fetchone()[0]
        cursor.execute("PRAGMA synchronous")
        sync = cursor.fetchone()[0]
    return f"journal_mode={mode}, synchronous={_SYNC.get(sync, sync)}"


def peer_events(body: bytes, count: int) -> list[PeerEvent]:
    """`count` events of one aggregate, each with `body` as its state."""
    aggregate = uuid.uuid4()
    return [PeerEvent(aggregate, version, TOPIC, body) for version in range(1, count + 1)]


def peer_one_per_transaction(
    folder: Path, body: bytes, count: int, *, signer: Signer | None = None
) -> tuple[float, str]:
    """eventsourcing's `insert_events`, one event per call (one transaction each); events/s.

    With `signer`, each event is hashed and signed first (its state grows by the signature).
    """
    recorder = peer_recorder(folder / f"peer-{uuid.uuid4().hex}.db")
    events = peer_events(body, count)
    start = time.perf_counter()
    for event in events:
        if signer is not None:
            sig = signer.sign(hashlib.sha256(event.state).digest())
            event = PeerEvent(event.originator_id, event.originator_version, TOPIC, body + sig)
        recorder.insert_events([event])
    rate = count / (time.perf_counter() - start)
    pragmas = peer_synchronous(recorder)
    recorder.datastore.close()
    return rate, pragmas


def peer_one_transaction(folder: Path, body: bytes, count: int) -> float:
    """eventsourcing's `insert_events` with `count` events in one call; events/s."""
    recorder = peer_recorder(folder / f"peer-batch-{uuid.uuid4().hex}.db")
    events = peer_events(body, count)
    start = time.perf_counter()
    recorder.insert_events(events)
    rate = count / (time.perf_counter() - start)
    recorder.datastore.close()
    return rate
