"""Signed notes (https://c2sp.org/signed-note) with Ed25519, as Go's sumdb/note reads them.

A signed note is a text ending in a newline, a blank line, then one or more lines
``— <key name> <base64(4-byte key id || signature)>``. Anyone holding a verifier key
``<name>+<hex key id>+<base64(0x01 || 32-byte public key)>`` can check it offline,
with this module or with Go's ``note.Open``. A witness cosigns by adding its own
signature line over the same text; signatures by keys the reader does not know are
ignored, as the spec requires, so a cosigned note still opens for everyone.

Every refusal is a `VerificationFailed` whose message is one line saying what is wrong.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from ledger.errors import VerificationFailed

ED25519 = 0x01
_SIG_PREFIX = "\u2014 "  # em dash, space
#: Go's note.Open refuses a note with more; the spec asks readers to accept at least 16.
MAX_SIGNATURES = 100
_HEX_ID = re.compile(r"[0-9a-fA-F]{8}")


def decode_base64(text: str) -> bytes | None:
    """Standard padded base64 (RFC 4648 section 4), only in its one canonical spelling.

    None for anything else: refusing other spellings of the same bytes means a
    changed character always changes what was signed or proved.
    """
    try:
        data = base64.b64decode(text.encode("ascii"), validate=True)
    except (UnicodeEncodeError, binascii.Error, ValueError):
        return None
    return data if base64.b64encode(data).decode("ascii") == text else None


def _encode_base64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def is_valid_name(name: str) -> bool:
    """Whether `name` may name a key: non-empty, no Unicode spaces, no '+', no controls."""
    return (
        isinstance(name, str)
        and name != ""
        and "+" not in name
        and not any(ch.isspace() or ord(ch) < 0x20 for ch in name)
    )


def key_id(*, name: str, public_key: bytes) -> int:
    """The Ed25519 key id: SHA-256(name || 0x0A || 0x01 || public key), first 4 bytes."""
    digest = hashlib.sha256(name.encode("utf-8") + b"\n" + bytes([ED25519]) + public_key)
    return int.from_bytes(digest.digest()[:4], "big")


@dataclass(frozen=True)
class VerifierKey:
    """A named Ed25519 public key that checks signature lines carrying its name and id."""

    name: str
    key_id: int
    public_key: bytes

    def encode(self) -> str:
        """The verifier key string Go's note.NewVerifier reads: name+hexid+base64(0x01||key)."""
        return f"{self.name}+{self.key_id:08x}+{_encode_base64(bytes([ED25519]) + self.public_key)}"

    def __str__(self) -> str:
        return self.encode()


def _raw_public(key: Ed25519PrivateKey | Ed25519PublicKey) -> bytes:
    public = key.public_key() if isinstance(key, Ed25519PrivateKey) else key
    return public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def verifier_key(*, name: str, key: Ed25519PublicKey | Ed25519PrivateKey | bytes) -> VerifierKey:
    """The verifier key for `name` and an Ed25519 key (a private key gives its public half)."""
    if not is_valid_name(name):
        raise VerificationFailed(
            f"a key name must be non-empty without spaces or '+', got {name!r:.80}"
        )
    raw = key if isinstance(key, bytes) else _raw_public(key)
    if len(raw) != 32:
        raise VerificationFailed(f"an Ed25519 public key is 32 bytes, got {len(raw)}")
    return VerifierKey(name=name, key_id=key_id(name=name, public_key=raw), public_key=raw)


def parse_verifier_key(text: str) -> VerifierKey:
    """Read a verifier key string; refuse a malformed one or one whose id does not match."""
    if not isinstance(text, str):
        raise VerificationFailed(f"a verifier key is text, got {type(text).__name__}")
    name, _, rest = text.strip().partition("+")
    hex_id, _, key64 = rest.partition("+")
    data = decode_base64(key64)
    if not is_valid_name(name) or not _HEX_ID.fullmatch(hex_id) or not data:
        raise VerificationFailed(
            f"a verifier key looks like name+1234abcd+base64key, got {text.strip()!r:.80}"
        )
    if data[0] != ED25519 or len(data) != 33:
        raise VerificationFailed(f"verifier key {name} is not an Ed25519 key (type 0x01, 32 bytes)")
    key = verifier_key(name=name, key=data[1:])
    if key.key_id != int(hex_id, 16):
        raise VerificationFailed(
            f"verifier key {name}+{hex_id} names the wrong key id; its key has id {key.key_id:08x}"
        )
    return key


@dataclass(frozen=True)
class Signature:
    """One signature line: who signed (name and key id) and the signature bytes."""

    name: str
    key_id: int
    signature: bytes

    def line(self) -> str:
        """The line as it appears in a note, with its newline."""
        blob = self.key_id.to_bytes(4, "big") + self.signature
        return f"{_SIG_PREFIX}{self.name} {_encode_base64(blob)}\n"

    def label(self) -> str:
        """name+hexid, as Go names a key in its messages."""
        return f"{self.name}+{self.key_id:08x}"


@dataclass(frozen=True)
class Note:
    """A note's text and its signature lines, in order, not yet verified."""

    text: str
    signatures: tuple[Signature, ...]

    def render(self) -> str:
        """The signed note: text, blank line, signature lines."""
        return self.text + "\n" + "".join(s.line() for s in self.signatures)


def _check_text(text: str, what: str) -> None:
    bad = next((ch for ch in text if ord(ch) < 0x20 and ch != "\n"), None)
    if bad is not None:
        raise VerificationFailed(f"{what} holds control character {bad!r}; only newlines may")


