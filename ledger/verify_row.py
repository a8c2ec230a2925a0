"""The checks of one stored row that need nothing but the row itself.

The hash, the body, the index columns and (under a key the caller names) the
signature: the expensive part of verification, and the part that runs on
every core. This module imports only the codec, the catalogue and the
signature check, never the store or SQLAlchemy, so a worker process starts
quickly. What needs the events before a row (seq order, the chain, keys in
force) is judged in `ledger.verify_replay`.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping, Sequence
from operator import attrgetter
from typing import Any, NamedTuple

from pydantic import ValidationError

from events import Event, body_hash, decode_body
from ledger.signing import signature_ok

#: A row as shipped to a worker: seq, body, hash, sig, then the index columns.
RowTuple = tuple[Any, ...]


class EventBody(NamedTuple):
    """What a row's body says: the fields of a `Recorded` but its hash, in that order
    (`Recorded(*body, hash)` makes one), light enough to build for every row."""

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
    data: dict[str, Any]
    prev: str


class RowCheck(NamedTuple):
    """What one row says about itself."""

    hash_ok: bool
    #: The decoded event, or None when the body is not a valid event (see `problem`).
    event: EventBody | None
    problem: str | None
    #: The first index column that disagrees with the body, if any.
    index_problem: str | None
    #: The public key the signature was checked under (None: no key was known for it).
    signed_with: bytes | None
    signature_ok: bool


#: A `RowCheck` as it crosses between processes: plain tuples all the way down,
#: which pickle in a fifth of the time objects take (measured: 5 µs a row, not 23).
PlainCheck = tuple[Any, ...]

_BODY_FIELDS = attrgetter(*EventBody._fields)


@functools.cache
def _getter(names: tuple[str, ...]) -> Callable[[Any], tuple[Any, ...]]:
    # Several names, so the getter always returns a tuple to compare with.
    return attrgetter(*names) if len(names) > 1 else lambda item: (getattr(item, names[0]),)


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
    body_fields = EventBody._make(_BODY_FIELDS(event))
    index_problem = None
    if tuple(index) != _getter(tuple(index_columns))(event):
        index_problem = next(
            f"the stored {name} column does not agree with the signed body"
            for name, value in zip(index_columns, index, strict=True)
            if value != getattr(event, name)
        )
    public = keys.get(event.key)
    signed = public is not None and signature_ok(public, hash_, sig)
    return RowCheck(hash_ok, body_fields, None, index_problem, public, signed)


def check_rows(
    rows: Sequence[RowTuple | None], index_columns: Sequence[str], keys: Mapping[str, bytes]
) -> list[RowCheck | None]:
    """Check a run of rows (None stands for a line that did not parse)."""
    return [None if row is None else check_row(row, index_columns, keys) for row in rows]


def check_chunk(
    rows: Sequence[RowTuple | None], index_columns: Sequence[str], keys: Mapping[str, bytes]
) -> list[PlainCheck | None]:
    """Check a run of rows in a worker process, answering in plain tuples."""
    return [None if row is None else _plain(check_row(row, index_columns, keys)) for row in rows]


def unpack_chunk(plain: Sequence[PlainCheck | None]) -> list[RowCheck | None]:
    """The row checks `check_chunk` returned, as `RowCheck`s again."""
    return [
        None
        if check is None
        else RowCheck(check[0], None if check[1] is None else EventBody._make(check[1]), *check[2:])
        for check in plain
    ]


def _plain(check: RowCheck) -> PlainCheck:
    event = None if check.event is None else tuple(check.event)
    return (check.hash_ok, event, *check[2:])


def _short(error: ValueError) -> str:
    if isinstance(error, ValidationError) and error.errors():
        # The first line of pydantic's message only counts errors; say which field and why.
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "the body"
        return f"{where}: {first['msg']}"[:200]
    return (str(error).strip().splitlines() or [type(error).__name__])[0][:200]
