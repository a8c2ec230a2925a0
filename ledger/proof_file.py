"""Proofs as files an auditor keeps: C2SP tlog-proof for an event, its shape between checkpoints.

An inclusion proof is a C2SP tlog-proof (https://c2sp.org/tlog-proof), whose
optional ``extra`` line carries the event's stored body, so the proof is whole
by itself: whoever checks it hashes that body into the leaf, walks the hashes to
the root and compares it with the checkpoint's, whose signature they check::

    c2sp.org/tlog-proof@v1
    extra <base64 of the event's canonical body>
    index <seq - 1>
    <base64 hash>...

    <the checkpoint, verbatim, with any cosignatures>

A consistency proof has no C2SP format; this one follows tlog-proof's shape,
with both checkpoints verbatim after the hashes (the older first)::

    milestone-ledger/consistency-proof@v1
    <base64 hash>...

    <the older checkpoint>
    <the newer checkpoint>

Both also travel as JSON (`--json`), with the same fields. Reading either form
refuses anything malformed with a one-line `VerificationFailed`; what the
proof shows is checked by `ledger.proof_check`.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from typing import Any

from ledger.errors import VerificationFailed
from ledger.merkle import HASH_SIZE
from ledger.note import decode_base64

INCLUSION_HEADER = "c2sp.org/tlog-proof@v1"
CONSISTENCY_HEADER = "milestone-ledger/consistency-proof@v1"
_SIG_PREFIX = "\u2014 "
_MAX_HASHES = 64


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


@dataclass(frozen=True)
class InclusionProof:
    """Event `index` + 1, with body `event`, is in the tree `checkpoint` (a note) commits to."""

    checkpoint: str
    index: int
    hashes: tuple[bytes, ...]
    event: bytes

    @property
    def seq(self) -> int:
        """The event's seq."""
        return self.index + 1

    def text(self) -> str:
        """The C2SP tlog-proof."""
        lines = [INCLUSION_HEADER, f"extra {_b64(self.event)}", f"index {self.index}"]
        return "\n".join([*lines, *map(_b64, self.hashes)]) + "\n\n" + self.checkpoint

    def data(self) -> dict[str, Any]:
        """The same as JSON data."""
        return {
            "kind": "inclusion",
            "seq": self.seq,
            "index": self.index,
            "event": _b64(self.event),
            "proof": [_b64(h) for h in self.hashes],
            "checkpoint": self.checkpoint,
        }


@dataclass(frozen=True)
class ConsistencyProof:
    """The tree checkpoint `new` commits to extends the one `old` commits to."""

    old: str
    new: str
    hashes: tuple[bytes, ...]

    def text(self) -> str:
        """The proof, in tlog-proof's shape."""
        head = "\n".join([CONSISTENCY_HEADER, *map(_b64, self.hashes)])
        return head + "\n\n" + self.old + self.new

    def data(self) -> dict[str, Any]:
        """The same as JSON data."""
        return {
            "kind": "consistency",
            "proof": [_b64(h) for h in self.hashes],
            "old_checkpoint": self.old,
            "checkpoint": self.new,
        }


Proof = InclusionProof | ConsistencyProof


def parse_proof(text: str) -> Proof:
    """Read a proof file in either form (text or JSON); refuse anything malformed."""
    if not isinstance(text, str):
        raise VerificationFailed("a proof is text")
    if text.lstrip().startswith("{"):
        return _from_json(text)
    header, _, rest = text.partition("\n")
    if header == INCLUSION_HEADER:
        return _inclusion_text(rest)
    if header == CONSISTENCY_HEADER:
        return _consistency_text(rest)
    raise VerificationFailed(
        f"not a proof: the first line is {header[:60]!r}, not {INCLUSION_HEADER!r} "
        f"or {CONSISTENCY_HEADER!r}"
    )


def _hashes(lines: list[str]) -> tuple[bytes, ...]:
    if len(lines) > _MAX_HASHES:
        raise VerificationFailed(f"a proof has at most {_MAX_HASHES} hashes, not {len(lines)}")
    out = []
    for line in lines:
        digest = decode_base64(line) if isinstance(line, str) else None
        if digest is None or len(digest) != HASH_SIZE:
            raise VerificationFailed(f"a proof line is a base64 SHA-256 hash, got {line!r:.60}")
        out.append(digest)
    return tuple(out)


