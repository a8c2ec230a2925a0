"""Requests are data: words parse into them, they check their input, they declare their needs."""

import shlex
from dataclasses import FrozenInstanceError
from datetime import date

import pytest

from ledger import grammar
from ledger import requests as rq
from ledger.errors import InvalidInput


def test_words_parse_into_the_typed_request_both_front_ends_use():
    words = 'define DM-AP-18 "Alert packets" --due 2020-05-29 --in LDM-503-05 --in LDM-503-06'

    request = grammar.parse([*shlex.split(words), "--rfc", "rfc-781"])

    assert request == rq.DefineMilestone(
        code="DM-AP-18",
        title="Alert packets",
        due=date(2020, 5, 29),
        level=3,
        releases=("LDM-503-05", "LDM-503-06"),
        rfc="RFC-781",
    )


def test_slacks_on_date_and_options_with_equals_signs_parse_too():
    assert grammar.parse(["complete", "DM-AP-18", "on", "2020-05-31"]) == rq.CompleteMilestone(
        code="DM-AP-18", on=date(2020, 5, 31)
    )
    assert grammar.parse(["log", "--type=rfc.", "--limit", "3"]) == rq.ShowLog(
        event_type="rfc.", limit=3
    )


def test_a_request_is_frozen():
    request = rq.RetitleMilestone(code="DM-AP-18", title="x")

    with pytest.raises(FrozenInstanceError):
        request.title = "y"  # type: ignore[misc]


@pytest.mark.parametrize(
    ("words", "message"),
    [
        (["move", "DM-AP-18", "2020-02-30"], "not a real date"),
        (["retitle", "DM-AP-18", "bell\x07"], "control character"),
        (["define", "DM-AP-99", "x", "--due", "2020-01-01"], "--level 2"),
        (["rfc", "open", "781", "x"], "RFC-<number>"),
        (["grant", "bob", "boss"], "not a role"),
        (["log", "--since", "x"], "whole number"),
        (["reopen", "DM-AP-18"], "missing --reason"),
        (["rename", "DM-AP-18"], "missing NEW"),
        (["plan", "--format", "csv"], "has no option --format"),
        (["shout"], "unknown command"),
    ],
)
def test_malformed_words_are_refused_before_anything_runs(words, message):
    with pytest.raises(InvalidInput, match=message):
        grammar.parse(words)


def test_each_change_declares_the_role_and_change_control_it_needs():
    define = rq.DefineMilestone(code="L2", title="x", due="2020-01-01", level=2)
    forecast = rq.MoveMilestone(code="L2", to="2020-02-01")
    baseline = rq.MoveMilestone(code="L2", to="2020-02-01", baseline=True, rfc="RFC-1")

    assert (define.needs.role, define.needs.rfc) == ("editor", "baseline control")
    assert (forecast.needs.rfc, baseline.needs.rfc) == ("no", "always")
    assert rq.ApproveRfc(rfc="RFC-1").needs.role == "approver"
    assert rq.RevokeKey(key_id="00", reason="x").needs.role == "admin"
    assert (baseline.under, rq.OpenRfc(rfc="RFC-2", title="t").under) == ("RFC-1", None)


def test_only_an_approval_asks_to_be_confirmed_first():
    asking = [
        r.WORDS
        for r in rq.GRAMMAR
        if issubclass(r, rq.Change) and r.preview is not rq.Change.preview
    ]

    assert asking == [("rfc", "approve")]
    assert rq.ApproveRfc(rfc="rfc-7", version="1.5").preview() == rq.PreviewApproval(
        rfc="RFC-7", version="1.5"
    )


def test_the_grammar_is_the_request_classes():
    commands = {c.name: c for c in grammar.COMMANDS}

    assert commands["move"].usage() == "move CODE DATE [--baseline] [--rfc RFC] [--reason TEXT]"
    assert commands["define"].usage().endswith("[--in L2 ...] [--rfc RFC]")
    assert commands["complete"].help == rq.CompleteMilestone.__doc__
    assert commands["complete"].examples == rq.CompleteMilestone.EXAMPLES
    assert {c.request for c in grammar.COMMANDS} == set(rq.GRAMMAR)


def test_every_request_has_a_handler_and_every_result_a_rendering_in_both_front_ends():
    from bot import render as slack
    from cli import render as terminal
    from ledger import change_results, results
    from ledger.handle import HANDLERS

    shown_in_slack = {
        cls
        for module in (results, change_results)
        for cls in vars(module).values()
        if isinstance(cls, type) and issubclass(cls, results.Result) and cls is not results.Result
    } - {results.ApprovalPreviewResult, change_results.ImportResult, results.KeyListResult}

    assert [r for r in rq.GRAMMAR if r not in HANDLERS] == []
    assert [r for r in (rq.AddKey, rq.ListKeys, rq.ImportRevision) if r not in HANDLERS] == []
    for cls in shown_in_slack:
        assert slack.answer.dispatch(cls) is not slack.answer.dispatch(results.Result), cls
        assert terminal.text.dispatch(cls) is not terminal.text.dispatch(results.Result), cls
