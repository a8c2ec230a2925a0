"""The event store: the only package that talks SQL.

One append-only table of events (UPDATE, DELETE, TRUNCATE and any INSERT that
does not extend the chain are refused by triggers in the database itself),
metadata, derived tables (the plan at the head, snapshots, follower
cursors) and the Slack requests seen lately (`Store.first_sighting`). A store
per dialect: `SqliteStore` (the default, on the standard library's `sqlite3`)
and `PostgresStore` (psycopg, pooled by SQLAlchemy); both run plain SQL through
`ledger.store.sql.Conn`.
"""

from typing import Any

from ledger.store.base import Store, WriteTransaction
from ledger.store.rows import StoredEvent
from ledger.store.schema import SCHEMA_VERSION
from ledger.store.sql import Conn as Connection

__all__ = [
    "SCHEMA_VERSION",
    "Connection",
    "PostgresStore",
    "SqliteStore",
    "Store",
    "StoredEvent",
    "WriteTransaction",
    "ledger_tag",
]


def __getattr__(name: str) -> Any:
    # The dialects on first use: the PostgreSQL store imports SQLAlchemy and psycopg.
    if name in ("PostgresStore", "ledger_tag"):
        from ledger.store import postgres

        return getattr(postgres, name)
    if name == "SqliteStore":
        from ledger.store.sqlite import SqliteStore

        return SqliteStore
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
