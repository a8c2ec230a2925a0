"""The event catalogue and canonical codec of milestone-ledger. No IO lives here."""

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
