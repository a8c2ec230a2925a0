"""Stored events as rows, and the statements every store runs on them."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ledger.store.sql import Conn

#: The events table's columns in order; `ledger.store.tables` declares the same.
COLUMNS = (
    "seq",
    "id",
    "type",
    "subject",
    "actor",
    "key",
    "rfc",
    "idem",
    "recorded_at",
    "effective",
    "body",
    "hash",
    "sig",
)
_BINARY = (10, 11, 12)
#: The columns stored beside the body only to be searched: each must agree with the body.
INDEX_COLUMNS = COLUMNS[1:10]


@dataclass(frozen=True, slots=True)
class StoredEvent:
    """An event row exactly as stored: index columns plus body, hash and signature."""

    seq: int
    id: str
    type: str
    subject: str
    actor: str
    key: str
    rfc: str | None
    idem: str | None
    recorded_at: str
    effective: str
    body: bytes
    hash: bytes
    sig: bytes

    @property
    def body_hash_ok(self) -> bool:
        """Whether the stored hash is the SHA-256 of the stored body."""
        return hashlib.sha256(self.body).digest() == self.hash

    def as_row(self) -> dict[str, Any]:
        """The row as a dict of column values."""
        return {name: getattr(self, name) for name in COLUMNS}

    def as_values(self) -> tuple[Any, ...]:
        """The row's values in column order."""
        return (
            self.seq,
            self.id,
            self.type,
            self.subject,
            self.actor,
            self.key,
            self.rfc,
            self.idem,
            self.recorded_at,
            self.effective,
            self.body,
            self.hash,
            self.sig,
        )


SELECT = f"SELECT {', '.join(COLUMNS)} FROM events"
INSERT = f"INSERT INTO events ({', '.join(COLUMNS)}) VALUES ({', '.join('?' * len(COLUMNS))})"
HEAD = f"{SELECT} ORDER BY seq DESC LIMIT 1"
BY_IDEM = f"{SELECT} WHERE idem = :idem"
AFTER = f"{SELECT} WHERE seq > :after ORDER BY seq"
AFTER_SOME = f"{AFTER} LIMIT :limit"
#: Both ends of the (effective, seq) order, spelled out rather than as a row-value
#: comparison so that both stores search the index: the plain range lets SQLite seek,
#: the OR trims the rows at the boundary instant.
AFTER_KEY = "effective >= :a_eff AND (effective > :a_eff OR (effective = :a_eff AND seq > :a_seq))"
UPTO_KEY = "effective <= :u_eff AND (effective < :u_eff OR (effective = :u_eff AND seq <= :u_seq))"


def stored(row: Sequence[Any]) -> StoredEvent:
    """A result row as a `StoredEvent`."""
    values = list(row)
    for index in _BINARY:
        value = values[index]
        if type(value) is not bytes:
            values[index] = as_bytes(value)
    return StoredEvent(*values)


def as_bytes(value: Any) -> bytes:
    """A binary column's value as exact bytes: drivers hand back memoryviews, and a
    damaged SQLite row may hold text or a number there (which can never verify)."""
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value)
    return str(value).encode("utf-8", "surrogateescape")


def head(conn: Conn) -> StoredEvent | None:
    """The last event on `conn`, or None."""
    row = conn.first(HEAD)
    return stored(row) if row is not None else None


def by_idem(conn: Conn, idem: str) -> StoredEvent | None:
    """The event recorded under an idempotency key on `conn`, if any."""
    row = conn.first(BY_IDEM, {"idem": idem})
    return stored(row) if row is not None else None


def after_some(conn: Conn, seq: int, *, limit: int) -> list[StoredEvent]:
    """The first `limit` events with seq > `seq`, in order."""
    return [stored(row) for row in conn.all(AFTER_SOME, {"after": seq, "limit": limit})]


def in_order(
    conn: Conn,
    *,
    after: tuple[str, int] | None,
    upto: tuple[str, int] | None = None,
    max_seq: int | None = None,
    limit: int | None = None,
) -> list[StoredEvent]:
    """Events with `after < (effective, seq) <= upto`, in that order (the plan's order)."""
    where: list[str] = []
    params: dict[str, Any] = {}
    if after is not None:
        where.append(AFTER_KEY)
        params["a_eff"], params["a_seq"] = after
    if upto is not None:
        where.append(UPTO_KEY)
        params["u_eff"], params["u_seq"] = upto
    if max_seq is not None:
        where.append("seq <= :max_seq")
        params["max_seq"] = max_seq
    sql = SELECT + (f" WHERE {' AND '.join(where)}" if where else "") + " ORDER BY effective, seq"
    if limit is not None:
        sql += " LIMIT :limit"
        params["limit"] = limit
    return [stored(row) for row in conn.all(sql, params)]


def in_seq(conn: Conn, *, after: int, upto: int | None = None) -> list[StoredEvent]:
    """Events with `after < seq <= upto`, in seq order."""
    if upto is None:
        return [stored(row) for row in conn.all(AFTER, {"after": after})]
    sql = f"{SELECT} WHERE seq > :after AND seq <= :upto ORDER BY seq"
    return [stored(row) for row in conn.all(sql, {"after": after, "upto": upto})]


def page(conn: Conn, select: str, *, after: int | None, limit: int) -> list[tuple[Any, ...]]:
    """Up to `limit` rows of `select` (a SELECT of events) with seq > `after`, in seq order
    (from the lowest seq, whatever it is, when `after` is None)."""
    if after is None:
        return conn.all(f"{select} ORDER BY seq LIMIT :limit", {"limit": limit})
    return conn.all(
        f"{select} WHERE seq > :after ORDER BY seq LIMIT :limit", {"after": after, "limit": limit}
    )


def last_seq(conn: Conn) -> int:
    """The highest seq stored (0 for none)."""
    return int(conn.scalar("SELECT max(seq) FROM events") or 0)
