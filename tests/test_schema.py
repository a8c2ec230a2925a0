"""The database says which schema it has; anything else is refused, never misread."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from ledger.errors import NotInitialised, UnsupportedSchema
from ledger.ledger import Ledger
from ledger.store import SCHEMA_VERSION, Store
from ledger.verify import verify_rows


def _sql(url: str, statement: str) -> None:
    """Run raw SQL against the database, as someone with a SQL prompt would."""
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.exec_driver_sql(statement)
    engine.dispose()


def _version_is(url: str, value: str) -> None:
    _sql(url, f"UPDATE ledger_meta SET value = '{value}' WHERE name = 'schema_version'")


def test_a_new_ledger_records_the_schema_version(ledger, db_url):
    engine = sa.create_engine(db_url)
    with engine.connect() as conn:
        version = conn.exec_driver_sql(
            "SELECT value FROM ledger_meta WHERE name = 'schema_version'"
        ).scalar()
    engine.dispose()

    assert version == str(SCHEMA_VERSION) == "4"


def test_a_ledger_from_a_newer_version_is_refused_with_what_to_do(ledger, db_url, admin_key):
    _version_is(db_url, "99")

    with pytest.raises(UnsupportedSchema) as refusal:
        Ledger.open(db_url)

    message = str(refusal.value)
    assert "schema version 99" in message
    assert "newer milestone-ledger" in message
    assert "Upgrade milestone-ledger" in message


def test_a_ledger_from_an_older_version_is_refused_with_the_way_across(ledger, db_url):
    _version_is(db_url, "0")

    with pytest.raises(UnsupportedSchema) as refusal:
        Store.open(db_url)

    message = str(refusal.value)
    assert "schema version 0, made by an older milestone-ledger" in message
    assert "milestone export" in message
    assert "import FILE" in message


def test_init_over_a_ledger_of_another_version_changes_nothing(ledger, db_url, admin_key):
    _version_is(db_url, "99")

    with pytest.raises(UnsupportedSchema):
        Ledger.create(db_url, name="again", signer=admin_key, actor="alice")

    _version_is(db_url, str(SCHEMA_VERSION))
    store = Store.open(db_url)
    assert verify_rows(store.iter_all()).ok
    store.close()


def test_a_schema_version_that_is_not_a_number_is_refused(ledger, db_url):
    _version_is(db_url, "one")

    with pytest.raises(UnsupportedSchema, match="'one', which is not a version"):
        Store.open(db_url)


def test_ledger_tables_without_a_schema_version_are_refused(ledger, db_url):
    _sql(db_url, "DELETE FROM ledger_meta")

    with pytest.raises(NotInitialised, match="no schema version"):
        Ledger.open(db_url)


def test_a_database_without_ledger_tables_is_not_a_ledger(db_url):
    _sql(db_url, "CREATE TABLE unrelated (x INTEGER)")

    with pytest.raises(NotInitialised) as refusal:
        Ledger.open(db_url)

    assert "holds no ledger" in str(refusal.value)
    assert "milestone init" in str(refusal.value)


def test_a_database_missing_the_events_table_is_refused(ledger, db_url):
    ledger.close()
    _sql(db_url, "DROP TABLE events")

    with pytest.raises(NotInitialised, match="some ledger tables but not events"):
        Store.open(db_url)


def test_missing_follower_cursors_are_made_again_on_open(ledger, db_url):
    ledger.store.save_cursor("announcer", 2)
    ledger.close()
    _sql(db_url, "DROP TABLE follower_cursors")

    store = Store.open(db_url)

    assert store.cursor("announcer") == 0
    store.save_cursor("announcer", 3)
    assert store.cursor("announcer") == 3
    store.close()


def test_the_database_refuses_to_change_or_remove_events(ledger, db_kind, db_url):
    statements = [
        "UPDATE events SET actor = 'mallory' WHERE seq = 1",
        "DELETE FROM events WHERE seq = 3",
        "DELETE FROM events",  # SQLite would otherwise empty the table without row triggers
    ]
    if db_kind == "postgresql":
        statements.append("TRUNCATE events")

    for statement in statements:
        with pytest.raises(sa.exc.DatabaseError, match="append-only"):
            _sql(db_url, statement)

    reader = Ledger.open(db_url)
    assert [e.seq for e in reader.log] == [1, 2, 3]
    assert verify_rows(reader.store.iter_all()).ok
    reader.close()


@pytest.mark.postgresql_only
def test_a_postgresql_search_path_without_a_schema_is_explained(db_kind, db_url):
    url = db_url.rsplit("%3D", 1)[0] + "%3Dno_such_schema"

    with pytest.raises(NotInitialised, match="names no schema that exists"):
        Store.open(url, create=True)


def test_an_unreachable_postgresql_server_is_reported_without_its_password():
    url = "postgresql+psycopg://someone:s3cret@127.0.0.1:1/nowhere?connect_timeout=2"

    with pytest.raises(NotInitialised) as refusal:
        Store.open(url)

    assert "cannot connect to the database at postgresql+psycopg://someone:***@" in str(
        refusal.value
    )
    assert "s3cret" not in str(refusal.value)


def test_milestone_init_makes_the_tables_where_milestone_db_url_points(db_url, tmp_path):
    from typer.testing import CliRunner

    from cli.app import app

    result = CliRunner().invoke(
        app,
        ["--key", str(tmp_path / "key.pem"), "init", "--name", "team plan", "--actor", "alice"],
        env={"MILESTONE_DB_URL": db_url},
    )

    assert result.exit_code == 0, result.output
    store = Store.open(db_url)
    assert [row.type for row in store.read()] == ["ledger.created", "role.granted", "role.granted"]
    assert verify_rows(store.iter_all()).ok
    store.close()


def _as_made_by_schema_3(url: str) -> None:
    """Turn a ledger back into what milestone-ledger with schema version 3 made."""
    _sql(url, "DROP TABLE seen_requests")
    _version_is(url, "3")
    _sql(url, "UPDATE alembic_version SET version_num = '0003'")


def test_a_schema_3_ledger_is_upgraded_to_share_the_requests_seen(ledger, db_url):
    from typer.testing import CliRunner

    from cli.app import app

    ledger.close()
    _as_made_by_schema_3(db_url)
    with pytest.raises(UnsupportedSchema, match=r"schema version 3.*Run `milestone upgrade`"):
        Ledger.open(db_url)

    upgraded = CliRunner().invoke(app, ["--db", db_url, "upgrade"])

    assert upgraded.exit_code == 0, upgraded.output
    assert "from schema version 3 to 4" in upgraded.output
    store = Store.open(db_url)
    assert store.first_sighting("v0=abc", at=1000.0, keep_until=1360.0)
    assert not store.first_sighting("v0=abc", at=1001.0, keep_until=1361.0)
    assert verify_rows(store.iter_all()).ok
    store.close()
    again = CliRunner().invoke(app, ["--db", db_url, "upgrade"])
    assert again.exit_code == 0 and "already at schema version 4" in again.output, again.output


def test_the_migrations_make_every_table_column_and_index_the_core_tables_declare(ledger, db_url):
    from ledger.store import tables

    engine = sa.create_engine(db_url)
    inspector = sa.inspect(engine)
    names = set(inspector.get_table_names()) - {"alembic_version"}
    columns = {name: [c["name"] for c in inspector.get_columns(name)] for name in names}
    indexes = {
        (name, tuple(i["column_names"])) for name in names for i in inspector.get_indexes(name)
    }
    engine.dispose()

    assert columns == {t.name: [c.name for c in t.columns] for t in tables.METADATA.sorted_tables}
    # The migrations make more (unique constraints, `events_order`); never fewer.
    declared = {
        (t.name, tuple(c.name for c in i.columns))
        for t in tables.METADATA.sorted_tables
        for i in t.indexes
    }
    assert ("seen_requests", ("keep_until",)) in declared
    assert declared <= indexes


def _as_made_by_schema_2(url: str) -> None:
    """Turn a ledger back into what milestone-ledger with schema version 2 made."""
    _as_made_by_schema_3(url)
    for table in ("merkle_nodes", "checkpoints", "cosignatures"):
        _sql(url, f"DROP TABLE {table}")
    _version_is(url, "2")
    _sql(url, "UPDATE alembic_version SET version_num = '0002'")


def test_a_schema_2_ledger_is_upgraded_to_prove_its_events(ledger, db_url, admin_key, tmp_path):
    from typer.testing import CliRunner

    from cli.app import app
    from ledger import proving
    from ledger import requests as rq
    from ledger.execute import record

    record(rq.OpenRfc(rfc="RFC-1", title="a change"), ledger=ledger, signer=admin_key)
    record(rq.ApproveRfc(rfc="RFC-1"), ledger=ledger, signer=admin_key)
    ledger.close()
    _as_made_by_schema_2(db_url)
    with pytest.raises(UnsupportedSchema, match="Run `milestone upgrade`"):
        Ledger.open(db_url)

    upgraded = CliRunner().invoke(app, ["--db", db_url, "upgrade"])

    assert upgraded.exit_code == 0, upgraded.output
    assert f"from schema version 2 to {SCHEMA_VERSION}" in upgraded.output
    book = Ledger.open(db_url)
    proof = proving.prove_event(book, seq=4, checkpoint=None, signer=admin_key)
    assert proof.index == 3 and proof.event == book.store.read(after=3, upto=4)[0].body
    assert proving.stored(book) == []  # an approval made before schema 3 signed nothing
    verified = CliRunner().invoke(app, ["--db", db_url, "verify"])
    assert verified.exit_code == 0, verified.output
    assert "tree       8 Merkle nodes, 0 checkpoints" in verified.output
    record(rq.OpenRfc(rfc="RFC-2", title="another"), ledger=book, signer=admin_key)
    record(rq.ApproveRfc(rfc="RFC-2"), ledger=book, signer=admin_key)
    assert [c.rfc for c in proving.stored(book)] == ["RFC-2"]
    book.close()


def test_the_merkle_nodes_are_a_table_without_rowid_on_sqlite(sqlite_url, admin_key):
    Ledger.create(sqlite_url, name="plan", signer=admin_key, actor="alice").close()
    engine = sa.create_engine(sqlite_url)
    with engine.connect() as conn:
        made = conn.exec_driver_sql(
            "SELECT sql FROM sqlite_master WHERE name = 'merkle_nodes'"
        ).scalar()
    engine.dispose()

    assert made.rstrip().endswith("WITHOUT ROWID")
