"""Schema versions: make a new ledger's tables, refuse what this version cannot read, upgrade.

Every schema change is an Alembic migration under `ledger/store/migrations`;
revision "000N" makes schema version N, which `ledger_meta` records so that a
plain SELECT (no Alembic import) tells on every open whether this
milestone-ledger can read the database. Alembic is imported only to create or
upgrade a ledger.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from ledger.errors import NotInitialised, UnsupportedSchema
from ledger.store.sql import Conn

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

#: The tables that hold the ledger itself; a database with only some of them is damaged.
LEDGER_TABLES = ("events", "ledger_meta")

#: The schema this version of milestone-ledger writes and reads.
SCHEMA_VERSION = 4

_MIGRATIONS = Path(__file__).parent / "migrations"


_VERSION = "SELECT value FROM ledger_meta WHERE name = 'schema_version'"


def migrate(conn: Connection, *, to: int = SCHEMA_VERSION) -> None:
    """Run the migrations from the database's version up to `to`, on the transaction of
    `conn` (a SQLAlchemy connection: Alembic runs on one)."""
    import sqlalchemy as sa
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(_MIGRATIONS))
    config.attributes["connection"] = conn
    inspector = sa.inspect(conn)
    if inspector.has_table("events") and not inspector.has_table("alembic_version"):
        # Made before migrations existed (version 1): tell Alembic where it stands.
        command.stamp(config, f"{_version(conn.exec_driver_sql(_VERSION).scalar()):04d}")
    command.upgrade(config, f"{to:04d}")


def recorded_version(conn: Conn) -> int:
    """The schema version `ledger_meta` records; raises for a value no version wrote."""
    return _version(conn.scalar(_VERSION))


def _version(value: Any) -> int:
    if value is None:
        raise NotInitialised(
            "the database has ledger tables but no schema version; "
            "it was not made by `milestone init`"
        )
    try:
        return int(value)
    except ValueError:
        raise UnsupportedSchema(
            f"the database records schema version {value!r}, which is not a version "
            "milestone-ledger ever wrote; it was not made by `milestone init`"
        ) from None


def ledger_version(conn: Conn, *, where: str) -> int | None:
    """The schema version of the ledger in this database, or None when it holds no ledger.

    Raises `NotInitialised` for a database with only some ledger tables, and
    `UnsupportedSchema` for one made by a newer milestone-ledger.
    """
    tables = conn.tables()
    present = [name for name in LEDGER_TABLES if name in tables]
    if not present:
        return None
    if len(present) < len(LEDGER_TABLES):
        missing = ", ".join(sorted(set(LEDGER_TABLES) - set(present)))
        raise NotInitialised(
            f"the database at {where} has some ledger tables but not {missing}; "
            "it was not made by `milestone init`, or it was damaged"
        )
    try:
        version = recorded_version(conn)
    except (NotInitialised, UnsupportedSchema) as error:
        raise type(error)(
            str(error).replace("the database", f"the database at {where}", 1)
        ) from None
    if version > SCHEMA_VERSION:
        raise UnsupportedSchema(
            f"the ledger at {where} has schema version {version}, made by a newer "
            f"milestone-ledger; this one reads version {SCHEMA_VERSION}. Upgrade "
            "milestone-ledger (pip install -U milestone-ledger) to use it"
        )
    if version < 1:
        raise UnsupportedSchema(
            f"the ledger at {where} has schema version {version}, made by an older "
            f"milestone-ledger that no migration starts from. With that milestone-ledger "
            "run `milestone export FILE`, then with this one `milestone --db NEW_DB import FILE`"
        )
    return version


def require_current(version: int | None, *, where: str) -> None:
    """Refuse a database without a ledger, or one that `milestone upgrade` must migrate first."""
    if version is None:
        raise NotInitialised(
            f"the database at {where} holds no ledger (no ledger tables); "
            "run `milestone init` to create one, or check --db / MILESTONE_DB_URL"
        )
    if version < SCHEMA_VERSION:
        raise UnsupportedSchema(
            f"the ledger at {where} has schema version {version}, made by an older "
            f"milestone-ledger; this one reads version {SCHEMA_VERSION}. Run `milestone "
            "upgrade` once to migrate it (nothing in the signed log changes)"
        )
