"""One process's access to the ledger, shared by every request thread.

A `Ledger` keeps the decoded log in memory and is not thread-safe, so the bot
holds two: one for reads and one for writes, each behind its own lock. A write
waiting for the database's write lock (a long import at a terminal, a slow
PostgreSQL) then never holds up reads, which the database serves without
blocking.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TypeVar

from ledger.errors import PermissionDenied
from ledger.ledger import Ledger
from ledger.signing import Signer
from ledger.store import Store

T = TypeVar("T")


class LedgerAccess:
    """Reads and writes of one ledger from many threads."""

    def __init__(self, *, db_url: str, signer: Signer | None) -> None:
        self.db_url = db_url
        self.signer = signer
        self._reader = Ledger.open(db_url)  # fails now, at start-up, if there is no ledger
        self._writer: Ledger | None = None
        self._read_lock = threading.Lock()
        self._write_lock = threading.Lock()

    def read(self, use: Callable[[Ledger], T]) -> T:
        """Run `use` on the ledger, caught up with events appended anywhere."""
        with self._read_lock:
            self._reader.refresh()
            return use(self._reader)

    def write(self, use: Callable[[Ledger, Signer], T]) -> T:
        """Run `use` (which appends) with the ledger and the bot's signer, one at a time."""
        if self.signer is None:
            raise PermissionDenied("this bot has no signing key; set MILESTONE_BOT_KEY")
        with self._write_lock:
            if self._writer is None:
                self._writer = Ledger.open(self.db_url)
            return use(self._writer, self.signer)

    def close(self) -> None:
        """Release the database connections."""
        with self._read_lock:
            self._reader.close()
        with self._write_lock:
            if self._writer is not None:
                self._writer.close()

    @property
    def store(self) -> Store:
        """The event store (safe to use from any thread: each call takes its own connection)."""
        return self._reader.store
