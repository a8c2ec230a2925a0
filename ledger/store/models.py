"""The ledger's tables as SQLModel classes: typed rows for tools, tests and readers.

The store itself runs on the identical Core tables of `ledger.store.tables`
(importing SQLModel costs a command more than the rest of its work);
`tests/test_store_models.py` holds the two definitions identical. Schema changes
are Alembic migrations under `ledger/store/migrations`, made to match both.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlmodel import Field, SQLModel


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


class PlanRowRecord(SQLModel, table=True):
    """One entity of the plan at the head (a milestone, an RFC, a key ...), as JSON.

    Derived data, written in the same transaction as the events that change it,
    so a read at the head loads these rows instead of replaying the log.
    """

    __tablename__ = "plan_rows"

    kind: str = Field(primary_key=True, max_length=16)
    key: str = Field(primary_key=True, max_length=200)
    doc: bytes


class SnapshotRecord(SQLModel, table=True):
    """The whole fold after a prefix of the log, in one of its two orders. Derived data.

    `axis` is `seq` (log order, for '#N' views) or `effective` (the plan's
    order, for dates, RFCs and versions); the snapshot holds every event whose
    (effective, seq) or seq is at or before its own.
    """

    __tablename__ = "snapshots"

    axis: str = Field(primary_key=True, max_length=9)
    seq: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    effective: str = Field(max_length=27)
    count: int
    doc: bytes


class MerkleNodeRecord(SQLModel, table=True):
    """One perfect subtree of the events' Merkle tree: 2**level events from idx * 2**level.

    Derived data, written in the same transaction as the events that complete it,
    so that a proof reads O(log n) rows and never rehashes the log.
    """

    __tablename__ = "merkle_nodes"
    __table_args__ = {"sqlite_with_rowid": False}

    level: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    idx: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    hash: bytes


class CheckpointRecord(SQLModel, table=True):
    """A checkpoint the ledger signed (at an RFC approval), its note exactly as issued.

    Not derived: the signature cannot be made again without the signer's key.
    """

    __tablename__ = "checkpoints"

    size: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    rfc: str | None = Field(default=None, max_length=64)
    root: bytes
    note: str = Field(sa_type=sa.Text)
    recorded_at: str = Field(max_length=27)


class CosignatureRecord(SQLModel, table=True):
    """A checkpoint as a witness cosigned it; `witness` is the witness's verifier key."""

    __tablename__ = "cosignatures"

    witness: str = Field(primary_key=True, max_length=300)
    size: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    note: str = Field(sa_type=sa.Text)


class SeenRequestRecord(SQLModel, table=True):
    """A Slack request the bot accepted lately (the SHA-256 of its signature), so that one
    replayed to any replica is refused. Neither the ledger nor derived from it: a row is
    pruned once `keep_until` (seconds since the epoch) has passed.
    """

    __tablename__ = "seen_requests"
    __table_args__ = {"sqlite_with_rowid": False}

    digest: bytes = Field(primary_key=True)
    seen_at: float
    keep_until: float = Field(index=True)
