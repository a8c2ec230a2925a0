"""Report data: burndown, Gantt, slip, celebrate and graph, from plan states built by hand.

The small plan of `plans.py` is judged on 2020-08-01; every expected number is worked out by
hand in the comments beside it. The last tests check the same reports against the real LDM-564
revisions, with numbers counted from the documents.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from ldm564_files import REVISION_2018, REVISION_2022, ldm564_dir
from plans import TODAY, earlier_plan, hand_plan, milestone, state_of

from ledger.asof import parse_as_of
from ledger.errors import InvalidInput, NotFound
from ledger.fold import fold
from ledger.importer import import_revision_file
from ledger.ledger import Ledger, View
from ledger.reports.burndown import BurndownPoint, burndown
from ledger.reports.celebrate import Completion, celebrate
from ledger.reports.gantt import gantt
from ledger.reports.graph import GraphEdge, graph
from ledger.reports.slip import SlipRow, slip
from ledger.signing import generate_key_file
from ledger.state import PlanState, Recorded


def _point(day: str, baseline: int, forecast: int, completed: int, compare: int | None = None):
    return BurndownPoint(day, baseline, forecast, compare, completed)


# --- burndown --------------------------------------------------------------------------------


def test_burndown_counts_level3_milestones_due_and_done_on_every_day_something_changes():
    report = burndown(state=hand_plan(), level=3, today=TODAY)

    # A-5 (A-4 was withdrawn). Baselines 01-15 02-15 05-01 09-01, forecasts
    # 01-15 03-15 07-01 08-15, completions 01-10 03-20; plus today.
    assert report.total == 4
    assert report.compare_total is None
    assert report.points == (
        _point("2020-01-10", 0, 0, 1),
        _point("2020-01-15", 1, 1, 1),
        _point("2020-02-15", 2, 1, 1),
        _point("2020-03-15", 2, 2, 1),
        _point("2020-03-20", 2, 2, 2),
        _point("2020-05-01", 3, 2, 2),
        _point("2020-07-01", 3, 3, 2),
        _point("2020-08-01", 3, 3, 2),
        _point("2020-08-15", 3, 4, 2),
        _point("2020-09-01", 4, 4, 2),
    )


def test_burndown_compares_with_the_forecasts_and_milestones_of_an_earlier_plan():
    report = burndown(
        state=hand_plan(), compare=earlier_plan(), compare_label="RFC-1", level=3, today=TODAY
    )

    # The earlier plan still had A-4 (due 06-01), and every forecast on its baseline.
    assert report.compare_total == 5
    assert report.compare_label == "RFC-1"
    assert [(p.date, p.compare) for p in report.points] == [
        ("2020-01-10", 0),
        ("2020-01-15", 1),
        ("2020-02-15", 2),
        ("2020-03-15", 2),
        ("2020-03-20", 2),
        ("2020-05-01", 3),
        ("2020-06-01", 4),
        ("2020-07-01", 4),
        ("2020-08-01", 4),
        ("2020-08-15", 4),
        ("2020-09-01", 5),
    ]


def test_burndown_since_leaves_out_earlier_completions_and_folds_earlier_days_into_since():
    report = burndown(state=hand_plan(), level=3, since="2020-02-01", today=TODAY)

    # A-1 was done on 01-10, before since; remain.
    assert report.total == 3
    assert report.points[0] == _point("2020-02-01", 0, 0, 0)
    assert report.at("2020-03-31") == _point("2020-03-31", 1, 1, 1)
    assert report.points[-1] == _point("2020-09-01", 3, 3, 1)


def test_burndown_counts_milestones_due_before_since_but_still_open_at_since():
    state = state_of(milestone("A-1", 3, "2020-01-15"), milestone("A-2", 3, "2020-03-15"))

    report = burndown(state=state, since="2020-02-01", today=TODAY)

    assert report.points[0] == _point("2020-02-01", 1, 1, 0)


def test_burndown_of_level2_and_of_every_level():
    level2 = burndown(state=hand_plan(), level=2, today=TODAY)
    both = burndown(state=hand_plan(), today=TODAY)

    assert level2.total == 2
    assert level2.at(TODAY) == _point(TODAY, 2, 1, 1)
    assert both.total == 6
    assert both.at(TODAY) == _point(TODAY, 5, 4, 3)


def test_burndown_between_listed_days_and_before_the_first():
    report = burndown(state=hand_plan(), compare=earlier_plan(), level=3, today=TODAY)

    assert report.at("2020-04-30") == _point("2020-04-30", 2, 2, 2, compare=2)
    assert report.at("2019-12-31") == _point("2019-12-31", 0, 0, 0, compare=0)


def test_burndown_of_an_empty_plan_has_one_point_today():
    report = burndown(state=PlanState(), today=TODAY)

    assert report.total == 0
    assert report.points == (_point(TODAY, 0, 0, 0),)


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"level": 4}, "level 4 is not a milestone level"),
        ({"since": "2020-02-30"}, "--since 2020-02-30 is not a real date"),
        ({"since": "June"}, "is not a date; write it as YYYY-MM-DD"),
    ],
)
def test_burndown_refuses_a_bad_level_or_date(values, message):
    with pytest.raises(InvalidInput, match=message):
        burndown(state=hand_plan(), today=TODAY, **values)


# --- Gantt -----------------------------------------------------------------------------------


def test_gantt_lists_level2_milestones_by_forecast_with_their_dates_and_status():
    report = gantt(state=hand_plan(), today=TODAY)

    assert [(r.code, r.baseline, r.forecast, r.completed, r.status) for r in report.rows] == [
        ("R1", "2020-03-31", "2020-03-31", "2020-04-02", "done"),
        ("R2", "2020-06-30", "2020-09-30", None, "slipped"),
    ]
    assert all(block.members == () for block in report.releases)
    assert (report.start, report.end) == ("2020-03-31", "2020-09-30")


def test_gantt_with_members_follows_each_release_with_its_level3_milestones():
    report = gantt(state=hand_plan(), today=TODAY, with_members=True)

    # A-2 belongs to both releases; A-4 was withdrawn.
    assert [(b.release.code, [m.code for m in b.members]) for b in report.releases] == [
        ("R1", ["A-1", "A-2"]),
        ("R2", ["A-2", "A-3", "A-5"]),
    ]
    assert [r.status for r in report.releases[1].members] == ["done", "late", "on track"]
    assert (report.start, report.end) == ("2020-01-10", "2020-09-30")


def test_gantt_of_chosen_releases_by_code_or_alias():
    report = gantt(state=hand_plan(), today=TODAY, releases=["R-2"], with_members=True)

    assert [r.code for r in report.rows] == ["R2", "A-2", "A-3", "A-5"]


@pytest.mark.parametrize(
    ("release", "error", "message"),
    [
        ("A-3", InvalidInput, "A-3 is a Level-3 milestone; --release takes Level-2 codes"),
        ("R22", NotFound, "release 'R22' is not a milestone in the plan; did you mean R2"),
        ("A-4", InvalidInput, "release A-4 was withdrawn"),
    ],
)
def test_gantt_refuses_a_release_that_is_not_a_level2_milestone_in_the_plan(
    release, error, message
):
    with pytest.raises(error, match=message):
        gantt(state=hand_plan(), today=TODAY, releases=[release])


def test_gantt_of_an_empty_plan_spans_today():
    report = gantt(state=PlanState(), today=TODAY)

    assert (report.releases, report.start, report.end) == ((), TODAY, TODAY)


# --- slip ------------------------------------------------------------------------------------


def test_slip_lists_every_milestone_by_slip_largest_first_then_added_then_removed():
    later = hand_plan()
    later.milestones["A-6"] = milestone("A-6", 3, "2020-10-01", releases=("R2",))

    report = slip(before=earlier_plan(), after=later, before_label="X", after_label="Y")

    assert [(r.code, r.before, r.after, r.days, r.change) for r in report.rows] == [
        ("R2", "2020-06-30", "2020-09-30", 92, "moved"),
        ("A-3", "2020-05-01", "2020-07-01", 61, "moved"),
        ("A-2", "2020-02-15", "2020-03-15", 29, "moved"),
        ("A-1", "2020-01-15", "2020-01-15", 0, "unchanged"),
        ("R1", "2020-03-31", "2020-03-31", 0, "unchanged"),
        ("A-5", "2020-09-01", "2020-08-15", -17, "moved"),
        ("A-6", None, "2020-10-01", None, "added"),
        ("A-4", "2020-06-01", None, None, "removed"),
    ]
    assert (report.slipped, report.advanced) == (3, 1)
    assert (report.before_label, report.after_label) == ("X", "Y")


def test_slip_of_one_level():
    report = slip(before=earlier_plan(), after=hand_plan(), level=2)

    assert [(r.code, r.days) for r in report.rows] == [("R2", 92), ("R1", 0)]


def _event(seq: int, type_: str, subject: str, **data: object) -> Recorded:
    instant = f"2020-01-{seq:02d}T00:00:00.000000Z"
    return Recorded(
        seq, f"id-{seq}", type_, subject, "alice", "k", None, None, instant, instant,
        dict(data), "", b"",
    )  # fmt: skip


def test_slip_follows_a_renamed_milestone_by_its_alias():
    events = [
        _event(1, "ledger.created", "plan", name="plan", actor="alice", key_id="k",
               public_key="", baseline_control=False),
        _event(2, "milestone.defined", "X-1", code="X-1", level=3, title="Thing",
               baseline="2020-01-01", forecast="2020-01-01", releases=[]),
        _event(3, "milestone.forecast_moved", "X-1", code="X-1", to="2020-02-01"),
        _event(4, "milestone.renamed", "X-1", code="X-1", new_code="X-2"),
    ]  # fmt: skip
    before, after = fold(events[:2]), fold(events)

    report = slip(before=before, after=after)

    assert report.rows == (
        SlipRow("X-2", 3, "Thing", "2020-01-01", "2020-02-01", 31, "moved", None, was="X-1"),
    )


# --- celebrate -------------------------------------------------------------------------------


def test_celebrate_lists_completions_on_or_after_since_with_who_recorded_them():
    report = celebrate(state=hand_plan(), since="2020-03-20")

    # A-2 on 03-20 counts (on or after); A-1 was earlier; A-4 was withdrawn.
    assert report.completions == (
        Completion("2020-03-20", "A-2", "Title of A-2", 3, None, 10, ("R1", "R2")),
        Completion("2020-04-02", "R1", "Title of R1", 2, "alice", 10, ()),
    )


def test_celebrate_says_when_each_completion_was_recorded_when_told():
    report = celebrate(state=hand_plan(), since="2020-04-01", recorded_at={10: "2020-04-03T09:15Z"})

    assert [(c.code, c.recorded_at) for c in report.completions] == [("R1", "2020-04-03T09:15Z")]


def test_celebrate_refuses_a_since_that_is_not_a_date():
    with pytest.raises(InvalidInput, match="--since 'last week' is not a date"):
        celebrate(state=hand_plan(), since="last week")


# --- graph -----------------------------------------------------------------------------------


def test_graph_of_the_whole_plan_joins_members_to_their_releases_and_marks_late_ones():
    report = graph(state=hand_plan(), today=TODAY)

    assert [(n.code, n.late, n.critical, n.outside) for n in report.nodes] == [
        ("A-1", False, False, False),
        ("A-2", False, False, False),
        ("R1", False, False, False),
        ("A-3", True, False, False),
        ("A-5", False, False, False),
        ("R2", False, False, False),
    ]
    assert [(e.source, e.target, e.kind) for e in report.edges] == [
        ("A-1", "R1", "member"),
        ("A-2", "R1", "member"),
        ("A-2", "R2", "member"),
        ("A-3", "R2", "member"),
        ("A-5", "R2", "member"),
    ]
    assert (report.critical_path, report.target, report.missing) == ((), None, ())


def test_graph_of_a_release_runs_its_critical_path_through_the_last_member_to_finish():
    report = graph(state=hand_plan(), today=TODAY, release="R2")

    # Members finish on 03-20 (A-2, done), 07-01, 08-15: A-5 drives R2.
    assert [n.code for n in report.nodes] == ["A-2", "A-3", "A-5", "R2"]
    assert report.critical_path == ("A-5", "R2")
    assert [e.target for e in report.edges if e.critical] == ["R2"]
    assert [e.source for e in report.edges if e.critical] == ["A-5"]


def test_graph_follows_predecessors_upstream_of_a_release_and_lists_unknown_codes():
    predecessors = {"A-5": ["A-3"], "A-3": ["A-1", "B-9"]}

    report = graph(state=hand_plan(), today=TODAY, release="R-2", predecessors=predecessors)

    # A-1 is in R1, not R2: drawn because A-3 depends on it.
    assert [(n.code, n.critical, n.outside) for n in report.nodes] == [
        ("A-1", True, True),
        ("A-2", False, False),
        ("A-3", True, False),
        ("A-5", True, False),
        ("R2", True, False),
    ]
    assert report.edges == (
        GraphEdge("A-1", "A-3", "depends", True),
        GraphEdge("A-2", "R2", "member", False),
        GraphEdge("A-3", "A-5", "depends", True),
        GraphEdge("A-3", "R2", "member", False),
        GraphEdge("A-5", "R2", "member", True),
    )
    assert report.critical_path == ("A-1", "A-3", "A-5", "R2")
    assert (report.release, report.target, report.missing) == ("R2", "R2", ("B-9",))


def test_graph_critical_path_to_a_chosen_target_stops_at_a_cycle():
    report = graph(
        state=hand_plan(), today=TODAY, target="R2", predecessors={"A-3": ["A-5"], "A-5": ["A-3"]}
    )

    assert report.critical_path == ("A-3", "A-5", "R2")
    assert all(not n.outside for n in report.nodes)


def test_graph_breaks_a_tie_between_drivers_by_the_smaller_code():
    state = state_of(
        milestone("R", 2, "2020-06-30"),
        milestone("B-1", 3, "2020-05-01", releases=("R",)),
        milestone("A-1", 3, "2020-05-01", releases=("R",)),
    )

    assert graph(state=state, today=TODAY, release="R").critical_path == ("A-1", "R")


@pytest.mark.parametrize(
    ("values", "error", "message"),
    [
        ({"release": "A-3"}, InvalidInput, "A-3 is a Level-3 milestone"),
        ({"target": "Q-1"}, NotFound, "target 'Q-1' is not a milestone in the plan"),
    ],
)
def test_graph_refuses_a_level3_release_or_an_unknown_target(values, error, message):
    with pytest.raises(error, match=message):
        graph(state=hand_plan(), today=TODAY, **values)


# --- the real LDM-564 revisions --------------------------------------------------------------


@pytest.fixture(scope="module")
def ldm564(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Ledger]:
    """A ledger holding the 2018 and 2022 revisions, imported oldest first."""
    folder = ldm564_dir()
    tmp: Path = tmp_path_factory.mktemp("ldm564")
    key = generate_key_file(tmp / "alice.pem")
    book = Ledger.create(f"sqlite:///{tmp / 'm.db'}", name="LDM-564", signer=key, actor="alice")
    for name in (REVISION_2018, REVISION_2022):
        import_revision_file(ledger=book, signer=key, path=folder / name)
    yield book
    book.close()


def _at(book: Ledger, selector: str) -> View:
    return book.view(parse_as_of(selector))


def test_ldm564_44_level3_milestones_were_done_by_2019_05_20_and_69_of_73_by_2022(ldm564):
    # Counted in section 3 of the 2022 revision: 73 Level-3 milestones, 69 with a
    # completion date, 44 of those dates on or before 2019-05-20 (the 2019-05-20 rendering
    # of the plan lists the same 44 as done).
    view = _at(ldm564, "2022-08-13")

    report = burndown(state=view.state, level=3, today=view.today)

    assert report.total == 73
    assert report.at("2019-05-20").completed == 44
    assert report.points[-1].completed == 69


def test_ldm564_dm_ap_12_slipped_1195_days_between_the_revisions(ldm564):
    # 2018 revision: Due 2019-04-24; 2022 revision: Due 2022-08-01.
    before, after = _at(ldm564, "2018-04-13"), _at(ldm564, "2022-08-13")

    report = slip(before=before.state, after=after.state)

    (row,) = [r for r in report.rows if r.code == "DM-AP-12"]
    assert (row.before, row.after, row.days) == ("2019-04-24", "2022-08-01", 1195)


def test_ldm564_gantt_has_the_36_releases_of_2022_and_the_members_of_ldm_503_15a(ldm564):
    view = _at(ldm564, "2022-08-13")

    report = gantt(state=view.state, today=view.today, with_members=True)
    (spring,) = [b for b in report.releases if b.release.code == "LDM-503-15a"]

    assert len(report.releases) == 36
    assert (spring.release.forecast, spring.release.completed) == ("2022-02-28", "2022-02-28")
    assert [(m.code, m.forecast, m.status) for m in spring.members] == [
        ("DM-AP-12", "2022-08-01", "late"),
        ("DM-DRP-27", "2022-08-01", "late"),
    ]


def test_ldm564_celebrates_the_four_completions_of_2022(ldm564):
    view = _at(ldm564, "2022-08-13")

    report = celebrate(state=view.state, since="2022-01-01")

    assert [(c.completed, c.code, c.recorded_by) for c in report.completions] == [
        ("2022-02-28", "LDM-503-15a", "alice"),
        ("2022-05-31", "DM-DAX-13", "alice"),
        ("2022-05-31", "LDM-GEN3", "alice"),
        ("2022-06-30", "DM-SUIT-5", "alice"),
    ]


def test_ldm564_graph_of_ldm_503_15a_is_driven_by_its_late_members(ldm564):
    view = _at(ldm564, "2022-08-13")

    report = graph(state=view.state, today=view.today, release="LDM-503-15a")

    # Both open members were due on 2022-08-01, twelve days before the revision: late.
    assert [(n.code, n.late) for n in report.nodes] == [
        ("LDM-503-15a", False),
        ("DM-AP-12", True),
        ("DM-DRP-27", True),
    ]
    assert report.critical_path == ("DM-AP-12", "LDM-503-15a")


def test_reports_leave_the_states_they_read_unchanged():
    state, earlier = hand_plan(), earlier_plan()
    snapshot = {code: m.copy() for code, m in state.milestones.items()}

    burndown(state=state, compare=earlier, today=TODAY)
    gantt(state=state, today=TODAY, with_members=True)
    slip(before=earlier, after=state)
    celebrate(state=state, since="2020-01-01")
    graph(state=state, today=TODAY, release="R2", predecessors={"A-5": ["A-3"]})

    assert state.milestones == snapshot
