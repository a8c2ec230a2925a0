"""Row checks on every core, handed back in the order the rows came.

On one core an event costs about 160 µs to verify, 140 of them in Ed25519
signature verification, so rows go in chunks to a pool of workers (processes:
see `POOL`). The main process keeps reading rows while the workers check, and
judges what depends on the rows before (`ledger.verify_replay`) as results
return, in row order.

A worker checks a signature under the key its chunk was sent with: the last
public key registered under that id in the rows read so far, found by a quick
look for key events before the chunk leaves. That is a guess the replay
checks: when the key in force differs from the one a worker used, the main
process verifies that signature again itself. So the findings, the first one
above all, are exactly those of a single-core run, however the work was split.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
from collections import deque
from collections.abc import Callable, Generator, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import Executor, Future, ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from itertools import chain, islice
from operator import attrgetter
from typing import Any, Literal

from events import decode_body
from ledger.store import StoredEvent
from ledger.verify_row import RowCheck, RowTuple, check_chunk, check_row, check_rows, unpack_chunk

#: Rows per task: large enough that shipping them costs little beside checking them.
CHUNK_ROWS = 1000

#: With `workers=None`, a log shorter than this is checked in-process: starting
#: workers would cost more than it saves.
PARALLEL_FROM = 4000

#: What the workers are. `cryptography` 50.0.2 releases the GIL while it verifies
#: an Ed25519 signature (measured; pyca/cryptography#15164), older releases held
#: it, and this project accepts releases from 42: processes speed up every release,
#: threads only the newer ones. bench/bench_verify.py measures both.
POOL: Literal["process", "thread"] = "process"

#: Marks a row whose body may register a key (canonical JSON has no spaces).
_KEY_EVENTS = (b'"type":"key.registered"', b'"type":"ledger.created"')

_Pending = tuple[list[Any], list[RowTuple | None], dict[str, bytes], Future[list[Any]]]


def cores() -> int:
    """How many cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def checked_rows(
    items: Iterable[Any],
    *,
    index_columns: Sequence[str],
    keys: Callable[[], Mapping[str, bytes]],
    workers: int | None,
) -> Generator[tuple[Any, RowCheck | None], None, None]:
    """Each item with its row check (None for an item that is not a stored row), in order.

    `keys()` gives the keys in force for the next row; it is asked only when
    checking in-process, where it is exact. `workers=None` uses every core
    once the log is long enough to pay for starting them.
    """
    stream: Iterator[Any] = iter(items)
    if workers is None:
        first = list(islice(stream, PARALLEL_FROM))
        workers = cores() if len(first) == PARALLEL_FROM else 1
        stream = chain(first, stream)
    as_tuple = attrgetter("seq", "body", "hash", "sig", *index_columns)
    if workers <= 1:
        for item in stream:
            row = as_tuple(item) if isinstance(item, StoredEvent) else None
            yield item, None if row is None else check_row(row, index_columns, keys())
        return
    yield from _in_pool(stream, index_columns, as_tuple, workers)


def _in_pool(
    stream: Iterator[Any],
    index_columns: Sequence[str],
    as_tuple: Callable[[Any], RowTuple],
    workers: int,
) -> Iterator[tuple[Any, RowCheck | None]]:
    guessed: dict[str, bytes] = {}
    pending: deque[_Pending] = deque()
    pool: Executor = (
        ThreadPoolExecutor(workers)
        if POOL == "thread"
        else ProcessPoolExecutor(workers, mp_context=start_method())
    )
    try:
        while chunk := list(islice(stream, CHUNK_ROWS)):
            for item in chunk:
                _learn_key(guessed, item)
            rows = [as_tuple(item) if isinstance(item, StoredEvent) else None for item in chunk]
            keys = dict(guessed)
            pending.append((chunk, rows, keys, _submit(pool, rows, index_columns, keys)))
            # Two chunks a worker: none waits for work, and memory stays bounded.
            while len(pending) > 2 * workers:
                yield from _results(pending.popleft(), index_columns)
        while pending:
            yield from _results(pending.popleft(), index_columns)
    finally:
        # Also when the caller stops early (enough findings): drop queued work.
        pool.shutdown(wait=True, cancel_futures=True)


def _results(
    pending: _Pending, index_columns: Sequence[str]
) -> Iterator[tuple[Any, RowCheck | None]]:
    chunk, rows, keys, future = pending
    try:
        checked = future.result()
    except BrokenProcessPool:  # a worker died (out of memory, killed): check here instead
        checked = _checker()(rows, index_columns, keys)
    if POOL == "process":
        checked = unpack_chunk(checked)
    yield from zip(chunk, checked, strict=True)


def _submit(
    pool: Executor,
    rows: list[RowTuple | None],
    index_columns: Sequence[str],
    keys: dict[str, bytes],
) -> Future[list[Any]]:
    check = _checker()
    try:
        return pool.submit(check, rows, index_columns, keys)
    except BrokenProcessPool:  # a worker died earlier: go on in this process
        done: Future[list[Any]] = Future()
        done.set_result(check(rows, index_columns, keys))
        return done


def _checker() -> Callable[..., list[Any]]:
    # Threads share memory: only processes need answers in pickle-friendly tuples.
    return check_chunk if POOL == "process" else check_rows


def _learn_key(guessed: dict[str, bytes], item: Any) -> None:
    """Note the key a row registers, if it seems to register one (a guess, see above)."""
    if not isinstance(item, StoredEvent) or not isinstance(item.body, bytes):
        return
    if not any(marker in item.body for marker in _KEY_EVENTS):
        return
    try:
        data = decode_body(item.body)["data"]
        guessed[data["key_id"]] = bytes.fromhex(data["public_key"])
    except (ValueError, KeyError, TypeError):
        pass  # a damaged row: the replay reports it, and no worker needs its key


def start_method() -> multiprocessing.context.BaseContext:
    """How to start worker processes here: fork when it is safe, else spawn."""
    # Fork starts a worker at once. But forking a process that runs other
    # threads (the bot's server) can leave a child stuck on a lock some thread
    # held at that moment, so such a process spawns fresh interpreters instead.
    if threading.active_count() == 1 and "fork" in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("spawn")
