"""Readers of the ledger shared by the web view's request threads.

A `Ledger` keeps the plan at the head in memory and is not thread-safe, so
each request borrows one of a few readers, catches it up with events
appended anywhere, and gives it back. Several readers let a slow question
(a plan as of a date long ago, a full verification) run beside quick ones.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable
from typing import TypeVar

from ledger.ledger import Ledger

T = TypeVar("T")


class Readers:
    """Up to `size` open ledgers, lent to one request at a time."""

    def __init__(self, *, db_url: str, size: int) -> None:
        self.db_url = db_url
        self.size = size
        self._idle: queue.LifoQueue[Ledger] = queue.LifoQueue()
        self._opened: list[Ledger] = []
        self._lock = threading.Lock()
        # Fails now, at start-up, with the ledger's own advice when there is no ledger.
        self._idle.put(self._open())

    def _open(self) -> Ledger:
        ledger = Ledger.open(self.db_url)
        self._opened.append(ledger)
        return ledger

    def _borrow(self) -> Ledger:
        try:
            return self._idle.get_nowait()
        except queue.Empty:
            pass
        with self._lock:
            if len(self._opened) < self.size:
                return self._open()
        return self._idle.get()

    def read(self, use: Callable[[Ledger], T]) -> T:
        """Run `use` on a ledger caught up with the database."""
        ledger = self._borrow()
        try:
            ledger.refresh()
            return use(ledger)
        finally:
            self._idle.put(ledger)

    def close(self) -> None:
        """Release every database connection."""
        with self._lock:
            for ledger in self._opened:
                ledger.close()
            self._opened.clear()
