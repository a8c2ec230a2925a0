"""Verification: replay the stored log from genesis and check every row.

For each row, in seq order: the seq is the next integer; the stored hash is
SHA-256 of the stored body; the body is a valid event and says the same seq;
`prev` is the hash of the row before; the index columns agree with the body;
time does not run backwards; the signing key was registered before this
event and not revoked by then, and may sign for the event's actor; the
signature verifies under it.

Every row the table holds is checked, whatever its seq, and damage never
raises: whatever a row holds becomes a finding at a seq (at a line, for an
export line that is not a row at all). The first finding is the verdict;
verification then goes on, anchored on the damaged row as stored, so that
every damaged row is named, up to `MAX_FINDINGS`. Only rows without a
finding change what the replay knows (keys, time), so nothing it would not
accept vouches for a later row.

The checks a row needs nothing else for run in `ledger.verify_row`, on every
core for a long log (`ledger.verify_parallel`); the rest is judged here, in
order, by `ledger.verify_replay`, whichever way the rows were checked.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from contextlib import closing

from ledger.errors import InvalidInput
from ledger.store import Store, StoredEvent
from ledger.store.rows import INDEX_COLUMNS
from ledger.verify_parallel import checked_rows
from ledger.verify_replay import MAX_FINDINGS, Failure, Replay, Report, Unreadable

__all__ = [
    "MAX_FINDINGS",
    "MIN_HEAD_PREFIX",
    "Failure",
    "Report",
    "Unreadable",
    "every_row",
    "verify_rows",
    "verify_store",
]

#: The shortest prefix `expect_head` may be: 64 bits, too many to match by chance.
MIN_HEAD_PREFIX = 16

_HEX = re.compile(r"[0-9a-f]+")


def verify_rows(
    rows: Iterable[StoredEvent | Unreadable],
    *,
    ledger_id: str | None = None,
    expect_head: str | None = None,
    expect_length: int | None = None,
    workers: int | None = None,
) -> Report:
    """Verify stored rows (in seq order, from genesis).

    `ledger_id` is the genesis hash the log must start from; `expect_head`, a
    hash the chain must contain (an earlier head someone recorded; a prefix of
    at least 16 hex digits will do); and `expect_length`, the fewest events
    the log must hold. Together they catch a log that was replaced or cut
    short. `workers` is how many processes check rows (None: every core, once
    the log is long enough to gain from it). Raises `InvalidInput` only for a
    malformed `ledger_id` or `expect_head`, never for anything the rows hold.
    """
    replay = Replay(
        ledger_id=_hex_hash(ledger_id, "ledger id", minimum=64),
        expect_head=_hex_hash(expect_head, "expected head", minimum=MIN_HEAD_PREFIX),
    )
    checked = checked_rows(
        rows, index_columns=INDEX_COLUMNS, keys=lambda: replay.publics, workers=workers
    )
    with closing(checked):
        for item, check in checked:
            replay.step(item, check)
            if len(replay.findings) >= MAX_FINDINGS:
                break
    return replay.report(expect_length)


def verify_store(
    store: Store,
    *,
    ledger_id: str | None = None,
    expect_head: str | None = None,
    expect_length: int | None = None,
    workers: int | None = None,
) -> Report:
    """Verify every row `store` holds, whatever its seq (see `verify_rows`)."""
    return verify_rows(
        every_row(store),
        ledger_id=ledger_id,
        expect_head=expect_head,
        expect_length=expect_length,
        workers=workers,
    )


def every_row(store: Store, *, page: int = 5000) -> Iterator[StoredEvent]:
    """Every row of the events table in seq order, including any outside 1..head."""
    after: int | None = None
    while True:
        rows = store.scan(after=after, limit=page)
        yield from rows
        if len(rows) < page:
            return
        after = rows[-1].seq


def _hex_hash(value: str | None, what: str, *, minimum: int) -> str | None:
    if value is None:
        return None
    text = value.strip().lower()
    if len(text) < minimum or len(text) > 64 or not _HEX.fullmatch(text):
        needed = "64" if minimum == 64 else f"64, or at least the first {minimum},"
        raise InvalidInput(f"the {what} must be {needed} hex digits of a SHA-256, not {value!r}")
    return text
