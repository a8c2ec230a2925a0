"""PostgreSQL statements sent in batches, so that an append waits on few round trips.

Under the write lock every round trip to the server is time no other writer
can use. So the store's own transactions on PostgreSQL say BEGIN and COMMIT
themselves (psycopg's autocommit, switched on for the transaction) and use
psycopg's pipeline mode:

- `defer` and `executemany` queue statements whose results nobody reads
  (BEGIN, the lock, the inserts of an append, NOTIFY); they go to the server
  with the next statement whose answer is wanted, or with the COMMIT, in one
  round trip. A failed statement aborts the rest, COMMIT included, and its
  error is raised there, turned by the `refused` its caller gave.
- `read_ahead` sends the queue and some reads together and keeps the answers:
  an append's first reads (the head) travel with BEGIN and the lock. An answer
  is given only to the same statement with the same parameters, and only until
  the transaction writes, so it is what reading again would return: the lock
  keeps other writers out meanwhile.

A locked append is thus two round trips: BEGIN, lock and reads; then its
writes and COMMIT.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from contextlib import suppress
from dataclasses import dataclass
from typing import Any

from ledger.store.sql import OnRefused, Params, PostgresConn, blame

#: Statements and their parameters, to send together.
Statements = Sequence[tuple[str, Params | None]]


@dataclass(frozen=True, slots=True)
class _Queued:
    """Deferred statements: one SQL text with each set of parameters (psycopg marks)."""

    sql: str
    rows: Sequence[Params | None]
    refused: OnRefused | None


class _Answer:
    """Rows read ahead, handed out as a driver cursor would."""

    def __init__(self, rows: list[tuple[Any, ...]]) -> None:
        self._rows = rows
        self._next = 0

    def fetchone(self) -> tuple[Any, ...] | None:
        if self._next >= len(self._rows):
            return None
        self._next += 1
        return self._rows[self._next - 1]

    def fetchall(self) -> list[tuple[Any, ...]]:
        rows, self._next = self._rows[self._next :], len(self._rows)
        return rows

    def __iter__(self) -> Any:
        return iter(self.fetchall())


class PipelinedConn(PostgresConn):
    """A psycopg connection in a transaction the store runs in autocommit mode, saying
    BEGIN and COMMIT itself, with statements queued and sent in pipelines."""

    #: Larger batches go at once through psycopg's `executemany` (itself one round
    #: trip, and cheaper per row than the cursor a queued row needs to be blamed).
    QUEUE_ROWS = 64

    def __init__(self, raw: Any) -> None:
        super().__init__(raw)
        self._queue: list[_Queued] = []
        self._answers: dict[Hashable, list[tuple[Any, ...]]] = {}

    def defer(self, sql: str, params: Params | None = None) -> None:
        """Queue one statement whose result nobody reads (sent with the next one)."""
        self._queue.append(_Queued(self._marks(sql, params), [params], None))

    def read_ahead(self, reads: Statements) -> None:
        """Send the queue and `reads` in one round trip and keep the reads' answers.

        When nothing queued needs blaming (BEGIN and the lock), all of it goes as
        one simple query with the values bound here: one message each way, which
        costs the client about half what a pipeline of as many statements does.
        """
        if any(item.refused is not None for item in self._queue):
            for (sql, params), cursor in zip(reads, self._send(reads), strict=True):
                self._answers[_key(sql, params)] = list(cursor.fetchall())
            return
        import psycopg

        queued, self._queue = self._queue, []
        binder = psycopg.ClientCursor(self.raw)
        texts = [binder.mogrify(item.sql, params) for item in queued for params in item.rows]
        texts += [binder.mogrify(self._marks(sql, params), params) for sql, params in reads]
        cursor = super().execute("; ".join(texts))
        for _ in range(len(texts) - len(reads)):
            cursor.nextset()
        for sql, params in reads:
            self._answers[_key(sql, params)] = list(cursor.fetchall())
            cursor.nextset()

    def execute(self, sql: str, params: Params | None = None) -> Any:
        if self._answers:
            try:
                rows = self._answers.get(_key(sql, params))
            except TypeError:  # parameters that cannot be a key: never read ahead
                rows = None
            if rows is not None:
                return _Answer(rows)
            if not sql.lstrip()[:6].upper().startswith("SELECT"):
                self._answers.clear()
        if self._queue:
            return self._send([(sql, params)])[0]
        return super().execute(sql, params)

    def executemany(
        self, sql: str, rows: Iterable[Params], *, refused: OnRefused | None = None
    ) -> None:
        self._answers.clear()
        batch = list(rows)
        if len(batch) <= self.QUEUE_ROWS:
            if batch:
                self._queue.append(_Queued(self._sql(sql), batch, refused))
            return
        if self._queue:
            self._send([])
        super().executemany(sql, batch, refused=refused)

    def commit(self) -> None:
        """Send what is queued and COMMIT, in one round trip."""
        self._send([("COMMIT", None)])

    def rollback(self) -> None:
        """Forget what is queued (it was never sent) and roll back what was."""
        self._queue.clear()
        self._answers.clear()
        try:
            self.raw.rollback()
        except Exception as error:
            raise self.failure(error) from None

    # --- sending ----------------------------------------------------------------------------

    def _marks(self, sql: str, params: Params | None) -> str:
        # As `Conn.execute` does: statements without parameters go as they are.
        return sql if params is None else self._sql(sql)

    def _send(self, then: Statements) -> list[Any]:
        """Send the queue, then `then`, in one pipeline; the cursors of `then`.

        A cursor per queued statement, so that when one fails, the first cursor
        without a result names it (the server skips everything after a failure
        up to the pipeline's end), and its caller's `refused` applies.
        """
        queued, self._queue = self._queue, []
        sent: list[tuple[Any, _Queued]] = []
        answers: list[Any] = []
        failure: Exception | None = None
        raw = self.raw
        try:
            with raw.pipeline() as pipeline:
                try:
                    for item in queued:
                        for params in item.rows:
                            cursor = raw.cursor()
                            sent.append((cursor, item))
                            cursor.execute(item.sql, params)
                    for sql, params in then:
                        cursor = raw.cursor()
                        answers.append(cursor)
                        cursor.execute(self._marks(sql, params), params)
                except Exception as error:
                    # Collect what was sent before leaving the pipeline, so that
                    # psycopg does not log the aborted rest as a warning.
                    failure = error
                    with suppress(Exception):
                        pipeline.sync()
        except Exception as error:
            failure = failure or error
        if failure is not None:
            raise _blamed(self.failure(failure), sent) from None
        return answers


def _blamed(failure: Exception, sent: list[tuple[Any, _Queued]]) -> Exception:
    """The error to raise for `failure`: the first statement without a result failed."""
    for cursor, item in sent:
        if cursor.pgresult is None:
            return blame(failure, item.refused)
    return failure


def _key(sql: str, params: Params | None) -> Hashable:
    if params is None:
        return sql, None
    if isinstance(params, Mapping):
        return sql, tuple(sorted(params.items()))
    return sql, tuple(params)
