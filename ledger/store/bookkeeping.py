"""What the store keeps beside the log: follower cursors and the requests seen lately.

Neither is the ledger: cursors are derived data (how far each follower has come),
and the seen requests only guard the Slack endpoint against replays. Both are
written in short transactions of their own that never take the log's write lock.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager

from ledger.errors import LedgerError
from ledger.store import cursors, sightings
from ledger.store.sql import Conn, DatabaseFailure, LockWait, Refused

#: How long recording a sighting waits for the database's locks unless told (the Slack
#: bot gives a share of its time to acknowledge; on SQLite a long append holds the lock).
SIGHTING_WAIT_SECONDS = 0.5


class Bookkeeping:
    """Cursors and sightings, the same on every store (mixed into `Store`)."""

    where: str

    def reading(self) -> AbstractContextManager[Conn]:
        """A connection for several reads (supplied by `Store`)."""
        raise NotImplementedError

    def _transaction(
        self, *, lock: bool = False, wait: float | None = None
    ) -> AbstractContextManager[Conn]:
        raise NotImplementedError

    # --- follower cursors (derived data) ----------------------------------------------------

    def cursor(self, name: str) -> int:
        """The last seq the follower `name` has handled (0 if it never ran)."""
        with self.reading() as conn:
            return cursors.get(conn, name)

    def save_cursor(self, name: str, seq: int) -> None:
        """Record that the follower `name` has handled every event up to `seq`."""
        with self._writing_derived() as conn:
            cursors.put(conn, name, seq)

    def advance_cursor(self, name: str, *, expected: int, to: int) -> bool:
        """Move the follower `name` from `expected` to `to` only if nobody moved it first.

        A compare-and-set, so that followers of one name in several processes
        (Slack bot replicas) each claim a different run of events. True if this
        call made the move; False if the cursor was no longer at `expected`.
        """
        try:
            with self._writing_derived() as conn:
                return cursors.compare_and_set(conn, name, expected=expected, to=to)
        except Refused:
            # Another process inserted the first row for `name` at the same moment.
            return False

    # --- requests seen lately (neither the ledger nor derived from it) -----------------------

    def first_sighting(
        self, key: str, *, at: float, keep_until: float, wait: float = SIGHTING_WAIT_SECONDS
    ) -> bool:
        """Record `key` as seen at `at` and kept until `keep_until` (epoch seconds); True
        if nobody had: of concurrent callers in any processes, exactly one gets True.

        Keys whose time is up are pruned first. Writes `seen_requests` only, waiting
        at most `wait` seconds for locks; past that, or when the database fails, it
        raises `LedgerError` and records nothing (`ledger.store.sightings`).
        """
        try:
            with self._transaction(wait=wait) as conn:
                return sightings.first(conn, key, at=at, keep_until=keep_until)
        except LockWait:
            raise LedgerError(
                f"the database at {self.where} was busy for over {wait:g} s "
                "(another writer holds its lock); the request was not recorded"
            ) from None
        except DatabaseFailure as error:
            raise LedgerError(f"cannot write to the database at {self.where}: {error}") from None

    @contextmanager
    def _writing_derived(self) -> Iterator[Conn]:
        """A short transaction writing derived rows only (no write lock on the log)."""
        try:
            with self._transaction() as conn:
                yield conn
        except Refused:
            raise
        except DatabaseFailure as error:
            raise LedgerError(f"cannot write to the database at {self.where}: {error}") from None
