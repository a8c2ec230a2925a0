"""Choose the store for a URL's dialect, and turn a bad URL into a sentence."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa

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
    from ledger.store.postgres import PostgresStore
    from ledger.store.postgres import make_engine as postgres_engine
    from ledger.store.sqlite import SqliteStore, sqlite_path
    from ledger.store.sqlite import make_engine as sqlite_engine

    if "\x00" in url:
        raise NotInitialised(f"{url!r} is not a database URL (it holds a NUL); {_EXAMPLES}")
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
    store: Store
    try:
        if backend == "sqlite":
            path = sqlite_path(parsed)
            _check_sqlite_path(path, create=create)
            if path is not None and not create and not path.exists():
                raise NotInitialised(
                    f"no ledger database at {path}; run `milestone init` to create one, "
                    "or pass --db / set MILESTONE_DB_URL to an existing ledger"
                )
            if path is not None and create and not path.parent.is_dir():
                raise NotInitialised(
                    f"cannot create {path}: the folder {path.parent} does not exist"
                )
            store = SqliteStore(url, engine=sqlite_engine(parsed))
        elif backend == "postgresql":
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
        if isinstance(store, PostgresStore):
            store.identify()
        store._setup(create=create, check=check)
    except BaseException:
        store.close()
        raise
    return store
