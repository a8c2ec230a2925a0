"""Replies stay inside Slack's limits however much the ledger has to say."""

from bot import blocks


def test_a_long_answer_is_cut_to_slacks_limits_and_says_so():
    lines = [f"`DM-AP-{n}` " + "x" * 90 for n in range(1000)]

    reply = blocks.reply("*Plan*", lines, note="as of now")

    assert len(reply.blocks) <= 50
    sections = [b["text"]["text"] for b in reply.blocks if b["type"] == "section"]
    assert all(len(text) <= 3000 for text in sections)
    assert "more not shown here" in str(reply.blocks[-2])
    assert reply.blocks[-1]["elements"][0]["text"] == "as of now"


def test_a_short_answer_is_shown_whole():
    reply = blocks.reply("*Late* (2)", ["one", "two"])

    assert [b["text"]["text"] for b in reply.blocks] == ["*Late* (2)", "one\ntwo"]


def test_only_well_formed_slack_actors_become_mentions():
    assert blocks.who("slack:T1/U2") == "<@U2>"
    assert blocks.who("slack:T1/<!channel>") == "slack:T1/&lt;!channel&gt;"
    assert blocks.who("<!here>") == "&lt;!here&gt;"