def parse_note(message: str | bytes) -> Note:
    """Split a signed note into text and signature lines, refusing anything malformed."""
    if isinstance(message, bytes):
        try:
            message = message.decode("utf-8")
        except UnicodeDecodeError:
            raise VerificationFailed("the note is not valid UTF-8") from None
    if not isinstance(message, str):
        raise VerificationFailed(f"a note is text, got {type(message).__name__}")
    _check_text(message, "the note")
    split = message.rfind("\n\n")
    if split < 0:
        raise VerificationFailed("the note has no blank line before its signature lines")
    text, block = message[: split + 1], message[split + 2 :]
    if not block.endswith("\n"):
        raise VerificationFailed("the note must end with a newline after its last signature line")
    lines = block[:-1].split("\n")
    if len(lines) > MAX_SIGNATURES:
        raise VerificationFailed(f"the note has {len(lines)} signatures; at most {MAX_SIGNATURES}")
    return Note(text=text, signatures=tuple(_parse_signature(line) for line in lines))


def _parse_signature(line: str) -> Signature:
    if not line.startswith(_SIG_PREFIX):
        raise VerificationFailed(f"a signature line starts with '— ' (em dash), got {line!r:.80}")
    name, _, encoded = line[len(_SIG_PREFIX) :].partition(" ")
    blob = decode_base64(encoded)
    if not is_valid_name(name) or blob is None or len(blob) < 5:
        raise VerificationFailed(
            f"a signature line is '— name base64(key id || signature)', got {line!r:.80}"
        )
    return Signature(name=name, key_id=int.from_bytes(blob[:4], "big"), signature=blob[4:])


def _sign(text: str, name: str, key: Ed25519PrivateKey) -> Signature:
    verifier = verifier_key(name=name, key=key)
    return Signature(name=name, key_id=verifier.key_id, signature=key.sign(text.encode("utf-8")))


def sign_note(*, text: str, name: str, key: Ed25519PrivateKey) -> str:
    """Sign `text` (ending in a newline) as `name`; return the signed note."""
    if not text.endswith("\n"):
        raise VerificationFailed("a note's text must end with a newline")
    _check_text(text, "the note's text")
    return Note(text=text, signatures=(_sign(text, name, key),)).render()


@dataclass(frozen=True)
class VerifiedNote:
    """A note whose text is vouched for by `verified`; `unverified` are by unknown keys."""

    text: str
    verified: tuple[Signature, ...]
    unverified: tuple[Signature, ...]

    def signed_by(self, key: VerifierKey) -> bool:
        """Whether `key` verifiably signed the text."""
        return any((s.name, s.key_id) == (key.name, key.key_id) for s in self.verified)


def _known(verifiers: Sequence[VerifierKey]) -> dict[tuple[str, int], VerifierKey]:
    known: dict[tuple[str, int], VerifierKey] = {}
    for key in verifiers:
        if not isinstance(key, VerifierKey):
            raise VerificationFailed(f"a verifier is a VerifierKey, got {key!r:.80}")
        other = known.setdefault((key.name, key.key_id), key)
        if other.public_key != key.public_key:
            raise VerificationFailed(
                f"two verifier keys share the name and id {key.name}+{key.key_id:08x}"
            )
    return known


def verify_note(
    *, note: str | bytes, verifiers: Sequence[VerifierKey], require_all: bool = False
) -> VerifiedNote:
    """Check a signed note against trusted verifier keys.

    A signature by a known key (same name and id) must verify, or the whole note is
    refused; signatures by other keys are ignored. At least one known key must have
    signed, or every one of them when `require_all` (a log key and its witnesses).
    """
    known = _known(verifiers)
    if not known:
        raise VerificationFailed("no verifier keys given; a note is only as good as a trusted key")
    parsed = parse_note(note)
    message = parsed.text.encode("utf-8")
    verified: dict[tuple[str, int], Signature] = {}
    unverified: list[Signature] = []
    for signature in parsed.signatures:
        key = known.get((signature.name, signature.key_id))
        if key is None:
            unverified.append(signature)
            continue
        try:
            Ed25519PublicKey.from_public_bytes(key.public_key).verify(signature.signature, message)
        except (InvalidSignature, ValueError):
            raise VerificationFailed(
                f"the signature by {signature.label()} does not verify: the note was changed "
                f"after signing, or the signature is damaged"
            ) from None
        verified.setdefault((signature.name, signature.key_id), signature)
    if not verified:
        raise VerificationFailed(
            "the note is not signed by any trusted key (trusted: "
            + ", ".join(f"{n}+{i:08x}" for n, i in known)
            + "; signed by: "
            + (", ".join(s.label() for s in parsed.signatures) or "nobody")
            + ")"
        )
    missing = [f"{n}+{i:08x}" for n, i in known if (n, i) not in verified]
    if require_all and missing:
        raise VerificationFailed(f"the note is not signed by {', '.join(missing)}")
    return VerifiedNote(
        text=parsed.text, verified=tuple(verified.values()), unverified=tuple(unverified)
    )


def cosign_note(
    *, note: str | bytes, name: str, key: Ed25519PrivateKey, verifiers: Sequence[VerifierKey]
) -> str:
    """Add a signature line by `name` to a note that `verifiers` vouch for; return the note.

    A witness signs only what it has checked, so the note must verify first (the
    caller also checks that it extends what this witness signed before). An older
    line by the same key is replaced, as Go's note.Sign does.
    """
    verify_note(note=note, verifiers=verifiers)
    parsed = parse_note(note)
    mine = _sign(parsed.text, name, key)
    kept = tuple(s for s in parsed.signatures if (s.name, s.key_id) != (mine.name, mine.key_id))
    return Note(text=parsed.text, signatures=(*kept, mine)).render()
