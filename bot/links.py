"""Links from Slack to the web view, for answers too long to read in one message.

When `MILESTONE_WEB_URL` is set, a paged answer links to the page that shows
all of it: `/plan?as_of=…`, `/milestone/CODE`, `/rfc/RFC-n`,
`/diff?before=X&after=Y`, `/log?since=…`. The address is built from the
request the answer came from (its selectors), never from the answer.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import singledispatch
from urllib.parse import quote, urlencode

from bot.blocks import Block, context, escape
from ledger import requests as rq

#: A longer address is left out rather than sent (Slack takes 3,000; nobody shares those).
MAX_URL = 1000

Query = Sequence[tuple[str, object]]


def _address(path: str, query: Query = ()) -> str:
    pairs = [(name, str(value)) for name, value in query if value not in (None, "", 0)]
    return f"{path}?{urlencode(pairs, quote_via=quote)}" if pairs else path


@singledispatch
def web_path(request: rq.Request) -> str | None:
    """The web view's path and query for `request`, or None if it has no page."""
    return None


@web_path.register
def _(request: rq.ShowPlan) -> str:
    return _address("/plan", [("as_of", request.as_of), ("known_at", request.known_at)])


@web_path.register
def _(request: rq.ShowMilestone) -> str:
    return _address("/milestone/" + quote(request.code, safe=""), [("as_of", request.as_of)])


@web_path.register
def _(request: rq.ShowHistory) -> str:
    return "/milestone/" + quote(request.code, safe="")


@web_path.register
def _(request: rq.ShowLog) -> str:
    return _address(
        "/log",
        [
            ("since", request.since),
            ("actor", request.actor),
            ("rfc", request.rfc),
            ("type", request.event_type),
            ("limit", request.limit),
        ],
    )


@web_path.register
def _(request: rq.DiffPlans) -> str:
    return _address("/diff", [("before", request.before), ("after", request.after)])


@web_path.register
def _(request: rq.ListLate) -> str:
    return _address("/late", [("as_of", request.as_of)])


@web_path.register
def _(request: rq.ListUpcoming) -> str:
    return _address("/upcoming", [("days", request.days)])


@web_path.register
def _(request: rq.CheckPlan) -> str:
    return _address("/check", [("as_of", request.as_of)])


@web_path.register(rq.ShowRfc)
@web_path.register(rq.PreviewApproval)
@web_path.register(rq.ApproveRfc)
def _(request: rq.ShowRfc | rq.PreviewApproval | rq.ApproveRfc) -> str:
    return "/rfc/" + quote(request.rfc, safe="")


@web_path.register
def _(request: rq.ListRfcs) -> str:
    return "/rfc"


def web_url(base: str | None, path: str | None) -> str | None:
    """`path` under the web view's address `base`, if both are there and it is not too long."""
    if not base or path is None:
        return None
    url = base.rstrip("/") + path
    return url if len(url) <= MAX_URL else None


def web_link(url: str | None, label: str = "All of it on the web") -> list[Block]:
    """A small line linking to `url` (none without one)."""
    if url is None:
        return []
    # The address is percent-encoded (no <, > or |); & is written as Slack's text wants it.
    return [context(f":globe_with_meridians: <{escape(url)}|{escape(label)}>")]
