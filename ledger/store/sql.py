"""Statements straight to the database driver: one small connection interface over
the standard library's `sqlite3` and over `psycopg`.

Every statement the store runs at work is a constant string with `:name` (or
`?`) parameters, so it goes to the driver as it is. SQLAlchemy builds and
migrates the schema (`ledger.store.schema`, Alembic) but is not imported by
reads and appends: its import alone cost a command more than its whole work
(about 250 ms of a 600 ms `milestone show`), and compiling a Core statement
per call cost about as much as the fsync'd commit it was part of.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from functools import lru_cache
from typing import Any

Params = Mapping[str, Any] | Sequence[Any]


class DatabaseFailure(Exception):
    """A driver error, as the first line of what the database said."""


class Refused(DatabaseFailure):
    """The database refused a write: a key clash, a value it cannot store, or a trigger."""


class LockWait(DatabaseFailure):
    """Another writer held the write lock for longer than the store waits."""


#: What a caller makes of a refused write: the error to raise instead.
OnRefused = Callable[[Refused], Exception]


class Conn:
    """A driver connection inside a transaction that the store began and will end."""

    #: The dialect's name: "sqlite" or "postgresql".
    dialect = ""

    def __init__(self, raw: Any) -> None:
        #: The driver's own connection (a `sqlite3.Connection` or a `psycopg.Connection`).
        self.raw = raw

    def execute(self, sql: str, params: Params | None = None) -> Any:
        """Run one statement (or, without parameters, several separated by semicolons on
        PostgreSQL); the driver's cursor, to iterate or fetch from."""
        try:
            if params is None:
                return self.raw.execute(sql)
            return self.raw.execute(self._sql(sql), params)
        except Exception as error:
            raise self.failure(error) from None

    def executemany(
        self, sql: str, rows: Iterable[Params], *, refused: OnRefused | None = None
    ) -> None:
        """Run one statement for each set of parameters, in one call to the driver.

        Nothing is read back, so a dialect may send the statements later in the
        same transaction, with the next statement or the commit (PostgreSQL
        does, to save round trips): a refusal then surfaces there. Either way a
        refusal of these statements is raised as `refused(error)` when given.
        """
        try:
            self._executemany(self._sql(sql), rows)
        except Exception as error:
            raise blame(self.failure(error), refused) from None

    def all(self, sql: str, params: Params | None = None) -> list[tuple[Any, ...]]:
        """Every row a query returns."""
        return self._fetch(sql, params, lambda cursor: list(cursor.fetchall()))

    def first(self, sql: str, params: Params | None = None) -> tuple[Any, ...] | None:
        """The first row a query returns, or None."""
        row = self._fetch(sql, params, lambda cursor: cursor.fetchone())
        return tuple(row) if row is not None else None

    def scalar(self, sql: str, params: Params | None = None) -> Any:
        """The first column of the first row, or None."""
        row = self.first(sql, params)
        return row[0] if row is not None else None

    def tables(self) -> set[str]:
        """The names of the tables this connection sees."""
        raise NotImplementedError

    # --- dialect hooks --------------------------------------------------------------------

    def _fetch(self, sql: str, params: Params | None, take: Callable[[Any], Any]) -> Any:
        """Run a query and `take` its rows from the cursor; driver errors either way are
        the store's (the driver may fail on a row while fetching, not only on executing)."""
        cursor = self.execute(sql, params)
        try:
            return take(cursor)
        except Exception as error:
            raise self.failure(error) from None

    def _sql(self, sql: str) -> str:
        return sql

    def _executemany(self, sql: str, rows: Iterable[Params]) -> None:
        self.raw.executemany(sql, rows)

    def failure(self, error: Exception) -> Exception:
        """The store's exception for a driver error (other exceptions pass unchanged)."""
        return error


def blame(failure: Exception, refused: OnRefused | None) -> Exception:
    """The error to raise for `failure` of statements whose caller said `refused`."""
    if refused is not None and isinstance(failure, Refused):
        return refused(failure)
    return failure


