import os
import stat

import pytest

from ledger.errors import InvalidInput, NotFound, PermissionDenied
from ledger.signing import (
    generate_key_file,
    key_id_of,
    load_key_file,
    load_public_key_file,
    signature_ok,
)


def test_a_new_key_file_is_private_and_loads_back(tmp_path):
    path = tmp_path / "k" / "alice.pem"

    signer = generate_key_file(path)

    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert load_key_file(path).key_id == signer.key_id
    assert load_public_key_file(path.with_suffix(".pub")) == signer.public_raw


def test_the_key_id_is_the_first_16_hex_digits_of_sha256_of_the_raw_key(tmp_path):
    import hashlib

    signer = generate_key_file(tmp_path / "k.pem")

    assert signer.key_id == hashlib.sha256(signer.public_raw).hexdigest()[:16]
    assert key_id_of(signer.public_raw) == signer.key_id


def test_an_existing_key_is_never_overwritten(tmp_path):
    generate_key_file(tmp_path / "k.pem")

    with pytest.raises(InvalidInput, match="already exists"):
        generate_key_file(tmp_path / "k.pem")


def test_a_key_file_others_can_read_is_refused(tmp_path):
    path = tmp_path / "k.pem"
    generate_key_file(path)
    os.chmod(path, 0o644)

    with pytest.raises(PermissionDenied, match="chmod 600"):
        load_key_file(path)


def test_a_missing_key_file_says_how_to_get_one(tmp_path):
    with pytest.raises(NotFound, match="milestone init"):
        load_key_file(tmp_path / "nope.pem")


def test_signatures_cover_the_hash_with_the_ledger_context(tmp_path):
    signer = generate_key_file(tmp_path / "k.pem")
    digest = b"\x01" * 32

    sig = signer.sign(digest)

    assert signature_ok(signer.public_raw, digest, sig)
    assert not signature_ok(signer.public_raw, b"\x02" * 32, sig)
    assert not signature_ok(signer.public_raw, digest, sig[:-1] + bytes([sig[-1] ^ 1]))
