"""Signing a big batch in worker processes gives exactly the signatures one process gives."""

from __future__ import annotations

import hashlib

from ledger.signing import generate_key_file, signature_ok
from ledger.signing_pool import PARALLEL_FROM, sign_all


def test_a_big_batch_is_signed_in_workers_exactly_as_in_one_process(tmp_path):
    signer = generate_key_file(tmp_path / "admin.pem")
    hashes = [hashlib.sha256(str(n).encode()).digest() for n in range(PARALLEL_FROM + 501)]

    signed = sign_all(signer, hashes)()

    # Ed25519 signatures are deterministic: the workers' must be byte for byte ours.
    assert signed == [signer.sign(hash_) for hash_ in hashes]
    assert all(signature_ok(signer.public_raw, h, s) for h, s in zip(hashes, signed, strict=True))


def test_a_small_batch_is_signed_here(tmp_path):
    signer = generate_key_file(tmp_path / "admin.pem")
    hashes = [hashlib.sha256(b"one").digest()]

    assert sign_all(signer, hashes)() == [signer.sign(hashes[0])]
