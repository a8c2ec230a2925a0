"""The write transaction: what an append may do while it holds the ledger's write lock."""

from __future__ import annotations

from collections.abc import Sequence

from ledger.errors import Conflict
from ledger.store import rows
from ledger.store.rows import StoredEvent
from ledger.store.sql import Conn, Refused

#: How many events a writer that fell behind reads to catch up (`WriteTransaction.newer`).
CATCH_UP = 32


class WriteTransaction:
    """What an append may do while it holds the write lock."""

    def __init__(self, conn: Conn) -> None:
        #: The locked connection, for derived tables kept in the same transaction.
        self.conn = conn
        #: The seq of the last event inserted in this transaction, if any.
        self.last_written: int | None = None

    def head(self) -> StoredEvent | None:
        """The last committed event."""
        return rows.head(self.conn)

    def newer(self, seq: int) -> list[StoredEvent]:
        """The first `CATCH_UP` events committed after `seq`, in order (all of them if fewer)."""
        return rows.after_some(self.conn, seq, limit=CATCH_UP)

    def by_idem(self, idem: str) -> StoredEvent | None:
        """The event recorded under an idempotency key, if any."""
        return rows.by_idem(self.conn, idem)

    def insert(self, event: StoredEvent) -> None:
        """Insert one event; a clash on seq, id or idem is a `Conflict`."""
        self.insert_many([event])

    def insert_many(self, events: Sequence[StoredEvent]) -> None:
        """Insert events in seq order in one round trip; a clash is a `Conflict` (raised
        here, or where the store sends the rows: at the latest when the block ends)."""
        if not events:
            return

        def clash(error: Refused) -> Conflict:
            # A clash on a key, or the chain trigger: either way, not the next link.
            return Conflict(
                f"event {events[0].seq} clashes with one already stored "
                f"({error}); nothing was recorded. Look again and retry"
            )

        self.conn.executemany(rows.INSERT, [event.as_values() for event in events], refused=clash)
        self.last_written = events[-1].seq
