"""Rows written behind the ledger's back are never shown as part of the plan.

Anyone who owns the database can drop the triggers and write rows: beyond the
head (a gap, a far seq) or in place of a recorded one (a forged signature).
The plan at the head never contains them, a view that would fold one refuses
and names `milestone verify`, a write refuses to extend a damaged log, and
verify reports each at its seq.
"""

from __future__ import annotations

import uuid

import pytest
import sqlalchemy as sa

from events import body_hash, canonical_bytes
from events.catalogue import MilestoneDefined
from ledger import requests as rq
from ledger.asof import parse_as_of
from ledger.errors import ChainBroken
from ledger.execute import record
from ledger.ledger import Draft, Ledger
from ledger.verify import verify_store


@pytest.fixture
def planned(open_ledger, admin_key):
    k = {"ledger": open_ledger, "signer": admin_key}
    record(rq.DefineMilestone(code="L2", title="Two", due="2020-06-30", level=2), **k)
    record(rq.DefineMilestone(code="DM-A-1", title="A", due="2020-05-01", releases=("L2",)), **k)
    record(rq.MoveMilestone(code="DM-A-1", to="2020-06-01", reason="later"), **k)
    return open_ledger


def _forged_completion(ledger: Ledger, seq: int, prev: str) -> dict:
    now = "2020-07-01T00:00:00.000000Z"
    body = canonical_bytes(
        {
            "seq": seq,
            "id": str(uuid.uuid4()),
            "type": "milestone.completed",
            "subject": "L2",
            "data": {"code": "L2", "on": "2020-07-01"},
            "actor": "alice",
            "key": ledger.log[0].key,
            "recorded_at": now,
            "effective": now,
            "rfc": None,
            "idem": None,
            "prev": prev,
        }
    )
    return {
        "seq": seq,
        "id": str(uuid.uuid4()),
        "type": "milestone.completed",
        "subject": "L2",
        "actor": "alice",
        "key": ledger.log[0].key,
        "rfc": None,
        "idem": None,
        "recorded_at": now,
        "effective": now,
        "body": body,
        "hash": body_hash(body),
        "sig": bytes(64),  # nobody's signature
    }


def _force(ledger: Ledger, *, delete: int | None = None, row: dict) -> None:
    postgres = ledger.store.dialect == "postgresql"
    with ledger.store.engine.begin() as conn:
        for trigger in ("events_insert_extends_chain", "events_no_delete", "events_no_change"):
            conn.exec_driver_sql(
                f"DROP TRIGGER IF EXISTS {trigger}" + (" ON events" if postgres else "")
            )
        if delete is not None:
            conn.execute(sa.text("DELETE FROM events WHERE seq = :s"), {"s": delete})
        columns = ", ".join(row)
        values = ", ".join(f":{name}" for name in row)
        conn.execute(sa.text(f"INSERT INTO events ({columns}) VALUES ({values})"), row)


@pytest.mark.parametrize("offset", [2, 5001], ids=["gap", "far-seq"])
def test_a_row_beyond_the_head_is_never_shown_and_stops_writes(planned, admin_key, db_url, offset):
    head = planned.log[-1]
    _force(planned, row=_forged_completion(planned, head.seq + offset, head.hash.hex()))
    reopened = Ledger.open(db_url)

    assert reopened.state().milestones["L2"].completed is None
    assert reopened.view(parse_as_of("2099-01-01")).state.milestones["L2"].completed is None
    with pytest.raises(ChainBroken, match="milestone verify"):
        record(rq.CompleteMilestone(code="DM-A-1"), ledger=reopened, signer=admin_key)
    report = verify_store(reopened.store)
    assert not report.ok
    reopened.close()


def test_a_row_replaced_with_a_forged_one_is_refused_by_views_that_fold_it(planned, db_url):
    target = planned.log[-1]
    before = planned.log[-2]
    _force(
        planned,
        delete=target.seq,
        row=_forged_completion(planned, target.seq, before.hash.hex()),
    )
    reopened = Ledger.open(db_url)

    assert reopened.state().milestones["L2"].completed is None  # the plan at the head
    with pytest.raises(ChainBroken, match=f"damaged at event #{target.seq}.*milestone verify"):
        reopened.view(parse_as_of(f"#{target.seq}"))
    with pytest.raises(ChainBroken, match=f"damaged at event #{target.seq}"):
        reopened.view(parse_as_of("2099-01-01"))
    assert verify_store(reopened.store).failure.seq == target.seq
    reopened.close()


def _drop_triggers(ledger: Ledger) -> None:
    postgres = ledger.store.dialect == "postgresql"
    with ledger.store.engine.begin() as conn:
        for trigger in ("events_no_update", "events_no_change"):
            conn.exec_driver_sql(
                f"DROP TRIGGER IF EXISTS {trigger}" + (" ON events" if postgres else "")
            )


def test_a_row_moved_out_of_its_place_is_missed_by_no_view(planned, db_url):
    moved = planned.log[-2]  # DM-A-1's definition, which every view of it needs
    _drop_triggers(planned)
    with planned.store.engine.begin() as conn:
        conn.execute(sa.text("UPDATE events SET seq = 5000 WHERE seq = :s"), {"s": moved.seq})
    reopened = Ledger.open(db_url)

    assert reopened.state().milestones["DM-A-1"].forecast == "2020-06-01"  # the head's own
    with pytest.raises(ChainBroken, match=r"events are missing.*milestone verify"):
        reopened.view(parse_as_of("2099-01-01"))
    with pytest.raises(ChainBroken, match=f"damaged at event #{moved.seq}.*milestone verify"):
        reopened.view(parse_as_of(f"#{reopened.length}"))
    assert verify_store(reopened.store).failure.seq == moved.seq
    reopened.close()


def test_a_backdated_append_refuses_to_fold_a_forged_row_into_the_plan(planned, admin_key, db_url):
    target, before = planned.log[-2], planned.log[-3]
    _force(
        planned, delete=target.seq, row=_forged_completion(planned, target.seq, before.hash.hex())
    )
    reopened = Ledger.open(db_url)
    length = reopened.length

    backdated = Draft(
        MilestoneDefined(
            code="DM-OLD", level=3, title="Old", baseline="2019-01-01", forecast="2019-01-01"
        ),
        subject="DM-OLD",
        effective="2019-01-01T00:00:00.000000Z",
    )
    with pytest.raises(ChainBroken, match=f"damaged at event #{target.seq}"):
        reopened.append(signer=admin_key, actor=None, decide=lambda _state: backdated)
    assert reopened.length == length
    assert "L2" in reopened.state().milestones and "DM-OLD" not in reopened.state().milestones
    assert reopened.state().milestones["L2"].completed is None
    reopened.close()
