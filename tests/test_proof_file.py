"""Proof files: C2SP tlog-proof for events, the same shape between checkpoints, and JSON."""

from __future__ import annotations

import json

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import given, settings
from hypothesis import strategies as st

from ledger.checkpoint import Checkpoint, sign_checkpoint
from ledger.errors import VerificationFailed
from ledger.merkle import TreeState, grow, leaf_hash
from ledger.note import verifier_key
from ledger.proof_check import check_proof
from ledger.proof_file import ConsistencyProof, InclusionProof, parse_proof
from ledger.proofs import MemoryNodes, consistency_proof, inclusion_proof

ORIGIN = "milestone-ledger/" + "ab" * 32
KEY = Ed25519PrivateKey.generate()
VKEY = verifier_key(name=ORIGIN, key=KEY)
BODIES = [json.dumps({"seq": n, "type": "milestone.completed"}).encode() for n in range(1, 14)]


def _tree():
    states, nodes = [TreeState()], MemoryNodes()
    for body in BODIES:
        state, made = grow(tree=states[-1], leaf=leaf_hash(body))
        nodes.add(made)
        states.append(state)
    return states, nodes


STATES, NODES = _tree()


def _note(size):
    head = Checkpoint(origin=ORIGIN, size=size, root=STATES[size].root())
    return sign_checkpoint(checkpoint=head, key=KEY)


def _inclusion(seq=5, size=13):
    hashes = inclusion_proof(index=seq - 1, size=size, read=NODES)
    return InclusionProof(_note(size), seq - 1, tuple(hashes), BODIES[seq - 1])


def _consistency(old=6, new=13):
    hashes = consistency_proof(old_size=old, new_size=new, read=NODES)
    return ConsistencyProof(_note(old), _note(new), tuple(hashes))


@pytest.mark.parametrize(
    "proof",
    [_inclusion(), _inclusion(1, 1), _consistency(), _consistency(13, 13), _consistency(1, 2)],
    ids=["inclusion", "the only event", "consistency", "same size", "one to two"],
)
def test_a_proof_reads_back_from_its_text_and_its_json_and_verifies(proof):
    from_text = parse_proof(proof.text())
    from_json = parse_proof(json.dumps(proof.data()))

    assert from_text == from_json == proof
    assert check_proof(from_text, keys=[VKEY]).signed_by == (f"{ORIGIN}+{VKEY.key_id:08x}",)


def test_an_inclusion_proof_is_a_c2sp_tlog_proof():
    lines = _inclusion().text().split("\n")

    assert lines[0] == "c2sp.org/tlog-proof@v1"
    assert lines[1].startswith("extra ")
    assert lines[2] == "index 4"
    assert lines[lines.index("") + 1] == ORIGIN


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("hello\n", "not a proof"),
        ("c2sp.org/tlog-proof@v1\nindex 1\n", "no blank line"),
        ("c2sp.org/tlog-proof@v1\nindex 01\n\nx\n", "whole number"),
        ("c2sp.org/tlog-proof@v1\nindex 0\n\nx\n", "carries no event"),
        ("c2sp.org/tlog-proof@v1\nextra !!\nindex 0\n\nx\n", "not base64"),
        ("c2sp.org/tlog-proof@v1\nextra e30=\nindex 0\nAAAA\n\nx\n", "SHA-256 hash"),
        ("milestone-ledger/consistency-proof@v1\n\nx\n", "two signed checkpoints"),
        ('{"kind": "inclusion", "proof": []}', "no 'checkpoint' field"),
        ('{"kind": "other", "proof": []}', "'inclusion' or 'consistency'"),
        ("[1]", "not a proof"),
        ("{}", "no 'proof' field"),
        ("{" * 5000, "not valid JSON"),
    ],
)
def test_a_malformed_proof_is_refused_in_one_line(text, said):
    with pytest.raises(VerificationFailed, match=said) as refusal:
        parse_proof(text)

    assert "\n" not in str(refusal.value)


@settings(max_examples=300, deadline=None)
@given(data=st.data())
def test_any_change_to_a_proof_file_is_refused_never_a_crash(data):
    proof = data.draw(st.sampled_from([_inclusion(), _consistency()]))
    text = proof.text()
    at = data.draw(st.integers(0, len(text) - 1))
    new = data.draw(st.characters(codec="utf-8"))
    changed = text[:at] + new + text[at + 1 :]

    try:
        check_proof(parse_proof(changed), keys=[VKEY])
    except VerificationFailed:
        return
    # A change that leaves the proof valid may only touch what no one signed or hashed
    # (a signature line's key name, or the same character again).
    assert parse_proof(changed) == proof or changed == text
