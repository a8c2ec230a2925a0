"""The checks of one stored row that need nothing but the row itself.

The hash, the body, the index columns and (under a key the caller names) the
signature: the expensive part of verification, and the part that runs on
every core. This module imports only the codec, the catalogue and the
signature check, never the store or SQLAlchemy, so a worker process starts
quickly. What needs the events before a row (seq order, the chain, keys in
force) is judged in `ledger.verify_replay`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import fields
from operator import attrgetter
from typing import Any, NamedTuple

from pydantic import ValidationError

from events import Event, body_hash, decode_body
from ledger.signing import signature_ok
from ledger.state import Recorded

#: A row as shipped to a worker: seq, body, hash, sig, then the index columns.
RowTuple = tuple[Any, ...]


class RowCheck(NamedTuple):
    """What one row says about itself."""

    hash_ok: bool
    #: The decoded event, or None when the body is not a valid event (see `problem`).
    event: Recorded | None
    problem: str | None
    #: The first index column that disagrees with the body, if any.
    index_problem: str | None
    #: The public key the signature was checked under (None: no key was known for it).
    signed_with: bytes | None
    signature_ok: bool


#: A `RowCheck` as it crosses between processes: plain tuples all the way down,
#: which pickle in a fifth of the time objects take (measured: 5 µs a row, not 23).
PlainCheck = tuple[Any, ...]

_EVENT_FIELDS = attrgetter(*(f.name for f in fields(Recorded)))


#: Begins the finding for a row whose check raised: a bug here, never a verdict on the row.
UNCHECKABLE = "the row could not be checked"


def check_row(row: RowTuple, index_columns: Sequence[str], keys: Mapping[str, bytes]) -> RowCheck:
    """Check one row; `keys` maps key ids to the raw public keys to try signatures under.

    Never raises: verification must report damage, whatever a row holds.
    """
    try:
        return _check_row(row, index_columns, keys)
    except Exception as error:  # a row no check foresaw must still become a finding
        problem = f"{UNCHECKABLE} ({type(error).__name__}: {error}); please report this bug"
        # hash_ok=True: no verdict on the hash, so that this problem is the one reported.
        return RowCheck(True, None, problem, None, None, False)


def _check_row(row: RowTuple, index_columns: Sequence[str], keys: Mapping[str, bytes]) -> RowCheck:
    _seq, body, hash_, sig, *index = row
    hash_ok = body_hash(body) == hash_
    try:
        event = Event.model_validate(decode_body(body))
    except ValueError as error:  # orjson's and pydantic's errors are ValueErrors
        problem = f"the body is not a valid event: {_short(error)}"
        return RowCheck(hash_ok, None, problem, None, None, False)
    recorded = Recorded(
        event.seq,
        event.id,
        event.type,
        event.subject,
        event.actor,
        event.key,
        event.rfc,
        event.idem,
        event.recorded_at,
        event.effective,
        event.data,
        event.prev,
        hash_,
    )
    index_problem = next(
        (
            f"the stored {name} column does not agree with the signed body"
            for name, value in zip(index_columns, index, strict=True)
            if value != getattr(event, name)
        ),
        None,
    )
    public = keys.get(event.key)
    signed = public is not None and signature_ok(public, hash_, sig)
    return RowCheck(hash_ok, recorded, None, index_problem, public, signed)


def check_chunk(
    rows: Sequence[RowTuple | None], index_columns: Sequence[str], keys: Mapping[str, bytes]
) -> list[PlainCheck | None]:
    """Check a run of rows in a worker process (None stands for a line that did not parse)."""
    return [None if row is None else _plain(check_row(row, index_columns, keys)) for row in rows]


def unpack_chunk(plain: Sequence[PlainCheck | None]) -> list[RowCheck | None]:
    """The row checks `check_chunk` returned, as `RowCheck`s again."""
    return [
        None
        if check is None
        else RowCheck(check[0], None if check[1] is None else Recorded(*check[1]), *check[2:])
        for check in plain
    ]


def _plain(check: RowCheck) -> PlainCheck:
    event = None if check.event is None else _EVENT_FIELDS(check.event)
    return (check.hash_ok, event, *check[2:])


def _short(error: ValueError) -> str:
    if isinstance(error, ValidationError) and error.errors():
        # The first line of pydantic's message only counts errors; say which field and why.
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "the body"
        return f"{where}: {first['msg']}"[:200]
    return (str(error).strip().splitlines() or [type(error).__name__])[0][:200]
