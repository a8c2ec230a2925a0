"""The event store: the only package that talks SQL.

One append-only table of events (UPDATE, DELETE, TRUNCATE and any INSERT that
does not extend the chain are refused by triggers in the database itself),
metadata, and derived tables (the plan at the head, snapshots, follower
cursors). A store per dialect: `SqliteStore` (the default) and `PostgresStore`.
"""

from sqlalchemy.engine import Connection

from ledger.store.base import Store, WriteTransaction
from ledger.store.postgres import PostgresStore, ledger_tag
from ledger.store.rows import StoredEvent
from ledger.store.schema import SCHEMA_VERSION
from ledger.store.sqlite import SqliteStore

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