def _inclusion_text(rest: str) -> InclusionProof:
    block, sep, checkpoint = rest.partition("\n\n")
    if not sep:
        raise VerificationFailed("the proof has no blank line before its checkpoint")
    lines = block.split("\n")
    event = b""
    if lines[0].startswith("extra "):
        event = _decode(lines.pop(0).removeprefix("extra "), "the extra line")
    if not lines or not lines[0].startswith("index "):
        raise VerificationFailed("the proof's index line ('index N') is missing")
    index = _index(lines.pop(0).removeprefix("index "))
    if not event:
        raise VerificationFailed(
            "the proof carries no event (its 'extra' line): it cannot show what was logged"
        )
    return InclusionProof(checkpoint, index, _hashes(lines), event)


def _consistency_text(rest: str) -> ConsistencyProof:
    # Between two checkpoints of one size there are no hashes: the blank line comes first.
    block, sep, notes = ("", "\n", rest[1:]) if rest.startswith("\n") else rest.partition("\n\n")
    if not sep:
        raise VerificationFailed("the proof has no blank line before its checkpoints")
    old, new = _split_notes(notes)
    return ConsistencyProof(old, new, _hashes(block.split("\n") if block else []))


def _split_notes(text: str) -> tuple[str, str]:
    """Two signed notes one after the other: the first ends after its signature lines."""
    lines = text.split("\n")
    try:
        blank = lines.index("")
    except ValueError:
        raise VerificationFailed("the proof's first checkpoint has no signature lines") from None
    end = blank + 1
    while end < len(lines) and lines[end].startswith(_SIG_PREFIX):
        end += 1
    first, second = "\n".join(lines[:end]) + "\n", "\n".join(lines[end:])
    if end == blank + 1 or not second:
        raise VerificationFailed("a consistency proof holds two signed checkpoints, old then new")
    return first, second


def _decode(text: str, what: str) -> bytes:
    data = decode_base64(text)
    if data is None:
        raise VerificationFailed(f"{what} is not base64")
    return data


def _index(text: object) -> int:
    if isinstance(text, int) and not isinstance(text, bool) and text >= 0:
        return text
    if not isinstance(text, str) or not text.isdigit() or (text != "0" and text[0] == "0"):
        raise VerificationFailed(f"a proof's index is a whole number, got {text!r:.40}")
    return int(text)


def json_object(text: str | bytes, *, not_json: str, not_object: str) -> dict[str, Any]:
    """The JSON object `text` holds, or `VerificationFailed` with the message given for text
    that is not JSON (a nesting too deep to parse included) or for JSON that is no object."""
    try:
        doc = json.loads(text)
    except (ValueError, RecursionError):
        raise VerificationFailed(not_json) from None
    if not isinstance(doc, dict):
        raise VerificationFailed(not_object)
    return doc


def _from_json(text: str) -> Proof:
    doc = json_object(
        text,
        not_json="the proof is not valid JSON",
        not_object="a JSON proof is an object with a 'kind'",
    )
    try:
        hashes = doc["proof"]
        if not isinstance(hashes, list):
            raise VerificationFailed("a JSON proof's 'proof' is a list of base64 hashes")
        if doc.get("kind") == "inclusion":
            return InclusionProof(
                _text(doc["checkpoint"]),
                _index(doc["index"]),
                _hashes(hashes),
                _decode(_text(doc["event"]), "the event"),
            )
        if doc.get("kind") == "consistency":
            return ConsistencyProof(
                _text(doc["old_checkpoint"]), _text(doc["checkpoint"]), _hashes(hashes)
            )
    except KeyError as missing:
        raise VerificationFailed(f"the JSON proof has no {missing} field") from None
    raise VerificationFailed("a JSON proof's kind is 'inclusion' or 'consistency'")


def _text(value: object) -> str:
    if not isinstance(value, str):
        raise VerificationFailed(f"expected text in the JSON proof, got {type(value).__name__}")
    return value
