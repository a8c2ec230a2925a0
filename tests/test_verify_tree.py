"""`verify` checks the Merkle tree, the checkpoints and the cosignatures against the log."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from conftest import make_key

from ledger import proving
from ledger import requests as rq
from ledger.execute import record
from ledger.handle import Context, handle
from ledger.witness import cosign


def _sql(url: str, statement: str, **params: object) -> None:
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.execute(sa.text(statement), params)
    engine.dispose()


@pytest.fixture
def book(open_ledger, admin_key, tmp_path):
    """A ledger of 9 events: RFC-1 approved at #5 (a checkpoint), a witness's cosignature."""
    record(rq.OpenRfc(rfc="RFC-1", title="a change"), ledger=open_ledger, signer=admin_key)
    record(rq.ApproveRfc(rfc="RFC-1"), ledger=open_ledger, signer=admin_key)
    for n in range(4):
        request = rq.DefineMilestone(code=f"LDM-{n}", title="t", due="2030-01-01", level=2)
        record(request, ledger=open_ledger, signer=admin_key)
    note = proving.at_approval(open_ledger, "RFC-1").note
    cosign(open_ledger, note=note, witness=make_key(tmp_path, "witness"))
    return open_ledger


def _verify(book, admin_key):
    return handle(rq.VerifyLedger(), context=Context(lambda: book, lambda: admin_key))


def test_a_sound_ledger_verifies_with_its_tree(book, admin_key):
    result = _verify(book, admin_key)

    assert result.report.ok and result.exit_code == 0
    assert (result.tree.nodes, result.tree.checkpoints, result.tree.cosignatures) == (16, 1, 1)


def test_a_changed_or_missing_node_is_found_and_rebuild_mends_it(book, admin_key, db_url):
    _sql(db_url, "UPDATE merkle_nodes SET hash = :h WHERE level = 1 AND idx = 2", h=bytes(32))
    _sql(db_url, "DELETE FROM merkle_nodes WHERE level = 3")

    found = _verify(book, admin_key)
    book.rebuild()

    assert found.exit_code == 8
    assert found.report.failure == found.tree.failure  # what every front end shows
    assert found.report.checked == 0
    assert [(f.seq, f.reason.split(" is ")[1][:7]) for f in found.tree.findings] == [
        (1, "missing"),
        (5, "wrong; "),
    ]
    assert "events #5-#6" in found.tree.findings[1].reason
    assert _verify(book, admin_key).report.ok


@pytest.mark.parametrize(
    ("change", "said"),
    [
        ("UPDATE checkpoints SET rfc = 'RFC-2'", "is not the approval of RFC-2"),
        ("UPDATE checkpoints SET root = :zero", "another size or root than its row"),
        ("UPDATE checkpoints SET size = 4", "another size or root than its row"),
        ("UPDATE checkpoints SET note = replace(note, 'milestone-ledger/', 'x/')", "not of this"),
        ("UPDATE cosignatures SET note = replace(note, :old, :new)", "witness's signature"),
    ],
)
def test_a_changed_checkpoint_or_cosignature_is_found(book, admin_key, db_url, change, said):
    note = proving.at_approval(book, "RFC-1").note
    witness_line = note.splitlines()[-1]
    forged = witness_line[:-10] + ("A" if witness_line[-10] != "A" else "B") + witness_line[-9:]
    _sql(db_url, change, zero=bytes(32), old=witness_line, new=forged)

    result = _verify(book, admin_key)

    assert result.exit_code == 8
    assert said in result.tree.failure.reason


def test_a_checkpoint_whose_root_the_log_never_had_is_found(book, admin_key, db_url):
    from ledger.checkpoint import Checkpoint
    from ledger.tlog import origin_of

    head = Checkpoint(origin=origin_of(book.ledger_id), size=5, root=bytes(32))
    note = admin_key.sign_note(head.text(), name=head.origin)
    _sql(db_url, "UPDATE checkpoints SET note = :note, root = :zero", note=note, zero=bytes(32))

    result = _verify(book, admin_key)

    assert "its root is not the root of the log at its size" in result.tree.failure.reason
