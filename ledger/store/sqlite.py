"""SQLite: the embedded default. WAL, synchronous=FULL, BEGIN IMMEDIATE; followers poll."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import OperationalError

from ledger.errors import LedgerError
from ledger.store import base, rows
from ledger.store.base import Store
from ledger.store.rows import StoredEvent


def sqlite_path(url: sa.URL) -> Path | None:
    """The file a SQLite URL names, or None for an in-memory or URI database."""
    database = url.database
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    return Path(database)


def make_engine(url: sa.URL) -> Engine:
    """An engine whose connections use WAL and synchronous=FULL and begin on request."""
    engine = sa.create_engine(url, connect_args={"timeout": base.LOCK_WAIT_SECONDS})

    @sa.event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let the "begin" hook below issue BEGIN itself, so that writes can ask
        # for BEGIN IMMEDIATE (the write lock up front).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        # FULL: a commit returns only once the WAL is on disk, so an
        # acknowledged event survives a power cut, not just a crash.
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute(f"PRAGMA busy_timeout={int(base.LOCK_WAIT_SECONDS * 1000)}")
        cursor.close()

    @sa.event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        mode = connection.get_execution_options().get("sqlite_begin", "DEFERRED")
        connection.exec_driver_sql(f"BEGIN {mode}")

    return engine


class SqliteStore(Store):
    """A ledger in one SQLite file."""

    dialect = "sqlite"

    def _begin_locked(self, conn: Connection) -> Connection:
        return conn.execution_options(sqlite_begin="IMMEDIATE")

    def _is_lock_wait(self, error: OperationalError) -> bool:
        return "database is locked" in str(error.orig)

    def scan(self, *, after: int | None = None, limit: int = 5000) -> list[StoredEvent]:
        """As `Store.scan`; SQLite keeps whatever it is given, so a text value that is
        not UTF-8 (as a flipped bit on disk leaves it) is decoded with surrogate
        escapes rather than failing the read, and a value of another type comes
        back as it is: either way it can never equal the body it is compared with."""
        try:
            with self.reading() as conn:
                found = rows.page(conn, rows.SCAN_COLUMNS, after=after, limit=limit)
            return [rows.stored(row) for row in found]
        except LedgerError:
            pass  # "Could not decode to UTF-8": read this page again as bytes
        with self.reading() as conn:
            raw = rows.page(conn, rows.RAW_COLUMNS, after=after, limit=limit)
        scanned = []
        for row in raw:
            values = list(row)
            for index in rows.TEXT_AT:
                if values[index] is not None:
                    values[index] = values[index].decode("utf-8", "surrogateescape")
            scanned.append(StoredEvent(*values))
        return scanned
