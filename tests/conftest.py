"""Shared fixtures: real SQLite files and the real PostgreSQL server, real keys.

Every test that takes `db_url` runs once per store. PostgreSQL tests get a
schema of their own in the `test` database (dropped afterwards), so they are
isolated without the cost of a database each. If PostgreSQL cannot be reached
those tests fail (CI must not quietly skip them); run `pytest --sqlite-only`
on a machine without it.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from ledger.ledger import Ledger
from ledger.signing import Signer, generate_key_file

PG_SERVER = os.environ.get(
    "MILESTONE_TEST_POSTGRES", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--sqlite-only",
        action="store_true",
        help="run store-parametrized tests on SQLite only (no PostgreSQL server here)",
    )


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "db_kind" in metafunc.fixturenames:
        kinds = (
            ["sqlite"] if metafunc.config.getoption("--sqlite-only") else ["sqlite", "postgresql"]
        )
        if metafunc.definition.get_closest_marker("postgresql_only"):
            # Only PostgreSQL has what these test (schemas, LISTEN): no SQLite variant to skip.
            kinds = [kind for kind in kinds if kind == "postgresql"]
        metafunc.parametrize("db_kind", kinds)


@pytest.fixture
def db_url(db_kind: str, tmp_path: Path) -> Iterator[str]:
    """A URL of an empty database of each kind."""
    if db_kind == "sqlite":
        yield f"sqlite:///{tmp_path / 'milestones.db'}"
        return
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(PG_SERVER)
    try:
        with admin.begin() as conn:
            conn.exec_driver_sql(f"CREATE SCHEMA {schema}")
    except sa.exc.OperationalError as error:
        pytest.fail(
            f"PostgreSQL at {PG_SERVER} is not reachable ({error.orig}); start it, or run "
            "pytest --sqlite-only",
            pytrace=False,
        )
    yield f"{PG_SERVER}?options=-csearch_path%3D{schema}"
    with admin.begin() as conn:
        conn.exec_driver_sql(f"DROP SCHEMA {schema} CASCADE")
    admin.dispose()


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    """A URL of an empty SQLite database file."""
    return f"sqlite:///{tmp_path / 'milestones.db'}"


@pytest.fixture
def admin_key(tmp_path: Path) -> Signer:
    """The key of the actor who creates the ledger."""
    return generate_key_file(tmp_path / "keys" / "alice.pem")


def make_key(tmp_path: Path, name: str) -> Signer:
    """A fresh key file for another actor."""
    return generate_key_file(tmp_path / "keys" / f"{name}.pem")


@pytest.fixture
def ledger(db_url: str, admin_key: Signer) -> Iterator[Ledger]:
    """A new ledger (baseline control on) created by alice, on each store."""
    book = Ledger.create(db_url, name="test plan", signer=admin_key, actor="alice")
    yield book
    book.close()


@pytest.fixture
def open_ledger(db_url: str, admin_key: Signer) -> Iterator[Ledger]:
    """A new ledger without baseline control: define and friends need no RFC."""
    book = Ledger.create(
        db_url, name="open plan", signer=admin_key, actor="alice", baseline_control=False
    )
    yield book
    book.close()


def assert_verifies(ledger: Ledger) -> None:
    """Fail unless the ledger's whole stored log verifies (tests that import call this after)."""
    from ledger.verify import verify_rows

    ledger.refresh()
    report = verify_rows(ledger.store.iter_all())
    assert report.ok, f"verify failed at #{report.failure.seq}: {report.failure.reason}"
    assert report.checked == ledger.length
