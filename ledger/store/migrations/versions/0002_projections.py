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

_SQLITE = (
    "CREATE TRIGGER IF NOT EXISTS events_insert_extends_chain BEFORE INSERT ON events "
    "WHEN NEW.seq IS NOT coalesce((SELECT max(seq) FROM events), 0) + 1 "
    "OR json_extract(CAST(NEW.body AS TEXT), '$.prev') IS NOT coalesce("
    "(SELECT lower(hex(hash)) FROM events WHERE seq = NEW.seq - 1), "
    f"'{_GENESIS}') BEGIN SELECT RAISE(ABORT, '{_REFUSAL}'); END",
)
_POSTGRES = (
    "CREATE OR REPLACE FUNCTION events_extend_chain() RETURNS trigger AS $$ "
    "DECLARE head_seq bigint; head_hash bytea; BEGIN "
    "SELECT seq, hash INTO head_seq, head_hash FROM events ORDER BY seq DESC LIMIT 1; "
    "IF NEW.seq IS DISTINCT FROM coalesce(head_seq, 0) + 1 OR "
    "(convert_from(NEW.body, 'UTF8')::jsonb ->> 'prev') IS DISTINCT FROM "
    f"coalesce(encode(head_hash, 'hex'), '{_GENESIS}') THEN "
    f"RAISE EXCEPTION '{_REFUSAL}'; END IF; RETURN NEW; END $$ LANGUAGE plpgsql",
    "DROP TRIGGER IF EXISTS events_insert_extends_chain ON events",
    "CREATE TRIGGER events_insert_extends_chain BEFORE INSERT ON events "
    "FOR EACH ROW EXECUTE FUNCTION events_extend_chain()",
)


def upgrade() -> None:
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
