"""Follower cursors: how far each follower (the Slack announcer) has read. Derived data."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from ledger.store.tables import CURSORS


def get(conn: Connection, name: str) -> int:
    """The last seq the follower `name` has handled (0 if it never ran)."""
    value = conn.execute(sa.select(CURSORS.c.seq).where(CURSORS.c.name == name)).scalar()
    return int(value or 0)


def put(conn: Connection, name: str, seq: int) -> None:
    """Set the follower `name`'s cursor to `seq`."""
    updated = conn.execute(
        sa.update(CURSORS).where(CURSORS.c.name == name).values(seq=seq)
    ).rowcount
    if not updated:
        conn.execute(sa.insert(CURSORS).values(name=name, seq=seq))


def compare_and_set(conn: Connection, name: str, *, expected: int, to: int) -> bool:
    """Move `name` from `expected` to `to`; False if it was elsewhere."""
    moved = conn.execute(
        sa.update(CURSORS).where(CURSORS.c.name == name, CURSORS.c.seq == expected).values(seq=to)
    ).rowcount
    if moved or expected != 0:
        return bool(moved)
    if conn.execute(sa.select(CURSORS.c.seq).where(CURSORS.c.name == name)).first():
        return False
    conn.execute(sa.insert(CURSORS).values(name=name, seq=to))
    return True
