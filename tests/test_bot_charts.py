"""Charts in Slack: `/milestone chart ...` and `graph` upload a PNG through the external-upload
flow of the stand-in Web API; `slip` and `celebrate` answer as paged text."""

from __future__ import annotations

import json

import pytest
from bot_harness import Served, days_from_today
from images import inked, png_size
from slack_standin import Answer, SlackStandIn, message_text

from bot.limits import problems

pytest_plugins = ["bot_fixtures"]

BUSY = "The ledger database is slow to answer right now"


def _answer_text(served: Served, answer: Answer) -> str:
    """The answer's text: the acknowledgement's, or what followed it if drawing took longer
    than Slack's three seconds allow."""
    assert answer.status == 200
    assert answer.json["response_type"] == "ephemeral"
    assert not problems(answer.json)
    if BUSY not in answer.text:
        return answer.text
    (later,) = served.slack.wait_for(
        lambda slack: slack.responses(answer.response_name), what="the answer after the ack"
    )
    return message_text(later)


def _upload(slack: SlackStandIn) -> tuple[dict, bytes, dict]:
    """The one upload made: what was asked at getUploadURLExternal, the bytes, the completion."""
    (completed,) = slack.wait_for(
        lambda s: s.sent("files.completeUploadExternal"), what="files.completeUploadExternal"
    )
    (asked,) = slack.sent("files.getUploadURLExternal")
    (file,) = json.loads(completed["files"])
    return asked, slack.uploaded[file["id"]], {**completed, "file": file}


def test_a_burndown_is_uploaded_as_a_png_to_the_channel_it_was_asked_in(served_sqlite):
    before = served_sqlite.count()

    answer = served_sqlite.sender.command("chart burndown --level 3")

    text = _answer_text(served_sqlite, answer)
    asked, image, completed = _upload(served_sqlite.slack)
    assert "Level-3 milestones due and completed" in text and "posted in this channel" in text
    assert asked["filename"] == "burndown.png" and int(asked["length"]) == len(image)
    assert png_size(image) == (1200, 700)
    assert inked(image) > 0.02
    assert completed["channel_id"] == "CWORK"
    assert completed["file"]["title"].startswith("Level-3 milestones due and completed, as of 20")
    assert (
        "<@UALICE> asked for `/milestone chart burndown --level 3`" in completed["initial_comment"]
    )
    methods = [c.method for c in served_sqlite.slack.calls if c.method.startswith("files.")]
    assert methods == ["files.getUploadURLExternal", "files.completeUploadExternal"]
    assert served_sqlite.count() == before


@pytest.mark.parametrize(
    ("words", "title", "size"),
    [
        (
            "chart gantt --members --size 900x500",
            "Level-2 milestones and their Level-3",
            (900, 500),
        ),
        ("chart slip #9 now --size 800x400", "Forecasts moved from #9 to now", (800, 400)),
    ],
)
def test_a_gantt_and_a_slip_chart_are_uploaded_at_the_size_asked_for(
    served_sqlite, words, title, size
):
    answer = served_sqlite.sender.command(words)

    text = _answer_text(served_sqlite, answer)
    _, image, completed = _upload(served_sqlite.slack)
    assert title in text and completed["file"]["title"].startswith(title)
    assert png_size(image) == size
    assert inked(image) > 0.01


def test_a_dependency_graph_is_drawn_by_graphviz_and_uploaded(served_sqlite):
    answer = served_sqlite.sender.command("graph --release LDM-503-01")

    text = _answer_text(served_sqlite, answer)
    asked, image, completed = _upload(served_sqlite.slack)
    assert "Dependencies of LDM-503-01" in text
    assert completed["file"]["title"].startswith("Dependencies of LDM-503-01")
    assert asked["filename"] == "graph.png"
    width, height = png_size(image)
    assert width > 100 and height > 100 and inked(image) > 0.01


def test_an_upload_slack_refuses_is_answered_with_what_to_do_and_nothing_is_shared(served_sqlite):
    served_sqlite.slack.errors["files.completeUploadExternal"] = "not_in_channel"

    answer = served_sqlite.sender.command("chart burndown")

    text = _answer_text(served_sqlite, answer)
    assert ":warning:" in text and "not_in_channel" in text
    assert "/invite @milestone" in text


def test_a_chart_takes_no_out_file_in_slack(shared_sqlite):
    answer = shared_sqlite.sender.command("chart burndown --out burndown.png")

    assert "has no option --out" in answer.text
    assert shared_sqlite.slack.sent("files.getUploadURLExternal") == []


def test_a_bad_selector_is_answered_in_one_line_and_uploads_nothing(shared_sqlite):
    answer = shared_sqlite.sender.command("chart burndown --compare RFC-404")

    assert ":warning:" in answer.text and "RFC-404" in answer.text
    assert shared_sqlite.slack.sent("files.getUploadURLExternal") == []


def test_celebrate_answers_as_text_naming_who_recorded_each_completion(served_sqlite):
    served_sqlite.sender.command(f"complete DM-AP-19 on {days_from_today(-1)}")

    answer = served_sqlite.sender.command(f"celebrate --since {days_from_today(-3)}")

    assert answer.json["response_type"] == "ephemeral"
    assert "Milestones completed since" in answer.text
    assert "`DM-AP-19` Alert distribution — recorded by <@UALICE> on 20" in answer.text
    assert served_sqlite.slack.sent("files.getUploadURLExternal") == []


def test_slip_answers_as_text_largest_slip_first(served_sqlite):
    served_sqlite.sender.command(f"move DM-AP-18 {days_from_today(40)}")
    served_sqlite.sender.command(f"move DM-SQRE-3 {days_from_today(100)}")

    answer = served_sqlite.sender.command("slip #12 now")

    text = answer.text
    assert "Forecasts moved from #12 to now: 2 later, 0 earlier" in text
    assert text.index("`DM-AP-18`") < text.index("`DM-SQRE-3`")
    assert "*+30 days*" in text and "*+10 days*" in text
    assert not problems(answer.json)
