"""Checkpoints (https://c2sp.org/tlog-checkpoint): a signed head of the events' Merkle tree.

A checkpoint's text is three lines, then optional extension lines::

    <origin>            the log's identity, e.g. milestones.example.org/ldm-564
    <size>              how many events the tree holds, in decimal
    <base64 root hash>  the tree's RFC 9162 root at that size

signed as a C2SP signed note (`ledger.note`), by default under a key named after the
origin, as the spec recommends. Whoever keeps a checkpoint can later check, offline,
that an event is in it (`proves_inclusion`) and that a later checkpoint extends it
(`proves_extension`): the log cannot quietly rewrite or cut short what it signed.
"""

from __future__ import annotations

import re
from base64 import b64encode
from collections.abc import Sequence
from dataclasses import dataclass

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from ledger.errors import VerificationFailed
from ledger.merkle import HASH_SIZE, MAX_SIZE
from ledger.note import VerifierKey, decode_base64, sign_note, verify_note
from ledger.proofs import verify_consistency, verify_inclusion

_SIZE = re.compile(r"0|[1-9][0-9]*")


def _clean_line(value: object) -> bool:
    return (
        isinstance(value, str)
        and value != ""
        and not any(ord(ch) < 0x20 for ch in value)  # newlines included: one line each
    )


@dataclass(frozen=True)
class Checkpoint:
    """A tree head: the log's origin, its size and root hash, and any extension lines."""

    origin: str
    size: int
    root: bytes
    extensions: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not _clean_line(self.origin):
            raise VerificationFailed(
                f"a checkpoint origin is one non-empty line, got {self.origin!r:.80}"
            )
        if isinstance(self.size, bool) or not isinstance(self.size, int):
            raise VerificationFailed(f"a checkpoint size is a whole number, got {self.size!r:.80}")
        if not 0 <= self.size <= MAX_SIZE:
            raise VerificationFailed(f"a checkpoint size is from 0 to {MAX_SIZE}, got {self.size}")
        if not isinstance(self.root, bytes) or len(self.root) != HASH_SIZE:
            raise VerificationFailed(f"a checkpoint root hash is {HASH_SIZE} bytes")
        if not isinstance(self.extensions, tuple) or not all(map(_clean_line, self.extensions)):
            raise VerificationFailed("checkpoint extension lines must each be one non-empty line")

    def text(self) -> str:
        """The note text: origin, size, base64 root, extension lines, each ending in a newline."""
        lines = [self.origin, str(self.size), b64encode(self.root).decode("ascii")]
        return "".join(line + "\n" for line in (*lines, *self.extensions))


def parse_checkpoint(text: str) -> Checkpoint:
    """Read a checkpoint's text (a verified note's text); refuse anything malformed."""
    if not isinstance(text, str) or not text.endswith("\n"):
        raise VerificationFailed("a checkpoint is lines of text, each ending in a newline")
    lines = text[:-1].split("\n")
    if len(lines) < 3:
        raise VerificationFailed(
            f"a checkpoint has at least three lines (origin, size, root hash); got {len(lines)}"
        )
    origin, size, root, *extensions = lines
    if not _SIZE.fullmatch(size) or int(size) > MAX_SIZE:
        raise VerificationFailed(
            f"a checkpoint's second line is the tree size in decimal, got {size!r:.80}"
        )
    digest = decode_base64(root)
    if digest is None or len(digest) != HASH_SIZE:
        raise VerificationFailed(
            f"a checkpoint's third line is a base64 SHA-256 root hash, got {root!r:.80}"
        )
    return Checkpoint(origin=origin, size=int(size), root=digest, extensions=tuple(extensions))


def sign_checkpoint(
    *, checkpoint: Checkpoint, key: Ed25519PrivateKey, name: str | None = None
) -> str:
    """The checkpoint as a signed note, signed as `name` (by default, its origin)."""
    return sign_note(text=checkpoint.text(), name=name or checkpoint.origin, key=key)


def open_checkpoint(
    *,
    note: str | bytes,
    verifiers: Sequence[VerifierKey],
    origin: str | None = None,
    require_all: bool = False,
) -> Checkpoint:
    """Verify a signed checkpoint and read it; refuse it if it comes from another `origin`.

    `verifiers` and `require_all` mean what they do for `ledger.note.verify_note`:
    pass the log's key and a witness's key with require_all=True to insist on both.
    """
    checkpoint = parse_checkpoint(
        verify_note(note=note, verifiers=verifiers, require_all=require_all).text
    )
    if origin is not None and checkpoint.origin != origin:
        raise VerificationFailed(
            f"the checkpoint is from {checkpoint.origin!r}, not from {origin!r}"
        )
    return checkpoint


def proves_inclusion(
    *, checkpoint: Checkpoint, index: int, leaf_hash: bytes, proof: Sequence[bytes]
) -> bool:
    """Whether `proof` shows leaf `index` (an event's seq - 1) in the checkpoint's tree."""
    return verify_inclusion(
        index=index, size=checkpoint.size, leaf_hash=leaf_hash, proof=proof, root=checkpoint.root
    )


def proves_extension(*, old: Checkpoint, new: Checkpoint, proof: Sequence[bytes]) -> bool:
    """Whether `proof` shows `new` extends `old`: same origin, every old event kept, in order."""
    return old.origin == new.origin and verify_consistency(
        old_size=old.size, new_size=new.size, old_root=old.root, new_root=new.root, proof=proof
    )
