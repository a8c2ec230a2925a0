"""The events' Merkle tree, kept by every append, and the checkpoint signed at every approval."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa
from conftest import make_key

from ledger import requests as rq
from ledger import tlog, tree
from ledger.checkpoint import open_checkpoint
from ledger.errors import ChainBroken, NotFound
from ledger.execute import record
from ledger.ledger import Ledger
from ledger.merkle import TreeState, leaf_hash
from ledger.store import checkpoints, nodes


def _rows(book: Ledger) -> list:
    return book.store.read()


def _expected_root(book: Ledger, size: int | None = None) -> bytes:
    bodies = [row.body for row in _rows(book)][:size]
    return TreeState().extended(leaf_hash(body) for body in bodies).root()


def _stored_root(book: Ledger, size: int) -> bytes:
    with book.store.reading() as conn:
        return tree.root_at(conn, size)


def _node_count(book: Ledger) -> int:
    with book.store.reading() as conn:
        return nodes.count(conn)


def _kept(book: Ledger) -> list[checkpoints.StoredCheckpoint]:
    with book.store.reading() as conn:
        return checkpoints.checkpoints(conn)


def _approve(book: Ledger, signer, rfc: str = "RFC-1") -> None:
    record(rq.OpenRfc(rfc=rfc, title="a change"), ledger=book, signer=signer)
    record(rq.ApproveRfc(rfc=rfc), ledger=book, signer=signer)


def _define(book: Ledger, signer, code: str, rfc: str | None = "RFC-1") -> None:
    request = rq.DefineMilestone(code=code, title=code, due=date(2030, 1, 1), level=2, rfc=rfc)
    record(request, ledger=book, signer=signer)


def test_every_append_grows_the_stored_tree_over_the_stored_bodies(ledger, admin_key):
    _approve(ledger, admin_key)
    for n in range(6):
        _define(ledger, admin_key, f"LDM-503-{n}")

    size = ledger.length

    assert _stored_root(ledger, size) == _expected_root(ledger)
    assert _stored_root(ledger, 7) == _expected_root(ledger, 7)
    assert _node_count(ledger) == 2 * size - size.bit_count()


def test_appends_by_two_processes_in_turn_keep_one_tree(ledger, admin_key, db_url):
    other = Ledger.open(db_url)
    _approve(ledger, admin_key)

    for n in range(5):
        _define(other if n % 2 else ledger, admin_key, f"LDM-503-{n}")
    other.close()

    assert _stored_root(ledger, ledger.length) == _expected_root(ledger)
    assert _node_count(ledger) == 2 * ledger.length - ledger.length.bit_count()


def test_a_refused_change_adds_nothing_to_the_tree(ledger, admin_key):
    before = _node_count(ledger)

    with pytest.raises(NotFound):
        record(rq.ApproveRfc(rfc="RFC-9"), ledger=ledger, signer=admin_key)

    assert _node_count(ledger) == before


def test_an_approval_signs_a_checkpoint_of_the_tree_up_to_itself(ledger, admin_key):
    _approve(ledger, admin_key)
    _define(ledger, admin_key, "LDM-503-1")

    [kept] = _kept(ledger)

    approval = next(e for e in ledger.log if e.type == "rfc.approved")
    assert (kept.size, kept.rfc) == (approval.seq, "RFC-1")
    assert kept.recorded_at == approval.recorded_at
    key = tlog.log_key(ledger_id=ledger.ledger_id, public_key=admin_key.public_raw)
    head = open_checkpoint(note=kept.note, verifiers=[key], origin=tlog.origin_of(ledger.ledger_id))
    assert head.size == approval.seq
    assert head.root == kept.root == _expected_root(ledger, approval.seq)


def test_the_checkpoint_is_signed_by_the_approvers_own_key(ledger, admin_key, tmp_path):
    carol = make_key(tmp_path, "carol")
    record(rq.AddKey(actor="carol", public_key=carol.public_raw), ledger=ledger, signer=admin_key)
    record(rq.GrantRole(actor="carol", role="approver"), ledger=ledger, signer=admin_key)
    record(rq.OpenRfc(rfc="RFC-2", title="a change"), ledger=ledger, signer=admin_key)

    record(rq.ApproveRfc(rfc="RFC-2"), ledger=ledger, signer=carol)

    [kept] = _kept(ledger)
    origin = tlog.origin_of(ledger.ledger_id)
    carols = tlog.log_key(ledger_id=ledger.ledger_id, public_key=carol.public_raw)
    alices = tlog.log_key(ledger_id=ledger.ledger_id, public_key=admin_key.public_raw)
    assert open_checkpoint(note=kept.note, verifiers=[carols], origin=origin).size == kept.size
    with pytest.raises(Exception, match="not signed by any trusted key"):
        open_checkpoint(note=kept.note, verifiers=[alices])


def test_a_rejection_signs_no_checkpoint(ledger, admin_key):
    record(rq.OpenRfc(rfc="RFC-3", title="a change"), ledger=ledger, signer=admin_key)

    record(rq.RejectRfc(rfc="RFC-3"), ledger=ledger, signer=admin_key)

    assert _kept(ledger) == []


def test_rebuild_refills_the_tree_and_keeps_the_signed_checkpoints(ledger, admin_key, db_url):
    _approve(ledger, admin_key)
    _define(ledger, admin_key, "LDM-503-1")
    kept, count = _kept(ledger), _node_count(ledger)
    engine = sa.create_engine(db_url)
    with engine.begin() as conn:
        conn.exec_driver_sql("DELETE FROM merkle_nodes WHERE level = 0")
    engine.dispose()

    ledger.rebuild()

    assert _node_count(ledger) == count
    assert _stored_root(ledger, ledger.length) == _expected_root(ledger)
    assert _kept(ledger) == kept
    _define(ledger, admin_key, "LDM-503-2")
    assert _stored_root(ledger, ledger.length) == _expected_root(ledger)


def test_nodes_past_the_head_refuse_appends_until_a_rebuild(ledger, admin_key, db_url):
    engine = sa.create_engine(db_url)
    with engine.begin() as conn:
        conn.execute(
            sa.text("INSERT INTO merkle_nodes VALUES (0, :idx, :hash)"),
            {"idx": ledger.length, "hash": bytes(32)},
        )
    engine.dispose()
    before = ledger.length

    with pytest.raises(ChainBroken, match="milestone rebuild"):
        _approve(ledger, admin_key)

    assert ledger.length == before
    ledger.rebuild()
    _approve(ledger, admin_key)
    assert _stored_root(ledger, ledger.length) == _expected_root(ledger)
