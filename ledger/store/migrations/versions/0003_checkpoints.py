"""Schema version 3: the events' Merkle tree, signed checkpoints and witnesses' cosignatures.

Revision ID: 0003
Revises: 0002

`merkle_nodes` is derived data: this migration computes it from the log (so an
upgraded ledger can prove its events at once) and every append keeps it
afterwards. `checkpoints` and `cosignatures` start empty: a checkpoint is
signed at each RFC approval from now on, and earlier approvals cannot be signed
for after the fact without their approvers' keys.
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        "merkle_nodes",
        sa.Column("level", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("idx", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("hash", sa.LargeBinary, nullable=False),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "checkpoints",
        sa.Column("size", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("rfc", sa.String(64), nullable=True),
        sa.Column("root", sa.LargeBinary, nullable=False),
        sa.Column("note", sa.Text, nullable=False),
        sa.Column("recorded_at", sa.String(27), nullable=False),
    )
    op.create_table(
        "cosignatures",
        sa.Column("witness", sa.String(300), primary_key=True),
        sa.Column("size", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("note", sa.Text, nullable=False),
    )
    from ledger.store.sql import under
    from ledger.tree import rebuild

    rebuild(under(op.get_bind()))
    op.execute("UPDATE ledger_meta SET value = '3' WHERE name = 'schema_version'")
