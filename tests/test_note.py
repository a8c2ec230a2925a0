"""Signed notes: Go's sumdb/note and the C2SP signed-note test vectors, cosigning, and
refusal of every malformed or mutated note."""

import base64

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from ledger.errors import VerificationFailed
from ledger.note import (
    VerifierKey,
    cosign_note,
    key_id,
    parse_note,
    parse_verifier_key,
    sign_note,
    verifier_key,
    verify_note,
)

# golang.org/x/mod/sumdb/note/note_test.go
PETER_SKEY = "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz"
PETER_VKEY = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
ENOCH_VKEY = "EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop"
TEXT = (
    "If you think cryptography is the answer to your problem,\n"
    "then you don't know what your problem is.\n"
)
PETER_SIG = (
    "\u2014 PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdng"
    "otpRZb6KE6RyyBwJnAM=\n"
)
ENOCH_SIG = (
    "\u2014 EnochRoot rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/5n2tiOHp+vAF1aGrQ5ovTG01oOTGwnW"
    "Lox33WWd1RvMc+QQ=\n"
)
# https://c2sp.org/signed-note, "Verifier keys: Example".
C2SP_VKEY = "example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k"
C2SP_NOTE = (
    "This is an example message.\n\n\u2014 example.com/foo Uw2QOkn8srV1yJGh2VYRlL1Tnagv1YEq6TfXp"
    "pzi2ONncAlTgK7Ztg1ERYNZXsYjOBH3mFXmRKuwHjG1Yu72IneyaQM=\n"
)


def _go_signer_key(skey):
    """The private key in a Go signer key string (PRIVATE+KEY+name+id+base64(0x01||seed))."""
    seed = base64.b64decode(skey.split("+", 4)[4])[1:]
    return Ed25519PrivateKey.from_private_bytes(seed)


PETER = _go_signer_key(PETER_SKEY)


def test_signing_gives_exactly_gos_signed_note():
    note = sign_note(text=TEXT, name="PeterNeumann", key=PETER)

    assert note == TEXT + "\n" + PETER_SIG


def test_the_verifier_key_string_and_key_id_are_gos():
    key = verifier_key(name="PeterNeumann", key=PETER)

    assert key.encode() == PETER_VKEY
    assert key.key_id == 0xC74F20A3 == key_id(name="PeterNeumann", public_key=key.public_key)
    assert parse_verifier_key(PETER_VKEY) == key
    assert str(parse_verifier_key(ENOCH_VKEY)) == ENOCH_VKEY


def test_the_c2sp_example_note_verifies_with_its_verifier_key():
    opened = verify_note(note=C2SP_NOTE.encode("utf-8"), verifiers=[parse_verifier_key(C2SP_VKEY)])

    assert opened.text == "This is an example message.\n"
    assert [s.label() for s in opened.verified] == ["example.com/foo+530d903a"]


def test_a_note_signed_by_two_keys_verifies_with_either_and_reports_the_other():
    peter, enoch = parse_verifier_key(PETER_VKEY), parse_verifier_key(ENOCH_VKEY)
    note = TEXT + "\n" + PETER_SIG + ENOCH_SIG

    by_peter = verify_note(note=note, verifiers=[peter])
    by_both = verify_note(note=note, verifiers=[peter, enoch], require_all=True)

    assert by_peter.text == TEXT
    assert [s.name for s in by_peter.verified] == ["PeterNeumann"]
    assert [s.name for s in by_peter.unverified] == ["EnochRoot"]
    assert by_both.signed_by(peter) and by_both.signed_by(enoch)


def test_a_note_with_only_unknown_signatures_is_refused():
    with pytest.raises(VerificationFailed, match="not signed by any trusted key"):
        verify_note(note=TEXT + "\n" + ENOCH_SIG, verifiers=[parse_verifier_key(PETER_VKEY)])


def test_a_required_key_that_did_not_sign_is_named():
    peter, enoch = parse_verifier_key(PETER_VKEY), parse_verifier_key(ENOCH_VKEY)

    with pytest.raises(VerificationFailed, match=r"not signed by EnochRoot\+af0cfe78"):
        verify_note(note=TEXT + "\n" + PETER_SIG, verifiers=[peter, enoch], require_all=True)


def test_a_bad_signature_by_a_known_key_refuses_the_whole_note():
    bad = PETER_SIG[:60] + "ABCD" + PETER_SIG[60:]  # Go's own "invalid signature" case

    with pytest.raises(VerificationFailed, match=r"signature by PeterNeumann\+c74f20a3"):
        verify_note(
            note=TEXT + "\n" + ENOCH_SIG + bad,
            verifiers=[parse_verifier_key(PETER_VKEY), parse_verifier_key(ENOCH_VKEY)],
        )


