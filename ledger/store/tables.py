"""The tables as SQLAlchemy Core sees them: what the migrations make and tools read.

`ledger.store.models` declares the same tables as SQLModel classes (typed rows
for tools and tests); a test holds the two identical. Commands run plain SQL
on these tables through the driver (`ledger.store.sql`), never importing
SQLAlchemy, let alone SQLModel: the import would cost a read command more than
everything else it does.

`events` is the ledger. Most else is derived from it and can be dropped
and rebuilt (`milestone rebuild`): follower cursors, the plan at the head
(`plan_rows`), the stored snapshots of the fold (`snapshots`) and the events'
Merkle tree (`merkle_nodes`). Signed checkpoints (`checkpoints`) and witnesses'
cosignatures (`cosignatures`) are not: nobody can sign them again without the
keys, so a rebuild keeps them. `seen_requests` is neither the ledger nor derived
from it: the Slack requests the bot accepted lately, kept a few minutes so that
every replica refuses one replayed.
"""

from __future__ import annotations

import sqlalchemy as sa

METADATA = sa.MetaData()

EVENTS = sa.Table(
    "events",
    METADATA,
    sa.Column("seq", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("id", sa.String(36), nullable=False, unique=True),
    sa.Column("type", sa.String(64), nullable=False, index=True),
    sa.Column("subject", sa.String(200), nullable=False, index=True),
    sa.Column("actor", sa.String(200), nullable=False, index=True),
    sa.Column("key", sa.String(16), nullable=False),
    sa.Column("rfc", sa.String(64), nullable=True, index=True),
    sa.Column("idem", sa.String(200), nullable=True, unique=True),
    sa.Column("recorded_at", sa.String(27), nullable=False),
    sa.Column("effective", sa.String(27), nullable=False),
    sa.Column("body", sa.LargeBinary, nullable=False),
    sa.Column("hash", sa.LargeBinary, nullable=False),
    sa.Column("sig", sa.LargeBinary, nullable=False),
)
META = sa.Table(
    "ledger_meta",
    METADATA,
    sa.Column("name", sa.String(64), primary_key=True),
    sa.Column("value", sa.String, nullable=False),
)
CURSORS = sa.Table(
    "follower_cursors",
    METADATA,
    sa.Column("name", sa.String(100), primary_key=True),
    sa.Column("seq", sa.Integer, nullable=False),
)
PLAN_ROWS = sa.Table(
    "plan_rows",
    METADATA,
    sa.Column("kind", sa.String(16), primary_key=True),
    sa.Column("key", sa.String(200), primary_key=True),
    sa.Column("doc", sa.LargeBinary, nullable=False),
)
SNAPSHOTS = sa.Table(
    "snapshots",
    METADATA,
    sa.Column("axis", sa.String(9), primary_key=True),
    sa.Column("seq", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("effective", sa.String(27), nullable=False),
    sa.Column("count", sa.Integer, nullable=False),
    sa.Column("doc", sa.LargeBinary, nullable=False),
)
#: Every perfect subtree of the events' Merkle tree (`ledger.merkle.Node`): (level, idx)
#: covers events idx * 2**level + 1 .. (idx + 1) * 2**level. A proof reads O(log n) rows.
MERKLE_NODES = sa.Table(
    "merkle_nodes",
    METADATA,
    sa.Column("level", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("idx", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("hash", sa.LargeBinary, nullable=False),
    # The key is the only way the table is read: no rowid beside it on SQLite.
    sqlite_with_rowid=False,
)
#: Checkpoints the ledger signed: at every RFC approval, the tree up to the approval.
CHECKPOINTS = sa.Table(
    "checkpoints",
    METADATA,
    sa.Column("size", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("rfc", sa.String(64), nullable=True),
    sa.Column("root", sa.LargeBinary, nullable=False),
    sa.Column("note", sa.Text, nullable=False),
    sa.Column("recorded_at", sa.String(27), nullable=False),
)
#: Witnesses' cosigned checkpoints: `witness` is the witness's verifier key.
COSIGNATURES = sa.Table(
    "cosignatures",
    METADATA,
    sa.Column("witness", sa.String(300), primary_key=True),
    sa.Column("size", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("note", sa.Text, nullable=False),
)
#: A digest of each Slack request signature accepted lately, and until when it is kept:
#: the primary key lets exactly one replica accept a request; `keep_until` prunes by index.
SEEN_REQUESTS = sa.Table(
    "seen_requests",
    METADATA,
    sa.Column("digest", sa.LargeBinary, primary_key=True),
    sa.Column("seen_at", sa.Float, nullable=False),
    sa.Column("keep_until", sa.Float, nullable=False, index=True),
    # Looked up by its key only: no rowid beside it on SQLite.
    sqlite_with_rowid=False,
)
DERIVED = (PLAN_ROWS, SNAPSHOTS, MERKLE_NODES)

#: The events table's columns in order; the statements in `ledger.store.rows` list them
#: by hand in this order, and a test holds the two equal.
COLUMNS = tuple(column.name for column in EVENTS.columns)
