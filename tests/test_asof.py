"""Every as-of selector, with time under freezegun's control."""

import pytest
from freezegun import freeze_time

from events.catalogue import MilestoneDefined
from ledger import requests as rq
from ledger.asof import parse_as_of, parse_instant_text
from ledger.errors import InvalidInput, NotFound
from ledger.execute import record
from ledger.ledger import SNAPSHOT_EVERY, Draft, Ledger
from ledger.queries import plan


@pytest.fixture
def history(db_url, admin_key):
    """A ledger whose events happen on known days of 2020.

    2020-01-01 created; 01-02 RFC-1 opened, L2 + L3 proposed; 01-03 RFC-1 approved (v1.0);
    02-01 forecast move; 03-01 RFC-2 opened + baseline move proposed; 03-05 RFC-2 approved (v1.1);
    04-01 completion.
    """
    with freeze_time("2020-01-01 08:00"):
        book = Ledger.create(db_url, name="p", signer=admin_key, actor="alice")
    k = {"ledger": book, "signer": admin_key}
    with freeze_time("2020-01-02 08:00"):
        record(rq.OpenRfc(rfc="RFC-1", title="plan"), **k)
        record(
            rq.DefineMilestone(code="L2", title="Two", due="2020-06-30", level=2, rfc="RFC-1"), **k
        )
        record(
            rq.DefineMilestone(
                code="DM-A-1", title="A", due="2020-05-01", releases=["L2"], rfc="RFC-1"
            ),
            **k,
        )
    with freeze_time("2020-01-03 08:00"):
        record(rq.ApproveRfc(rfc="RFC-1", version="1.0"), **k)
    with freeze_time("2020-02-01 08:00"):
        record(rq.MoveMilestone(code="DM-A-1", to="2020-05-15"), **k)
    with freeze_time("2020-03-01 08:00"):
        record(rq.OpenRfc(rfc="RFC-2", title="slip"), **k)
        record(rq.MoveMilestone(code="DM-A-1", to="2020-06-15", baseline=True, rfc="RFC-2"), **k)
    with freeze_time("2020-03-05 12:00"):
        record(rq.ApproveRfc(rfc="RFC-2", version="1.1"), **k)
    with freeze_time("2020-04-01 08:00"):
        record(rq.CompleteMilestone(code="DM-A-1", on="2020-03-30"), **k)
    yield book
    book.close()


def _a1(book, selector, known_at=None):
    known = parse_instant_text(known_at) if known_at else None
    return book.view(parse_as_of(selector), known_at=known).state.milestones.get("DM-A-1")


def test_now_shows_everything(history):
    m = _a1(history, None)

    # The forecast had moved on its own, so the baseline move left it where it was.
    assert (m.baseline, m.forecast, m.completed) == ("2020-06-15", "2020-05-15", "2020-03-30")


def test_a_date_means_the_end_of_that_utc_day(history):
    assert _a1(history, "2020-01-02") is None  # proposed, not yet approved
    assert _a1(history, "2020-01-03").forecast == "2020-05-01"
    assert _a1(history, "2020-02-01").forecast == "2020-05-15"
    assert _a1(history, "2020-03-04").baseline == "2020-05-01"
    assert _a1(history, "2020-03-05").baseline == "2020-06-15"


def test_an_instant_cuts_within_a_day(history):
    assert _a1(history, "2020-03-05T11:59Z").baseline == "2020-05-01"
    assert _a1(history, "2020-03-05T12:00Z").baseline == "2020-06-15"
    assert _a1(history, "2020-03-05T13:30+01:00").baseline == "2020-06-15"


def test_an_rfc_means_just_after_its_approval(history):
    after_rfc1 = _a1(history, "RFC-1")
    after_rfc2 = _a1(history, "rfc-2")

    assert (after_rfc1.baseline, after_rfc1.forecast) == ("2020-05-01", "2020-05-01")
    assert after_rfc2.baseline == "2020-06-15"
    assert after_rfc2.completed is None


def test_a_version_label_means_just_after_the_approval_that_carried_it(history):
    assert _a1(history, "v1.0").forecast == "2020-05-01"
    assert _a1(history, "v1.1").baseline == "2020-06-15"