def first_line(error: BaseException) -> str:
    """The first line of what a database error says (its type's name when it says nothing)."""
    orig = getattr(error, "orig", None) or error
    text = str(orig).strip()
    return text.splitlines()[0] if text else type(orig).__name__


class SqliteConn(Conn):
    """A `sqlite3` connection (autocommit off at the driver: the store says BEGIN itself)."""

    dialect = "sqlite"

    def __init__(self, raw: Any) -> None:
        super().__init__(raw)
        #: Whether this transaction waits for locks less than the store's usual wait.
        self.brief_wait = False

    def _fetch(self, sql: str, params: Params | None, take: Callable[[Any], Any]) -> Any:
        # SQLite keeps whatever bytes it is given, so a text value may not be UTF-8 (as a
        # flipped bit on disk leaves it). Such a query is read again with the bytes kept as
        # surrogate escapes: the value then never equals what it is checked against (a row's
        # signed body), so the damage is reported where it matters instead of failing here.
        try:
            return super()._fetch(sql, params, take)
        except DatabaseFailure as error:
            if not str(error).startswith(_UNDECODABLE):
                raise
        self.raw.text_factory = lenient_text
        try:
            return super()._fetch(sql, params, take)
        finally:
            self.raw.text_factory = str

    def tables(self) -> set[str]:
        return {row[0] for row in self.all("SELECT name FROM sqlite_master WHERE type = 'table'")}

    def failure(self, error: Exception) -> Exception:
        import sqlite3

        if not isinstance(error, sqlite3.Error):
            return error
        message = first_line(error)
        if isinstance(error, sqlite3.IntegrityError) or "append-only" in message:
            return Refused(message)
        if isinstance(error, sqlite3.OperationalError) and "database is locked" in message:
            return LockWait(message)
        return DatabaseFailure(message)


class PostgresConn(Conn):
    """A `psycopg` connection; statements are written with `:name` and `?` and turned
    into psycopg's `%(name)s` and `%s` once each."""

    dialect = "postgresql"

    def tables(self) -> set[str]:
        # Tables the search_path makes visible, as an unqualified name would find them.
        return {
            row[0]
            for row in self.all(
                "SELECT c.relname FROM pg_class c "
                "WHERE c.relkind IN ('r', 'p') AND pg_table_is_visible(c.oid)"
            )
        }

    def _sql(self, sql: str) -> str:
        return _pyformat(sql)

    def _executemany(self, sql: str, rows: Iterable[Params]) -> None:
        with self.raw.cursor() as cursor:
            cursor.executemany(sql, list(rows))

    def failure(self, error: Exception) -> Exception:
        import psycopg

        if not isinstance(error, psycopg.Error):
            return error
        message = first_line(error)
        if (
            isinstance(error, psycopg.IntegrityError | psycopg.DataError)
            or "append-only" in message
        ):
            return Refused(message)
        if getattr(error, "sqlstate", None) == "55P03":  # lock_not_available
            return LockWait(message)
        return DatabaseFailure(message)


#: How `sqlite3` begins the error for a text value that is not UTF-8.
_UNDECODABLE = "Could not decode to UTF-8"


def lenient_text(value: bytes) -> str:
    """A SQLite text value as a string, bytes that are not UTF-8 kept as surrogate escapes."""
    return value.decode("utf-8", "surrogateescape")


# `:name` not preceded by a colon (so `::type` casts stay), and a lone `?`.
_MARKS = re.compile(r"(?<![:\w]):([A-Za-z_]\w*)|\?")


@lru_cache(maxsize=256)
def _pyformat(sql: str) -> str:
    """`sql` with psycopg's parameter marks (our statements hold no literal `%`)."""
    return _MARKS.sub(lambda m: f"%({m.group(1)})s" if m.group(1) else "%s", sql)


def under(connection: Any) -> Conn:
    """The `Conn` on the driver connection under a SQLAlchemy one, in its transaction
    (for a migration that runs the store's own statements)."""
    kind = SqliteConn if connection.dialect.name == "sqlite" else PostgresConn
    return kind(connection.connection.driver_connection)
