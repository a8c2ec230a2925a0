"""Schema version 2: the plan at the head and stored snapshots; inserts must extend the chain.

Revision ID: 0002
Revises: 0001

`plan_rows` and `snapshots` are derived data, filled by `milestone upgrade`
(which rebuilds them from the log) and kept by every append afterwards. The
new trigger refuses any INSERT into `events` whose seq is not the next one or
whose body's `prev` is not the head's hash, so not even the database's owner
can leave a gap or a fork without first dropping it.
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"

_GENESIS = "0" * 64
_REFUSAL = "events are append-only: an insert must extend the chain (next seq, prev = head hash)"

# Each row must follow a stored row whose hash is its `prev` (or be the genesis): with
# seq the primary key, only the next seq can, so gaps and forks cannot be written.
_SQLITE = (
    "CREATE TRIGGER IF NOT EXISTS events_insert_extends_chain BEFORE INSERT ON events "
    "WHEN json_extract(CAST(NEW.body AS TEXT), '$.prev') IS NOT "
    f"(CASE WHEN NEW.seq = 1 THEN '{_GENESIS}' ELSE "
    "(SELECT lower(hex(hash)) FROM events WHERE seq = NEW.seq - 1) END) "
    f"BEGIN SELECT RAISE(ABORT, '{_REFUSAL}'); END",
)
# AFTER, not BEFORE: a multi-row INSERT's BEFORE trigger does not see the rows the same
# statement inserted before, so a batch would be refused; AFTER sees them all.
_POSTGRES = (
    "CREATE OR REPLACE FUNCTION events_extend_chain() RETURNS trigger AS $$ BEGIN "
    "IF (convert_from(NEW.body, 'UTF8')::jsonb ->> 'prev') IS DISTINCT FROM "
    f"(CASE WHEN NEW.seq = 1 THEN '{_GENESIS}' ELSE "
    "(SELECT encode(hash, 'hex') FROM events WHERE seq = NEW.seq - 1) END) THEN "
    f"RAISE EXCEPTION '{_REFUSAL}'; END IF; RETURN NULL; END $$ LANGUAGE plpgsql",
    "DROP TRIGGER IF EXISTS events_insert_extends_chain ON events",
    "CREATE TRIGGER events_insert_extends_chain AFTER INSERT ON events "
    "FOR EACH ROW EXECUTE FUNCTION events_extend_chain()",
)


def upgrade() -> None:
    """Apply this revision."""
    op.create_index("events_order", "events", ["effective", "seq"])
    op.create_table(
        "plan_rows",
        sa.Column("kind", sa.String(16), primary_key=True),
        sa.Column("key", sa.String(200), primary_key=True),
        sa.Column("doc", sa.LargeBinary, nullable=False),
    )
    op.create_table(
        "snapshots",
        sa.Column("axis", sa.String(9), primary_key=True),
        sa.Column("seq", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("effective", sa.String(27), nullable=False),
        sa.Column("count", sa.Integer, nullable=False),
        sa.Column("doc", sa.LargeBinary, nullable=False),
    )
    postgres = op.get_bind().dialect.name == "postgresql"
    for statement in _POSTGRES if postgres else _SQLITE:
        op.execute(statement)
    op.execute("UPDATE ledger_meta SET value = '2' WHERE name = 'schema_version'")
