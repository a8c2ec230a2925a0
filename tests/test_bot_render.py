"""Replies stay inside Slack's limits however much the ledger has to say, and say all of it."""

import re

import pytest

from bot import blocks, limits, pages
from bot.links import web_link
from bot.more import PageRequest, more_button


def _with_extras(page):
    """A page with the most the bot ever adds to one: a note, a web link, a "more" button."""
    words = ("log", "--actor", "x" * (limits.BUTTON_VALUE - 60))
    button = more_button(PageRequest(words, 2, 10**9), 99)
    assert button is not None and len(button["elements"][0]["value"]) > 1900
    extras = web_link("https://w.example/" + "p" * 900)
    return page.with_note("n" * 400).with_blocks(*extras, button)


def test_a_long_answer_is_paged_within_slacks_limits_and_every_line_is_on_a_page():
    lines = [f"`DM-AP-{n}` " + "x" * 90 for n in range(1000)]

    reply = pages.reply("*Plan*", lines, note="as of now")

    assert reply.pages > 1
    shown = []
    for number in range(1, reply.pages + 1):
        message = _with_extras(reply.page(number)).message()
        assert limits.problems(message) == []
        shown += re.findall(r"`DM-AP-(\d+)`", str(message["blocks"]))
    assert shown == [str(n) for n in range(1000)]
    assert reply.blocks[-1]["elements"][0]["text"] == "as of now"  # the note ends page 1
    assert "*Plan* · page 2 of" in str(reply.page(2).blocks[0])


def test_a_short_answer_is_shown_whole():
    reply = pages.reply("*Late* (2)", ["one", "two"])

    assert reply.pages == 1
    assert [b["text"]["text"] for b in reply.blocks] == ["*Late* (2)", "one\ntwo"]


@pytest.mark.parametrize("line", ["&" * 5000, "<@U1> " * 900, "`code` " * 800, "é" * 4000])
def test_an_overlong_line_is_cut_cleanly_and_the_page_still_fits(line):
    escaped = blocks.escape(line) if line.startswith("&") else line

    reply = pages.reply("*Odd*", [escaped, "after"])

    message = _with_extras(reply).message()
    assert limits.problems(message) == []
    text = message["blocks"][1]["text"]["text"]
    assert text.endswith("…\nafter")
    assert not re.search(r"&[a-z]*…|<[^>]*…", text)
    assert text.count("`") % 2 == 0


def test_a_payload_over_any_limit_is_named():
    huge = {
        "text": "t" * 40_001,
        "blocks": [blocks.section("s" * 3001)] * 51,
    }

    found = limits.problems(huge)

    assert any("text is 40001" in p for p in found)
    assert any("51 blocks" in p for p in found)
    assert any("section text is 3001" in p for p in found)
    assert any("in all" in p for p in found)


def test_only_well_formed_slack_actors_become_mentions():
    assert blocks.who("slack:T1/U2") == "<@U2>"
    assert blocks.who("slack:T1/<!channel>") == "slack:T1/&lt;!channel&gt;"
    assert blocks.who("<!here>") == "&lt;!here&gt;"
