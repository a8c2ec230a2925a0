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

    assert version == str(SCHEMA_VERSION) == "3"


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
