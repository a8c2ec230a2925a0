"""The JSON API and the plan's downloads.

`/api/WORDS?PARAMS` answers every read command of the grammar with exactly
the JSON `milestone WORDS --PARAMS --json` prints (`/api/plan?as_of=RFC-781`,
`/api/rfc/show?rfc=RFC-781`); a command's one positional word may also
follow its words in the path (`/api/show/DM-AP-18`). `/api/` lists them.
`/plan.md`, `.tex`, `.csv` and `.json` are the plan as `milestone plan
--format` writes it.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from ledger import grammar
from ledger import requests as rq
from ledger import results as rs
from ledger.data import as_json, data
from ledger.errors import NotFound
from ledger.urls import query_params
from web.pages import answers_of, pairs_of, read_request

JSON = "application/json"
DOWNLOADS = {
    "md": "text/markdown; charset=utf-8",
    "tex": "application/x-tex; charset=utf-8",
    "csv": "text/csv; charset=utf-8",
    "json": JSON,
}
_FILENAME_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def _command_words(path: str) -> tuple[list[str], list[str]]:
    """The words naming a command at the start of `path`, and the words after them."""
    words = [word for word in path.split("/") if word]
    for length in (2, 1):
        if tuple(words[:length]) in grammar.BY_NAME:
            return words[:length], words[length:]
    raise NotFound(f"/api/{path} is not a command of the ledger; /api/ lists them")


async def command(request: Request) -> Response:
    """A read command's answer as JSON."""
    path = request.path_params["path"]
    words, rest = _command_words(path)
    pairs = pairs_of(request)
    if rest:
        positional = [p for p in grammar.BY_NAME[tuple(words)].params if p.kind == "arg"]
        if len(positional) != 1:
            raise NotFound(
                f"/api/{path}: give {' and '.join(p.name for p in positional) or 'nothing'} "
                "in the query string"
            )
        # A milestone code may hold a slash: the rest of the path is the one word.
        pairs.insert(0, (positional[0].name, "/".join(rest)))
    ask = read_request(words, pairs)
    return await _json(request, ask)


async def _json(request: Request, ask: rq.Request) -> Response:
    answers = answers_of(request)

    def work() -> str:
        if isinstance(ask, rq.VerifyLedger):
            result: rs.Result = answers.verification(ask, again=True).result
        else:
            (result,) = answers.ask(ask).results
        return as_json(data(result)) + "\n"

    return Response(await run_in_threadpool(work), media_type=JSON)


async def index(request: Request) -> Response:
    """The commands the API answers, with their parameters and what each means."""
    commands = [
        {
            "path": "/api/" + "/".join(c.path),
            "help": c.help,
            "params": {name: p.help for name, p in query_params(c).items()},
        }
        for c in grammar.COMMANDS
        if not c.writes
    ]
    return JSONResponse({"commands": commands})


def download(fmt: str) -> Callable[[Request], object]:
    """The plan as a file in format `fmt`."""

    async def endpoint(request: Request) -> Response:
        ask = read_request(["plan"], pairs_of(request))
        assert isinstance(ask, rq.ShowPlan)
        answers = answers_of(request)

        def work() -> str:
            (result,) = answers.ask(dataclasses.replace(ask, format=fmt)).results
            assert isinstance(result, rs.PlanResult)
            return plan_file(result)

        point = _FILENAME_UNSAFE.sub("_", ask.as_of or "now")
        disposition = f'attachment; filename="plan-as-of-{point}.{fmt}"'
        body = await run_in_threadpool(work)
        return Response(
            body, media_type=DOWNLOADS[fmt], headers={"content-disposition": disposition}
        )

    endpoint.__doc__ = f"The plan as {fmt}."
    return endpoint


def plan_file(result: rs.PlanResult) -> str:
    """A plan in the format it was asked for, as `milestone plan --format` writes it."""
    if result.format == "json":
        return as_json(data(result)) + "\n"
    from ledger import render

    writers = {"csv": render.to_csv, "md": render.to_markdown, "tex": render.to_latex}
    return writers[result.format](result.plan)


def routes() -> list[Route]:
    """The API's and the downloads' routes."""
    return [
        Route("/api/", index),
        Route("/api/{path:path}", command),
        *(Route(f"/plan.{fmt}", download(fmt)) for fmt in DOWNLOADS),
    ]
