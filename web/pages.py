"""The pages: each reads its address into requests, has the ledger answer, renders.

A page's address is the request it shows: the path names the command (and
the milestone or RFC), the query string holds the rest, as `ledger.urls`
spells it. An address that says the same thing another way (a blank form
field, the picker's log position) is redirected to the one way, so the
address in the bar is always the link to share.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import quote, urlencode

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from ledger import requests as rq
from ledger.errors import InvalidInput, NotFound
from ledger.urls import command_at, query_of, request_at, url_of
from web import render
from web.answers import Answer, Answers

#: Log entries a page shows when its address does not say how many (a log may be long).
LOG_PAGE = 200

Pairs = list[tuple[str, str]]


def answers_of(request: Request) -> Answers:
    """The app's answers (set up by `web.app.create_app`)."""
    answers = request.app.state.answers
    assert isinstance(answers, Answers)
    return answers


def read_request(words: Sequence[str], pairs: Pairs) -> rq.Request:
    """The read request a command's words and query pairs ask for. A change is not found:
    nothing on the web records anything."""
    command = command_at(words)
    if command.writes:
        raise NotFound(f"{command.name} is a change; the web view only reads")
    return request_at(command, pairs)


def address(path: str, pairs: Pairs) -> str:
    """A path with a query string."""
    return f"{path}?{urlencode(pairs, quote_via=quote)}" if pairs else path


def redirect_unless_canonical(
    path: str, ask: rq.Request, given: Pairs, *, fixed: Sequence[str] = ()
) -> RedirectResponse | None:
    """A redirect to the one way of writing `ask` at `path`, unless `given` is that way.
    `fixed` names the parameters the path itself carries."""
    wanted = [(k, v) for k, v in query_of(ask) if k not in fixed]
    if wanted == given:
        return None
    return RedirectResponse(address(path, wanted), status_code=303)


def pairs_of(request: Request) -> Pairs:
    """A request's query string as (name, value) pairs, in order."""
    return list(request.query_params.multi_items())


async def answer_page(
    request: Request,
    name: str,
    asks: Mapping[str, rq.Request],
    *,
    keep: bool = True,
    **context: Any,
) -> Response:
    """Answer `asks` (all from one reader) and render page `name` with each result under
    its key, and `context`. A page that shows only those answers is kept (`keep`) until
    the log grows; a browser that has it already is told so (304)."""
    answers = answers_of(request)

    def lay_out(answer: Answer) -> str:
        results = dict(zip(asks, answer.results, strict=True))
        return render.page(name, broken=answer.broken, **results, **context)

    if not keep:
        html = await run_in_threadpool(lambda: lay_out(answers.ask(*asks.values())))
        return HTMLResponse(html, headers={"cache-control": "no-store"})
    here = request.url.path + "?" + request.url.query
    page = await run_in_threadpool(answers.page, here, list(asks.values()), lay_out)
    # Browsers may keep a page, but must ask each time whether the log has grown since.
    headers = {"etag": page.etag, "cache-control": "no-cache", "vary": "Accept-Encoding"}
    if request.headers.get("if-none-match") == page.etag:
        return Response(status_code=304, headers=headers)
    body = page.body
    if page.gzipped is not None and _accepts_gzip(request.headers.get("accept-encoding", "")):
        body, headers["content-encoding"] = page.gzipped, "gzip"
    return Response(body, headers=headers, media_type="text/html; charset=utf-8")


def _accepts_gzip(accept_encoding: str) -> bool:
    for item in accept_encoding.split(","):
        name, _, weight = item.strip().partition(";")
        if name.strip().lower() == "gzip":
            return weight.replace(" ", "") not in ("q=0", "q=0.0", "q=0.00", "q=0.000")
    return False


# --- pages --------------------------------------------------------------------------------------


async def plan(request: Request) -> Response:
    """The plan as of a point, with the picker that chooses the point."""
    given = pairs_of(request)
    pairs = [(k, v) for k, v in given if k != "seq"]
    seq = [v for k, v in given if k == "seq" and v]
    if seq:
        # The picker's log-position box: `seq=120` is written `as_of=#120`.
        if not seq[-1].isdigit():
            raise InvalidInput(f"a log position is a whole number, not {seq[-1]!r}")
        pairs = [(k, v) for k, v in pairs if k != "as_of"] + [("as_of", f"#{int(seq[-1])}")]
    ask = read_request(["plan"], pairs)
    if (moved := redirect_unless_canonical("/plan", ask, given)) is not None:
        return moved
    return await answer_page(request, "plan", {"plan": ask, "rfcs": rq.ListRfcs()}, ask=ask)


