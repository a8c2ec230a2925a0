"""Checkpoints and proofs at the terminal: what an auditor keeps, proves and checks offline."""

from __future__ import annotations

import base64
import json

import pytest
from typer.testing import CliRunner

from cli.app import app


@pytest.fixture
def run(db_url, tmp_path):
    """Run `milestone --db URL --key KEY ...` in tmp_path; return the result."""
    runner = CliRunner()
    key = tmp_path / "keys" / "alice.pem"

    def invoke(*words, key_path=key):
        return runner.invoke(app, ["--db", db_url, "--key", str(key_path), *map(str, words)])

    return invoke


def ok(result) -> str:
    assert result.exit_code == 0, result.output
    return result.output


@pytest.fixture
def audited(run, tmp_path):
    """A ledger with RFC-1 approved at #6 and one more event, and the files an auditor keeps."""
    ok(run("init", "--name", "LDM-564", "--actor", "alice"))
    ok(run("rfc", "open", "RFC-1", "First plan"))
    ok(
        run(
            "define",
            "LDM-503-1",
            "Test one",
            "--level",
            "2",
            "--due",
            "2030-05-01",
            "--rfc",
            "RFC-1",
        )
    )
    ok(run("rfc", "approve", "RFC-1", "--version", "1.0"))
    ok(run("complete", "LDM-503-1", "--on", "2024-04-30"))
    files = {
        "key": ok(run("checkpoint", "--key-line")).strip(),
        "rfc1": tmp_path / "rfc-1.checkpoint",
        "now": tmp_path / "now.checkpoint",
    }
    files["rfc1"].write_text(ok(run("checkpoint", "--rfc", "RFC-1")))
    files["now"].write_text(ok(run("checkpoint")))
    return files


def _write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text)
    return path


def test_a_checkpoint_is_a_signed_note_of_the_head(run, audited):
    lines = audited["now"].read_text().split("\n")

    assert lines[0].startswith("milestone-ledger/")
    assert lines[1] == "7"
    assert len(base64.b64decode(lines[2])) == 32
    assert lines[4].startswith("\u2014 " + lines[0] + " ")
    assert audited["key"].startswith(lines[0] + "+")


def test_an_event_proved_in_a_new_checkpoint_verifies_offline(run, audited, tmp_path):
    proof = _write(tmp_path, "p.tlog-proof", ok(run("prove", "5")))

    out = ok(run("verify-proof", proof, "--key", audited["key"]))

    assert proof.read_text().startswith("c2sp.org/tlog-proof@v1\nextra ")
    assert "OK: event #5 is in milestone-ledger/" in out
    assert "milestone.defined LDM-503-1 by alice" in out


def test_an_event_proved_in_the_approvals_checkpoint_verifies_as_json_too(run, audited, tmp_path):
    text = ok(run("prove", "6", "--checkpoint", audited["rfc1"], "--json"))
    proof = _write(tmp_path, "p.json", text)
    key = _write(tmp_path, "log.key", audited["key"] + "\n")

    out = ok(run("verify-proof", proof, "--key", key, "--json"))

    assert json.loads(text)["checkpoint"] == audited["rfc1"].read_text()
    assert json.loads(out)["seq"] == 6
    assert json.loads(out)["size"] == 6


def test_the_log_now_extends_the_approvals_checkpoint(run, audited, tmp_path):
    text = ok(run("prove", "--from", audited["rfc1"], "--to", audited["now"]))
    proof = _write(tmp_path, "ext.proof", text)

    out = ok(run("verify-proof", proof, "--key", audited["key"], "--from", audited["rfc1"]))

    assert "OK: the log of 7 events extends the log of 6 events" in out


def _flip(text: str, line: int) -> str:
    lines = text.split("\n")
    data = bytearray(base64.b64decode(lines[line]))
    data[3] ^= 0x01
    lines[line] = base64.b64encode(bytes(data)).decode()
    return "\n".join(lines)


def _change_event(text: str) -> str:
    lines = text.split("\n")
    body = base64.b64decode(lines[1].removeprefix("extra "))
    lines[1] = "extra " + base64.b64encode(body.replace(b"LDM-503-1", b"LDM-503-2")).decode()
    return "\n".join(lines)


