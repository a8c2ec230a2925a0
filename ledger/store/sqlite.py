"""SQLite: the embedded default. WAL, synchronous=FULL, BEGIN IMMEDIATE; followers poll.

Statements go to the standard library's `sqlite3` directly; SQLAlchemy is
imported only when the schema is made or migrated (`engine`).
"""

from __future__ import annotations

import sqlite3
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ledger.errors import LedgerError
from ledger.store import base, rows
from ledger.store.base import Store
from ledger.store.rows import StoredEvent
from ledger.store.sql import Conn, DatabaseFailure, LockWait, SqliteConn, lenient_text

if TYPE_CHECKING:
    import sqlalchemy as sa
    from sqlalchemy.engine import Connection, Engine

#: Idle connections kept for reuse (the bot and the web view read from many threads).
POOL_SIZE = 8

#: Page cache of a writing transaction, in KiB (SQLite's default is 2 MiB). An append
#: touches a leaf of each index of `events`, most of them far apart (ids are random),
#: so on a large ledger a small cache rereads and spills pages all through a batch.
#: Readers set the default again: a cache only grows as pages are read, and a full
#: scan (verify, export) would otherwise hold this much of the file in memory. A
#: connection that last wrote keeps its warm cache for the next write.
WRITER_CACHE_KIB = 65536
READER_CACHE_KIB = 2000

#: For scans, which must read every row whatever a flipped bit on disk left in it:
#: the binary columns always as bytes (SQLite keeps any value in any column).
SCAN = (
    "SELECT "
    + ", ".join(
        f"CAST({name} AS BLOB)" if name in ("body", "hash", "sig") else name
        for name in rows.COLUMNS
    )
    + " FROM events"
)


def path_of(database: str | None) -> Path | None:
    """The file a SQLite database name is, or None for an in-memory or URI database."""
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    return Path(database)


def make_engine(url: sa.URL | str) -> Engine:
    """A SQLAlchemy engine whose connections use WAL and synchronous=FULL and begin on
    request (for migrations and tools; commands use the driver directly)."""
    import sqlalchemy as sa

    engine = sa.create_engine(url, connect_args={"timeout": base.LOCK_WAIT_SECONDS})

    @sa.event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let the "begin" hook below issue BEGIN itself, so that writes can ask
        # for BEGIN IMMEDIATE (the write lock up front).
        dbapi_connection.isolation_level = None
        _pragmas(dbapi_connection)

    @sa.event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        mode = connection.get_execution_options().get("sqlite_begin", "DEFERRED")
        connection.exec_driver_sql(f"BEGIN {mode}")

    return engine


def _pragmas(raw: sqlite3.Connection) -> None:
    raw.execute("PRAGMA journal_mode=WAL")
    # FULL: a commit returns only once the WAL is on disk, so an acknowledged
    # event survives a power cut, not just a crash.
    raw.execute("PRAGMA synchronous=FULL")
    _wait_fully(raw)


def _wait_fully(raw: sqlite3.Connection) -> None:
    """Wait up to `LOCK_WAIT_SECONDS` for another connection's lock."""
    raw.execute(f"PRAGMA busy_timeout={int(base.LOCK_WAIT_SECONDS * 1000)}")


