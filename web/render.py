"""How results read in a browser: each result type as an HTML fragment, pages around them.

`fragment` renders a result by its type (`functools.singledispatch`), as the
terminal's `cli.render.text` and Slack's `bot.render.answer` do; the page a
fragment sits in adds the forms that choose what to ask. Templates are
Jinja2 with autoescaping on, so every value from the ledger (a title such as
`<script>alert(1)</script>`) reaches the browser as text.
"""

from __future__ import annotations

from functools import singledispatch
from typing import Any
from urllib.parse import quote, urlencode

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup

from ledger import grammar
from ledger import report_results as rr
from ledger import results as rs
from ledger.queries import Plan
from ledger.urls import query_params

ENV = Environment(
    loader=PackageLoader("web", "templates"),
    autoescape=True,
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)


def url(path: str, **query: object) -> str:
    """A link: `path` with the query parameters that have a value (None and "" left out)."""
    pairs = [(k, str(v)) for k, v in query.items() if v is not None and v != ""]
    return f"{path}?{urlencode(pairs, quote_via=quote)}" if pairs else path


def milestone_url(code: str, as_of: str | None = None) -> str:
    """The page of a milestone, as of a point other than now if one is given."""
    return url(f"/milestone/{quote(code, safe='')}", as_of=None if as_of == "now" else as_of)


def rfc_url(rfc: str) -> str:
    """The page of an RFC."""
    return f"/rfc/{quote(rfc, safe='')}"


def level3_count(plan: Plan) -> int:
    """How many Level-3 milestones a plan shows (one under two releases counts once)."""
    codes = {m.code for block in plan.releases for m in block.milestones}
    return len(codes | {m.code for m in plan.unassigned})


def plan_rows(plan: Plan) -> list[tuple[str, Any]]:
    """A plan's rows in order: each Level-2 milestone ("l2") then its Level-3 ones ("l3"),
    then, after a ("group", None) heading, those under no Level-2 milestone."""
    rows: list[tuple[str, Any]] = []
    for block in plan.releases:
        rows.append(("l2", block.release))
        rows.extend(("l3", m) for m in block.milestones)
    if plan.unassigned:
        rows.append(("group", None))
        rows.extend(("l3", m) for m in plan.unassigned)
    return rows


def instant(text: str | None) -> str:
    """An ISO instant for people: `2021-06-03 14:02:11` (UTC)."""
    return text[:19].replace("T", " ") if text else ""


def fields_of(words: str) -> list[tuple[str, grammar.Param]]:
    """The query parameters of a command, for a form that asks it."""
    return list(query_params(grammar.BY_NAME[tuple(words.split())]).items())


ENV.globals.update(
    url=url,
    milestone_url=milestone_url,
    rfc_url=rfc_url,
    level3_count=level3_count,
    plan_rows=plan_rows,
    fields_of=fields_of,
)
ENV.filters["instant"] = instant
ENV.filters["slug"] = lambda text: str(text).replace(" ", "-")


def _fragment(name: str, **context: Any) -> Markup:
    # The template escaped every value it placed: its output is markup.
    return Markup(ENV.get_template(f"results/{name}.html").render(**context))


def page(name: str, **context: Any) -> str:
    """A whole page (`templates/pages/NAME.html`)."""
    return ENV.get_template(f"pages/{name}.html").render(fragment=fragment, **context)


def error_page(status: int, message: str) -> str:
    """The one-line page that says what was wrong."""
    return ENV.get_template("pages/error.html").render(status=status, message=message)


# --- by result type -----------------------------------------------------------------------------


@singledispatch
def fragment(result: rs.Result) -> Markup:
    """How a result reads in a browser."""
    raise TypeError(f"no web page for {type(result).__name__}")


@fragment.register
def _(result: rs.PlanResult) -> Markup:
    return _fragment("plan", plan=result.plan)


@fragment.register
def _(result: rs.MilestoneResult) -> Markup:
    return _fragment("milestone", detail=result.detail)


@fragment.register
def _(result: rs.HistoryResult) -> Markup:
    return _fragment("entries", entries=result.entries, empty="No events.")


@fragment.register
def _(result: rs.LogResult) -> Markup:
    return _fragment("entries", entries=result.entries, empty="No events match.")


@fragment.register
def _(result: rs.DiffResult) -> Markup:
    return _fragment("diff", diff=result.diff)


@fragment.register
def _(result: rs.LateResult) -> Markup:
    return _fragment("rows", rows=result.rows, empty="Nothing is late.")


@fragment.register
def _(result: rs.UpcomingResult) -> Markup:
    return _fragment("rows", rows=result.rows, empty="Nothing is due in that window.")


@fragment.register
def _(result: rs.CheckResult) -> Markup:
    return _fragment("check", oddities=result.oddities)


@fragment.register
def _(result: rs.VerifyResult) -> Markup:
    return _fragment("verify", report=result.report)


@fragment.register
def _(result: rs.RfcResult) -> Markup:
    return _fragment("rfc", rfc=result.rfc)


@fragment.register
def _(result: rs.RfcListResult) -> Markup:
    return _fragment("rfc_list", rfcs=result.rfcs)


@fragment.register
def _(result: rr.SlipResult) -> Markup:
    return _fragment("slip", report=result.slip)


@fragment.register
def _(result: rr.CelebrationResult) -> Markup:
    return _fragment("celebration", report=result.celebration)
