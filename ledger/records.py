"""Stored rows to decoded events and back to documents: the one place bodies are decoded."""

from __future__ import annotations

from typing import Any

from events import decode_body
from ledger.state import Recorded
from ledger.store import StoredEvent

_FIELDS = ("seq", "id", "type", "subject", "actor", "key", "recorded_at", "effective", "prev")


def decode_row(row: StoredEvent) -> Recorded:
    """The event a stored row's body holds; ValueError when the body is not one.

    Only the body is trusted (it is what was hashed and signed): the index
    columns are for the database's queries, and `verify` checks they agree.
    """
    try:
        body = decode_body(row.body)
        values = {name: body[name] for name in _FIELDS}
        data = body["data"]
        rfc, idem = body.get("rfc"), body.get("idem")
    except (ValueError, KeyError, TypeError, RecursionError) as error:
        raise ValueError(f"the body of event {row.seq} does not decode ({error})") from None
    if not isinstance(data, dict) or not all(isinstance(values[n], str) for n in _FIELDS[1:]):
        raise ValueError(f"the body of event {row.seq} is not an event")
    if not isinstance(values["seq"], int) or isinstance(values["seq"], bool):
        raise ValueError(f"the body of event {row.seq} has no whole-number seq")
    return Recorded(
        seq=values["seq"],
        id=values["id"],
        type=values["type"],
        subject=values["subject"],
        actor=values["actor"],
        key=values["key"],
        rfc=rfc if isinstance(rfc, str) else None,
        idem=idem if isinstance(idem, str) else None,
        recorded_at=values["recorded_at"],
        effective=values["effective"],
        data=data,
        prev=values["prev"],
        hash=row.hash,
    )


def event_doc(event: Recorded) -> dict[str, Any]:
    """An event as a JSON-ready dict (for --json output, exports and stored projections)."""
    return {
        "seq": event.seq,
        "id": event.id,
        "type": event.type,
        "subject": event.subject,
        "data": event.data,
        "actor": event.actor,
        "key": event.key,
        "recorded_at": event.recorded_at,
        "effective": event.effective,
        "rfc": event.rfc,
        "idem": event.idem,
        "prev": event.prev,
        "hash": event.hash.hex(),
    }


def event_from_doc(doc: dict[str, Any]) -> Recorded:
    """The inverse of `event_doc`."""
    fields = dict(doc)
    fields["hash"] = bytes.fromhex(fields["hash"])
    return Recorded(**fields)
