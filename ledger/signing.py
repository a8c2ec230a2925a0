"""Ed25519 keys: the only module that touches private keys.

A key file is an unencrypted PKCS#8 PEM readable by its owner only (mode 0600);
a key is named by its id, the first 16 hex digits of SHA-256 of the raw public key.
"""

from __future__ import annotations

import hashlib
import os
import re
import stat
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from events import signed_message
from ledger.errors import InvalidInput, NotFound, PermissionDenied
from ledger.files import read_file, refusal, writable_path


def _serialization() -> Any:
    """cryptography's key (de)serialisation, imported by the calls that read or write keys:
    checking signatures, which every read does, needs none of it."""
    from cryptography.hazmat.primitives import serialization

    return serialization


if TYPE_CHECKING:
    from ledger.note import VerifierKey


def key_id_of(public_raw: bytes) -> str:
    """Return the key id of a raw 32-byte Ed25519 public key."""
    return hashlib.sha256(public_raw).hexdigest()[:16]


@dataclass(frozen=True)
class Signer:
    """A private key in memory, able to sign event hashes."""

    _private: Ed25519PrivateKey
    public_raw: bytes

    @cached_property
    def key_id(self) -> str:
        """The id under which this key is registered in a ledger."""
        return key_id_of(self.public_raw)

    @property
    def public_hex(self) -> str:
        """The raw public key, hex encoded, as recorded in key events."""
        return self.public_raw.hex()

    def sign(self, hash_: bytes) -> bytes:
        """Sign an event hash (with the ledger's signing context prefix)."""
        return self._private.sign(signed_message(hash_))

    def private_raw(self) -> bytes:
        """The raw 32-byte private key, for signing workers (`ledger.signing_pool`)."""
        return self._private.private_bytes_raw()

    def sign_note(self, text: str, *, name: str) -> str:
        """Sign `text` as a C2SP signed note under the key name `name` (a checkpoint's
        origin): the note Go's sumdb/note opens with this key's verifier key."""
        from ledger.note import sign_note

        return sign_note(text=text, name=name, key=self._private)

    def cosign_note(self, note: str, *, name: str, verifiers: Sequence[VerifierKey]) -> str:
        """Add this key's signature line, as `name`, to a note `verifiers` vouch for."""
        from ledger.note import cosign_note

        return cosign_note(note=note, name=name, key=self._private, verifiers=verifiers)

    def verifier_key(self, *, name: str) -> VerifierKey:
        """This key's public half as a named verifier key (what a note's reader trusts)."""
        from ledger.note import verifier_key

        return verifier_key(name=name, key=self.public_raw)

    def public_pem(self) -> bytes:
        """The public key as a PEM SubjectPublicKeyInfo, for `milestone key add`."""
        serialization = _serialization()
        return self._private.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )


def _from_private(private: Ed25519PrivateKey) -> Signer:
    serialization = _serialization()
    raw = private.public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw
    )
    return Signer(private, raw)


def generate_key_file(path: Path) -> Signer:
    """Create a new Ed25519 key at `path` (mode 0600, parents created); refuse to overwrite."""
    serialization = _serialization()
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    except (OSError, ValueError) as error:
        raise refusal(error, path.parent, what="key folder") from None
    writable_path(path, what="key file")
    private = Ed25519PrivateKey.generate()
    pem = private.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    try:
        # O_EXCL: never clobber an existing key; 0o600 from the first byte written.
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise InvalidInput(
            f"a key already exists at {path}; use it, or choose another path"
        ) from None
    except (OSError, ValueError) as error:
        raise refusal(error, path, what="key file") from None
    with os.fdopen(fd, "wb") as handle:
        handle.write(pem)
        handle.flush()
        os.fsync(handle.fileno())
    signer = _from_private(private)
    try:
        public_key_path(path).write_bytes(signer.public_pem())
    except OSError as error:
        raise refusal(error, public_key_path(path), what="public key file") from None
    return signer


def load_or_create_key(path: Path) -> tuple[Signer, bool]:
    """The key at `path`, created (mode 0600) if there is none; and whether it was created."""
    try:
        exists = path.exists()
    except (OSError, ValueError) as error:
        raise refusal(error, path, what="key file") from None
    return (load_key_file(path), False) if exists else (generate_key_file(path), True)


def public_key_path(path: Path) -> Path:
    """Where `generate_key_file` writes the public half of the key at `path`."""
    return path.with_suffix(".pub")


def key_file_name(actor: str) -> str:
    """A file name for an actor's key: the name, with what a file name cannot hold replaced
    (`slack:T1/U1` has a slash)."""
    return re.sub(r"[^A-Za-z0-9._-]", "_", actor).lstrip(".") + ".pem"


def load_key_file(path: Path) -> Signer:
    """Load a private key, refusing one that other users can read."""
    serialization = _serialization()
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        raise NotFound(
            f"no key at {path}; create one with `milestone init` (new ledger) or "
            "`milestone key new NAME` (then ask an admin to `milestone key add` it), "
            "or point MILESTONE_KEY at your key file"
        ) from None
    except (OSError, ValueError) as error:
        raise refusal(error, path, what="key file") from None
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise PermissionDenied(
            f"key file {path} is accessible by other users (mode {stat.S_IMODE(mode):o}); "
            f"run `chmod 600 {path}`"
        )
    try:
        private = serialization.load_pem_private_key(
            read_file(path, what="key file"), password=None
        )
    except (ValueError, TypeError) as error:
        raise InvalidInput(f"{path} is not an unencrypted PEM private key: {error}") from None
    if not isinstance(private, Ed25519PrivateKey):
        raise InvalidInput(f"{path} holds a {type(private).__name__}; an Ed25519 key is needed")
    return _from_private(private)


def load_public_key_file(path: Path) -> bytes:
    """Read a PEM public key (as written next to a key by `key new`); return raw bytes."""
    serialization = _serialization()
    data = read_file(path, what="public key file")
    try:
        public = serialization.load_pem_public_key(data)
    except ValueError:
        raise InvalidInput(
            f"{path} is not a PEM public key; give the .pub file written by `milestone key new`"
        ) from None
    if not isinstance(public, Ed25519PublicKey):
        raise InvalidInput(f"{path} holds a {type(public).__name__}; an Ed25519 key is needed")
    return public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def signature_ok(public_raw: bytes, hash_: bytes, sig: bytes) -> bool:
    """Whether `sig` is a valid signature of `hash_` under the raw public key."""
    try:
        Ed25519PublicKey.from_public_bytes(public_raw).verify(sig, signed_message(hash_))
    except (InvalidSignature, ValueError):
        return False
    return True