MUTATIONS = {
    "a changed event": lambda t: _change_event(t),
    "a flipped proof hash": lambda t: _flip(t, 3),
    "a proof hash left out": lambda t: "\n".join(t.split("\n")[:3] + t.split("\n")[4:]),
    "another index": lambda t: t.replace("\nindex 4\n", "\nindex 5\n"),
    "a changed root": lambda t: _flip(t, t.split("\n").index("") + 3),
    "a changed size": lambda t: t.replace("\n7\n", "\n8\n"),
    "a changed signature": lambda t: t[:-20] + ("A" if t[-20] != "A" else "B") + t[-19:],
}


@pytest.mark.parametrize("mutation", MUTATIONS, ids=list(MUTATIONS))
def test_a_mutated_inclusion_proof_is_refused(run, audited, tmp_path, mutation):
    good = ok(run("prove", "5", "--checkpoint", audited["now"]))
    bad = MUTATIONS[mutation](good)
    assert bad != good

    result = run("verify-proof", _write(tmp_path, "bad", bad), "--key", audited["key"])

    assert result.exit_code == 9, result.output
    assert result.output.startswith("error: ") and result.output.count("\n") == 1


def test_a_mutated_consistency_proof_or_the_wrong_start_is_refused(run, audited, tmp_path):
    good = ok(run("prove", "--from", audited["rfc1"]))
    flipped = _write(tmp_path, "flipped", _flip(good, 1))
    proof = _write(tmp_path, "ext", good)

    refusals = [
        run("verify-proof", flipped, "--key", audited["key"]),
        run("verify-proof", proof, "--key", audited["key"], "--from", audited["now"]),
    ]

    assert [r.exit_code for r in refusals] == [9, 9]
    assert "does not show the tree of 7 events extends" in refusals[0].output
    assert "another checkpoint than the one you kept" in refusals[1].output


def test_a_key_that_did_not_sign_is_not_trusted(run, audited, tmp_path):
    ok(run("key", "new", "mallory", "--out", tmp_path / "mallory.pem"))
    proof = _write(tmp_path, "p", ok(run("prove", "5")))
    other = ok(run("cosign", "--key", tmp_path / "mallory.pem", "--key-line")).strip()

    result = run("verify-proof", proof, "--key", other)

    assert result.exit_code == 9
    assert "not signed by any trusted key" in result.output


def test_a_checkpoint_this_ledger_never_had_cannot_be_proved_in(run, audited, tmp_path):
    lines = audited["now"].read_text().split("\n")
    lines[2] = base64.b64encode(bytes(32)).decode()
    forged = _write(tmp_path, "forged", "\n".join(lines))
    lines[0] = "milestone-ledger/" + "0" * 64
    foreign = _write(tmp_path, "foreign", "\n".join(lines))

    results = [
        run("prove", "5", "--checkpoint", forged),
        run("prove", "5", "--checkpoint", foreign),
    ]

    assert [r.exit_code for r in results] == [9, 4]
    assert "does not match this ledger" in results[0].output
    assert "not of this ledger" in results[1].output


@pytest.mark.parametrize(
    ("words", "said"),
    [
        (("prove",), "say what to prove"),
        (("prove", "3", "--from", "x"), "one thing at a time"),
        (("prove", "0"), "from 1"),
        (("prove", "8"), "not in the checkpoint's tree of 7 events"),
        (("prove", "6", "--checkpoint", "/no/such/file"), "no checkpoint at /no/such/file"),
        (("checkpoint", "--rfc", "RFC-2"), "no checkpoint was signed at RFC-2's approval"),
    ],
)
def test_proving_what_cannot_be_proved_says_why_in_one_line(run, audited, words, said):
    result = run(*words)

    assert result.exit_code != 0
    assert said in result.output
    assert result.output.startswith("error: ") and result.output.count("\n") == 1


def test_checkpoints_lists_the_approvals_and_rfc_show_names_its_checkpoint(run, audited):
    listed = ok(run("checkpoints"))
    shown = ok(run("rfc", "show", "RFC-1"))
    data = json.loads(ok(run("checkpoints", "--json")))

    assert "RFC-1" in listed
    assert "A checkpoint of 6 events was signed at its approval" in shown
    assert [(c["size"], c["rfc"]) for c in data] == [(6, "RFC-1")]
    assert data[0]["note"] == audited["rfc1"].read_text()


def test_only_a_key_the_ledger_knows_signs_a_checkpoint(run, audited, tmp_path):
    ok(run("key", "new", "stranger", "--out", tmp_path / "stranger.pem"))

    result = run("checkpoint", key_path=tmp_path / "stranger.pem")

    assert result.exit_code == 5
    assert "is not registered in this ledger" in result.output
