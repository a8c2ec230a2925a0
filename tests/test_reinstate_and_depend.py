"""Reinstating a withdrawn milestone, and dependencies between milestones.

Decisions are checked on hand-built states (no database); the fold on recorded events; the
grammar, `show`, `history` and `check` through the real CLI on both stores.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result
from typer.testing import CliRunner

from cli.app import app
from events import fact_data
from ledger import grammar
from ledger import requests as rq
from ledger.errors import InvalidInput, NotFound, Refused
from ledger.execute import decide
from ledger.fold import fold
from ledger.ledger import Ledger
from ledger.state import Milestone, PlanState, Recorded

TODAY = date(2020, 6, 1)
Run = Callable[..., Result]


def _milestone(code: str, level: int = 3, **changes: Any) -> Milestone:
    due = changes.pop("due", "2020-05-29")
    return Milestone(code, level, f"Work {code}", due, due, 1, **changes)


def _state(*milestones: Milestone) -> PlanState:
    state = PlanState(name="hand-built")
    for m in milestones:
        state.milestones[m.code] = m
    return state


def _facts(state: PlanState, request: rq.Change) -> list[tuple[str, dict[str, Any]]]:
    return [(d.fact.type, fact_data(d.fact)) for d in decide(request, state, today=TODAY)]


def _event(seq: int, type_: str, **data: Any) -> Recorded:
    return Recorded(
        seq, f"e{seq}", type_, str(data.get("code", "")), "alice", "k", None, None,
        "2020-01-01T00:00:00.000000Z", "2020-01-01T00:00:00.000000Z", data, "0" * 64, b"",
    )  # fmt: skip


# --- decisions ------------------------------------------------------------------------------------


def test_reinstating_a_withdrawn_milestone_records_it_with_the_reason() -> None:
    state = _state(_milestone("DM-DAX-5", withdrawn=True))

    facts = _facts(state, rq.ReinstateMilestone(code="DM-DAX-5", reason="back in 2022"))

    assert facts == [("milestone.reinstated", {"code": "DM-DAX-5", "reason": "back in 2022"})]


def test_reinstating_a_milestone_in_the_plan_is_refused() -> None:
    state = _state(_milestone("DM-DAX-5"))

    with pytest.raises(Refused, match="DM-DAX-5 is in the plan, not withdrawn; nothing to"):
        _facts(state, rq.ReinstateMilestone(code="DM-DAX-5", reason="why"))


def test_defining_a_withdrawn_code_again_points_to_reinstate() -> None:
    state = _state(_milestone("DM-DAX-5", withdrawn=True))

    with pytest.raises(Refused, match=r"milestone reinstate DM-DAX-5 --reason TEXT"):
        _facts(state, rq.DefineMilestone(code="DM-DAX-5", title="t", due="2020-01-01", level=2))


def test_a_dependency_names_the_milestone_it_waits_for() -> None:
    state = _state(_milestone("DM-AP-17"), _milestone("DM-AP-18"))

    facts = _facts(state, rq.DependMilestone(code="DM-AP-18", on="DM-AP-17"))

    assert facts == [("milestone.depends", {"code": "DM-AP-18", "predecessor": "DM-AP-17"})]


@pytest.mark.parametrize(
    ("code", "on", "error", "says"),
    [
        ("DM-AP-18", "DM-AP-18", Refused, "DM-AP-18 cannot wait for itself"),
        ("DM-AP-18", "DM-AP-17", Refused, "DM-AP-18 already waits for DM-AP-17"),
        ("DM-AP-16", "DM-AP-18", Refused, "DM-AP-18 already waits for DM-AP-16 (DM-AP-18 after "),
        ("DM-AP-18", "DM-AP-10", Refused, "DM-AP-10 was withdrawn from the plan"),
        ("DM-AP-18", "DM-AP-71", NotFound, "no milestone 'DM-AP-71' in the plan; did you mean"),
    ],
)
def test_a_dependency_that_is_not_new_or_makes_a_loop_is_refused(
    code: str, on: str, error: type[Exception], says: str
) -> None:
    state = _state(
        _milestone("DM-AP-16"),
        _milestone("DM-AP-17", depends=["DM-AP-16"]),
        _milestone("DM-AP-18", depends=["DM-AP-17"]),
        _milestone("DM-AP-10", withdrawn=True),
    )

    with pytest.raises(error, match=says.replace("(", r"\(")):
        _facts(state, rq.DependMilestone(code=code, on=on))


def test_undepending_needs_a_dependency_to_undo() -> None:
    state = _state(_milestone("DM-AP-17"), _milestone("DM-AP-18", depends=["DM-AP-17"]))

    facts = _facts(state, rq.UndependMilestone(code="DM-AP-18", on="DM-AP-17"))

    assert facts == [("milestone.independent", {"code": "DM-AP-18", "predecessor": "DM-AP-17"})]
    with pytest.raises(
        Refused, match=r"DM-AP-17 does not wait for DM-AP-18 \(it waits for nothing\)"
    ):
        _facts(state, rq.UndependMilestone(code="DM-AP-17", on="DM-AP-18"))


def test_a_predecessor_code_is_checked_when_the_request_is_built() -> None:
    with pytest.raises(InvalidInput, match="predecessor code 'DM AP' is not valid"):
        rq.DependMilestone(code="DM-AP-18", on="DM AP")


def test_slack_words_read_on_as_the_predecessor() -> None:
    request = grammar.parse(["depend", "DM-AP-18", "on", "DM-AP-17", "--rfc", "rfc-781"])

    assert request == rq.DependMilestone(code="DM-AP-18", on="DM-AP-17", rfc="RFC-781")


# --- the fold -------------------------------------------------------------------------------------


def test_a_reinstated_milestone_returns_as_it_was_when_it_left() -> None:
    events = [
        _event(1, "milestone.defined", code="L-1", level=2, title="R", baseline="2020-01-01",
               forecast="2020-01-01"),
        _event(2, "milestone.defined", code="DM-A-1", level=3, title="A", baseline="2020-01-01",
               forecast="2020-02-01", releases=["L-1"]),
        _event(3, "milestone.withdrawn", code="DM-A-1", reason="gone"),
        _event(4, "milestone.reinstated", code="DM-A-1", reason="back"),
    ]  # fmt: skip

    state = fold(events)

    m = state.milestones["DM-A-1"]
    assert (m.withdrawn, m.title, m.forecast, m.releases) == (False, "A", "2020-02-01", ["L-1"])
    assert state.oddities == []


def test_dependencies_follow_a_rename_and_come_undone() -> None:
    events = [
        _event(1, "milestone.defined", code="DM-A-1", level=3, title="A", baseline="2020-01-01",
               forecast="2020-01-01"),
        _event(2, "milestone.defined", code="DM-A-2", level=3, title="B", baseline="2020-02-01",
               forecast="2020-02-01"),
        _event(3, "milestone.depends", code="DM-A-2", predecessor="DM-A-1"),
        _event(4, "milestone.renamed", code="DM-A-1", new_code="DM-A-01"),
    ]  # fmt: skip

    renamed = fold(events)
    undone = fold(
        [*events, _event(5, "milestone.independent", code="DM-A-2", predecessor="DM-A-1")]
    )

    assert renamed.milestones["DM-A-2"].depends == ["DM-A-01"]
    assert undone.milestones["DM-A-2"].depends == []


def test_a_definition_of_a_withdrawn_code_starts_a_new_milestone_without_an_oddity() -> None:
    # What a late import leaves behind: a milestone it defined, withdrawn again just before
    # the later revision that defines the same code from scratch.
    events = [
        _event(1, "milestone.defined", code="DM-A-1", level=3, title="old", baseline="2018-01-01",
               forecast="2018-01-01"),
        _event(2, "milestone.withdrawn", code="DM-A-1", reason="restoring"),
        _event(3, "milestone.defined", code="DM-A-1", level=3, title="new", baseline="2022-01-01",
               forecast="2022-01-01"),
        _event(4, "milestone.defined", code="DM-A-1", level=3, title="again", baseline="2023-01-01",
               forecast="2023-01-01"),
    ]  # fmt: skip

    state = fold(events)

    m = state.milestones["DM-A-1"]
    assert (m.title, m.baseline, m.withdrawn, m.defined_seq) == ("new", "2022-01-01", False, 3)
    assert state.oddities == [(4, "DM-A-1 defined again")]


# --- through the command line ---------------------------------------------------------------------


@pytest.fixture
def milestone(ledger: Ledger, db_url: str, tmp_path: Path) -> Run:
    runner = CliRunner()

    def run(*args: str, ok: bool = True) -> Result:
        key = tmp_path / "keys" / "alice.pem"
        result = runner.invoke(app, ["--db", db_url, "--key", str(key), *args])
        if ok:
            assert result.exit_code == 0, result.output
        return result

    return run


@pytest.fixture
def planned(milestone: Run) -> None:
    """LDM-503-05 with DM-AP-17 and DM-AP-18 under it, under the approved RFC-1."""
    milestone("rfc", "open", "RFC-1", "Plan")
    milestone(
        "define", "LDM-503-05", "Alerts", "--due", "2020-07-17", "--level", "2", "--rfc", "RFC-1"
    )
    for code, due in (("DM-AP-17", "2020-04-30"), ("DM-AP-18", "2020-05-29")):
        milestone(
            "define", code, f"Work {code}", "--due", due, "--in", "LDM-503-05", "--rfc", "RFC-1"
        )
    milestone("rfc", "approve", "RFC-1")


def _json(milestone: Run, *args: str) -> Any:
    return json.loads(milestone(*args, "--json").stdout)


def test_a_withdrawn_milestone_is_reinstated_under_change_control_and_history_says_so(
    planned: None, milestone: Run
) -> None:
    milestone("withdraw", "DM-AP-17", "--reason", "descoped", "--rfc", "RFC-1")
    refused = milestone("reinstate", "DM-AP-17", "--reason", "back", ok=False)

    milestone("reinstate", "DM-AP-17", "--reason", "back in scope", "--rfc", "RFC-1")

    assert refused.exit_code != 0 and "needs an RFC" in refused.stderr
    shown = _json(milestone, "show", "DM-AP-17")
    assert (shown["withdrawn"], shown["milestone"]["status"]) == (False, "late")
    history = milestone("history", "DM-AP-17").stdout
    assert "reinstated DM-AP-17: back in scope" in history and "withdrew DM-AP-17" in history


def test_a_dependency_is_shown_in_json_and_checked(planned: None, milestone: Run) -> None:
    milestone("depend", "DM-AP-17", "--on", "DM-AP-18", "--rfc", "RFC-1")

    shown = _json(milestone, "show", "DM-AP-17")
    other = _json(milestone, "show", "DM-AP-18")
    text = milestone("show", "DM-AP-17").stdout
    found = [o for o in _json(milestone, "check") if o["kind"] == "before-predecessor"]

    assert shown["milestone"]["depends"] == ["DM-AP-18"] and other["needed_by"] == ["DM-AP-17"]
    assert "waits for   DM-AP-18" in text
    assert [(o["code"], o["message"]) for o in found] == [
        (
            "DM-AP-17",
            "DM-AP-17 is forecast 2020-04-30, before DM-AP-18 (2020-05-29), which it waits for",
        )
    ]

    milestone("undepend", "DM-AP-17", "--on", "DM-AP-18", "--rfc", "RFC-1")

    assert _json(milestone, "show", "DM-AP-17")["milestone"]["depends"] == []
    assert not [o for o in _json(milestone, "check") if o["kind"] == "before-predecessor"]
    assert "no longer waits for DM-AP-18" in milestone("history", "DM-AP-17").stdout
