"""The dialect-free store: opening, transactions, the write lock and its read-ahead.

A `Store` subclass per dialect (`SqliteStore`, `PostgresStore`) supplies the
driver connections, how a transaction begins and takes the write lock, the
notification at commit and how followers wait. Only the store talks SQL; at
work it talks it to the driver directly (`ledger.store.sql`), and SQLAlchemy
(with Alembic) only makes and migrates the schema.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager, suppress
from typing import TYPE_CHECKING, Any

from ledger.errors import LedgerError, NotInitialised
from ledger.store import cursors, derived, rows, schema
from ledger.store.bookkeeping import Bookkeeping
from ledger.store.reads import Reads
from ledger.store.sql import Conn, DatabaseFailure, LockWait, first_line, under
from ledger.store.writes import CATCH_UP, WriteTransaction

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection, Engine

__all__ = ["CATCH_UP", "Store", "WriteTransaction", "first_line"]

#: How long an append waits for another writer before giving up (both stores).
LOCK_WAIT_SECONDS = 30.0

#: How often a follower that cannot be woken looks for new events.
POLL_SECONDS = 0.2

#: What an append reads first under the lock (where the plan at the head stands, and
#: the last event): a store that can send these with the lock in one round trip does.
READ_AHEAD: tuple[tuple[str, dict[str, str] | None], ...] = (
    (derived.ROW, {"kind": "meta", "key": ""}),
    (rows.HEAD, None),
)


class Store(Reads, Bookkeeping):
    """Append-only storage of signed events in one SQL database."""

    dialect = ""

    def __init__(self, url: str, *, where: str) -> None:
        self.url = url
        #: The URL without its password, for messages.
        self.where = where

    @property
    def engine(self) -> Engine:
        """A SQLAlchemy engine on this database: for migrations, tools and tests."""
        raise NotImplementedError

    # --- opening --------------------------------------------------------------------------

    @classmethod
    def open(cls, url: str, *, create: bool = False) -> Store:
        """Open the database at `url` (any SQLAlchemy URL) with the store for its dialect.

        With `create`, a ledger's tables are made when absent; without it a
        database without a ledger raises `NotInitialised`. A ledger whose schema
        this version cannot read raises `UnsupportedSchema` either way.
        """
        from ledger.store.connect import open_store

        return open_store(url, create=create)

    def _setup(self, *, create: bool, check: bool = True) -> None:
        """Check (and with `create`, make) the schema; called once by `open_store`."""
        if not check:
            return
        try:
            if create:
                with self._migrating() as (conn, sa_conn):
                    version = schema.ledger_version(conn, where=self.where)
                    if version is None:
                        schema.migrate(sa_conn)
                    schema.require_current(version or schema.SCHEMA_VERSION, where=self.where)
                return
            with self._transaction() as conn:
                version = schema.ledger_version(conn, where=self.where)
                schema.require_current(version, where=self.where)
                missing_cursors = "follower_cursors" not in conn.tables()
            if missing_cursors:
                # Derived data: made again when someone dropped it.
                with self._transaction(lock=True) as conn:
                    conn.execute(cursors.CREATE)
        except DatabaseFailure as error:
            raise NotInitialised(
                f"cannot {'create' if create else 'read'} the ledger at {self.where}: {error}"
            ) from None

    def upgrade(self) -> tuple[int, int]:
        """Migrate this database's schema to the current version; (from, to)."""
        try:
            with self._migrating() as (conn, sa_conn):
                version = schema.ledger_version(conn, where=self.where)
                if version is None:
                    schema.require_current(None, where=self.where)
                    raise AssertionError("unreachable: require_current raises")
                if version < schema.SCHEMA_VERSION:
                    schema.migrate(sa_conn)
        except DatabaseFailure as error:  # not a database, or one this user cannot write
            raise NotInitialised(f"cannot upgrade the ledger at {self.where}: {error}") from None
        return version, schema.SCHEMA_VERSION

    @contextmanager
    def _migrating(self) -> Iterator[tuple[Conn, Connection]]:
        """A SQLAlchemy transaction holding the write lock (Alembic runs on one): the
        driver connection under it for the store's own statements, and itself."""
        from sqlalchemy.exc import DBAPIError

        try:
            with self.engine.connect() as sa_conn:
                sa_conn = self._sa_begin_locked(sa_conn)
                with sa_conn.begin():
                    conn = under(sa_conn)
                    self._take_lock(conn)
                    yield conn, sa_conn
        except DBAPIError as error:
            raise DatabaseFailure(first_line(error)) from None

    def close(self) -> None:
        """Release pooled connections."""

    # --- dialect hooks --------------------------------------------------------------------

    def _checkout(self) -> Any:
        """A driver connection from the pool (raises `DatabaseFailure`)."""
        raise NotImplementedError

    def _checkin(self, raw: Any) -> None:
        """Give a driver connection back to the pool, its transaction ended."""
        raise NotImplementedError

    def _wrap(self, raw: Any) -> Conn:
        """The `Conn` for one of this store's driver connections."""
        raise NotImplementedError

    def _begin(self, conn: Conn, *, lock: bool, wait: float | None = None) -> None:
        """Begin a transaction on `conn`; with `lock`, one that takes the write lock; with
        `wait`, a short write outside that lock that waits at most `wait` seconds for any
        lock it meets, sees what others committed up to each statement, and is not synced
        to disk at commit (it writes no part of the log)."""
        raise NotImplementedError

    def _end(self, conn: Conn, *, commit: bool) -> None:
        """Commit (or roll back) the transaction on `conn`."""
        raise NotImplementedError

    def _sa_begin_locked(self, conn: Connection) -> Connection:
        """Prepare a SQLAlchemy connection so that its transaction begins holding the lock."""
        return conn

    def _take_lock(self, conn: Conn) -> None:
        """Take the write lock inside the transaction just begun (if the dialect needs to)."""

    def _committing(self, conn: Conn, last_written: int) -> None:
        """Work done just before a write transaction commits (e.g. notify followers)."""

    def _read_ahead(self, conn: Conn, reads: Sequence[tuple[str, Any]]) -> None:
        """Send `reads` with the lock if that saves round trips (their answers kept for the
        identical reads the block makes); a store with its database at hand does nothing."""

    @contextmanager
    def _transaction(self, *, lock: bool = False, wait: float | None = None) -> Iterator[Conn]:
        """A transaction on a pooled connection (`_begin` says which kind), committed when
        the block ends without an exception and rolled back when it raises. Driver errors
        are `DatabaseFailure`."""
        raw = self._checkout()
        conn = self._wrap(raw)
        try:
            self._begin(conn, lock=lock, wait=wait)
            yield conn
        except BaseException:
            with suppress(Exception):  # the connection broke; the pool drops it
                self._end(conn, commit=False)
            self._checkin(raw)
            raise
        try:
            self._end(conn, commit=True)
        finally:
            self._checkin(raw)

    def wait_for_events(self, *, after: int, timeout: float) -> bool:
        """Wait up to `timeout` seconds for an event with seq > `after`; True if one exists.

        This polls; a dialect that can be woken (PostgreSQL) does better.
        """
        deadline = time.monotonic() + timeout
        while self.last_seq() <= after:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return False
            time.sleep(min(POLL_SECONDS, remaining))
        return True

    # --- reads ----------------------------------------------------------------------------

    def reading(self) -> AbstractContextManager[Conn]:
        """A connection for several reads (one transaction: one consistent snapshot)."""
        return self._reading()

    @contextmanager
    def _reading(self) -> Iterator[Conn]:
        try:
            with self._transaction() as conn:
                yield conn
        except DatabaseFailure as error:
            raise LedgerError(f"cannot read the database at {self.where}: {error}") from None

    # --- writes ---------------------------------------------------------------------------

    @contextmanager
    def locked(self) -> Iterator[Conn]:
        """A transaction holding the ledger's write lock; commits when the block ends."""
        try:
            with self._transaction(lock=True) as conn:
                yield conn
        except LockWait:
            raise LedgerError(
                f"another writer has held the ledger's write lock for over "
                f"{LOCK_WAIT_SECONDS:g} s; nothing was recorded. Try again, and if it "
                "persists look for a stuck `milestone` process or bot"
            ) from None
        except DatabaseFailure as error:
            raise LedgerError(f"the database refused the write: {error}") from None

    @contextmanager
    def writing(self, *, known: int | None = None) -> Iterator[WriteTransaction]:
        """A write transaction: the lock is taken before anything is read, so the head
        the block sees stays the head until it commits.

        `known` is the seq the caller's head stands at, so that the events after
        it (`WriteTransaction.newer`) can be read along with the lock.
        """
        with self.locked() as conn:
            reads: list[tuple[str, Any]] = [*READ_AHEAD]
            if known is not None:
                reads.append((rows.AFTER_SOME, {"after": known, "limit": CATCH_UP}))
            self._read_ahead(conn, reads)
            txn = WriteTransaction(conn)
            yield txn
            if txn.last_written is not None:
                self._committing(conn, txn.last_written)
