"""The event store: the only module that talks SQL.

One append-only table of events (UPDATE and DELETE are rejected by triggers in
the database itself) and a small table of metadata. Appends run one at a time
per ledger: SQLite `BEGIN IMMEDIATE`, PostgreSQL a transaction-level advisory
lock, both taken before the head is read. Readers never block.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlmodel import Field, SQLModel

from ledger.errors import Conflict, LedgerError, NotInitialised

#: Bumped whenever the tables change shape; a database with another version is
#: refused rather than misread.
SCHEMA_VERSION = 1

#: Advisory lock key for appends on PostgreSQL (one ledger per database).
_PG_LOCK_KEY = 0x6D696C65  # "mile"

#: How often `wait_for_events` looks for new events when it polls.
_POLL_SECONDS = 0.2


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
    "seq", "id", "type", "subject", "actor", "key", "rfc", "idem",
    "recorded_at", "effective", "body", "hash", "sig",
)  # fmt: skip


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


def _sqlite_path(url: sa.URL) -> Path | None:
    database = url.database
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    return Path(database)


def _make_engine(url: sa.URL) -> Engine:
    if url.get_backend_name() == "sqlite":
        engine = sa.create_engine(url, connect_args={"timeout": 30})

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
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.close()

        @sa.event.listens_for(engine, "begin")
        def _on_begin(connection: Connection) -> None:
            mode = connection.get_execution_options().get("sqlite_begin", "DEFERRED")
            connection.exec_driver_sql(f"BEGIN {mode}")

        return engine
    return sa.create_engine(url, pool_pre_ping=True)


class Store:
    """Append-only storage of signed events in one SQL database."""

    def __init__(self, url: str, *, engine: Engine) -> None:
        self.url = url
        self.engine = engine
        self.dialect = engine.dialect.name
        self._insert = sa.insert(_EVENTS)

    @classmethod
    def open(cls, url: str, *, create: bool = False) -> Store:
        """Open the database at `url` (any SQLAlchemy URL).

        With `create`, the tables are made when absent; without it a missing
        SQLite file or a database without a ledger raises `NotInitialised`.
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
        if create:
            store._create_schema()
        store._check_schema()
        return store

    def close(self) -> None:
        """Release pooled connections."""
        self.engine.dispose()

    # --- schema ---------------------------------------------------------------------------

    def _create_schema(self) -> None:
        try:
            with self.engine.begin() as conn:
                if self.dialect == "postgresql":
                    # Two processes running `init` at once must not race on DDL.
                    conn.execute(sa.text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_LOCK_KEY})
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
        except OperationalError as error:
            raise NotInitialised(f"cannot create the ledger at {self.url}: {error.orig}") from None

    def _check_schema(self) -> None:
        try:
            with self.engine.connect() as conn:
                version = conn.execute(
                    sa.select(_META.c.value).where(_META.c.name == "schema_version")
                ).scalar()
        except (OperationalError, sa.exc.ProgrammingError) as error:
            raise NotInitialised(
                f"the database at {self.url} holds no ledger ({_first_line(error)}); "
                "run `milestone init` to create one"
            ) from None
        if version is None:
            raise NotInitialised(
                f"the database at {self.url} has ledger tables but no schema version; "
                "it was not made by `milestone init`"
            )
        if int(version) != SCHEMA_VERSION:
            raise NotInitialised(
                f"the database at {self.url} has schema version {version}, this milestone-ledger "
                f"reads version {SCHEMA_VERSION}; upgrade milestone-ledger (or migrate the database)"
            )

    # --- reads ----------------------------------------------------------------------------

    def head(self) -> StoredEvent | None:
        """The last event, or None for an empty ledger."""
        with self.engine.connect() as conn:
            return _head(conn)

    def read(self, *, after: int = 0, upto: int | None = None) -> list[StoredEvent]:
        """Events with `after < seq <= upto`, in seq order."""
        query = sa.select(*(_EVENTS.c[name] for name in _COLUMNS)).where(_EVENTS.c.seq > after)
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
        query = sa.select(*(_EVENTS.c[name] for name in _COLUMNS)).where(_EVENTS.c.seq > since)
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
        query = sa.select(*(_EVENTS.c[name] for name in _COLUMNS)).where(
            _EVENTS.c.seq.in_(list(seqs))
        )
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

    def last_seq(self) -> int:
        """The seq of the last event (0 for none), without reading its body."""
        with self.engine.connect() as conn:
            return conn.execute(sa.select(sa.func.max(_EVENTS.c.seq))).scalar() or 0

    def wait_for_events(self, *, after: int, timeout: float) -> bool:
        """Wait up to `timeout` seconds for an event with seq > `after`; True if one exists.

        Polls on every database (a short sleep between looks). Events are
        gap-free and committed in seq order, so a reader that resumes after N
        never misses one that commits later.
        """
        deadline = time.monotonic() + timeout
        while True:
            if self.last_seq() > after:
                return True
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return False
            time.sleep(min(_POLL_SECONDS, remaining))

    # --- follower cursors (derived data) ---------------------------------------------------------

    def cursor(self, name: str) -> int:
        """The last seq the follower `name` has handled (0 if it never ran)."""
        with self.engine.connect() as conn:
            value = conn.execute(
                sa.select(_CURSORS.c.seq).where(_CURSORS.c.name == name)
            ).scalar()
        return int(value or 0)

    def save_cursor(self, name: str, seq: int) -> None:
        """Record that the follower `name` has handled every event up to `seq`."""
        with self.engine.begin() as conn:
            updated = conn.execute(
                sa.update(_CURSORS).where(_CURSORS.c.name == name).values(seq=seq)
            ).rowcount
            if not updated:
                conn.execute(sa.insert(_CURSORS).values(name=name, seq=seq))

    # --- writes ---------------------------------------------------------------------------

    @contextmanager
    def writing(self) -> Iterator[WriteTransaction]:
        """A transaction holding the ledger's write lock; commits when the block ends."""
        conn = self.engine.connect()
        try:
            if self.dialect == "sqlite":
                conn = conn.execution_options(sqlite_begin="IMMEDIATE")
            with conn.begin():
                if self.dialect == "postgresql":
                    conn.execute(sa.text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_LOCK_KEY})
                yield WriteTransaction(conn, self._insert)
        except OperationalError as error:
            raise LedgerError(f"the database refused the write: {_first_line(error)}") from None
        finally:
            conn.close()


