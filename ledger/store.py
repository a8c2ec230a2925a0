"""The event store: the only module that talks SQL.

One append-only table of events (UPDATE, DELETE and, on PostgreSQL, TRUNCATE
are rejected by triggers in the database itself) and a small table of
metadata. Appends run one at a time per ledger: SQLite `BEGIN IMMEDIATE`,
PostgreSQL a transaction-level advisory lock keyed on the ledger's schema,
both taken before the head is read. Readers never block. Followers wait for
new events through `Store.wait_for_events`: LISTEN/NOTIFY on PostgreSQL,
polling on SQLite.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError
from sqlmodel import Field, SQLModel

from ledger.errors import Conflict, LedgerError, NotInitialised, UnsupportedSchema

if TYPE_CHECKING:
    import psycopg

#: Bumped whenever the tables change shape; a database with another version is
#: refused rather than misread (see `Store._check_schema`).
SCHEMA_VERSION = 1

#: How often `wait_for_events` looks for new events when it polls (SQLite).
_POLL_SECONDS = 0.2

#: How long an append waits for another writer before giving up (both stores).
_LOCK_WAIT_SECONDS = 30.0

#: The tables a ledger needs; follower cursors are derived data, made on demand.
_LEDGER_TABLES = ("events", "ledger_meta")


class EventRecord(SQLModel, table=True):
    """One signed event. `body` holds the exact canonical bytes that were hashed."""

    __tablename__ = "events"

    seq: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    id: str = Field(unique=True, max_length=36)
    type: str = Field(index=True, max_length=64)
    subject: str = Field(index=True, max_length=200)
    actor: str = Field(index=True, max_length=200)
    key: str = Field(max_length=16)
    rfc: str | None = Field(default=None, index=True, max_length=64)
    idem: str | None = Field(default=None, unique=True, max_length=200)
    recorded_at: str = Field(max_length=27)
    effective: str = Field(max_length=27)
    body: bytes
    hash: bytes
    sig: bytes


class MetaRecord(SQLModel, table=True):
    """Facts about the database itself, such as its schema version."""

    __tablename__ = "ledger_meta"

    name: str = Field(primary_key=True, max_length=64)
    value: str


class CursorRecord(SQLModel, table=True):
    """How far a follower (such as the Slack announcer) has read. Derived data."""

    __tablename__ = "follower_cursors"

    name: str = Field(primary_key=True, max_length=100)
    seq: int


_EVENTS = EventRecord.__table__  # type: ignore[attr-defined]
_META = MetaRecord.__table__  # type: ignore[attr-defined]
_CURSORS = CursorRecord.__table__  # type: ignore[attr-defined]
_COLUMNS = (
    "seq",
    "id",
    "type",
    "subject",
    "actor",
    "key",
    "rfc",
    "idem",
    "recorded_at",
    "effective",
    "body",
    "hash",
    "sig",
)


#: Statements used on every append, built once: constructing a SELECT per call
#: cost about as much as the fsync'd commit itself.
_ALL_COLUMNS = sa.select(*(_EVENTS.c[name] for name in _COLUMNS))
_AFTER = _ALL_COLUMNS.where(_EVENTS.c.seq > sa.bindparam("after")).order_by(_EVENTS.c.seq)
_HEAD = _ALL_COLUMNS.order_by(_EVENTS.c.seq.desc()).limit(1)
_BY_IDEM = _ALL_COLUMNS.where(_EVENTS.c.idem == sa.bindparam("idem"))
#: For `Store.scan` on SQLite, which stores any value in any column: the binary
#: columns always as bytes; and, to read a page where a text value is not
#: UTF-8, every column as bytes.
_SCAN_COLUMNS = sa.select(
    *(
        sa.cast(_EVENTS.c[name], sa.LargeBinary)
        if name in ("body", "hash", "sig")
        else _EVENTS.c[name]
        for name in _COLUMNS
    )
)
_RAW_COLUMNS = sa.select(
    _EVENTS.c.seq, *(sa.cast(_EVENTS.c[name], sa.LargeBinary) for name in _COLUMNS[1:])
)
_TEXT_AT = tuple(i for i, name in enumerate(_COLUMNS) if name not in ("seq", "body", "hash", "sig"))


@dataclass(frozen=True, slots=True)
class StoredEvent:
    """An event row exactly as stored: index columns plus body, hash and signature."""

    seq: int
    id: str
    type: str
    subject: str
    actor: str
    key: str
    rfc: str | None
    idem: str | None
    recorded_at: str
    effective: str
    body: bytes
    hash: bytes
    sig: bytes

    @property
    def body_hash_ok(self) -> bool:
        """Whether the stored hash is the SHA-256 of the stored body."""
        return hashlib.sha256(self.body).digest() == self.hash

    def as_row(self) -> dict[str, Any]:
        """The row as a dict of column values."""
        return {name: getattr(self, name) for name in _COLUMNS}


def _stored(row: Sequence[Any]) -> StoredEvent:
    values = list(row)
    # Drivers hand binary columns back as bytes or memoryview; keep exact bytes.
    for index in (10, 11, 12):
        values[index] = bytes(values[index])
    return StoredEvent(*values)


_SQLITE_TRIGGERS = (
    "CREATE TRIGGER IF NOT EXISTS events_no_update BEFORE UPDATE ON events "
    "BEGIN SELECT RAISE(ABORT, 'events are append-only: UPDATE is refused'); END",
    "CREATE TRIGGER IF NOT EXISTS events_no_delete BEFORE DELETE ON events "
    "BEGIN SELECT RAISE(ABORT, 'events are append-only: DELETE is refused'); END",
)
_POSTGRES_TRIGGERS = (
    "CREATE OR REPLACE FUNCTION events_append_only() RETURNS trigger AS $$ BEGIN "
    "RAISE EXCEPTION 'events are append-only: % is refused', TG_OP; END $$ LANGUAGE plpgsql",
    "DROP TRIGGER IF EXISTS events_no_change ON events",
    "CREATE TRIGGER events_no_change BEFORE UPDATE OR DELETE ON events "
    "FOR EACH ROW EXECUTE FUNCTION events_append_only()",
    "DROP TRIGGER IF EXISTS events_no_truncate ON events",
    "CREATE TRIGGER events_no_truncate BEFORE TRUNCATE ON events "
    "FOR EACH STATEMENT EXECUTE FUNCTION events_append_only()",
)


_PG_LEDGER_SCHEMA = (
    "SELECT coalesce((SELECT n.nspname FROM pg_class c "
    "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.oid = to_regclass('events')), "
    "current_schema())"
)


def _sqlite_path(url: sa.URL) -> Path | None:
    database = url.database
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    return Path(database)


def _make_engine(url: sa.URL) -> Engine:
    if url.get_backend_name() == "sqlite":
        engine = sa.create_engine(url, connect_args={"timeout": _LOCK_WAIT_SECONDS})

        @sa.event.listens_for(engine, "connect")
        def _on_connect(dbapi_connection: Any, _record: Any) -> None:
            # Let SQLAlchemy's "begin" hook below issue BEGIN itself, so that
            # appends can ask for BEGIN IMMEDIATE (the write lock up front).
            dbapi_connection.isolation_level = None
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            # FULL: a commit returns only once the WAL is on disk, so an
            # acknowledged event survives a power cut, not just a crash.
            cursor.execute("PRAGMA synchronous=FULL")
            cursor.execute(f"PRAGMA busy_timeout={int(_LOCK_WAIT_SECONDS * 1000)}")
            cursor.close()

        @sa.event.listens_for(engine, "begin")
        def _on_begin(connection: Connection) -> None:
            mode = connection.get_execution_options().get("sqlite_begin", "DEFERRED")
            connection.exec_driver_sql(f"BEGIN {mode}")

        return engine
    # pre_ping: bot replicas hold pools for days, across server restarts.
    return sa.create_engine(url, pool_pre_ping=True)


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


class Store:
    """Append-only storage of signed events in one SQL database."""

    def __init__(self, url: str, *, engine: Engine) -> None:
        self.url = url
        self.engine = engine
        self.dialect = engine.dialect.name
        #: The URL without its password, for messages.
        self.where = engine.url.render_as_string(hide_password=True)
        #: PostgreSQL only: the schema holding this ledger, its lock key and channel.
        self.schema: str | None = None
        self.lock_key: int | None = None
        self.channel: str | None = None
        self._insert = sa.insert(_EVENTS)
        self._listener: psycopg.Connection[Any] | None = None
        self._listener_guard = threading.Lock()

    @classmethod
    def open(cls, url: str, *, create: bool = False) -> Store:
        """Open the database at `url` (any SQLAlchemy URL).

        With `create`, the tables are made when absent; without it a missing
        SQLite file or a database without a ledger raises `NotInitialised`. A
        ledger made by another version of milestone-ledger raises
        `UnsupportedSchema`, with or without `create`.
        """
        try:
            parsed = sa.make_url(url)
        except sa.exc.ArgumentError:
            raise NotInitialised(
                f"{url!r} is not a database URL; use e.g. sqlite:///milestones.db or "
                "postgresql+psycopg://user@host/dbname"
            ) from None
        path = _sqlite_path(parsed) if parsed.get_backend_name() == "sqlite" else None
        if path is not None and not create and not path.exists():
            raise NotInitialised(
                f"no ledger database at {path}; run `milestone init` to create one, "
                "or pass --db / set MILESTONE_DB_URL to an existing ledger"
            )
        store = cls(url, engine=_make_engine(parsed))
        try:
            if store.dialect == "postgresql":
                store._identify()
            if create:
                store._create_schema()
            store._check_schema()
        except BaseException:
            store.close()
            raise
        return store

    def close(self) -> None:
        """Release pooled connections and the listening connection, if any."""
        with self._listener_guard:
            self._drop_listener()
        self.engine.dispose()

    # --- schema ---------------------------------------------------------------------------

    def _identify(self) -> None:
        """Find the PostgreSQL schema of this URL's ledger: its lock key and channel follow.

        That is the schema of the events table the search_path resolves to (or,
        before there is one, the schema it will be created in), so that every
        writer of one table takes one lock even if their search_paths differ.
        """
        try:
            with self.engine.connect() as conn:
                schema = conn.execute(sa.text(_PG_LEDGER_SCHEMA)).scalar()
        except DBAPIError as error:
            raise NotInitialised(
                f"cannot connect to the database at {self.where}: {_first_line(error)}"
            ) from None
        if schema is None:
            raise NotInitialised(
                f"the search_path of {self.where} names no schema that exists; create the "
                "schema first, or fix the options=-csearch_path=... part of the URL"
            )
        self.schema = schema
        self.lock_key, self.channel = ledger_tag(schema)

    def _create_schema(self) -> None:
        try:
            conn = self.engine.connect()
            if self.dialect == "sqlite":
                conn = conn.execution_options(sqlite_begin="IMMEDIATE")
            with conn, conn.begin():
                if self.dialect == "postgresql":
                    # Two processes running `init` at once must not race on DDL.
                    conn.execute(sa.text("SELECT pg_advisory_xact_lock(:k)"), {"k": self.lock_key})
                # Never lay today's tables or triggers over another version's ledger.
                self._refuse_other_versions(conn, fresh_ok=True)
                SQLModel.metadata.create_all(conn, tables=[_EVENTS, _META, _CURSORS])
                triggers = _POSTGRES_TRIGGERS if self.dialect == "postgresql" else _SQLITE_TRIGGERS
                for statement in triggers:
                    conn.execute(sa.text(statement))
                existing = conn.execute(
                    sa.select(_META.c.value).where(_META.c.name == "schema_version")
                ).scalar()
                if existing is None:
                    conn.execute(
                        sa.insert(_META).values(name="schema_version", value=str(SCHEMA_VERSION))
                    )
        except DBAPIError as error:
            raise NotInitialised(
                f"cannot create the ledger at {self.where}: {_first_line(error)}"
            ) from None

    def _check_schema(self) -> None:
        try:
            with self.engine.connect() as conn:
                self._refuse_other_versions(conn, fresh_ok=False)
                if not sa.inspect(conn).has_table("follower_cursors"):
                    # Derived data, and younger than version 1: make it when absent.
                    _CURSORS.create(conn, checkfirst=True)
                    conn.commit()
        except DBAPIError as error:
            raise NotInitialised(
                f"cannot read the database at {self.where}: {_first_line(error)}"
            ) from None

    def _refuse_other_versions(self, conn: Connection, *, fresh_ok: bool) -> None:
        """Raise unless the database holds a ledger of this schema version.

        With `fresh_ok`, a database without any ledger tables passes (it is
        about to be created). There are no migrations: only version 1 has ever
        existed. A ledger of another version is refused with what to do, which
        for an older one is to carry the signed log across with export and
        import (the log, not the tables, is the ledger).
        """
        inspector = sa.inspect(conn)
        present = [name for name in _LEDGER_TABLES if inspector.has_table(name)]
        if not present:
            if fresh_ok:
                return
            raise NotInitialised(
                f"the database at {self.where} holds no ledger (no ledger tables); "
                "run `milestone init` to create one, or check --db / MILESTONE_DB_URL"
            )
        if len(present) < len(_LEDGER_TABLES):
            missing = ", ".join(sorted(set(_LEDGER_TABLES) - set(present)))
            raise NotInitialised(
                f"the database at {self.where} has some ledger tables but not {missing}; "
                "it was not made by `milestone init`, or it was damaged"
            )
        value = conn.execute(
            sa.select(_META.c.value).where(_META.c.name == "schema_version")
        ).scalar()
        if value is None:
            raise NotInitialised(
                f"the database at {self.where} has ledger tables but no schema version; "
                "it was not made by `milestone init`"
            )
        try:
            version = int(value)
        except ValueError:
            raise UnsupportedSchema(
                f"the database at {self.where} records schema version {value!r}, which is not "
                "a version milestone-ledger ever wrote; it was not made by `milestone init`"
            ) from None
        if version > SCHEMA_VERSION:
            raise UnsupportedSchema(
                f"the ledger at {self.where} has schema version {version}, made by a newer "
                f"milestone-ledger; this one reads version {SCHEMA_VERSION}. Upgrade "
                "milestone-ledger (pip install -U milestone-ledger) to use it"
            )
        if version < SCHEMA_VERSION:
            raise UnsupportedSchema(
                f"the ledger at {self.where} has schema version {version}, made by an older "
                f"milestone-ledger; this one reads version {SCHEMA_VERSION} and has no "
                "migration from it. With the older milestone-ledger run `milestone export "
                "FILE`, then with this one `milestone --db NEW_DB import FILE`"
            )

    # --- reads ----------------------------------------------------------------------------

    def head(self) -> StoredEvent | None:
        """The last event, or None for an empty ledger."""
        with self.engine.connect() as conn:
            return _head(conn)

    def read(self, *, after: int = 0, upto: int | None = None) -> list[StoredEvent]:
        """Events with `after < seq <= upto`, in seq order."""
        query = _ALL_COLUMNS.where(_EVENTS.c.seq > after)
        if upto is not None:
            query = query.where(_EVENTS.c.seq <= upto)
        with self.engine.connect() as conn:
            rows = conn.execute(query.order_by(_EVENTS.c.seq)).all()
        return [_stored(row) for row in rows]

    def select(
        self,
        *,
        since: int = 0,
        actor: str | None = None,
        rfc: str | None = None,
        type_: str | None = None,
        subjects: Sequence[str] | None = None,
        limit: int | None = None,
    ) -> list[StoredEvent]:
        """Events filtered on index columns, in seq order."""
        query = _ALL_COLUMNS.where(_EVENTS.c.seq > since)
        if actor is not None:
            query = query.where(_EVENTS.c.actor == actor)
        if rfc is not None:
            query = query.where(_EVENTS.c.rfc == rfc)
        if type_ is not None:
            query = query.where(_EVENTS.c.type == type_)
        if subjects is not None:
            query = query.where(_EVENTS.c.subject.in_(list(subjects)))
        query = query.order_by(_EVENTS.c.seq)
        if limit is not None:
            query = query.limit(limit)
        with self.engine.connect() as conn:
            return [_stored(row) for row in conn.execute(query).all()]

    def by_idem(self, idem: str) -> StoredEvent | None:
        """The event recorded under an idempotency key, if any."""
        with self.engine.connect() as conn:
            return _by_idem(conn, idem)

    def rows(self, seqs: Sequence[int]) -> list[StoredEvent]:
        """The events with the given seqs, in seq order."""
        if not seqs:
            return []
        query = _ALL_COLUMNS.where(_EVENTS.c.seq.in_(list(seqs)))
        with self.engine.connect() as conn:
            return [_stored(row) for row in conn.execute(query.order_by(_EVENTS.c.seq)).all()]

    def iter_all(self, *, batch: int = 5000) -> Iterator[StoredEvent]:
        """Every event in seq order, read in batches (for verification and export)."""
        after = 0
        while True:
            chunk = self.read(after=after, upto=after + batch)
            if not chunk:
                return
            yield from chunk
            after = chunk[-1].seq

    def scan(self, *, after: int | None = None, limit: int = 5000) -> list[StoredEvent]:
        """Up to `limit` rows with seq > `after` (from the lowest when None), in seq order.

        For verification, which must see every row to report it. Unlike `read`
        there is no window of expected seqs: a row stored far beyond the head,
        or at seq 0 or below, comes back too. On SQLite, which keeps whatever
        it is given, a text value that is not UTF-8 (as a flipped bit on disk
        leaves it) is decoded with surrogate escapes rather than failing the
        read, and a value of another type comes back as it is: either way it
        can never equal the body it is compared with.
        """
        if self.dialect != "sqlite":
            return [_stored(row) for row in self._page(_ALL_COLUMNS, after, limit)]
        try:
            return [_stored(row) for row in self._page(_SCAN_COLUMNS, after, limit)]
        except OperationalError:
            pass  # "Could not decode to UTF-8": read this page again as bytes
        scanned = []
        for row in self._page(_RAW_COLUMNS, after, limit):
            values = list(row)
            for index in _TEXT_AT:
                if values[index] is not None:
                    values[index] = values[index].decode("utf-8", "surrogateescape")
            scanned.append(StoredEvent(*values))
        return scanned

    def _page(self, query: sa.Select[Any], after: int | None, limit: int) -> list[sa.Row[Any]]:
        if after is not None:
            query = query.where(_EVENTS.c.seq > after)
        with self.engine.connect() as conn:
            return list(conn.execute(query.order_by(_EVENTS.c.seq).limit(limit)).all())

    def last_seq(self) -> int:
        """The seq of the last event (0 for none), without reading its body."""
        with self.engine.connect() as conn:
            return conn.execute(sa.select(sa.func.max(_EVENTS.c.seq))).scalar() or 0

    # --- following ------------------------------------------------------------------------

    def wait_for_events(self, *, after: int, timeout: float) -> bool:
        """Wait up to `timeout` seconds for an event with seq > `after`; True if one exists.

        PostgreSQL: LISTEN on this ledger's channel over a connection of its
        own (kept between calls), woken by the NOTIFY each append sends at
        commit. SQLite: polls. Either way the last seq is read again before
        every wait and after every wake-up, so a notification lost or merged
        costs nothing, and since seqs are gap-free and commit in order, a
        follower that resumes after N never skips an event that commits later.
        Safe to call from several threads (they take turns on the listener).
        """
        if self.dialect != "postgresql":
            return self._poll_for_events(after=after, timeout=timeout)
        import psycopg

        deadline = time.monotonic() + timeout
        with self._listener_guard:
            try:
                while True:
                    listener = self._listening()
                    # LISTEN is in force before this look: an event that commits
                    # after it is notified, one that committed before is seen.
                    if _max_seq(listener) > after:
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
        return self._poll_for_events(after=after, timeout=max(0.0, deadline - time.monotonic()))

    def _poll_for_events(self, *, after: int, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while True:
            try:
                if self.last_seq() > after:
                    return True
            except DBAPIError as error:
                raise LedgerError(
                    f"cannot read the database at {self.where}: {_first_line(error)}"
                ) from None
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return False
            time.sleep(min(_POLL_SECONDS, remaining))

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

    # --- follower cursors (derived data) ---------------------------------------------------------

    def cursor(self, name: str) -> int:
        """The last seq the follower `name` has handled (0 if it never ran)."""
        with self.engine.connect() as conn:
            value = conn.execute(sa.select(_CURSORS.c.seq).where(_CURSORS.c.name == name)).scalar()
        return int(value or 0)

    def save_cursor(self, name: str, seq: int) -> None:
        """Record that the follower `name` has handled every event up to `seq`."""
        with self.engine.begin() as conn:
            updated = conn.execute(
                sa.update(_CURSORS).where(_CURSORS.c.name == name).values(seq=seq)
            ).rowcount
            if not updated:
                conn.execute(sa.insert(_CURSORS).values(name=name, seq=seq))

    def advance_cursor(self, name: str, *, expected: int, to: int) -> bool:
        """Move the follower `name` from `expected` to `to` only if nobody moved it first.

        A compare-and-set, so that followers of one name in several processes
        (Slack bot replicas) each claim a different run of events. True if this
        call made the move; False if the cursor was no longer at `expected`.
        """
        try:
            with self.engine.begin() as conn:
                moved = conn.execute(
                    sa.update(_CURSORS)
                    .where(_CURSORS.c.name == name, _CURSORS.c.seq == expected)
                    .values(seq=to)
                ).rowcount
                if moved or expected != 0:
                    return bool(moved)
                if conn.execute(sa.select(_CURSORS.c.seq).where(_CURSORS.c.name == name)).first():
                    return False
                conn.execute(sa.insert(_CURSORS).values(name=name, seq=to))
                return True
        except IntegrityError:
            # Another process inserted the first row for `name` at the same moment.
            return False

    # --- writes ---------------------------------------------------------------------------

    @contextmanager
    def writing(self) -> Iterator[WriteTransaction]:
        """A transaction holding the ledger's write lock; commits when the block ends.

        The lock is taken before anything is read, so the head the block sees
        stays the head until it commits. On PostgreSQL the commit also
        notifies the ledger's channel with the last seq written.
        """
        conn = self.engine.connect()
        try:
            if self.dialect == "sqlite":
                conn = conn.execution_options(sqlite_begin="IMMEDIATE")
            else:
                # Each statement must see what the previous lock holder committed;
                # under REPEATABLE READ the snapshot would predate the lock wait.
                conn = conn.execution_options(isolation_level="READ COMMITTED")
            with conn.begin():
                if self.dialect == "postgresql":
                    if self.lock_key is None:
                        self._identify()
                    # One round trip; both values are ours (an int, a constant).
                    conn.exec_driver_sql(
                        f"SET LOCAL lock_timeout = '{int(_LOCK_WAIT_SECONDS * 1000)}ms'; "
                        f"SELECT pg_advisory_xact_lock({int(self.lock_key or 0)})"
                    )
                txn = WriteTransaction(conn, self._insert)
                yield txn
                if self.dialect == "postgresql" and txn.last_written is not None:
                    # Delivered at commit, and only if the commit happens.
                    conn.execute(
                        sa.text("SELECT pg_notify(:channel, :seq)"),
                        {"channel": self.channel, "seq": str(txn.last_written)},
                    )
        except OperationalError as error:
            if _is_lock_wait(error):
                raise LedgerError(
                    f"another writer has held the ledger's write lock for over "
                    f"{_LOCK_WAIT_SECONDS:g} s; nothing was recorded. Try again, and if it "
                    "persists look for a stuck `milestone` process or bot"
                ) from None
            raise LedgerError(f"the database refused the write: {_first_line(error)}") from None
        finally:
            conn.close()


class WriteTransaction:
    """What an append may do while it holds the write lock."""

    def __init__(self, conn: Connection, insert: sa.Insert) -> None:
        self._conn = conn
        self._insert = insert
        #: The seq of the last event inserted in this transaction, if any.
        self.last_written: int | None = None

    def head(self) -> StoredEvent | None:
        """The last committed event."""
        return _head(self._conn)

    def read_after(self, seq: int) -> list[StoredEvent]:
        """Events committed after `seq`, in order."""
        return [_stored(row) for row in self._conn.execute(_AFTER, {"after": seq}).all()]

    def by_idem(self, idem: str) -> StoredEvent | None:
        """The event recorded under an idempotency key, if any."""
        return _by_idem(self._conn, idem)

    def insert(self, event: StoredEvent) -> None:
        """Insert one event; a clash on seq, id or idem is a `Conflict`."""
        try:
            self._conn.execute(self._insert, event.as_row())
        except IntegrityError as error:
            raise Conflict(
                f"event {event.seq} clashes with one already stored ({_first_line(error)}); "
                "nothing was recorded. Look again and retry"
            ) from None
        self.last_written = event.seq


def _head(conn: Connection) -> StoredEvent | None:
    row = conn.execute(_HEAD).first()
    return _stored(row) if row is not None else None


def _by_idem(conn: Connection, idem: str) -> StoredEvent | None:
    row = conn.execute(_BY_IDEM, {"idem": idem}).first()
    return _stored(row) if row is not None else None


def _max_seq(listener: psycopg.Connection[Any]) -> int:
    row = listener.execute("SELECT max(seq) FROM events").fetchone()
    return int(row[0] or 0) if row is not None else 0


def _is_lock_wait(error: OperationalError) -> bool:
    """Whether the database gave up waiting for a lock (PostgreSQL 55P03, SQLite busy)."""
    if getattr(error.orig, "sqlstate", None) == "55P03":
        return True
    return "database is locked" in str(error.orig)


def _first_line(error: Exception) -> str:
    orig = getattr(error, "orig", None) or error
    return str(orig).strip().splitlines()[0]
