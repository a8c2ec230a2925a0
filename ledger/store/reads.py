"""The store's reads of the log: by seq, by index column, and every row for verification.

Each opens its own read transaction (`reading`, supplied by `Store`); a caller
that needs several reads to agree opens one itself and uses `ledger.store.rows`.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager
from typing import Any

from ledger.store import rows
from ledger.store.rows import StoredEvent
from ledger.store.sql import Conn


class Reads:
    """Reads every store answers the same way (mixed into `Store`)."""

    def reading(self) -> AbstractContextManager[Conn]:
        """A connection for several reads (one transaction: one consistent snapshot)."""
        raise NotImplementedError

    def head(self) -> StoredEvent | None:
        """The last event, or None for an empty ledger."""
        with self.reading() as conn:
            return rows.head(conn)

    def read(self, *, after: int = 0, upto: int | None = None) -> list[StoredEvent]:
        """Events with `after < seq <= upto`, in seq order."""
        with self.reading() as conn:
            return rows.in_seq(conn, after=after, upto=upto)

    def select(
        self,
        *,
        since: int = 0,
        actor: str | None = None,
        rfc: str | None = None,
        type_: str | None = None,
        subjects: Sequence[str] | None = None,
        limit: int | None = None,
        newest_first: bool = False,
    ) -> list[StoredEvent]:
        """Events filtered on index columns, in seq order (or newest first)."""
        # No `seq > 0` when nothing is skipped: beside ORDER BY seq it would lead SQLite
        # to walk the whole table by seq rather than search an index.
        where = ["seq > :since"] if since else []
        params: dict[str, Any] = {"since": since}
        if actor is not None:
            where.append("actor = :actor")
            params["actor"] = actor
        if rfc is not None:
            where.append("(rfc = :rfc OR subject = :rfc)")
            params["rfc"] = rfc
        if type_ is not None:
            # A whole type or a prefix (`milestone.`, or `milestone` without its dot): a
            # range on the type index, then the exact condition on what the range found.
            stem = type_.removesuffix(".")
            where.append("type >= :stem AND type < :stem_end")
            params["stem"], params["stem_end"] = stem, stem + "/"
            if type_.endswith("."):
                where.append("type >= :prefix")
            else:
                where.append("(type = :stem OR type >= :prefix)")
            params["prefix"] = stem + "."
        if subjects is not None:
            names = [f"s{n}" for n in range(len(subjects))]
            params.update(zip(names, subjects, strict=True))
            where.append(f"subject IN ({', '.join(':' + n for n in names)})" if names else "0 = 1")
        sql = rows.SELECT + (f" WHERE {' AND '.join(where)}" if where else "") + " ORDER BY seq"
        if newest_first:
            sql += " DESC"
        if limit is not None:
            sql += " LIMIT :limit"
            params["limit"] = limit
        with self.reading() as conn:
            return [rows.stored(row) for row in conn.all(sql, params)]

    def by_idem(self, idem: str) -> StoredEvent | None:
        """The event recorded under an idempotency key, if any."""
        with self.reading() as conn:
            return rows.by_idem(conn, idem)

    def rows(self, seqs: Sequence[int]) -> list[StoredEvent]:
        """The events with the given seqs, in seq order."""
        if not seqs:
            return []
        params = {f"q{n}": seq for n, seq in enumerate(seqs)}
        sql = f"{rows.SELECT} WHERE seq IN ({', '.join(':' + n for n in params)}) ORDER BY seq"
        with self.reading() as conn:
            return [rows.stored(row) for row in conn.all(sql, params)]

    def iter_all(self, *, batch: int = 5000) -> Iterator[StoredEvent]:
        """Every event in seq order, read in batches (for verification and export)."""
        after = 0
        while True:
            chunk = self.read(after=after, upto=after + batch)
            if not chunk:
                return
            yield from chunk
            after = chunk[-1].seq

    def scan(self, *, after: int | None = None, limit: int = 5000) -> list[StoredEvent]:
        """Up to `limit` rows with seq > `after` (from the lowest when None), in seq order.

        For verification, which must see every row to report it: unlike `read`
        there is no window of expected seqs, so a row stored far beyond the
        head, or at seq 0 or below, comes back too.
        """
        with self.reading() as conn:
            return [
                rows.stored(row) for row in rows.page(conn, rows.SELECT, after=after, limit=limit)
            ]

    def last_seq(self) -> int:
        """The seq of the last event (0 for none), without reading its body."""
        with self.reading() as conn:
            return rows.last_seq(conn)
