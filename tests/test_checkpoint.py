"""Checkpoints: the C2SP tlog-checkpoint and Go tlog vectors, strict parsing, signing and
opening, and proofs checked against checkpoints of a tree of event bodies."""

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from ledger.checkpoint import (
    Checkpoint,
    open_checkpoint,
    parse_checkpoint,
    proves_extension,
    proves_inclusion,
    sign_checkpoint,
)
from ledger.errors import VerificationFailed
from ledger.merkle import TreeState, grow, leaf_hash
from ledger.note import cosign_note, verifier_key
from ledger.proofs import MemoryNodes, consistency_proof, inclusion_proof

# golang.org/x/mod/sumdb/tlog/note_test.go: TestFormatTree.
GO_TREE = "go.sum database tree\n123456789012\nTszzRgjTG6xce+z2AG31kAXYKBgQVtCSCE40HmuwBb0=\n"
# https://c2sp.org/tlog-checkpoint, the example's note text.
C2SP_TEXT = "example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n"
ORIGIN = "milestones.example.org/ldm-564"
LOG = Ed25519PrivateKey.generate()
LOG_KEY = verifier_key(name=ORIGIN, key=LOG)


def test_a_checkpoint_formats_as_go_formats_a_tree():
    tree = Checkpoint(
        origin="go.sum database tree", size=123456789012, root=leaf_hash(b"hello world")
    )

    assert tree.text() == GO_TREE
    assert parse_checkpoint(GO_TREE) == tree


def test_the_c2sp_example_checkpoint_parses():
    checkpoint = parse_checkpoint(C2SP_TEXT)

    assert (checkpoint.origin, checkpoint.size) == ("example.com/behind-the-sofa", 20852163)
    assert checkpoint.text() == C2SP_TEXT


def test_extension_lines_are_kept_in_order():
    text = C2SP_TEXT + "ext one\next two\n"

    checkpoint = parse_checkpoint(text)

    assert checkpoint.extensions == ("ext one", "ext two")
    assert checkpoint.text() == text


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        (
            "not-go.sum database tree\n0xabcdef\nTszzRgjTG6xce+z2AG31kAXYKBgQVtCSCE40HmuwBb0=\n",
            "size",
        ),
        (
            "go.sum database tree\n123456789012\n"
            "TszzRgjTG6xce+z2AG31kAXYKBgQVtCSCE40HmuwBTOOBIG=\n",
            "root hash",
        ),
        (GO_TREE[:-1], "ending in a newline"),
        ("origin\n12\n", "at least three lines"),
        ("origin\n012\n" + GO_TREE.split("\n")[2] + "\n", "size"),
        ("origin\n+12\n" + GO_TREE.split("\n")[2] + "\n", "size"),
        ("origin\n 12\n" + GO_TREE.split("\n")[2] + "\n", "size"),
        ("origin\n1_2\n" + GO_TREE.split("\n")[2] + "\n", "size"),
        ("origin\n\u0661\u0662\n" + GO_TREE.split("\n")[2] + "\n", "size"),
        ("origin\n9223372036854775808\n" + GO_TREE.split("\n")[2] + "\n", "size"),
        ("origin\n12\n" + GO_TREE.split("\n")[2][:-2] + "==\n", "root hash"),
        ("origin\n12\n" + GO_TREE.split("\n")[2][:-1] + "\n", "root hash"),
        ("origin\n12\nAAAA\n", "root hash"),
        ("\n12\n" + GO_TREE.split("\n")[2] + "\n", "origin"),
        (GO_TREE + "\n", "extension"),
    ],
)
def test_malformed_checkpoints_are_refused(text, reason):
    with pytest.raises(VerificationFailed, match=reason):
        parse_checkpoint(text)


