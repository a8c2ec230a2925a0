"""From the text Slack sends after `/milestone` to the words the shared grammar parses.

Slack encodes `&`, `<` and `>` as entities and wraps mentions, channels and
links in angle brackets (`<@U123|alice>`, `<#C1|plan>`, `<https://x|x>`).
A user mention becomes the ledger actor `slack:TEAM/USER`; everything else
becomes the plain text the user typed. Then the text is split like a shell
line, so titles with spaces go in quotes.
"""

from __future__ import annotations

import re
import shlex

from ledger.errors import InvalidInput

_MARKUP = re.compile(r"<([^<>]*)>")
# Slack clients turn typed quotes into typographic ones; shlex knows only the plain ones.
_SMART_QUOTES = str.maketrans(
    {"\u201c": '"', "\u201d": '"', "\u201e": '"', "\u2018": "'", "\u2019": "'"}
)
_SLACK_ID = re.compile(r"^[A-Z0-9]{2,40}$")


def actor_of(team_id: str, user_id: str) -> str:
    """The ledger actor for a Slack user: `slack:TEAM/USER`, from verified ids only."""
    if not (_SLACK_ID.match(team_id) and _SLACK_ID.match(user_id)):
        raise InvalidInput(f"Slack ids {team_id!r}/{user_id!r} are not valid")
    return f"slack:{team_id}/{user_id}"


def decode(text: str, *, team_id: str) -> str:
    """Slack's markup turned back into what the user typed (mentions into actors)."""

    def plain(match: re.Match[str]) -> str:
        target, _, label = match.group(1).partition("|")
        if target.startswith("@") and _SLACK_ID.match(target[1:]):
            return actor_of(team_id, target[1:])
        if target.startswith("#"):
            return "#" + (label or target[1:])
        if target.startswith("!"):
            # <!channel>, <!here>, <!subteam^S1|@team>, <!date^…|text>: keep them inert.
            return label or "@" + target[1:].split("^")[0]
        return label or target

    text = _MARKUP.sub(plain, text)
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def split(text: str, *, team_id: str) -> list[str]:
    """The words of a slash command's text, ready for `ledger.grammar.parse`."""
    line = decode(text, team_id=team_id).translate(_SMART_QUOTES)
    try:
        return shlex.split(line)
    except ValueError:
        raise InvalidInput(
            "a quote is not closed; put text with spaces or an apostrophe in double quotes, "
            'e.g. reopen DM-AP-18 --reason "it wasn\'t done"'
        ) from None
