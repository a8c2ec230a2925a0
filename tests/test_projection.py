"""The persisted plan is derived data: it always equals the pure fold of the log.

Random sequences of facts (valid or not: projections never raise), some
backdated, some under RFCs that are approved or rejected later, are appended
one command at a time or in batches, on both stores, with snapshots taken every
few events. After each sequence the plan at the head (read back by a fresh
process's `Ledger.open`) and views at random points must equal the fold of the
log computed from scratch, and `rebuild` must change nothing.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

import pytest

from events.catalogue import (
    BaselineMoved,
    ForecastMoved,
    MilestoneCompleted,
    MilestoneDefined,
    MilestoneLinked,
    MilestoneRenamed,
    MilestoneReopened,
    MilestoneRetitled,
    MilestoneUnlinked,
    MilestoneWithdrawn,
    RfcApproved,
    RfcOpened,
    RfcRejected,
)
from ledger import head, projection
from ledger.append import Draft
from ledger.asof import parse_as_of
from ledger.fold import fold
from ledger.ledger import Ledger
from ledger.state import PlanState

L2 = ["LDM-503-01", "LDM-503-02", "LDM-503-03"]
L3 = ["DM-AP-1", "DM-AP-2", "DM-DRP-8", "DM-DRP-10", "DM-NCSA-3"]


def _day(rng: random.Random) -> date:
    return date(2019, 1, 1) + timedelta(days=rng.randrange(0, 900))


def _instant(rng: random.Random) -> str:
    return f"{_day(rng).isoformat()}T{rng.randrange(24):02d}:00:00.000000Z"


def _draft(rng: random.Random, rfcs: list[str]) -> Draft:
    code = rng.choice(L2 + L3 + ["DM-X-9"])
    rfc = rng.choice([None, None, *rfcs]) if rfcs else None
    effective = _instant(rng) if rng.random() < 0.3 else None
    kind = rng.randrange(13)
    if kind == 0:
        level = 2 if code in L2 else 3
        fact = MilestoneDefined(
            code=code,
            level=level,
            title=f"{code} work",
            baseline=_day(rng),
            forecast=_day(rng),
            releases=() if level == 2 else tuple(rng.sample(L2, rng.randrange(3))),
        )
    elif kind == 1:
        fact = MilestoneRetitled(code=code, title=f"retitled {rng.randrange(99)}")
    elif kind == 2:
        fact = MilestoneLinked(code=code, release=rng.choice(L2))
    elif kind == 3:
        fact = MilestoneUnlinked(code=code, release=rng.choice(L2))
    elif kind == 4:
        fact = ForecastMoved(code=code, **{"from": _day(rng)}, to=_day(rng))
    elif kind == 5:
        fact = BaselineMoved(code=code, **{"from": _day(rng)}, to=_day(rng))
    elif kind == 6:
        fact = MilestoneCompleted(code=code, on=_day(rng))
    elif kind == 7:
        fact = MilestoneReopened(code=code, reason="again")
    elif kind == 8:
        fact = MilestoneWithdrawn(code=code, reason="gone")
    elif kind == 9:
        fact = MilestoneRenamed(code=code, new_code=rng.choice(L3 + L2 + ["DM-Y-1"]))
    else:
        rfc_id = f"RFC-{rng.randrange(1, 6)}"
        outcome = rng.randrange(3)
        if outcome == 0:
            rfcs.append(rfc_id)
            return Draft(RfcOpened(id=rfc_id, title="change"), subject=rfc_id, effective=effective)
        decided = RfcApproved if outcome == 1 else RfcRejected
        extra = {"version": f"1.{rng.randrange(9)}"} if outcome == 1 else {}
        return Draft(decided(id=rfc_id, on=_day(rng), **extra), subject=rfc_id, effective=effective)
    return Draft(fact, subject=code, rfc=rfc, effective=effective)


def _rows(state: PlanState) -> dict:
    return projection.all_rows(state, {})


def _by_order(ledger: Ledger) -> list:
    return sorted(ledger.log, key=lambda e: e.order)


@pytest.mark.parametrize("seed", range(6))
def test_the_persisted_plan_and_views_equal_the_fold_of_the_log(
    seed, open_ledger, admin_key, db_url, monkeypatch
):
    monkeypatch.setattr(head, "SNAPSHOT_EVERY", 5)
    rng = random.Random(seed)
    rfcs: list[str] = []
    for _ in range(30):
        drafts = [_draft(rng, rfcs) for _ in range(rng.choice([1, 1, 2, 6]))]
        open_ledger.append(signer=admin_key, actor=None, decide=lambda _s, d=drafts: d)

    reopened = Ledger.open(db_url)
    log = reopened.log

    assert _rows(reopened.state()) == _rows(fold(_by_order(reopened)))
    for _ in range(8):
        n = rng.randrange(1, len(log) + 1)
        assert _rows(reopened.view(parse_as_of(f"#{n}")).state) == _rows(fold(log[:n]))
        day = _day(rng).isoformat()
        expected = fold(e for e in _by_order(reopened) if e.effective[:10] <= day)
        assert _rows(reopened.view(parse_as_of(day)).state) == _rows(expected)
    for rfc in reopened.state().rfcs.values():
        if rfc.state == "approved":
            approval = log[rfc.decided_seq - 1]
            expected = fold(e for e in _by_order(reopened) if e.order <= approval.order)
            assert _rows(reopened.view(parse_as_of(rfc.id)).state) == _rows(expected)

    before = _rows(reopened.state())
    reopened.rebuild()
    assert _rows(reopened.state()) == before
    reopened.close()


@pytest.mark.parametrize("seed", range(4))
def test_every_stored_snapshot_equals_the_fold_up_to_its_point(
    seed, open_ledger, admin_key, db_url, monkeypatch
):
    # The writer keeps entity documents between snapshots and the log-order fold in
    # memory: every document it stored must still be the fold from scratch.
    monkeypatch.setattr(head, "SNAPSHOT_EVERY", 4)
    rng = random.Random(100 + seed)
    rfcs: list[str] = []
    # Two writers on one database take turns at random, so each often folds what the
    # other appended before its own append (`head.catch_up`) into the documents it keeps.
    writers = [open_ledger, Ledger.open(db_url)]
    for _ in range(40):
        drafts = [_draft(rng, rfcs) for _ in range(rng.choice([1, 1, 3, 9]))]
        rng.choice(writers).append(signer=admin_key, actor=None, decide=lambda _s, d=drafts: d)
    writers[1].close()

    log = Ledger.open(db_url).log
    by_order = sorted(log, key=lambda e: e.order)
    with open_ledger.store.reading() as conn:
        stored = conn.all("SELECT axis, seq, effective, doc FROM snapshots")
    assert {axis for axis, *_ in stored} == {"seq", "effective"}
    for axis, seq, effective, doc in stored:
        if axis == "seq":
            expected = fold(log[:seq])
        else:
            expected = fold(e for e in by_order if e.order <= (effective, seq))
        got = projection.state_from_snapshot(bytes(doc))
        assert _rows(got) == _rows(expected), (axis, seq)


def test_a_writer_that_folds_what_another_appended_stores_snapshots_of_the_plan_as_it_is(
    open_ledger, admin_key, db_url, monkeypatch
):
    # Each writer keeps the documents of its last snapshot; a change the other writer
    # made in between must not leave a stale document in the next one.
    monkeypatch.setattr(head, "SNAPSHOT_EVERY", 3)
    other = Ledger.open(db_url)

    def append(writer: Ledger, fact, code: str) -> None:
        writer.append(signer=admin_key, actor=None, decide=lambda _s: [Draft(fact, subject=code)])

    day = date(2030, 1, 1)
    for code in L2:
        append(
            open_ledger,
            MilestoneDefined(
                code=code, level=2, title="first", baseline=day, forecast=day, releases=()
            ),
            code,
        )
    for n in range(6):
        writer = open_ledger if n % 3 else other
        append(writer, MilestoneRetitled(code=L2[n % 3], title=f"title {n}"), L2[n % 3])
    other.close()

    log = Ledger.open(db_url).log
    with open_ledger.store.reading() as conn:
        stored = conn.all("SELECT axis, seq, doc FROM snapshots")
    assert len(stored) >= 4
    for axis, seq, doc in stored:
        got = projection.state_from_snapshot(bytes(doc))
        assert _rows(got) == _rows(fold(log[:seq])), (axis, seq)
