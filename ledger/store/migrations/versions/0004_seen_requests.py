"""Schema version 4: the Slack requests seen lately, shared by every bot replica.

Revision ID: 0004
Revises: 0003

`seen_requests` holds a digest of the signature of each Slack request a bot
accepted, for the few minutes its timestamp stays valid, so that a request
captured and replayed to another replica of the bot is refused as well
(`Store.first_sighting`). It is neither the ledger nor derived from it, starts
empty, and its rows are pruned as they expire.
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        "seen_requests",
        sa.Column("digest", sa.LargeBinary, primary_key=True),
        sa.Column("seen_at", sa.Float, nullable=False),
        sa.Column("keep_until", sa.Float, nullable=False, index=True),
        sqlite_with_rowid=False,
    )
    op.execute("UPDATE ledger_meta SET value = '4' WHERE name = 'schema_version'")
