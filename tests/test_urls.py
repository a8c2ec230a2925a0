"""Read requests as URLs (`ledger.urls`): the form the web view answers and Slack links to."""

from __future__ import annotations

from urllib.parse import parse_qsl, unquote, urlsplit

import pytest

from ledger import grammar
from ledger import requests as rq
from ledger.errors import InvalidInput, NotFound
from ledger.urls import command_at, request_at, url_of

SAMPLES: list[rq.Request] = [
    rq.ShowPlan(),
    rq.ShowPlan(as_of="RFC-781", known_at="2021-01-01"),
    rq.ShowMilestone(code="DM/X-1", as_of="#12"),
    rq.ShowHistory(code="DM-AP-18"),
    rq.ShowLog(since=3, actor="slack:T1/U2", rfc="RFC-1", event_type="milestone.", limit=5),
    rq.DiffPlans(before="v1.1", after="now"),
    rq.ListLate(as_of="2020-01-01T12:00Z"),
    rq.ListUpcoming(days=7),
    rq.CheckPlan(),
    rq.VerifyLedger(ledger_id="ab", expect_head="cd", expect_length=3),
    rq.ShowRfc(rfc="RFC-781"),
    rq.ListRfcs(),
    rq.ShowCheckpoint(rfc="RFC-781"),
    rq.ListCheckpoints(),
    rq.Prove(seq=12),
    rq.ChartBurndown(level=3, compare="RFC-781", since="2021-01-01", size="800x600"),
    rq.ChartGantt(releases=("LDM-503-11a", "LDM-503-12"), members=True, as_of="v1.5"),
    rq.ChartSlip(before="2018-04-13", after="now", level=2, known_at="2023-01-01"),
    rq.ShowSlip(before="RFC-501", after="#400"),
    rq.Celebrate(since="2022-01-01", as_of="2022-08-13"),
    rq.ShowGraph(release="LDM-503-11a", target="DM-NCSA-22"),
]


def back(url: str) -> rq.Request:
    """The request a URL asks for, read the way the web view reads it."""
    parts = urlsplit(url)
    words = [unquote(word) for word in parts.path.strip("/").split("/")]
    return request_at(command_at(words), parse_qsl(parts.query, keep_blank_values=True))


def test_every_read_command_has_a_sample() -> None:
    reads = {c.request for c in grammar.COMMANDS if not c.writes}

    assert {type(request) for request in SAMPLES} == reads


@pytest.mark.parametrize("request_", SAMPLES, ids=lambda r: url_of(r))
def test_a_request_read_back_from_its_url_is_the_same_request(request_: rq.Request) -> None:
    assert back(url_of(request_)) == request_


@pytest.mark.parametrize(
    ("request_", "url"),
    [
        (rq.ShowPlan(), "/plan"),
        (rq.ShowPlan(as_of="RFC-781"), "/plan?as_of=RFC-781"),
        (rq.ShowPlan(as_of="RFC-781", format="csv"), "/plan?as_of=RFC-781"),
        (rq.ShowMilestone(code="DM/X-1", as_of="#12"), "/show?code=DM%2FX-1&as_of=%2312"),
        (rq.ShowLog(event_type="milestone.", since=3), "/log?since=3&type=milestone."),
        (rq.DiffPlans(before="2018-04-13", after="now"), "/diff?before=2018-04-13&after=now"),
        (rq.ShowRfc(rfc="RFC-781"), "/rfc/show?rfc=RFC-781"),
        (rq.ListUpcoming(), "/upcoming"),
    ],
)
def test_a_url_names_the_command_and_holds_what_differs_from_the_defaults(
    request_: rq.Request, url: str
) -> None:
    assert url_of(request_) == url


def test_a_blank_value_is_not_given() -> None:
    request = request_at(command_at(["plan"]), [("as_of", ""), ("known_at", "")])

    assert request == rq.ShowPlan()


@pytest.mark.parametrize(
    ("words", "query", "message"),
    [
        (["plan"], [("format", "csv")], "plan has no parameter 'format'; it takes as_of, known_at"),
        (["log"], [("since", "2"), ("since", "3")], "since is given twice"),
        (["log"], [("limit", "ten")], "--limit takes a whole number, not 'ten'"),
        (["diff"], [("before", "v1.1")], "diff needs after"),
        (["rfc", "list"], [("x", "1")], "rfc list has no parameter 'x'; it takes no parameters"),
    ],
)
def test_a_malformed_query_is_refused_saying_what_is_taken(
    words: list[str], query: list[tuple[str, str]], message: str
) -> None:
    with pytest.raises(InvalidInput) as refused:
        request_at(command_at(words), query)

    assert message in str(refused.value)


def test_words_that_name_no_command_are_not_found() -> None:
    with pytest.raises(NotFound, match="/rfc/frobnicate is not a command"):
        command_at(["rfc", "frobnicate"])
