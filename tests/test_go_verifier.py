"""An independent verifier agrees: Go's golang.org/x/mod/sumdb/note and sumdb/tlog (Debian's
golang-golang-x-mod-dev, built by Debian's Go) accept the checkpoints and proofs this
ledger makes, and refuse the same mutated ones the ledger refuses: first on trees built
here from test bodies, then on a real ledger built with the `milestone` command line, whose
checkpoints (`checkpoint`, `checkpoint --rfc`, `cosign`) and proofs (`prove --json`) Go checks
beside `milestone verify-proof`.

The verifier is tests/go/verifier/main.go, built here in GOPATH mode against Debian's
packaged source, offline. Without Go or that package this test fails: CI installs both
(.ci/run), and a skipped interoperability test would prove nothing.
"""

import base64
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from ledger.checkpoint import (
    Checkpoint,
    open_checkpoint,
    proves_extension,
    proves_inclusion,
    sign_checkpoint,
)
from ledger.errors import VerificationFailed
from ledger.merkle import TreeState, grow, leaf_hash
from ledger.note import cosign_note, parse_verifier_key, verifier_key
from ledger.proofs import MemoryNodes, consistency_proof, inclusion_proof

SOURCE = Path(__file__).parent / "go" / "verifier"
DEBIAN_GOPATH = Path("/usr/share/gocode")
INSTALL = "apt-get install -y golang-go golang-golang-x-mod-dev"

ORIGIN = "milestones.example.org/ldm-564"
LOG = Ed25519PrivateKey.generate()
LOG_KEY = verifier_key(name=ORIGIN, key=LOG).encode()
WITNESS = Ed25519PrivateKey.generate()
WITNESS_KEY = verifier_key(name="witness.example/w1", key=WITNESS).encode()

BODIES = [
    b'{"seq":%d,"type":"milestone.completed","subject":"DM-AP-%d"}' % (n + 1, n) for n in range(37)
]


