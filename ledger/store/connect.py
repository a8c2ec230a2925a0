"""Choose the store for a URL's dialect, and turn a bad URL into a sentence."""

from __future__ import annotations

from pathlib import Path

from ledger.errors import NotInitialised
from ledger.files import refusal
from ledger.store.base import Store

_EXAMPLES = "use e.g. milestones.db, sqlite:///milestones.db or postgresql+psycopg://user@host/db"


def _check_sqlite_path(path: Path | None, *, create: bool) -> None:
    """Refuse a path the file system cannot even look at (too long, a NUL in it)."""
    if path is None:
        return
    try:
        path.exists()
        path.parent.is_dir()
    except (OSError, ValueError) as error:
        raise NotInitialised(str(refusal(error, path, what="database"))) from None


def open_store(url: str, *, create: bool = False, check: bool = True) -> Store:
    """Open the database at `url` with the store for its dialect (see `Store.open`).

    With `check=False` the schema version is not checked (for `milestone upgrade`).
    """
    if "\x00" in url:
        raise NotInitialised(f"{url!r} is not a database URL (it holds a NUL); {_EXAMPLES}")
    database = _plain_sqlite(url)
    if database is not None:
        # The usual case, read without SQLAlchemy (see `ledger.store.sql`).
        return _open_sqlite(url, database, where=url, create=create, check=check)
    return _open_any(url, create=create, check=check)


def _plain_sqlite(url: str) -> str | None:
    """The file of a `sqlite:///PATH` URL without options or driver, else None."""
    prefix = "sqlite:///"
    if not url.startswith(prefix) or "?" in url or len(url) == len(prefix):
        return None
    return url[len(prefix) :]


def _open_sqlite(url: str, database: str, *, where: str, create: bool, check: bool) -> Store:
    from ledger.store.sqlite import SqliteStore, path_of

    path = path_of(database)
    _check_sqlite_path(path, create=create)
    if path is not None and not create and not path.exists():
        raise NotInitialised(
            f"no ledger database at {path}; run `milestone init` to create one, "
            "or pass --db / set MILESTONE_DB_URL to an existing ledger"
        )
    if path is not None and create and not path.parent.is_dir():
        raise NotInitialised(f"cannot create {path}: the folder {path.parent} does not exist")
    if database == ":memory:" or not database:
        # One database shared by the store's connections, as one file would be.
        database = f"file:memory-{id(url)}?mode=memory&cache=shared"
    return _ready(SqliteStore(url, where=where, database=database), create=create, check=check)


def _ready(store: Store, *, create: bool, check: bool) -> Store:
    """Check (or make) the schema of a store just opened; close it if that fails."""
    try:
        store._setup(create=create, check=check)
    except BaseException:
        store.close()
        raise
    return store


def _open_any(url: str, *, create: bool, check: bool) -> Store:
    """`open_store` for any URL SQLAlchemy can parse."""
    import sqlalchemy as sa

    from ledger.store.postgres import PostgresStore
    from ledger.store.postgres import make_engine as postgres_engine

    try:
        parsed = sa.make_url(url)
    except (sa.exc.ArgumentError, ValueError):  # ValueError: a port that is not a number
        raise NotInitialised(f"{url!r} is not a database URL; {_EXAMPLES}") from None
    backend = parsed.get_backend_name()
    if backend == "postgres":
        raise NotInitialised(
            f"{parsed.render_as_string(hide_password=True)!r}: write postgresql+psycopg:// "
            "rather than postgres://"
        )
    where = parsed.render_as_string(hide_password=True)
    try:
        if backend == "sqlite":
            if parsed.get_driver_name() not in ("pysqlite", "sqlite"):
                raise ImportError("the SQLite driver is the standard library's sqlite3")
            database = parsed.database or ""
            if parsed.query.get("mode") == "memory" or database.startswith("file:"):
                raise NotInitialised(
                    f"{where!r}: give SQLite a file (sqlite:///PATH); options and URI "
                    f"databases are not supported; {_EXAMPLES}"
                )
            return _open_sqlite(url, database, where=where, create=create, check=check)
        if backend == "postgresql":
            store = PostgresStore(url, engine=postgres_engine(parsed))
        else:
            raise NotInitialised(
                f"milestone-ledger stores ledgers in SQLite or PostgreSQL, not {backend!r}; "
                f"{_EXAMPLES}"
            )
    except (ImportError, sa.exc.NoSuchModuleError, sa.exc.ArgumentError) as error:
        raise NotInitialised(
            f"cannot use {parsed.render_as_string(hide_password=True)!r} ({error}); {_EXAMPLES}"
        ) from None
    try:
        store.identify()
    except BaseException:
        store.close()
        raise
    return _ready(store, create=create, check=check)