class WriteTransaction:
    """What an append may do while it holds the write lock."""

    def __init__(self, conn: Connection, insert: sa.Insert) -> None:
        self._conn = conn
        self._insert = insert

    def head(self) -> StoredEvent | None:
        """The last committed event."""
        return _head(self._conn)

    def read_after(self, seq: int) -> list[StoredEvent]:
        """Events committed after `seq`, in order."""
        query = sa.select(*(_EVENTS.c[name] for name in _COLUMNS)).where(_EVENTS.c.seq > seq)
        rows = self._conn.execute(query.order_by(_EVENTS.c.seq)).all()
        return [_stored(row) for row in rows]

    def by_idem(self, idem: str) -> StoredEvent | None:
        """The event recorded under an idempotency key, if any."""
        return _by_idem(self._conn, idem)

    def insert(self, event: StoredEvent) -> None:
        """Insert one event; a clash on seq, id or idem is a `Conflict`."""
        try:
            self._conn.execute(self._insert, event.as_row())
        except IntegrityError as error:
            raise Conflict(f"event {event.seq} clashes with one already stored: {error.orig}") from None


def _head(conn: Connection) -> StoredEvent | None:
    query = sa.select(*(_EVENTS.c[name] for name in _COLUMNS)).order_by(_EVENTS.c.seq.desc())
    row = conn.execute(query.limit(1)).first()
    return _stored(row) if row is not None else None


def _by_idem(conn: Connection, idem: str) -> StoredEvent | None:
    query = sa.select(*(_EVENTS.c[name] for name in _COLUMNS)).where(_EVENTS.c.idem == idem)
    row = conn.execute(query).first()
    return _stored(row) if row is not None else None


def _first_line(error: Exception) -> str:
    orig = getattr(error, "orig", None) or error
    return str(orig).strip().splitlines()[0]