class SqliteStore(Store):
    """A ledger in one SQLite file."""

    dialect = "sqlite"

    def __init__(self, url: str, *, where: str, database: str) -> None:
        super().__init__(url, where=where)
        #: The database as `sqlite3.connect` takes it (a path, or ":memory:").
        self.database = database
        self._engine: Engine | None = None
        self._idle: list[sqlite3.Connection] = []
        self._guard = threading.Lock()
        # Brief writes of this process take turns here, in order, rather than in SQLite's
        # busy handler, whose growing sleeps let a burst of them starve one past its wait.
        self._brief_turn = threading.Lock()

    @property
    def engine(self) -> Engine:
        """A SQLAlchemy engine on the same file, made on first use."""
        if self._engine is None:
            self._engine = make_engine(self.url)
        return self._engine

    def close(self) -> None:
        """Close the idle connections (and the SQLAlchemy engine, if one was made)."""
        with self._guard:
            idle, self._idle = self._idle, []
        for raw in idle:
            raw.close()
        if self._engine is not None:
            self._engine.dispose()

    def _checkout(self) -> sqlite3.Connection:
        with self._guard:
            if self._idle:
                return self._idle.pop()
        try:
            # Autocommit at the driver: the store says BEGIN (and which kind) itself.
            raw = sqlite3.connect(
                self.database,
                timeout=base.LOCK_WAIT_SECONDS,
                isolation_level=None,
                check_same_thread=False,
            )
            _pragmas(raw)
        except sqlite3.Error as error:
            raise SqliteConn(None).failure(error) from None
        return raw

    def _checkin(self, raw: sqlite3.Connection) -> None:
        if raw.in_transaction:  # the transaction could not be ended: do not reuse it
            raw.close()
            return
        with self._guard:
            if len(self._idle) < POOL_SIZE:
                self._idle.append(raw)
                return
        raw.close()

    def _wrap(self, raw: Any) -> Conn:
        return SqliteConn(raw)

    def _begin(self, conn: Conn, *, lock: bool, wait: float | None = None) -> None:
        if wait is not None:
            # The file's only write lock, waited for briefly; `_end` restores the wait.
            assert isinstance(conn, SqliteConn) and not lock
            deadline = time.monotonic() + wait
            if not self._brief_turn.acquire(timeout=wait):
                raise LockWait("database is locked (by this process's other brief writes)")
            conn.brief_wait = True
            left = max(deadline - time.monotonic(), 0.001)
            conn.execute(f"PRAGMA busy_timeout={int(left * 1000)}")
            # Not synced at commit: a brief write is not the log and may be lost to a
            # power cut (it is synced with the next commit that is). No fsync, no queue.
            conn.execute("PRAGMA synchronous=NORMAL")
            conn.execute("BEGIN IMMEDIATE")
            return
        cache = WRITER_CACHE_KIB if lock else READER_CACHE_KIB
        conn.execute(f"PRAGMA cache_size=-{cache}")
        # IMMEDIATE takes the write lock before anything is read.
        conn.execute("BEGIN IMMEDIATE" if lock else "BEGIN")

    def _end(self, conn: Conn, *, commit: bool) -> None:
        try:
            if conn.raw.in_transaction:
                conn.execute("COMMIT" if commit else "ROLLBACK")
        finally:
            if isinstance(conn, SqliteConn) and conn.brief_wait:
                conn.brief_wait = False
                self._brief_turn.release()
                conn.raw.execute("PRAGMA synchronous=FULL")
                _wait_fully(conn.raw)

    def _sa_begin_locked(self, conn: Connection) -> Connection:
        return conn.execution_options(sqlite_begin="IMMEDIATE")

    def scan(self, *, after: int | None = None, limit: int = 5000) -> list[StoredEvent]:
        """As `Store.scan`; SQLite keeps whatever it is given, so a text value that is
        not UTF-8 (as a flipped bit on disk leaves it) is decoded with surrogate
        escapes rather than failing the read, and a value of another type comes
        back as it is: either way it can never equal the body it is compared with."""
        try:
            raw = self._checkout()
        except DatabaseFailure as error:
            raise LedgerError(f"cannot read the database at {self.where}: {error}") from None
        raw.text_factory = lenient_text
        conn = SqliteConn(raw)
        try:
            self._begin(conn, lock=False)
            found = rows.page(conn, SCAN, after=after, limit=limit)
            self._end(conn, commit=True)
        except DatabaseFailure as error:
            raise LedgerError(f"cannot read the database at {self.where}: {error}") from None
        finally:
            raw.text_factory = str
            self._checkin(raw)  # closed rather than kept if its transaction is still open
        return [rows.stored(row) for row in found]
