"""From what Slack sends after /milestone to the grammar's words."""

import pytest

from bot.words import actor_of, decode, split
from ledger.errors import InvalidInput


def test_a_user_mention_becomes_the_slack_actor_of_the_requesting_team():
    assert split("grant <@U012AB3CD|alice> editor", team_id="T024BE7LD") == [
        "grant",
        "slack:T024BE7LD/U012AB3CD",
        "editor",
    ]


def test_a_mention_without_a_label_works_too():
    assert decode("<@W0ENTERPRISE>", team_id="T1") == "slack:T1/W0ENTERPRISE"


def test_channels_links_and_special_mentions_become_inert_text():
    text = decode(
        "<#C123|general> <https://x.org|x.org> <https://y.org> <!channel> <!here>", team_id="T1"
    )

    assert text == "#general x.org https://y.org @channel @here"


def test_slack_entities_are_decoded_after_the_markup():
    assert decode("a &lt;b&gt; &amp;lt; c", team_id="T1") == "a <b> &lt; c"


def test_smart_quotes_from_slack_clients_group_words_like_straight_ones():
    typed = "retitle DM-AP-18 \u201cAlert packets\u201d --rfc \u2018RFC-7\u2019"

    words = split(typed, team_id="T1")

    assert words == ["retitle", "DM-AP-18", "Alert packets", "--rfc", "RFC-7"]


def test_an_unclosed_quote_says_how_to_quote():
    with pytest.raises(InvalidInput, match="double quotes"):
        split("reopen DM-AP-18 --reason it wasn't", team_id="T1")


def test_a_log_position_is_not_taken_for_a_comment():
    assert split("plan --as-of #12", team_id="T1") == ["plan", "--as-of", "#12"]


@pytest.mark.parametrize(("team", "user"), [("T1", "alice"), ("", "U1"), ("T1", "U1/../x")])
def test_only_real_slack_ids_make_an_actor(team, user):
    with pytest.raises(InvalidInput):
        actor_of(team, user)
