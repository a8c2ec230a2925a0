"""The event catalogue and canonical codec of milestone-ledger. No IO lives here.

Names are loaded on first use (PEP 562): the catalogue's pydantic models cost a
noticeable part of a command's start-up, and reading the plan never needs them.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from events.catalogue import FACTS, Event, Fact, fact_data
    from events.codec import (
        GENESIS_PREV,
        body_hash,
        canonical_bytes,
        decode_body,
        format_instant,
        parse_instant,
        signed_message,
    )

_WHERE = {
    "FACTS": "events.catalogue",
    "Event": "events.catalogue",
    "Fact": "events.catalogue",
    "fact_data": "events.catalogue",
    "GENESIS_PREV": "events.codec",
    "body_hash": "events.codec",
    "canonical_bytes": "events.codec",
    "decode_body": "events.codec",
    "format_instant": "events.codec",
    "parse_instant": "events.codec",
    "signed_message": "events.codec",
}

__all__ = [
    "FACTS",
    "GENESIS_PREV",
    "Event",
    "Fact",
    "body_hash",
    "canonical_bytes",
    "decode_body",
    "fact_data",
    "format_instant",
    "parse_instant",
    "signed_message",
]


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'events' has no attribute {name!r}")
    return getattr(import_module(module), name)
