"""One-line descriptions of events, for histories, logs and announcements."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from ledger.state import Recorded


def _days(a: str, b: str) -> str:
    delta = (date.fromisoformat(b) - date.fromisoformat(a)).days
    return f"{delta:+d} days"


def _moved(which: str) -> Callable[[dict[str, Any]], str]:
    def text(d: dict[str, Any]) -> str:
        why = f" ({d['reason']})" if d.get("reason") else ""
        return (
            f"{d['code']} {which} moved {d['from']} → {d['to']} ({_days(d['from'], d['to'])}){why}"
        )

    return text


_TEXT: dict[str, Callable[[dict[str, Any]], str]] = {
    "ledger.created": lambda d: f"created ledger {d['name']!r}, {d['actor']} admin",
    "key.registered": lambda d: (
        f"registered key {d['key_id']} for {d['actor']}"
        + (f" (delegate for {d['delegate_for']}*)" if d.get("delegate_for") else "")
    ),
    "key.revoked": lambda d: f"revoked key {d['key_id']}: {d['reason']}",
    "role.granted": lambda d: f"granted {d['role']} to {d['actor']}",
    "role.revoked": lambda d: f"took {d['role']} from {d['actor']}",
    "milestone.defined": lambda d: (
        f"defined Level-{d['level']} {d['code']} {d['title']!r}, "
        f"due {d['baseline']}" + (f", in {', '.join(d['releases'])}" if d.get("releases") else "")
    ),
    "milestone.retitled": lambda d: f"retitled {d['code']} to {d['title']!r}",
    "milestone.linked": lambda d: f"put {d['code']} under {d['release']}",
    "milestone.unlinked": lambda d: f"took {d['code']} out of {d['release']}",
    "milestone.forecast_moved": _moved("forecast"),
    "milestone.baseline_moved": _moved("baseline"),
    "milestone.completed": lambda d: f"completed {d['code']} on {d['on']}",
    "milestone.reopened": lambda d: f"reopened {d['code']}: {d['reason']}",
    "milestone.withdrawn": lambda d: f"withdrew {d['code']}: {d['reason']}",
    "milestone.renamed": lambda d: f"renamed {d['code']} to {d['new_code']}",
    "milestone.reinstated": lambda d: f"reinstated {d['code']}: {d['reason']}",
    "milestone.depends": lambda d: f"made {d['code']} wait for {d['predecessor']}",
    "milestone.independent": lambda d: f"{d['code']} no longer waits for {d['predecessor']}",
    "rfc.opened": lambda d: f"opened {d['id']} {d['title']!r}",
    "rfc.approved": lambda d: (
        f"approved {d['id']} on {d['on']}"
        + (f" as version {d['version']}" if d.get("version") else "")
    ),
    "rfc.rejected": lambda d: (
        f"rejected {d['id']}" + (f": {d['reason']}" if d.get("reason") else "")
    ),
    "revision.imported": lambda d: (
        f"imported {'P6 export' if d.get('kind') == 'p6' else 'LDM-564'} {d['source']} "
        f"of {d['document_date']}"
        + (f" ({len(d['warnings'])} warning(s))" if d.get("warnings") else "")
    ),
}


def describe(event: Recorded) -> str:
    """What an event says, in a short line for people."""
    return describe_fact(event.type, event.data)


def describe_fact(type_: str, data: dict[str, Any]) -> str:
    """What a fact of type `type_` with `data` says (recorded or not yet), in a short line."""
    text = _TEXT.get(type_)
    if text is None:
        return type_
    try:
        return text(data)
    except (KeyError, ValueError, TypeError):
        return f"{type_} (malformed data)"
