"""The check every read makes of the stored rows it folds: only the verified chain is shown.

The plan at the head lives in derived tables; a view as of an earlier point (or as
known at an earlier time) folds rows of the log onto a stored snapshot. Anyone who
owns the database, or a flipped bit on disk, can change those rows, so each row is
checked before it is used, by the row checks `verify` runs (`ledger.verify_row`):
its hash is the SHA-256 of its body, the body is a valid event with the row's seq,
its index columns (by which the database found it) agree with the body, and its
signature verifies under a registered key, not revoked before it, that may sign for
its actor. What the rows must be as a whole is checked too: a run in log order is
contiguous and each row links to the one before; a run in the plan's order holds
exactly as many rows as the snapshots and the head count there, so a row moved
out of place (its seq or effective column changed) cannot silently go missing.

A row that fails is refused with `ChainBroken`, naming `milestone verify`: the
view is not shown, rather than shown without it or with what it claims. These
checks vouch for the rows a view reads, not for the whole log: `verify` does that.
"""

from __future__ import annotations

from collections.abc import Generator, Iterable, Iterator, Mapping, Sequence
from contextlib import closing
from typing import TYPE_CHECKING

from ledger.errors import ChainBroken
from ledger.rules import may_sign_for
from ledger.signing import signature_ok
from ledger.state import KeyInfo, Recorded
from ledger.store import StoredEvent, rows

if TYPE_CHECKING:
    from ledger.verify_row import RowCheck


def damaged(seq: int, reason: str) -> ChainBroken:
    """The error a read raises when it meets a row that is not part of the verified chain."""
    return ChainBroken(
        f"the ledger is damaged at event #{seq} ({reason}); nothing from it is shown. "
        "Run `milestone verify` for the full report"
    )


class Trust:
    """Checks rows against the keys a ledger registered (those of the state at its head)."""

    def __init__(self, keys: Mapping[str, KeyInfo]) -> None:
        self.keys = keys
        self._publics = {key_id: bytes.fromhex(key.public_key) for key_id, key in keys.items()}

    def event(self, row: StoredEvent, check: RowCheck | None = None) -> Recorded:
        """The event a row holds, if the row is intact, agrees with its columns and is
        signed by a key in force that may sign for its actor; else `ChainBroken`.
        `check` is what `ledger.verify_row` found in the row, if that ran already."""
        if check is None:
            # Imported when a row is first checked: it brings the event catalogue
            # (pydantic), which a command reading the plan at the head never needs.
            from ledger.verify_row import check_row

            index = tuple(getattr(row, name) for name in rows.INDEX_COLUMNS)
            check = check_row(
                (row.seq, row.body, row.hash, row.sig, *index), rows.INDEX_COLUMNS, self._publics
            )
        if not check.hash_ok:
            raise damaged(row.seq, "its stored hash is not the SHA-256 of its body")
        body = check.event
        if body is None:
            raise damaged(row.seq, check.problem or "its body is not an event")
        if body.seq != row.seq:
            raise damaged(row.seq, f"its body says seq {body.seq}")
        if check.index_problem is not None:
            raise damaged(row.seq, check.index_problem)
        key = self.keys.get(body.key)
        public = self._publics.get(body.key)
        signed = check.signature_ok
        if public is not None and check.signed_with != public:
            # Checked elsewhere under another key (a worker's guess): check under this one.
            signed = signature_ok(public, row.hash, row.sig)
        if (
            key is None
            or not signed
            or (key.revoked_seq is not None and body.seq > key.revoked_seq)
            or not may_sign_for(key, body.actor)
        ):
            raise damaged(row.seq, "its signature does not verify under a key in force")
        return Recorded(*body, row.hash)

    def chain(
        self,
        stored: Iterable[StoredEvent],
        *,
        after: int,
        prev: str,
        upto: int,
        long: bool = False,
    ) -> Generator[Recorded, None, None]:
        """The events of rows that must be exactly seqs `after`+1..`upto` in order, the
        first linking to `prev` (the hash of event `after`, hex) and each to the one
        before; each is checked as it is reached, so a reader may stop early.

        A `long` run (a read from the start of the log) is checked on every core once it
        is long enough to gain from it, as `verify` checks."""
        expected = after + 1
        for row, check in self._checked(stored) if long else ((row, None) for row in stored):
            if row.seq != expected:
                raise damaged(expected, f"the row stored next has seq {row.seq}")
            event = self.event(row, check)
            if event.prev != prev:
                raise damaged(row.seq, "it does not link to the event before it")
            yield event
            prev, expected = row.hash.hex(), expected + 1
        if expected <= upto:
            raise damaged(expected, "it is missing from the log")

    def _checked(
        self, stored: Iterable[StoredEvent]
    ) -> Iterator[tuple[StoredEvent, RowCheck | None]]:
        # Imported here: the worker pool is for long reads only, not every command's start.
        from ledger.verify_parallel import checked_rows

        checked = checked_rows(
            stored, index_columns=rows.INDEX_COLUMNS, keys=lambda: self._publics, workers=None
        )
        with closing(checked):
            yield from checked

    def window(
        self,
        stored: Sequence[StoredEvent],
        *,
        count: int,
        between: str,
    ) -> list[Recorded]:
        """The events of the rows the database found in one stretch of the plan's order,
        which the snapshots and the head say holds `count` events (`between` names it)."""
        events = [self.event(row) for row in stored]
        self.counted(len(events), expected=count, between=between)
        return events

    @staticmethod
    def counted(found: int, *, expected: int, between: str) -> None:
        """Refuse a stretch of the plan's order (named by `between`) whose checked rows
        number `found` where the snapshots and the head count `expected`."""
        if found == expected:
            return
        what = (
            f"{expected - found} of its {expected} events are missing"
            if found < expected
            else f"it holds {found} rows where {expected} events were recorded"
        )
        raise ChainBroken(
            f"the ledger is damaged between {between} ({what}); nothing from it is "
            "shown. Run `milestone verify` for the full report"
        )


def head_problem(
    stored: StoredEvent | None, *, position: int, hash: str, keys: Mapping[str, KeyInfo]
) -> str | None:
    """Why the last stored row is not the head a writer folded (at `position`, with
    `hash`), or None when it is: only then may anything be appended after it."""
    last = stored.seq if stored is not None else 0
    if last != position:
        return "rows the ledger did not record follow its head"
    if stored is None:
        return None
    key = keys.get(stored.key)
    if (
        key is None
        or not stored.body_hash_ok
        or stored.hash.hex() != hash
        or not signature_ok(bytes.fromhex(key.public_key), stored.hash, stored.sig)
    ):
        return "the head event's hash or signature does not verify"
    return None