def test_a_signed_checkpoint_opens_only_with_the_log_key_and_origin():
    checkpoint = Checkpoint(origin=ORIGIN, size=3, root=leaf_hash(b"x"))
    note = sign_checkpoint(checkpoint=checkpoint, key=LOG)

    opened = open_checkpoint(note=note, verifiers=[LOG_KEY], origin=ORIGIN)

    assert opened == checkpoint
    with pytest.raises(VerificationFailed, match=r"not from 'elsewhere\.example'"):
        open_checkpoint(note=note, verifiers=[LOG_KEY], origin="elsewhere.example")
    stranger = verifier_key(name=ORIGIN, key=Ed25519PrivateKey.generate())
    with pytest.raises(VerificationFailed, match="not signed by any trusted key"):
        open_checkpoint(note=note, verifiers=[stranger])


def test_a_witnessed_checkpoint_needs_the_witness_when_asked():
    witness = Ed25519PrivateKey.generate()
    witness_key = verifier_key(name="witness.example/w1", key=witness)
    note = sign_checkpoint(checkpoint=Checkpoint(origin=ORIGIN, size=1, root=bytes(32)), key=LOG)
    cosigned = cosign_note(note=note, name=witness_key.name, key=witness, verifiers=[LOG_KEY])

    both = [LOG_KEY, witness_key]

    assert open_checkpoint(note=cosigned, verifiers=both, require_all=True).size == 1
    with pytest.raises(VerificationFailed, match=r"not signed by witness\.example/w1"):
        open_checkpoint(note=note, verifiers=both, require_all=True)


def _ledger(count):
    bodies = [b'{"seq":%d,"type":"milestone.completed"}' % (seq + 1) for seq in range(count)]
    states, nodes = [TreeState()], MemoryNodes()
    for body in bodies:
        state, completed = grow(tree=states[-1], leaf=leaf_hash(body))
        nodes.add(completed)
        states.append(state)
    return bodies, states, nodes


def test_an_event_is_proved_in_a_signed_checkpoint_and_not_another():
    bodies, states, nodes = _ledger(21)
    note = sign_checkpoint(
        checkpoint=Checkpoint(origin=ORIGIN, size=21, root=states[21].root()), key=LOG
    )
    checkpoint = open_checkpoint(note=note, verifiers=[LOG_KEY], origin=ORIGIN)

    proof = inclusion_proof(index=6, size=21, read=nodes)

    assert proves_inclusion(
        checkpoint=checkpoint, index=6, leaf_hash=leaf_hash(bodies[6]), proof=proof
    )
    assert not proves_inclusion(
        checkpoint=checkpoint, index=6, leaf_hash=leaf_hash(bodies[6] + b" "), proof=proof
    )
    assert not proves_inclusion(
        checkpoint=checkpoint, index=7, leaf_hash=leaf_hash(bodies[6]), proof=proof
    )


def test_a_later_checkpoint_is_proved_to_extend_an_earlier_one():
    _, states, nodes = _ledger(40)
    old = Checkpoint(origin=ORIGIN, size=13, root=states[13].root())
    new = Checkpoint(origin=ORIGIN, size=40, root=states[40].root())
    other_log = Checkpoint(origin="other.example", size=40, root=states[40].root())
    rewritten = Checkpoint(origin=ORIGIN, size=13, root=states[12].root())

    proof = consistency_proof(old_size=13, new_size=40, read=nodes)

    assert proves_extension(old=old, new=new, proof=proof)
    assert not proves_extension(old=old, new=other_log, proof=proof)
    assert not proves_extension(old=rewritten, new=new, proof=proof)
    assert not proves_extension(old=new, new=old, proof=proof)


@pytest.mark.parametrize(
    "fields",
    [
        {"origin": ""},
        {"origin": "two\nlines"},
        {"size": -1},
        {"size": 2**63},
        {"size": True},
        {"root": b"short"},
        {"extensions": ("",)},
        {"extensions": ["a list"]},
    ],
)
def test_a_checkpoint_that_could_not_be_read_back_cannot_be_made(fields):
    with pytest.raises(VerificationFailed):
        Checkpoint(**{"origin": ORIGIN, "size": 1, "root": bytes(32), **fields})
