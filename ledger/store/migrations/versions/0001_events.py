"""Schema version 1: the append-only events table, metadata and follower cursors.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None

_SQLITE = (
    "CREATE TRIGGER IF NOT EXISTS events_no_update BEFORE UPDATE ON events "
    "BEGIN SELECT RAISE(ABORT, 'events are append-only: UPDATE is refused'); END",
    "CREATE TRIGGER IF NOT EXISTS events_no_delete BEFORE DELETE ON events "
    "BEGIN SELECT RAISE(ABORT, 'events are append-only: DELETE is refused'); END",
)
_POSTGRES = (
    "CREATE OR REPLACE FUNCTION events_append_only() RETURNS trigger AS $$ BEGIN "
    "RAISE EXCEPTION 'events are append-only: % is refused', TG_OP; END $$ LANGUAGE plpgsql",
    "DROP TRIGGER IF EXISTS events_no_change ON events",
    "CREATE TRIGGER events_no_change BEFORE UPDATE OR DELETE ON events "
    "FOR EACH ROW EXECUTE FUNCTION events_append_only()",
    "DROP TRIGGER IF EXISTS events_no_truncate ON events",
    "CREATE TRIGGER events_no_truncate BEFORE TRUNCATE ON events "
    "FOR EACH STATEMENT EXECUTE FUNCTION events_append_only()",
)


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        "events",
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
    op.create_table(
        "ledger_meta",
        sa.Column("name", sa.String(64), primary_key=True),
        sa.Column("value", sa.String, nullable=False),
    )
    op.create_table(
        "follower_cursors",
        sa.Column("name", sa.String(100), primary_key=True),
        sa.Column("seq", sa.Integer, nullable=False),
    )
    postgres = op.get_bind().dialect.name == "postgresql"
    for statement in _POSTGRES if postgres else _SQLITE:
        op.execute(statement)
    op.execute("INSERT INTO ledger_meta (name, value) VALUES ('schema_version', '1')")
