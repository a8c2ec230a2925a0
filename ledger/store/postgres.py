"""PostgreSQL: for teams with many writers. One ledger per schema, an advisory lock per
ledger, LISTEN/NOTIFY for followers."""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Sequence
from contextlib import suppress
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DBAPIError

from ledger.errors import NotInitialised
from ledger.store import base
from ledger.store.base import Store
from ledger.store.pipeline import PipelinedConn
from ledger.store.sql import Conn, DatabaseFailure, PostgresConn, first_line

if TYPE_CHECKING:
    import psycopg

_LEDGER_SCHEMA = (
    "SELECT coalesce((SELECT n.nspname FROM pg_class c "
    "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.oid = to_regclass('events')), "
    "current_schema())"
)


def ledger_tag(schema: str) -> tuple[int, str]:
    """The advisory lock key and NOTIFY channel of the ledger in PostgreSQL schema `schema`.

    Advisory locks and notifications are scoped to one database already, and a
    database holds one ledger per schema, so the schema names the ledger. The
    key is 64 bits of a hash: two ledgers sharing a key would merely take
    turns, never corrupt each other. The channel is hashed as well, because a
    channel name is limited to 63 bytes and a schema name may not be a plain
    identifier.
    """
    digest = hashlib.sha256(f"milestone-ledger/{schema}".encode()).digest()
    key = int.from_bytes(digest[:8], "big", signed=True)
    return key, f"milestone_{digest[8:16].hex()}"


#: A pooled connection idle for longer than this is pinged before use (see `make_engine`).
PING_AFTER_IDLE = 1.0


def make_engine(url: sa.URL) -> Engine:
    """An engine whose pool pings a connection that sat idle before handing it out: bot
    replicas hold pools for days, across server restarts.

    Only after `PING_AFTER_IDLE` seconds: one that a transaction ended just
    now is alive, and the ping would cost each append a round trip. The store
    borrows its pooled driver connections and runs its statements on them
    directly; Alembic runs on the engine itself.
    """
    engine = sa.create_engine(url)
    sa.event.listen(engine, "checkin", _idle_from)
    sa.event.listen(engine, "checkout", _ping_if_idle)
    return engine


def _idle_from(_dbapi: Any, record: Any) -> None:
    record.info["idle_from"] = time.monotonic()


def _ping_if_idle(dbapi: Any, record: Any, _proxy: Any) -> None:
    idle_from = record.info.get("idle_from")
    if idle_from is None or time.monotonic() - idle_from < PING_AFTER_IDLE:
        return
    try:
        dbapi.autocommit = True  # no transaction for the ping
        dbapi.execute(";")
        dbapi.autocommit = False
    except Exception as error:
        # The pool drops this connection and hands out a new one instead.
        raise sa.exc.DisconnectionError(first_line(error)) from None


