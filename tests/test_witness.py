"""Witnesses: a cosignature only on a checkpoint that extends the last one the witness cosigned."""

from __future__ import annotations

import pytest
from conftest import make_key

from ledger import proving, tlog
from ledger import requests as rq
from ledger.checkpoint import Checkpoint
from ledger.errors import Refused, VerificationFailed
from ledger.execute import record
from ledger.note import parse_note, verify_note
from ledger.proof_check import check_proof
from ledger.store import checkpoints
from ledger.witness import cosign


def _grow(book, signer, code):
    record(rq.CompleteMilestone(code=code, on=None), ledger=book, signer=signer)


@pytest.fixture
def book(open_ledger, admin_key):
    """A ledger with two milestones, and an RFC approved (a checkpoint kept at #7)."""
    for code in ("LDM-503-1", "LDM-503-2"):
        record(
            rq.DefineMilestone(code=code, title=code, due="2030-01-01", level=2),
            ledger=open_ledger,
            signer=admin_key,
        )
    record(rq.OpenRfc(rfc="RFC-1", title="a change"), ledger=open_ledger, signer=admin_key)
    record(rq.ApproveRfc(rfc="RFC-1"), ledger=open_ledger, signer=admin_key)
    return open_ledger


@pytest.fixture
def witness(tmp_path):
    """A witness's key."""
    return make_key(tmp_path, "witness")


def _log_key(book, signer):
    return tlog.log_key(ledger_id=book.ledger_id, public_key=signer.public_raw)


def test_a_witness_cosigns_a_checkpoint_both_keys_then_verify(book, admin_key, witness):
    note = proving.at_approval(book, "RFC-1").note

    done = cosign(book, note=note, witness=witness)

    key = witness.verifier_key(name=f"witness-{witness.key_id}")
    both = verify_note(note=done.note, verifiers=[_log_key(book, admin_key), key], require_all=True)
    assert parse_note(done.note).text == parse_note(note).text
    assert len(both.verified) == 2
    assert (done.size, done.previous, done.witness) == (7, None, key.encode())
    assert proving.at_approval(book, "RFC-1").witnesses == [key.name + f"+{key.key_id:08x}"]


def test_a_witness_moves_forward_and_an_inclusion_proof_can_require_it(book, admin_key, witness):
    cosign(book, note=proving.at_approval(book, "RFC-1").note, witness=witness)
    _grow(book, admin_key, "LDM-503-1")
    later = cosign(book, note=proving.current(book, signer=admin_key).note, witness=witness)
    proof = proving.prove_event(book, seq=3, checkpoint=later.note, signer=None)
    vkey = witness.verifier_key(name=f"witness-{witness.key_id}")

    check = check_proof(proof, keys=[_log_key(book, admin_key)], witnesses=[vkey])

    assert later.previous == 7
    assert check.witnessed_by == (f"{vkey.name}+{vkey.key_id:08x}",)
    unwitnessed = proving.prove_event(book, seq=3, checkpoint=None, signer=admin_key)
    with pytest.raises(VerificationFailed, match="not cosigned as required"):
        check_proof(unwitnessed, keys=[_log_key(book, admin_key)], witnesses=[vkey])


def test_a_witness_never_cosigns_an_older_checkpoint(book, admin_key, witness):
    old = proving.at_approval(book, "RFC-1").note
    _grow(book, admin_key, "LDM-503-1")
    cosign(book, note=proving.current(book, signer=admin_key).note, witness=witness)

    with pytest.raises(Refused, match="never cosigns an older one"):
        cosign(book, note=old, witness=witness)


def test_a_witness_refuses_a_log_that_forked_from_what_it_cosigned(book, admin_key, witness):
    # The witness once cosigned a checkpoint of 5 events with another root: a fork.
    forked = Checkpoint(origin=tlog.origin_of(book.ledger_id), size=5, root=bytes(32))
    note = admin_key.sign_note(forked.text(), name=forked.origin)
    name = f"witness-{witness.key_id}"
    key = witness.verifier_key(name=name)
    cosigned = witness.cosign_note(note, name=name, verifiers=[_log_key(book, admin_key)])
    with book.store.locked() as conn:
        checkpoints.insert_cosignature(
            conn, checkpoints.StoredCosignature(witness=key.encode(), size=5, note=cosigned)
        )

    with pytest.raises(VerificationFailed, match="the log forked; not cosigned"):
        cosign(book, note=proving.at_approval(book, "RFC-1").note, witness=witness)


def test_a_checkpoint_signed_by_a_stranger_is_not_cosigned(book, witness, tmp_path):
    stranger = make_key(tmp_path, "stranger")
    note = proving.at_approval(book, "RFC-1").note
    forged = stranger.sign_note(parse_note(note).text, name=tlog.origin_of(book.ledger_id))

    with pytest.raises(VerificationFailed, match="not signed by any trusted key"):
        cosign(book, note=forged, witness=witness)


def test_a_key_of_the_ledger_itself_is_no_witness(book, admin_key):
    note = proving.at_approval(book, "RFC-1").note

    with pytest.raises(Refused, match="a witness signs with a key of its own"):
        cosign(book, note=note, witness=admin_key)
