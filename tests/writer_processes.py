"""Code that runs in child processes for the concurrency and crash tests.

The children are started with the 'spawn' context, so everything they run
lives here, at module level, importable by name; each child opens its own
Ledger (its own engine and connections), as a separate `milestone` process or
bot replica would.
"""

from __future__ import annotations

import multiprocessing
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import partial
from multiprocessing.connection import Connection
from multiprocessing.queues import Queue
from multiprocessing.synchronize import Event
from pathlib import Path
from typing import Any

from events.catalogue import RfcOpened
from ledger import requests as rq
from ledger.errors import Conflict, LedgerError
from ledger.execute import record
from ledger.ledger import Draft, Ledger
from ledger.signing import load_key_file
from ledger.state import PlanState, Recorded
from ledger.store import Store, StoredEvent

SPAWN = multiprocessing.get_context("spawn")

#: Every APPROVE_EVERY-th append of a writer approves the RFC it opened just before.
APPROVE_EVERY = 5
#: Conflicts one command may meet before its writer gives up.
MAX_RETRIES = 20


@dataclass
class WriterReport:
    """What one writer process did: the events it was told were recorded, and its retries."""

    worker: int
    acknowledged: list[tuple[int, str]] = field(default_factory=list)  # (seq, event id)
    conflicts: int = 0
    errors: list[str] = field(default_factory=list)
    seconds: float = 0.0


def rfc_id(worker: int, index: int) -> str:
    """The RFC a writer opens at its `index`-th append: unique across writers."""
    return f"RFC-{worker + 1}{index:05d}"


def append_many(
    url: str,
    key_path: str,
    worker: int,
    count: int,
    ready: Queue[Any],
    go: Event,
    results: Queue[Any],
) -> None:
    """Append `count` events to the ledger at `url`, one per command, starting when `go` is set.

    Mostly `rfc.open` of RFCs unique to this writer; every APPROVE_EVERY-th
    command approves the RFC opened just before. A Conflict is counted and the
    command retried (as a front end would); any other error is reported and
    ends the writer.
    """
    report = WriterReport(worker)
    ledger = Ledger.open(url)
    signer = load_key_file(Path(key_path))
    ready.put(worker)
    go.wait()
    started = time.perf_counter()
    try:
        index = 0
        while len(report.acknowledged) < count:
            if (len(report.acknowledged) + 1) % APPROVE_EVERY == 0:
                request: rq.Change = rq.ApproveRfc(rfc=rfc_id(worker, index - 1))
            else:
                request = rq.OpenRfc(rfc=rfc_id(worker, index), title="w")
                index += 1
            recorded = _retrying(report, partial(record, request, ledger=ledger, signer=signer))
            report.acknowledged.extend((event.seq, event.id) for event in recorded)
    except Exception as error:  # reported to the parent, which fails the test
        report.errors.append(f"{type(error).__name__}: {error}")
    report.seconds = time.perf_counter() - started
    ledger.close()
    results.put(report)


def _retrying(report: WriterReport, command: Callable[[], list[Recorded]]) -> list[Recorded]:
    for _ in range(MAX_RETRIES):
        try:
            return command()
        except Conflict:
            report.conflicts += 1
    raise RuntimeError(f"still a Conflict after {MAX_RETRIES} tries")


def complete_at_once(
    url: str, key_path: str, code: str, ready: Queue[Any], go: Event, results: Queue[Any]
) -> None:
    """Complete milestone `code` as this key's actor, as soon as `go` is set."""
    ledger = Ledger.open(url)
    signer = load_key_file(Path(key_path))
    ready.put(key_path)
    go.wait()
    try:
        recorded = record(rq.CompleteMilestone(code=code), ledger=ledger, signer=signer)
        results.put(("recorded", recorded[0].actor, recorded[0].seq))
    except LedgerError as error:
        results.put((type(error).__name__, str(error), None))
    ledger.close()


def sight_keys(url: str, keys: int, start: Any, results: Queue[Any]) -> None:
    """Record keys 0 .. keys-1 as seen, each as every other process does, all released at
    once for each key by the barrier `start`; report the keys this process was first to."""
    store = Store.open(url)
    won: list[str] = []
    try:
        for k in range(keys):
            start.wait(timeout=60)
            now = time.time()
            if store.first_sighting(f"v0={k}", at=now, keep_until=now + 360, wait=20):
                won.append(f"v0={k}")
        results.put(("ok", won))
    except Exception as error:  # reported to the parent, which fails the test
        results.put(("error", f"{type(error).__name__}: {error}"))
    finally:
        store.close()


def triples_until_killed(url: str, key_path: str, first: int, acks: Connection) -> None:
    """Append three-event commands forever, telling the parent each one recorded.

    Each command opens three RFCs in one append (one transaction), so a
    partial command would show as a count of events that is not 3 per command.
    The parent SIGKILLs this process at some point of its loop.
    """
    ledger = Ledger.open(url)
    signer = load_key_file(Path(key_path))
    number = first
    while True:
        ids = [f"RFC-{number * 3 + part}" for part in range(3)]

        def decide(_state: PlanState, ids: list[str] = ids) -> list[Draft]:
            return [Draft(RfcOpened(id=rfc, title="crash test"), subject=rfc) for rfc in ids]

        recorded = ledger.append(signer=signer, actor=None, decide=decide)
        # Acknowledged: from here on these events must survive anything.
        acks.send([(event.seq, event.hash.hex()) for event in recorded])
        number += 1


def hold_write_lock_until_killed(url: str, acks: Connection) -> None:
    """Take the write lock, insert an event without committing, tell the parent, wait.

    The row is a placeholder (it is never committed, so it never needs to
    verify): it stands for a command cut off between its insert and its commit.
    """
    store = Store.open(url)
    last = store.head()
    assert last is not None
    head, prev = last.seq, last.hash.hex()
    now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    placeholder = StoredEvent(
        seq=head + 1,
        id=f"uncommitted-{os.getpid()}",
        type="rfc.opened",
        subject="RFC-0",
        actor="mallory",
        key="0" * 16,
        rfc=None,
        idem=None,
        recorded_at=now,
        effective=now,
        # Just enough of a body for the database to accept it as the next link of the chain.
        body=b'{"prev":"' + prev.encode() + b'"}',
        hash=bytes(32),
        sig=bytes(64),
    )
    with store.writing() as txn:
        txn.insert(placeholder)
        acks.send(head + 1)
        time.sleep(600)  # killed long before this ends