class PostgresStore(Store):
    """A ledger in one schema of a PostgreSQL database."""

    dialect = "postgresql"

    def __init__(self, url: str, *, engine: Engine) -> None:
        super().__init__(url, where=engine.url.render_as_string(hide_password=True))
        self._engine = engine
        #: The schema holding this ledger, its lock key and its channel.
        self.schema: str | None = None
        self.lock_key: int | None = None
        self.channel: str | None = None
        self._listener: psycopg.Connection[Any] | None = None
        self._listener_guard = threading.Lock()

    def identify(self) -> None:
        """Find the schema of this URL's ledger: its lock key and channel follow.

        That is the schema of the events table the search_path resolves to (or,
        before there is one, the schema it will be created in), so that every
        writer of one table takes one lock even if their search_paths differ.
        """
        try:
            with self._transaction() as conn:
                schema = conn.scalar(_LEDGER_SCHEMA)
        except DatabaseFailure as error:
            raise NotInitialised(
                f"cannot connect to the database at {self.where}: {error}"
            ) from None
        if schema is None:
            raise NotInitialised(
                f"the search_path of {self.where} names no schema that exists; create the "
                "schema first, or fix the options=-csearch_path=... part of the URL"
            )
        self.schema = schema
        self.lock_key, self.channel = ledger_tag(schema)

    @property
    def engine(self) -> Engine:
        """The SQLAlchemy engine whose pool holds this store's connections."""
        return self._engine

    def close(self) -> None:
        """Release pooled connections and the listening connection, if any."""
        with self._listener_guard:
            self._drop_listener()
        self._engine.dispose()

    def _checkout(self) -> Any:
        try:
            return self._engine.raw_connection()
        except DBAPIError as error:
            raise DatabaseFailure(first_line(error)) from None
        except Exception as error:  # the pool raises the driver's own errors
            raise PostgresConn(None).failure(error) from None

    def _checkin(self, raw: Any) -> None:
        driver = getattr(raw, "driver_connection", raw)
        if driver.autocommit:
            # Still in the store's own mode: the transaction could not end cleanly,
            # so the connection is not fit for the pool's other users.
            raw.invalidate()
        raw.close()  # back to the pool, which rolls back whatever is left open

    def _wrap(self, raw: Any) -> Conn:
        # The pool's proxy, or (under a migration) the driver connection itself.
        return PipelinedConn(getattr(raw, "driver_connection", raw))

    def _begin(self, conn: Conn, *, lock: bool, wait: float | None = None) -> None:
        assert isinstance(conn, PipelinedConn)
        # BEGIN and COMMIT are ours, to travel in pipelines with other statements
        # (psycopg would send its own BEGIN and wait for it).
        conn.raw.autocommit = True
        if wait is not None:
            # READ COMMITTED: an INSERT that meets a key another transaction committed
            # meanwhile sees the conflict (REPEATABLE READ would fail to serialize). Not
            # flushed at commit: a brief write is not the log, and a crash may lose it.
            assert not lock
            conn.defer("BEGIN ISOLATION LEVEL READ COMMITTED")
            conn.defer(f"SET LOCAL lock_timeout = '{int(wait * 1000)}ms'")
            conn.defer("SET LOCAL synchronous_commit = off")
            return
        if not lock:
            # Several reads in one block see one snapshot of the ledger.
            conn.defer("BEGIN ISOLATION LEVEL REPEATABLE READ")
            return
        if self.lock_key is None:
            self.identify()
        # Each statement must see what the previous lock holder committed; under
        # REPEATABLE READ the snapshot would predate the lock wait. Every value is
        # ours (an int, constants).
        conn.defer("BEGIN ISOLATION LEVEL READ COMMITTED")
        conn.defer(f"SET LOCAL lock_timeout = '{int(base.LOCK_WAIT_SECONDS * 1000)}ms'")
        conn.defer(f"SELECT pg_advisory_xact_lock({int(self.lock_key or 0)})")
        # All of it goes with the block's first statement, or with `_read_ahead`.

    def _read_ahead(self, conn: Conn, reads: Sequence[tuple[str, Any]]) -> None:
        # One round trip: BEGIN, the lock, and what an append reads first.
        assert isinstance(conn, PipelinedConn)
        conn.read_ahead(reads)

    def _end(self, conn: Conn, *, commit: bool) -> None:
        assert isinstance(conn, PipelinedConn)
        try:
            if commit:
                conn.commit()
            else:
                conn.rollback()
        except BaseException:
            if commit:
                with suppress(Exception):  # a failed COMMIT leaves an aborted transaction
                    conn.rollback()
            raise
        finally:
            with suppress(Exception):  # not idle (broken): `_checkin` drops it
                conn.raw.autocommit = False

    def _sa_begin_locked(self, conn: Connection) -> Connection:
        return conn.execution_options(isolation_level="READ COMMITTED")

    def _take_lock(self, conn: Conn) -> None:
        # Under a migration, in SQLAlchemy's transaction: one round trip.
        if self.lock_key is None:
            self.identify()
        conn.execute(
            f"SET LOCAL lock_timeout = '{int(base.LOCK_WAIT_SECONDS * 1000)}ms'; "
            f"SELECT pg_advisory_xact_lock({int(self.lock_key or 0)})"
        )

    def _committing(self, conn: Conn, last_written: int) -> None:
        # Delivered at commit, and only if the commit happens; sent with the COMMIT.
        assert isinstance(conn, PipelinedConn)
        conn.defer(
            "SELECT pg_notify(:channel, :seq)", {"channel": self.channel, "seq": str(last_written)}
        )

    # --- following ------------------------------------------------------------------------

    def wait_for_events(self, *, after: int, timeout: float) -> bool:
        """Wait up to `timeout` seconds for an event with seq > `after`; True if one exists.

        LISTEN on this ledger's channel over a connection of its own (kept
        between calls), woken by the NOTIFY each append sends at commit. The
        last seq is read again before every wait and after every wake-up, so a
        notification lost or merged costs nothing, and since seqs are gap-free
        and commit in order, a follower that resumes after N never skips an
        event that commits later. Safe to call from several threads.
        """
        import psycopg

        deadline = time.monotonic() + timeout
        with self._listener_guard:
            try:
                while True:
                    listener = self._listening()
                    # LISTEN is in force before this look: an event that commits
                    # after it is notified, one that committed before is seen.
                    row = listener.execute("SELECT max(seq) FROM events").fetchone()
                    if row is not None and int(row[0] or 0) > after:
                        return True
                    remaining = deadline - time.monotonic()
                    if remaining <= 0:
                        return False
                    for _ in listener.notifies(timeout=remaining, stop_after=1):
                        pass
            except psycopg.OperationalError:
                # The connection broke (server restart, network): forget it and
                # poll through the pool for what is left; the next call listens again.
                self._drop_listener()
        return super().wait_for_events(after=after, timeout=max(0.0, deadline - time.monotonic()))

    def _listening(self) -> psycopg.Connection[Any]:
        """The connection that LISTENs on this ledger's channel (opened on first use)."""
        if self._listener is None or self._listener.closed:
            import psycopg
            from psycopg import sql

            cargs, cparams = self.engine.dialect.create_connect_args(self.engine.url)
            # Autocommit: LISTEN takes effect at once, and each look at the last
            # seq sees everything committed by then.
            listener = psycopg.connect(*cargs, **cparams, autocommit=True)
            listener.execute(sql.SQL("LISTEN {}").format(sql.Identifier(self.channel or "")))
            self._listener = listener
        return self._listener

    def _drop_listener(self) -> None:
        if self._listener is not None:
            try:
                self._listener.close()
            finally:
                self._listener = None
