"""`verify` replays the permission rules: a correctly signed event its actor had no right
to record is reported at its seq, and the ledger never acts on it.

Every user of a shared database can insert a row that extends the chain and is
signed with their own registered key; what they cannot do is make it allowed.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from conftest import make_key

from events.catalogue import BaselineMoved, KeyRegistered, RfcApproved, RoleGranted
from ledger import requests as rq
from ledger.append import Draft, seal
from ledger.errors import ChainBroken, PermissionDenied
from ledger.execute import record
from ledger.ledger import Ledger
from ledger.verify import verify_store


@pytest.fixture
def shared(open_ledger, admin_key, tmp_path):
    """A ledger where bob is an editor with a key of his own, and RFC-1 is open."""
    bob = make_key(tmp_path, "bob")
    k = {"ledger": open_ledger, "signer": admin_key}
    record(rq.AddKey(actor="bob", public_key=bob.public_raw), **k)
    record(rq.GrantRole(actor="bob", role="editor"), **k)
    record(rq.DefineMilestone(code="L2", title="Two", due="2020-06-30", level=2), **k)
    record(rq.OpenRfc(rfc="RFC-1", title="slip"), **k)
    return open_ledger, bob


FORGERIES = {
    "role.granted": (RoleGranted(actor="bob", role="admin"), "bob"),
    "rfc.approved": (RfcApproved(id="RFC-1", on="2020-07-01"), "RFC-1"),
    "key.registered": (
        KeyRegistered(key_id="00" * 8, public_key="11" * 32, actor="mallory"),
        "mallory",
    ),
}


@pytest.mark.parametrize("kind", sorted(FORGERIES))
def test_a_signed_event_its_actor_had_no_right_to_is_reported_and_never_acted_on(
    shared, db_url, kind
):
    ledger, bob = shared
    fact, subject = FORGERIES[kind]
    head = ledger.store.head()
    sealed = seal(
        [Draft(fact, subject=subject)],
        signer=bob,
        actor="bob",
        idem=None,
        after=head,
        now=datetime.now(UTC),
    )
    with ledger.store.writing() as txn:  # the database's own rules let it in
        txn.insert_many([row for row, _ in sealed.pairs()])

    report = verify_store(ledger.store)
    reopened = Ledger.open(db_url)

    assert report.failure.seq == head.seq + 1
    assert "bob did not hold the" in report.failure.reason
    assert not reopened.state().has_role("bob", "admin")
    with pytest.raises(ChainBroken, match="milestone verify"):
        record(rq.GrantRole(actor="carol", role="editor"), ledger=reopened, signer=bob)
    reopened.close()


def test_the_append_path_refuses_by_the_same_rule(shared):
    ledger, bob = shared

    with pytest.raises(PermissionDenied, match="approver"):
        ledger.append(
            signer=bob,
            actor=None,
            decide=lambda _state: [Draft(RfcApproved(id="RFC-1", on="2020-07-01"), "RFC-1")],
        )
    assert verify_store(ledger.store).ok


def test_a_baseline_move_by_someone_without_the_editor_role_is_reported(
    shared, admin_key, tmp_path
):
    ledger, _bob = shared
    carol = make_key(tmp_path, "carol")
    record(rq.AddKey(actor="carol", public_key=carol.public_raw), ledger=ledger, signer=admin_key)
    head = ledger.store.head()
    fact = BaselineMoved(code="L2", **{"from": "2020-06-30"}, to="2021-01-01")
    sealed = seal(
        [Draft(fact, subject="L2", rfc="RFC-1")],
        signer=carol,
        actor="carol",
        idem=None,
        after=head,
        now=datetime.now(UTC),
    )
    with ledger.store.writing() as txn:
        txn.insert_many([row for row, _ in sealed.pairs()])

    report = verify_store(ledger.store)

    assert report.failure.seq == head.seq + 1
    assert "carol did not hold the editor role" in report.failure.reason
