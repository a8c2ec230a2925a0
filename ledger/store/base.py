"""The dialect-free store: reads, follower cursors and the write transaction's shape.

A `Store` subclass per dialect (`SqliteStore`, `PostgresStore`) supplies the
engine, the write lock, the notification at commit and how followers wait.
Only the store talks SQL.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DataError, DBAPIError, IntegrityError, OperationalError

from ledger.errors import Conflict, LedgerError, NotInitialised
from ledger.store import cursors, rows, schema
from ledger.store.rows import StoredEvent
from ledger.store.tables import CURSORS, EVENTS

#: How long an append waits for another writer before giving up (both stores).
LOCK_WAIT_SECONDS = 30.0

#: How often a follower that cannot be woken looks for new events.
POLL_SECONDS = 0.2


class Store:
    """Append-only storage of signed events in one SQL database."""

    dialect = ""

    def __init__(self, url: str, *, engine: Engine) -> None:
        self.url = url
        self.engine = engine
        #: The URL without its password, for messages.
        self.where = engine.url.render_as_string(hide_password=True)

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
        try:
            if not check:
                return
            if create:
                with self.locked() as conn:
                    version = schema.ledger_version(conn, where=self.where)
                    if version is None:
                        schema.migrate(conn)
                    schema.require_current(version or schema.SCHEMA_VERSION, where=self.where)
            else:
                with self.engine.connect() as conn:
                    version = schema.ledger_version(conn, where=self.where)
                    schema.require_current(version, where=self.where)
                    if not sa.inspect(conn).has_table("follower_cursors"):
                        # Derived data: made again when someone dropped it.
                        CURSORS.create(conn, checkfirst=True)
                        conn.commit()
        except DBAPIError as error:
            raise NotInitialised(
                f"cannot {'create' if create else 'read'} the ledger at {self.where}: "
                f"{first_line(error)}"
            ) from None

    def upgrade(self) -> tuple[int, int]:
        """Migrate this database's schema to the current version; (from, to)."""
        try:
            with self.locked() as conn:
                version = schema.ledger_version(conn, where=self.where)
                if version is None:
                    schema.require_current(None, where=self.where)
                    raise AssertionError("unreachable: require_current raises")
                if version < schema.SCHEMA_VERSION:
                    schema.migrate(conn)
        except DBAPIError as error:  # not a database, or one this user cannot write
            raise NotInitialised(
                f"cannot upgrade the ledger at {self.where}: {first_line(error)}"
            ) from None
        return version, schema.SCHEMA_VERSION

    def close(self) -> None:
        """Release pooled connections."""
        self.engine.dispose()

    # --- dialect hooks --------------------------------------------------------------------

    def _begin_locked(self, conn: Connection) -> Connection:
        """Prepare `conn` so that its transaction begins holding the write lock."""
        raise NotImplementedError

    def _take_lock(self, conn: Connection) -> None:
        """Take the write lock inside the transaction just begun (if the dialect needs to)."""

    def _committing(self, conn: Connection, last_written: int) -> None:
        """Work done just before a write transaction commits (e.g. notify followers)."""

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

    def reading(self) -> AbstractContextManager[Connection]:
        """A connection for several reads (one transaction: one consistent snapshot)."""
        return self._reading()

    @contextmanager
    def _reading(self) -> Iterator[Connection]:
        try:
            with self.engine.connect() as conn, conn.begin():
                yield conn
        except DBAPIError as error:
            raise LedgerError(
                f"cannot read the database at {self.where}: {first_line(error)}"
            ) from None

    def head(self) -> StoredEvent | None:
        """The last event, or None for an empty ledger."""
        with self.reading() as conn:
            return rows.head(conn)

    def read(self, *, after: int = 0, upto: int | None = None) -> list[StoredEvent]:
        """Events with `after < seq <= upto`, in seq order."""
        with self.reading() as conn:
            return rows.in_seq(conn, after=after, upto=upto)

    def select(
        self,
        *,
        since: int = 0,
        actor: str | None = None,
        rfc: str | None = None,
        type_: str | None = None,
        subjects: Sequence[str] | None = None,
        limit: int | None = None,
        newest_first: bool = False,
    ) -> list[StoredEvent]:
        """Events filtered on index columns, in seq order (or newest first)."""
        query = rows.ALL_COLUMNS.where(EVENTS.c.seq > since)
        if actor is not None:
            query = query.where(EVENTS.c.actor == actor)
        if rfc is not None:
            query = query.where(sa.or_(EVENTS.c.rfc == rfc, EVENTS.c.subject == rfc))
        if type_ is not None and type_.endswith("."):
            # A prefix (`milestone.`): a range on the type index, not a LIKE that scans.
            query = query.where(EVENTS.c.type >= type_, EVENTS.c.type < type_[:-1] + "/")
        elif type_ is not None:
            # A whole type, or a prefix written without its dot (`milestone`).
            prefix = type_ + "."
            query = query.where(
                sa.or_(
                    EVENTS.c.type == type_,
                    sa.and_(EVENTS.c.type >= prefix, EVENTS.c.type < type_ + "/"),
                )
            )
        if subjects is not None:
            query = query.where(EVENTS.c.subject.in_(list(subjects)))
        query = query.order_by(EVENTS.c.seq.desc() if newest_first else EVENTS.c.seq)
        if limit is not None:
            query = query.limit(limit)
        with self.reading() as conn:
            return [rows.stored(row) for row in conn.execute(query).all()]

    def by_idem(self, idem: str) -> StoredEvent | None:
        """The event recorded under an idempotency key, if any."""
        with self.reading() as conn:
            return rows.by_idem(conn, idem)

    def rows(self, seqs: Sequence[int]) -> list[StoredEvent]:
        """The events with the given seqs, in seq order."""
        if not seqs:
            return []
        query = rows.ALL_COLUMNS.where(EVENTS.c.seq.in_(list(seqs))).order_by(EVENTS.c.seq)
        with self.reading() as conn:
            return [rows.stored(row) for row in conn.execute(query).all()]

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

        For verification, which must see every row to report it: unlike `read`
        there is no window of expected seqs, so a row stored far beyond the
        head, or at seq 0 or below, comes back too.
        """
        with self.reading() as conn:
            return [
                rows.stored(row)
                for row in rows.page(conn, rows.ALL_COLUMNS, after=after, limit=limit)
            ]

    def last_seq(self) -> int:
        """The seq of the last event (0 for none), without reading its body."""
        with self.reading() as conn:
            return conn.execute(sa.select(sa.func.max(EVENTS.c.seq))).scalar() or 0

    # --- follower cursors (derived data) ----------------------------------------------------

    def cursor(self, name: str) -> int:
        """The last seq the follower `name` has handled (0 if it never ran)."""
        with self.reading() as conn:
            return cursors.get(conn, name)

    def save_cursor(self, name: str, seq: int) -> None:
        """Record that the follower `name` has handled every event up to `seq`."""
        with self.engine.begin() as conn:
            cursors.put(conn, name, seq)

    def advance_cursor(self, name: str, *, expected: int, to: int) -> bool:
        """Move the follower `name` from `expected` to `to` only if nobody moved it first.

        A compare-and-set, so that followers of one name in several processes
        (Slack bot replicas) each claim a different run of events. True if this
        call made the move; False if the cursor was no longer at `expected`.
        """
        try:
            with self.engine.begin() as conn:
                return cursors.compare_and_set(conn, name, expected=expected, to=to)
        except IntegrityError:
            # Another process inserted the first row for `name` at the same moment.
            return False

    # --- writes ---------------------------------------------------------------------------

    @contextmanager
    def locked(self) -> Iterator[Connection]:
        """A transaction holding the ledger's write lock; commits when the block ends."""
        conn = self._begin_locked(self.engine.connect())
        try:
            with conn.begin():
                self._take_lock(conn)
                yield conn
        except OperationalError as error:
            if self._is_lock_wait(error):
                raise LedgerError(
                    f"another writer has held the ledger's write lock for over "
                    f"{LOCK_WAIT_SECONDS:g} s; nothing was recorded. Try again, and if it "
                    "persists look for a stuck `milestone` process or bot"
                ) from None
            raise LedgerError(f"the database refused the write: {first_line(error)}") from None
        finally:
            conn.close()

    @contextmanager
    def writing(self) -> Iterator[WriteTransaction]:
        """A write transaction: the lock is taken before anything is read, so the head
        the block sees stays the head until it commits."""
        with self.locked() as conn:
            txn = WriteTransaction(conn)
            yield txn
            if txn.last_written is not None:
                self._committing(conn, txn.last_written)

    def _is_lock_wait(self, error: OperationalError) -> bool:
        return False


