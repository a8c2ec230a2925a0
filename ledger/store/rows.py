"""Stored events as rows, and the statements every store runs on them."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from ledger.store.tables import COLUMNS, EVENTS


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


#: Statements used on every append, built once: constructing a SELECT per call
#: cost about as much as the fsync'd commit itself.
ALL_COLUMNS = sa.select(*(EVENTS.c[name] for name in COLUMNS))
AFTER = ALL_COLUMNS.where(EVENTS.c.seq > sa.bindparam("after")).order_by(EVENTS.c.seq)
HEAD = ALL_COLUMNS.order_by(EVENTS.c.seq.desc()).limit(1)
BY_IDEM = ALL_COLUMNS.where(EVENTS.c.idem == sa.bindparam("idem"))
INSERT = sa.insert(EVENTS)
#: For scans on SQLite, which stores any value in any column: the binary columns
#: always as bytes; and, to read a page where a text value is not UTF-8, all of them.
SCAN_COLUMNS = sa.select(
    *(
        sa.cast(EVENTS.c[name], sa.LargeBinary)
        if name in ("body", "hash", "sig")
        else EVENTS.c[name]
        for name in COLUMNS
    )
)
RAW_COLUMNS = sa.select(
    EVENTS.c.seq, *(sa.cast(EVENTS.c[name], sa.LargeBinary) for name in COLUMNS[1:])
)
TEXT_AT = tuple(i for i, name in enumerate(COLUMNS) if name not in ("seq", "body", "hash", "sig"))


def stored(row: Sequence[Any]) -> StoredEvent:
    """A result row as a `StoredEvent`."""
    values = list(row)
    # Drivers hand binary columns back as bytes or memoryview; keep exact bytes.
    for index in (10, 11, 12):
        values[index] = bytes(values[index])
    return StoredEvent(*values)


def head(conn: Connection) -> StoredEvent | None:
    """The last event on `conn`, or None."""
    row = conn.execute(HEAD).first()
    return stored(row) if row is not None else None


def by_idem(conn: Connection, idem: str) -> StoredEvent | None:
    """The event recorded under an idempotency key on `conn`, if any."""
    row = conn.execute(BY_IDEM, {"idem": idem}).first()
    return stored(row) if row is not None else None


def in_order(
    conn: Connection,
    *,
    after: tuple[str, int] | None,
    upto: tuple[str, int] | None = None,
    max_seq: int | None = None,
    limit: int | None = None,
) -> list[StoredEvent]:
    """Events with `after < (effective, seq) <= upto`, in that order (the plan's order)."""
    query = ALL_COLUMNS
    if after is not None:
        # Spelled out rather than a row-value comparison so both stores use the index.
        eff, seq = after
        # The plain range first lets SQLite search the (effective, seq) index instead of
        # scanning it; the OR then trims the rows at the boundary instant.
        query = query.where(
            EVENTS.c.effective >= eff,
            sa.or_(
                EVENTS.c.effective > eff,
                sa.and_(EVENTS.c.effective == eff, EVENTS.c.seq > seq),
            ),
        )
    if upto is not None:
        eff, seq = upto
        query = query.where(
            EVENTS.c.effective <= eff,
            sa.or_(
                EVENTS.c.effective < eff,
                sa.and_(EVENTS.c.effective == eff, EVENTS.c.seq <= seq),
            ),
        )
    if max_seq is not None:
        query = query.where(EVENTS.c.seq <= max_seq)
    query = query.order_by(EVENTS.c.effective, EVENTS.c.seq)
    if limit is not None:
        query = query.limit(limit)
    rows = conn.execute(query).all()
    return [stored(row) for row in rows]


def in_seq(conn: Connection, *, after: int, upto: int | None = None) -> list[StoredEvent]:
    """Events with `after < seq <= upto`, in seq order."""
    query = ALL_COLUMNS.where(EVENTS.c.seq > after)
    if upto is not None:
        query = query.where(EVENTS.c.seq <= upto)
    return [stored(row) for row in conn.execute(query.order_by(EVENTS.c.seq)).all()]


def page(
    conn: Connection, query: sa.Select[Any], *, after: int | None, limit: int
) -> list[sa.Row[Any]]:
    """Up to `limit` rows of `query` with seq > `after` (from the lowest when None)."""
    if after is not None:
        query = query.where(EVENTS.c.seq > after)
    return list(conn.execute(query.order_by(EVENTS.c.seq).limit(limit)).all())