@pytest.mark.parametrize(
    "message",
    [
        TEXT,
        TEXT + "\n",
        TEXT + "\n" + PETER_SIG[:-1],
        "\x01" + TEXT + "\n" + PETER_SIG,
        b"\xff" + (TEXT + "\n" + PETER_SIG).encode(),
        TEXT + "\n" + "\u2014 Bad Name x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2p"
        "ZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=",
        TEXT + "\n" + PETER_SIG + "Unexpected line.\n",
        TEXT + "\n" + PETER_SIG * 101,
        TEXT + "\n" + PETER_SIG.replace("\u2014", "-"),
        TEXT + "\n" + PETER_SIG.replace("AM=", "AN="),  # same bytes, non-canonical base64
        TEXT + "\n" + "\u2014 PeterNeumann AAAA\n",  # shorter than a key id and a signature
        TEXT + "\n" + "\u2014 Peter+Neumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgY"
        "N1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n",
    ],
)
def test_malformed_notes_are_refused_in_one_line(message):
    with pytest.raises(VerificationFailed) as refused:
        verify_note(note=message, verifiers=[parse_verifier_key(PETER_VKEY)])

    assert "\n" not in str(refused.value)


def test_changing_any_one_character_of_a_signed_note_is_refused():
    peter = parse_verifier_key(PETER_VKEY)
    note = TEXT + "\n" + PETER_SIG
    accepted = []

    for i, ch in enumerate(note):
        for replacement in {chr(ord(ch) ^ 1), "A" if ch != "A" else "B", ""}:
            changed = note[:i] + replacement + note[i + 1 :]
            try:
                verify_note(note=changed, verifiers=[peter])
            except VerificationFailed:
                continue
            accepted.append((i, ch, replacement))

    assert accepted == []


def _mangled(text):
    yield from (text[i:j] for i in range(len(text) + 1) for j in range(i + 1, len(text) + 1))
    yield from (text[:i] + chr(ord(text[i]) + 1) + text[i + 1 :] for i in range(len(text)))


def test_mangled_verifier_keys_are_refused_as_go_refuses_them():
    accepted = []

    for candidate in _mangled(PETER_VKEY):
        if candidate == PETER_VKEY:
            continue
        try:
            parse_verifier_key(candidate)
        except VerificationFailed:
            continue
        accepted.append(candidate)

    assert accepted == []
    # Go's cases: a key of the wrong length, an unknown algorithm, each with a matching id.
    for bad in (
        "PeterNeumann+cc469956+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TWBADKEY==",
        "PeterNeumann+173116ae+ZRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
    ):
        with pytest.raises(VerificationFailed):
            parse_verifier_key(bad)


def test_a_witness_cosignature_is_another_line_over_the_same_text():
    log, witness = Ed25519PrivateKey.generate(), Ed25519PrivateKey.generate()
    log_key = verifier_key(name="example.org/log", key=log)
    witness_key = verifier_key(name="witness.example/w1", key=witness)
    note = sign_note(text="example.org/log\n3\nAAAA\n", name="example.org/log", key=log)

    cosigned = cosign_note(note=note, name="witness.example/w1", key=witness, verifiers=[log_key])
    again = cosign_note(note=cosigned, name="witness.example/w1", key=witness, verifiers=[log_key])

    assert cosigned.startswith(note)
    assert cosigned.count("\u2014 ") == again.count("\u2014 ") == 2
    assert verify_note(note=cosigned, verifiers=[log_key]).text == "example.org/log\n3\nAAAA\n"
    both = verify_note(note=again, verifiers=[log_key, witness_key], require_all=True)
    assert both.signed_by(witness_key)


def test_a_witness_refuses_to_cosign_what_does_not_verify():
    log, witness = Ed25519PrivateKey.generate(), Ed25519PrivateKey.generate()
    note = sign_note(text="example.org/log\n3\nAAAA\n", name="example.org/log", key=log)
    impostor = verifier_key(name="example.org/log", key=Ed25519PrivateKey.generate())

    with pytest.raises(VerificationFailed, match="not signed by any trusted key"):
        cosign_note(note=note, name="witness.example/w1", key=witness, verifiers=[impostor])


def test_verifier_keys_that_collide_in_name_and_id_are_refused():
    peter = parse_verifier_key(PETER_VKEY)
    twin = VerifierKey(name=peter.name, key_id=peter.key_id, public_key=b"\x01" * 32)

    with pytest.raises(VerificationFailed, match="share the name and id"):
        verify_note(note=TEXT + "\n" + PETER_SIG, verifiers=[peter, twin])
    with pytest.raises(VerificationFailed, match="no verifier keys"):
        verify_note(note=TEXT + "\n" + PETER_SIG, verifiers=[])


@pytest.mark.parametrize(
    ("text", "name", "reason"),
    [
        ("no final newline", "example.org/log", "end with a newline"),
        ("a\x07bell\n", "example.org/log", "control character"),
        ("fine\n", "has space", "key name"),
        ("fine\n", "has+plus", "key name"),
        ("fine\n", "", "key name"),
    ],
)
def test_signing_something_that_could_not_be_read_back_is_refused(text, name, reason):
    with pytest.raises(VerificationFailed, match=reason):
        sign_note(text=text, name=name, key=PETER)


def test_parsing_keeps_the_text_and_every_signature_line_in_order():
    note = parse_note(TEXT + "\n" + PETER_SIG + ENOCH_SIG)

    assert note.text == TEXT
    assert [s.label() for s in note.signatures] == ["PeterNeumann+c74f20a3", "EnochRoot+af0cfe78"]
    assert note.render() == TEXT + "\n" + PETER_SIG + ENOCH_SIG
