"""Links from Slack to the web view, for answers too long to read in one message.

When `MILESTONE_WEB_URL` is set, every page of a paged answer links to the
web page that shows all of it. The address is the request the answer came
from, spelled as `ledger.urls` spells it (the web view answers exactly those
addresses, and sends a command's URL to its page: `/show?code=X` to
`/milestone/X`), never worked out from the answer.
"""

from __future__ import annotations

from bot.blocks import Block, context, escape
from ledger import requests as rq
from ledger.urls import url_of

#: A longer address is left out rather than sent (Slack takes 3,000; nobody shares those).
MAX_URL = 1000


def web_path(request: rq.Request) -> str | None:
    """The web view's path and query for `request`, or None if it has no page.

    An approval prompt links to its RFC.
    """
    if isinstance(request, rq.PreviewApproval | rq.ApproveRfc):
        request = rq.ShowRfc(rfc=request.rfc)
    try:
        return url_of(request)
    except KeyError:  # not a command of the grammar (a key listing, say): no page
        return None


def web_url(base: str | None, path: str | None) -> str | None:
    """`path` under the web view's address `base`, if both are there and it is not too long."""
    if not base or path is None:
        return None
    url = base.rstrip("/") + path
    return url if len(url) <= MAX_URL else None


def web_link(url: str | None, label: str = "The whole answer, on the web") -> list[Block]:
    """A small line linking to `url` (none without one)."""
    if url is None:
        return []
    # The address is percent-encoded (no <, > or |); & is written as Slack's text wants it.
    return [context(f":globe_with_meridians: <{escape(url)}|{escape(label)}>")]