@pytest.fixture(scope="module")
def go_verifier(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The verifier program, built from tests/go/verifier against Debian's x/mod."""
    go = shutil.which("go")
    if go is None:
        pytest.fail(f"Go is not installed; this test needs Debian's Go: {INSTALL}")
    if not (DEBIAN_GOPATH / "src/golang.org/x/mod/sumdb/note/note.go").is_file():
        pytest.fail(f"golang.org/x/mod is not under {DEBIAN_GOPATH}; {INSTALL}")
    out = tmp_path_factory.mktemp("go")
    env = {
        **os.environ,
        "GO111MODULE": "off",  # GOPATH mode: imports resolve to Debian's packaged source
        "GOPATH": str(DEBIAN_GOPATH),
        "GOPROXY": "off",  # never fetch anything
        "GOTOOLCHAIN": "local",
        "GOFLAGS": "",
        "CGO_ENABLED": "0",  # no C compiler needed
        "GOCACHE": str(out / "cache"),
    }
    built = subprocess.run(
        [go, "build", "-o", str(out / "verifier"), "."],
        cwd=SOURCE,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    if built.returncode != 0:
        pytest.fail(f"building the Go verifier failed:\n{built.stderr}")
    return out / "verifier"


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _tree(bodies):
    states, nodes = [TreeState()], MemoryNodes()
    for body in bodies:
        state, completed = grow(tree=states[-1], leaf=leaf_hash(body))
        nodes.add(completed)
        states.append(state)
    return states, nodes


STATES, NODES = _tree(BODIES)


def _checkpoint(size, states=STATES, key=LOG, extensions=()):
    head = Checkpoint(origin=ORIGIN, size=size, root=states[size].root(), extensions=extensions)
    return sign_checkpoint(checkpoint=head, key=key)


def _request(note, *, vkeys=(LOG_KEY,), origin=ORIGIN, require_all=False, **parts):
    return {
        "vkeys": list(vkeys),
        "require_all": require_all,
        "origin": origin,
        "checkpoint": note,
        **parts,
    }


def _inclusion(index, size, *, proof=None, leaf=None):
    proof = inclusion_proof(index=index, size=size, read=NODES) if proof is None else proof
    leaf = BODIES[index] if leaf is None else leaf
    return {"index": index, "leaf": _b64(leaf), "proof": [_b64(h) for h in proof]}


def _consistency(old_note, old, new, *, proof=None):
    proof = consistency_proof(old_size=old, new_size=new, read=NODES) if proof is None else proof
    return {"old_checkpoint": old_note, "proof": [_b64(h) for h in proof]}


def _flip(proof, i):
    changed = list(proof)
    changed[i] = bytes([changed[i][0] ^ 0x80]) + changed[i][1:]
    return changed


def python_accepts(request) -> bool:
    """The ledger's own answer to a request the Go verifier answers."""
    try:
        keys = [parse_verifier_key(k) for k in request["vkeys"]]
        opened = {"verifiers": keys, "origin": request["origin"]}
        head = open_checkpoint(
            note=request["checkpoint"], require_all=request["require_all"], **opened
        )
        if "leaves" in request:
            leaves = [leaf_hash(base64.b64decode(leaf)) for leaf in request["leaves"]]
            if TreeState().extended(leaves[: head.size]).root() != head.root:
                return False
        if "inclusion" in request:
            claim = request["inclusion"]
            if not proves_inclusion(
                checkpoint=head,
                index=claim["index"],
                leaf_hash=leaf_hash(base64.b64decode(claim["leaf"])),
                proof=[base64.b64decode(h) for h in claim["proof"]],
            ):
                return False
        if "consistency" in request:
            claim = request["consistency"]
            old = open_checkpoint(
                note=claim["old_checkpoint"], require_all=request["require_all"], **opened
            )
            proof = [base64.b64decode(h) for h in claim["proof"]]
            if not proves_extension(old=old, new=head, proof=proof):
                return False
    except VerificationFailed:
        return False
    return True


def go_answers(verifier: Path, requests) -> list[str]:
    lines = "".join(json.dumps(r) + "\n" for r in requests)
    ran = subprocess.run([str(verifier)], input=lines, capture_output=True, text=True, timeout=120)
    answers = ran.stdout.splitlines()
    assert len(answers) == len(requests), ran.stderr
    assert ran.returncode == (0 if all(a == "ok" for a in answers) else 1)
    return answers


def _accepted_cases():
    full, at_8, at_13 = _checkpoint(37), _checkpoint(8), _checkpoint(13)
    leaves = [_b64(body) for body in BODIES]
    witnessed = cosign_note(
        note=full, name="witness.example/w1", key=WITNESS, verifiers=[parse_verifier_key(LOG_KEY)]
    )
    return {
        "checkpoint, root recomputed by Go": _request(full, leaves=leaves),
        "small checkpoint, root recomputed": _request(_checkpoint(1), leaves=leaves),
        "checkpoint with an extension line": _request(
            _checkpoint(13, extensions=("rfc RFC-781",)), leaves=leaves
        ),
        "first event": _request(full, inclusion=_inclusion(0, 37)),
        "an event in the middle": _request(full, inclusion=_inclusion(12, 37)),
        "the last event": _request(full, inclusion=_inclusion(36, 37)),
        "the last event of a smaller tree": _request(at_13, inclusion=_inclusion(12, 13)),
        "the only event": _request(_checkpoint(1), inclusion=_inclusion(0, 1)),
        "1 to 37": _request(full, consistency=_consistency(_checkpoint(1), 1, 37)),
        "8 to 37": _request(full, consistency=_consistency(at_8, 8, 37)),
        "13 to 37": _request(full, consistency=_consistency(at_13, 13, 37)),
        "8 to 13": _request(at_13, consistency=_consistency(at_8, 8, 13)),
        "37 to 37": _request(full, consistency=_consistency(full, 37, 37)),
        "witnessed, both keys required": _request(
            witnessed, vkeys=(LOG_KEY, WITNESS_KEY), require_all=True
        ),
        "witnessed, read by the log key alone": _request(witnessed),
    }


def _refused_cases():
    full, at_8 = _checkpoint(37), _checkpoint(8)
    root_line = full.split("\n")[2]
    signature = full.split("\n")[4]
    forked = list(BODIES)
    forked[5] = forked[5].replace(b"completed", b"withdrawn")
    forked_states, _ = _tree(forked)
    proof_12 = inclusion_proof(index=12, size=37, read=NODES)
    proof_8 = consistency_proof(old_size=8, new_size=37, read=NODES)
    changed_root = root_line[:10] + ("A" if root_line[10] != "A" else "B") + root_line[11:]
    at = len(signature) - 20  # inside the Ed25519 signature bytes, clear of padding bits
    changed_sig = signature[:at] + ("A" if signature[at] != "A" else "B") + signature[at + 1 :]
    bad_signature, bad_proof = "invalid signature for key", "invalid transparency proof"
    # Each case, and the words Go's refusal must contain, so it is refused for that reason.
    return {
        "root changed after signing": (
            _request(full.replace(root_line, changed_root)),
            bad_signature,
        ),
        "size changed after signing": (
            _request(full.replace("\n37\n", "\n38\n", 1)),
            bad_signature,
        ),
        "signature changed": (_request(full.replace(signature, changed_sig)), bad_signature),
        "signed by a stranger under the log's name": (
            _request(_checkpoint(37, key=Ed25519PrivateKey.generate())),
            "no verifiable signatures",
        ),
        "another origin": (_request(full, origin="other.example/log"), "checkpoint origin"),
        "witness required but absent": (
            _request(full, vkeys=(LOG_KEY, WITNESS_KEY), require_all=True),
            "not signed by witness.example/w1",
        ),
        "root that is not the root of the leaves": (
            _request(_checkpoint(37, states=forked_states), leaves=[_b64(b) for b in BODIES]),
            "root of the leaves",
        ),
        "inclusion proof with a flipped bit": (
            _request(full, inclusion=_inclusion(12, 37, proof=_flip(proof_12, 2))),
            bad_proof,
        ),
        "inclusion proof cut short": (
            _request(full, inclusion=_inclusion(12, 37, proof=proof_12[:-1])),
            bad_proof,
        ),
        "inclusion proof for another event": (
            _request(full, inclusion={**_inclusion(12, 37), "index": 13}),
            bad_proof,
        ),
        "inclusion of a changed event": (
            _request(full, inclusion=_inclusion(12, 37, leaf=BODIES[12] + b" ")),
            bad_proof,
        ),
        "inclusion against a forked checkpoint": (
            _request(_checkpoint(37, states=forked_states), inclusion=_inclusion(12, 37)),
            bad_proof,
        ),
        "consistency proof with a flipped bit": (
            _request(full, consistency=_consistency(at_8, 8, 37, proof=_flip(proof_8, 0))),
            bad_proof,
        ),
        "consistency from a rewritten history": (
            _request(full, consistency=_consistency(_checkpoint(8, states=forked_states), 8, 37)),
            bad_proof,
        ),
        "consistency backwards": (
            _request(at_8, consistency=_consistency(full, 37, 8, proof=proof_8)),
            "invalid inputs in CheckTree",
        ),
    }


def test_go_accepts_the_ledgers_checkpoints_and_proofs(go_verifier):
    cases = _accepted_cases()

    answers = go_answers(go_verifier, list(cases.values()))

    assert dict(zip(cases, answers, strict=True)) == dict.fromkeys(cases, "ok")
    assert all(python_accepts(request) for request in cases.values())


def test_go_and_the_ledger_refuse_the_same_mutations(go_verifier):
    cases = _refused_cases()

    answers = go_answers(go_verifier, [request for request, _ in cases.values()])

    wrong = [
        (name, answer)
        for (name, (_, reason)), answer in zip(cases.items(), answers, strict=True)
        if not answer.startswith("refused: ") or reason not in answer
    ]
    accepted_by_python = [name for name, (request, _) in cases.items() if python_accepts(request)]
    assert wrong == []
    assert accepted_by_python == []


# --- a real ledger: checkpoints and proofs as the `milestone` command line prints them ----------


@pytest.fixture(scope="module")
def real_ledger(tmp_path_factory: pytest.TempPathFactory):
    """A ledger built at the terminal (two RFC approvals, a witness), and what the CLI printed."""
    from typer.testing import CliRunner

    from cli.app import app
    from ledger.signing import generate_key_file

    folder = tmp_path_factory.mktemp("ledger")
    db = f"sqlite:///{folder / 'milestones.db'}"
    runner = CliRunner()

    def run(*words):
        result = runner.invoke(app, ["--db", db, "--key", str(folder / "alice.pem"), *words])
        assert result.exit_code == 0, result.output
        return result.output

    def keep(name, text):
        (folder / name).write_text(text)
        return str(folder / name)

    run("init", "--name", "LDM-564", "--actor", "alice", "--no-baseline-control")
    run("rfc", "open", "RFC-1", "First plan")
    for n in range(1, 8):
        run("define", f"LDM-503-{n}", f"Test {n}", "--level", "2", "--due", f"2030-0{n}-01")
    run("rfc", "approve", "RFC-1")
    for n in range(1, 6):
        run("move", f"LDM-503-{n}", f"2031-0{n}-15", "--reason", "slipped")
    run("rfc", "open", "RFC-2", "Second plan")
    run("move", "LDM-503-6", "2032-01-01", "--baseline", "--rfc", "RFC-2")
    run("rfc", "approve", "RFC-2")
    run("complete", "LDM-503-7", "--on", "2024-01-02")
    generate_key_file(folder / "witness.pem")
    files = {
        "log_key": run("checkpoint", "--key-line").strip(),
        "witness_key": run("cosign", "--key", str(folder / "witness.pem"), "--key-line").strip(),
        "rfc1": keep("rfc1.cp", run("checkpoint", "--rfc", "RFC-1")),
        "rfc2": keep("rfc2.cp", run("checkpoint", "--rfc", "RFC-2")),
        "now": keep("now.cp", run("checkpoint")),
    }
    files["witnessed"] = keep(
        "now.cosigned", run("cosign", files["now"], "--key", str(folder / "witness.pem"))
    )
    proofs = {
        f"event {seq} in {cp}": json.loads(
            run("prove", str(seq), "--checkpoint", files[cp], "--json")
        )
        for seq, cp in ((1, "rfc1"), (10, "rfc1"), (11, "rfc2"), (18, "rfc2"), (21, "now"))
    }
    proofs["event 4, witnessed"] = json.loads(
        run("prove", "4", "--checkpoint", files["witnessed"], "--json")
    )
    for old, new in (("rfc1", "rfc2"), ("rfc1", "now"), ("rfc2", "now"), ("rfc2", "rfc2")):
        proofs[f"{old} to {new}"] = json.loads(
            run("prove", "--from", files[old], "--to", files[new], "--json")
        )
    from ledger.store import Store

    store = Store.open(db)
    bodies = [row.body for row in store.read()]
    store.close()
    return {"run": run, "keep": keep, "files": files, "proofs": proofs, "bodies": bodies}


def _go_request(real, proof, *, witnessed=False):
    """The Go verifier's request for a proof `milestone prove --json` printed."""
    files = real["files"]
    vkeys = [files["log_key"], files["witness_key"]] if witnessed else [files["log_key"]]
    origin = proof["checkpoint"].split("\n")[0]
    request = _request(proof["checkpoint"], vkeys=vkeys, origin=origin, require_all=witnessed)
    if proof["kind"] == "inclusion":
        claim = {"index": proof["index"], "leaf": proof["event"], "proof": proof["proof"]}
        return {**request, "inclusion": claim}
    claim = {"old_checkpoint": proof["old_checkpoint"], "proof": proof["proof"]}
    return {**request, "consistency": claim}


def _python_verifies(real, proof, *, witnessed=False):
    """`milestone verify-proof` on the proof, as an auditor runs it: its exit status."""
    from typer.testing import CliRunner

    from cli.app import app

    files = real["files"]
    path = real["keep"]("check.proof", json.dumps(proof))
    words = ["verify-proof", path, "--key", files["log_key"]]
    words += ["--witness", files["witness_key"]] if witnessed else []
    return CliRunner().invoke(app, words).exit_code


def test_go_accepts_the_checkpoints_and_proofs_the_command_line_made(go_verifier, real_ledger):
    real, proofs = real_ledger, real_ledger["proofs"]
    leaves = [_b64(body) for body in real["bodies"]]
    cases = {name: _go_request(real, proof) for name, proof in proofs.items()}
    cases["event 4, witnessed, both keys required"] = _go_request(
        real, proofs["event 4, witnessed"], witnessed=True
    )
    for name in ("rfc1", "rfc2", "now"):
        note = Path(real["files"][name]).read_text()
        cases[f"{name}: root recomputed from the events"] = _request(
            note,
            vkeys=[real["files"]["log_key"]],
            origin=note.split("\n")[0],
            leaves=leaves,
        )

    answers = go_answers(go_verifier, list(cases.values()))

    assert dict(zip(cases, answers, strict=True)) == dict.fromkeys(cases, "ok")
    assert [_python_verifies(real, proof) for proof in proofs.values()] == [0] * len(proofs)
    assert _python_verifies(real, proofs["event 4, witnessed"], witnessed=True) == 0


def _mutated(proofs):
    event = json.loads(base64.b64decode(proofs["event 10 in rfc1"]["event"]))
    event["actor"] = "mallory"
    changed_event = base64.b64encode(json.dumps(event).encode()).decode()
    note = proofs["event 18 in rfc2"]["checkpoint"]
    root = note.split("\n")[2]
    sig_at = len(note) - 20
    return {
        "event with another actor": {**proofs["event 10 in rfc1"], "event": changed_event},
        "inclusion hash flipped": {
            **proofs["event 18 in rfc2"],
            "proof": [
                _b64(h)
                for h in _flip(
                    [base64.b64decode(p) for p in proofs["event 18 in rfc2"]["proof"]], 1
                )
            ],
        },
        "checkpoint root changed": {
            **proofs["event 18 in rfc2"],
            "checkpoint": note.replace(root, _b64(bytes(32))),
        },
        "checkpoint signature changed": {
            **proofs["event 18 in rfc2"],
            "checkpoint": note[:sig_at]
            + ("A" if note[sig_at] != "A" else "B")
            + note[sig_at + 1 :],
        },
        "consistency hash flipped": {
            **proofs["rfc1 to now"],
            "proof": [
                _b64(h)
                for h in _flip([base64.b64decode(p) for p in proofs["rfc1 to now"]["proof"]], 0)
            ],
        },
        "consistency from another checkpoint": {
            **proofs["rfc2 to now"],
            "old_checkpoint": proofs["rfc1 to now"]["old_checkpoint"],
        },
    }


def test_go_and_the_command_line_refuse_mutated_proofs_of_a_real_ledger(go_verifier, real_ledger):
    cases = _mutated(real_ledger["proofs"])

    answers = go_answers(go_verifier, [_go_request(real_ledger, p) for p in cases.values()])
    exits = [_python_verifies(real_ledger, proof) for proof in cases.values()]

    assert [a.split(":")[0] for a in answers] == ["refused"] * len(cases), answers
    assert exits == [9] * len(cases)
    unwitnessed = real_ledger["proofs"]["event 21 in now"]
    assert go_answers(go_verifier, [_go_request(real_ledger, unwitnessed, witnessed=True)])[
        0
    ].startswith("refused")
    assert _python_verifies(real_ledger, unwitnessed, witnessed=True) == 9