def test_a_log_position_folds_events_up_to_that_seq(history):
    seq_of_move = next(e.seq for e in history.log if e.type == "milestone.forecast_moved")

    assert _a1(history, f"#{seq_of_move - 1}").forecast == "2020-05-01"
    assert _a1(history, f"#{seq_of_move}").forecast == "2020-05-15"


def test_known_at_hides_what_was_recorded_later(history):
    assert _a1(history, None, known_at="2020-03-31").completed is None
    assert _a1(history, None, known_at="2020-04-01").completed == "2020-03-30"
    assert _a1(history, "RFC-1", known_at="2020-02-01").forecast == "2020-05-01"
    with pytest.raises(NotFound, match="not yet approved"):
        _a1(history, "RFC-2", known_at="2020-03-02")


def test_a_backdated_event_changes_the_past_but_not_what_was_known_then(history, admin_key):
    # An import of an old document records facts effective in the past.
    with freeze_time("2020-05-01"):
        history.append(
            signer=admin_key,
            actor=None,
            decide=lambda s: Draft(
                MilestoneDefined(
                    code="L2-OLD",
                    level=2,
                    title="Old",
                    baseline="2019-01-01",
                    forecast="2019-01-01",
                ),
                subject="L2-OLD",
                effective="2020-01-01T09:00:00.000000Z",
            ),
        )

    assert "L2-OLD" in history.view(parse_as_of("2020-01-01")).state.milestones
    known = parse_instant_text("2020-04-30")
    assert "L2-OLD" not in history.view(parse_as_of("2020-01-01"), known_at=known).state.milestones
    assert "L2-OLD" in history.state().milestones


def test_statuses_are_judged_on_the_as_of_day(history):
    view = history.view(parse_as_of("2020-05-20"))

    statuses = {r.code: r.status for b in plan(view).releases for r in [b.release, *b.milestones]}

    assert statuses == {"L2": "on track", "DM-A-1": "done"}
    assert plan(history.view(parse_as_of("2020-02-02"))).releases[0].milestones[0].status == (
        "slipped"
    )
    assert plan(history.view(parse_as_of("2020-03-31"))).releases[0].milestones[0].status == (
        "on track"
    )


@pytest.mark.parametrize(
    ("text", "error", "match"),
    [
        ("yesterday", InvalidInput, "not an as-of point"),
        ("2020-02-30", InvalidInput, "not a real date"),
        ("RFC-999", NotFound, "not in this ledger"),
        ("v9.9", NotFound, "known versions: v1.0, v1.1"),
        ("#9999", NotFound, "beyond the end of the log"),
        ("#0", InvalidInput, "start at #1"),
    ],
)
def test_a_bad_selector_says_what_would_be_right(history, text, error, match):
    with pytest.raises(error, match=match):
        history.view(parse_as_of(text))


def test_an_open_rfc_has_no_as_of_point(history, admin_key):
    record(rq.OpenRfc(rfc="RFC-3", title="open"), ledger=history, signer=admin_key)

    with pytest.raises(InvalidInput, match="RFC-3 is open, not approved"):
        history.view(parse_as_of("RFC-3"))


def test_snapshots_give_the_same_views_as_a_fold_from_scratch(sqlite_url, admin_key):
    book = Ledger.create(
        sqlite_url, name="big", signer=admin_key, actor="alice", baseline_control=False
    )
    k = {"ledger": book, "signer": admin_key}
    record(rq.DefineMilestone(code="L2", title="L2", due="2030-01-01", level=2), **k)
    for n in range(SNAPSHOT_EVERY * 2 + 50):
        record(
            rq.MoveMilestone(
                code="L2", to=f"2030-{1 + n % 12:02d}-{1 + n % 28:02d}" if n % 2 else "2031-01-01"
            ),
            **k,
        )
    fresh = Ledger.open(sqlite_url)

    for seq in (SNAPSHOT_EVERY - 1, SNAPSHOT_EVERY + 7, 2 * SNAPSHOT_EVERY + 3, len(book.log)):
        cut = book.log[seq - 1].effective
        expected = fresh.view(parse_as_of(f"#{seq}")).state.milestones["L2"].forecast
        assert book.view(parse_as_of(cut)).state.milestones["L2"].forecast == expected
        assert fresh.view(parse_as_of(f"#{seq}")).state.milestones["L2"].forecast == expected
    book.close()
    fresh.close()