async def milestone(request: Request) -> Response:
    """One milestone as of a point, and its whole history."""
    code = request.path_params["code"]
    given = pairs_of(request)
    ask = read_request(["show"], [("code", code), *given])
    path = render.milestone_url(code)
    if (moved := redirect_unless_canonical(path, ask, given, fixed=["code"])) is not None:
        return moved
    asks = {"detail": ask, "history": rq.ShowHistory(code=code)}
    return await answer_page(request, "milestone", asks, ask=ask)


async def rfc(request: Request) -> Response:
    """One RFC and the changes made under it."""
    given = pairs_of(request)
    ask = read_request(["rfc", "show"], [("rfc", request.path_params["rfc"]), *given])
    return await answer_page(request, "rfc", {"rfc": ask})


async def diff(request: Request) -> Response:
    """What changed between two points (the form alone until both are given)."""
    given = pairs_of(request)
    asks: dict[str, rq.Request] = {"rfcs": rq.ListRfcs()}
    ask = None
    if any(v for _, v in given):
        ask = read_request(["diff"], given)
        if (moved := redirect_unless_canonical("/diff", ask, given)) is not None:
            return moved
        asks["result"] = ask
    return await answer_page(request, "diff", asks, ask=ask)


def command_page(words: str, heading: str) -> Any:
    """A page that shows one command's answer under a form of its options."""

    async def endpoint(request: Request) -> Response:
        given = pairs_of(request)
        ask = read_request(words.split(), given)
        path = "/" + "/".join(words.split())
        if (moved := redirect_unless_canonical(path, ask, given)) is not None:
            return moved
        shown, note, more = ask, None, None
        if isinstance(ask, rq.ShowLog) and ask.limit is None:
            shown = dataclasses.replace(ask, limit=LOG_PAGE)
            note = f"The last {LOG_PAGE} matching events, oldest first."
            more = address(path, [*given, ("limit", str(LOG_PAGE * 5))])
        return await answer_page(
            request,
            "command",
            {"result": shown},
            ask=ask,
            more=more,
            open_form=bool(given),
            heading=heading,
            words=words,
            action=path,
            note=note,
        )

    endpoint.__doc__ = f"The {heading.lower()} page."
    return endpoint


async def verify(request: Request) -> Response:
    """The last verification of the stored log (run on first visit); `?run=1` runs it again
    and comes back here, so reloading the page does not."""
    given = pairs_of(request)
    again = any(k == "run" and v for k, v in given)
    pairs = [(k, v) for k, v in given if k != "run"]
    ask = read_request(["verify"], pairs)
    assert isinstance(ask, rq.VerifyLedger)
    answers = answers_of(request)
    verification = await run_in_threadpool(answers.verification, ask, again=again)
    if (moved := redirect_unless_canonical("/verify", ask, given)) is not None:
        return moved
    asks = {"latest": rq.ShowLog(limit=1)}
    rerun = address("/verify", [*query_of(ask), ("run", "1")])
    return await answer_page(
        request,
        "verify",
        asks,
        keep=False,
        verification=verification.result,
        when=verification.when,
        rerun=rerun,
    )


def page_url(ask: rq.Request) -> str:
    """The page that shows a request's answer: most are at the URL the grammar spells
    (`ledger.urls`), a milestone and an RFC at their own page."""
    if isinstance(ask, rq.ShowMilestone):
        return render.milestone_url(ask.code, ask.as_of)
    if isinstance(ask, rq.ShowHistory):
        return render.milestone_url(ask.code)
    if isinstance(ask, rq.ShowRfc):
        return render.rfc_url(ask.rfc)
    if isinstance(ask, rq.ListRfcs):
        return "/rfc"
    return url_of(ask)


async def by_command(request: Request) -> Response:
    """A command's URL whose answer has a page of its own (`/show?code=X`, which the Slack
    bot links to) goes to that page."""
    ask = read_request(request.url.path.strip("/").split("/"), pairs_of(request))
    return RedirectResponse(page_url(ask), status_code=303)


async def home(request: Request) -> Response:
    """The plan is the front page."""
    return RedirectResponse("/plan", status_code=303)


def routes() -> list[Route]:
    """The pages' routes."""
    return [
        # Before /rfc/{rfc}, which would take `show` and `list` for RFC ids.
        *(Route(path, by_command) for path in ("/show", "/history", "/rfc/show", "/rfc/list")),
        Route("/", home),
        Route("/plan", plan),
        Route("/milestone/{code:path}", milestone),
        Route("/rfc/{rfc}", rfc),
        Route("/rfc", command_page("rfc list", "RFCs")),
        Route("/diff", diff),
        Route("/log", command_page("log", "Log")),
        Route("/late", command_page("late", "Late")),
        Route("/upcoming", command_page("upcoming", "Upcoming")),
        Route("/check", command_page("check", "Check")),
        Route("/slip", command_page("slip", "Slip")),
        Route("/celebrate", command_page("celebrate", "Celebrate")),
        Route("/verify", verify),
    ]
