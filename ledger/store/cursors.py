"""Follower cursors: how far each follower (the Slack announcer) has read. Derived data."""

from __future__ import annotations

from ledger.store.sql import Conn

_GET = "SELECT seq FROM follower_cursors WHERE name = :name"
_INSERT = "INSERT INTO follower_cursors (name, seq) VALUES (:name, :seq)"
#: Made again on open when someone dropped it (it is derived data).
CREATE = (
    "CREATE TABLE IF NOT EXISTS follower_cursors "
    "(name VARCHAR(100) NOT NULL PRIMARY KEY, seq INTEGER NOT NULL)"
)


def get(conn: Conn, name: str) -> int:
    """The last seq the follower `name` has handled (0 if it never ran)."""
    return int(conn.scalar(_GET, {"name": name}) or 0)


def put(conn: Conn, name: str, seq: int) -> None:
    """Set the follower `name`'s cursor to `seq`."""
    updated = conn.execute(
        "UPDATE follower_cursors SET seq = :seq WHERE name = :name", {"name": name, "seq": seq}
    ).rowcount
    if not updated:
        conn.execute(_INSERT, {"name": name, "seq": seq})


def compare_and_set(conn: Conn, name: str, *, expected: int, to: int) -> bool:
    """Move `name` from `expected` to `to`; False if it was elsewhere."""
    moved = conn.execute(
        "UPDATE follower_cursors SET seq = :to WHERE name = :name AND seq = :expected",
        {"name": name, "expected": expected, "to": to},
    ).rowcount
    if moved or expected != 0:
        return bool(moved)
    if conn.first(_GET, {"name": name}):
        return False
    conn.execute(_INSERT, {"name": name, "seq": to})
    return True
