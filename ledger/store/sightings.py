"""Requests seen lately: a key recorded once, whoever else tries to record it at the same time.

The Slack bot records the signature of every request it accepts here, so that
a request replayed to any of its replicas is found already seen. The table
(`seen_requests`) keeps a SHA-256 digest of each key, so keys of any length
take one fixed-size row, and prunes rows whose `keep_until` has passed.
"""

from __future__ import annotations

import hashlib

from ledger.store.sql import Conn

# The primary key decides: of any number of transactions inserting one digest, in any
# processes, exactly one inserts a row (the others wait for it to commit, then see the
# conflict). SQLite (3.24 and later) and PostgreSQL spell this the same way.
_INSERT = (
    "INSERT INTO seen_requests (digest, seen_at, keep_until) "
    "VALUES (:digest, :seen_at, :keep_until) ON CONFLICT DO NOTHING"
)
_PRUNE = {
    # One writer at a time on SQLite: nobody else can be deleting the same rows.
    "sqlite": "DELETE FROM seen_requests WHERE keep_until < :now",
    # Rows another transaction is pruning right now are left to it, rather than waited
    # for (and two prunes can never deadlock on each other's rows).
    "postgresql": (
        "DELETE FROM seen_requests WHERE digest IN (SELECT digest FROM seen_requests "
        "WHERE keep_until < :now FOR UPDATE SKIP LOCKED)"
    ),
}


def digest(key: str) -> bytes:
    """The digest a key is kept as."""
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).digest()


def first(conn: Conn, key: str, *, at: float, keep_until: float) -> bool:
    """Forget the keys kept until before `at`, then record `key`; True if it was not recorded
    yet. In the caller's transaction, which must not read a snapshot older than the
    statement (PostgreSQL: READ COMMITTED), or a concurrent insert cannot be seen."""
    conn.execute(_PRUNE[conn.dialect], {"now": at})
    inserted = conn.execute(
        _INSERT, {"digest": digest(key), "seen_at": at, "keep_until": keep_until}
    ).rowcount
    return bool(inserted == 1)


def count(conn: Conn) -> int:
    """How many keys are kept (expired ones included until the next sighting prunes them)."""
    return int(conn.scalar("SELECT count(*) FROM seen_requests") or 0)