class WriteTransaction:
    """What an append may do while it holds the write lock."""

    def __init__(self, conn: Connection) -> None:
        #: The locked connection, for derived tables kept in the same transaction.
        self.conn = conn
        #: The seq of the last event inserted in this transaction, if any.
        self.last_written: int | None = None

    def head(self) -> StoredEvent | None:
        """The last committed event."""
        return rows.head(self.conn)

    def read_after(self, seq: int) -> list[StoredEvent]:
        """Events committed after `seq`, in order."""
        return [rows.stored(row) for row in self.conn.execute(rows.AFTER, {"after": seq}).all()]

    def by_idem(self, idem: str) -> StoredEvent | None:
        """The event recorded under an idempotency key, if any."""
        return rows.by_idem(self.conn, idem)

    def insert(self, event: StoredEvent) -> None:
        """Insert one event; a clash on seq, id or idem is a `Conflict`."""
        self.insert_many([event])

    def insert_many(self, events: Sequence[StoredEvent]) -> None:
        """Insert events in seq order in one round trip; a clash is a `Conflict`."""
        if not events:
            return
        try:
            self.conn.execute(rows.INSERT, [event.as_row() for event in events])
        except DBAPIError as error:
            # A clash on a key, or the chain trigger (SQLite raises it as an integrity
            # error, PostgreSQL as a raised exception): either way, not the next link.
            refused = isinstance(error, IntegrityError | DataError) or "append-only" in str(error)
            if not refused:
                raise
            raise Conflict(
                f"event {events[0].seq} clashes with one already stored "
                f"({first_line(error)}); nothing was recorded. Look again and retry"
            ) from None
        self.last_written = events[-1].seq


def first_line(error: Exception) -> str:
    """The first line of a database error, without SQLAlchemy's decoration."""
    orig = getattr(error, "orig", None) or error
    return str(orig).strip().splitlines()[0] if str(orig).strip() else type(orig).__name__
