"""Plans as comparable lists: one read from a document's own text, one from the ledger.

The document side uses only the independent reference reader (`ldm564_reference`), never
the project's parser or importer, so a test comparing the two can fail.
"""

from __future__ import annotations

import re
from typing import Any

from ldm564_reference import section3_lines

from ledger.queries import MilestoneRow, Plan

_LEVEL3 = re.compile(
    r"(?P<code>DM-[A-Z]+(?:-\d+)?): (?P<title>.+) "
    r"\(Due: (?P<due>\S+); (?:completed (?P<done>\S+)|currently incomplete)\)"
)
_DUE = re.compile(r"Due: (?P<due>\S+); (?:completed (?P<done>\S+)|currently incomplete)\.")


def document_plan(text: str) -> list[dict[str, Any]]:
    """Section 3 as blocks of {code, title, forecast, completed, milestones}, in document
    order; each milestone {code, title, forecast, completed}."""
    blocks: list[dict[str, Any]] = []
    for line in section3_lines(text):
        if (level3 := _LEVEL3.fullmatch(line)) is not None:
            blocks[-1]["milestones"].append(
                {
                    "code": level3["code"],
                    "title": level3["title"],
                    "forecast": level3["due"],
                    "completed": level3["done"],
                }
            )
        elif (due := _DUE.fullmatch(line)) is not None:
            blocks[-1].update(forecast=due["due"], completed=due["done"])
        else:
            title, code = line.rsplit(": ", 1)
            blocks.append({"code": code, "title": title, "milestones": []})
    return blocks


def _fields(row: MilestoneRow) -> dict[str, Any]:
    return {
        "code": row.code,
        "title": row.title,
        "forecast": row.forecast,
        "completed": row.completed,
    }


def ledger_plan(plan: Plan) -> list[dict[str, Any]]:
    """The same shape, from the ledger's plan (its rows in the order the plan lays them out)."""
    assert plan.unassigned == [], f"milestones under no release: {plan.unassigned}"
    return [
        {**_fields(block.release), "milestones": [_fields(m) for m in block.milestones]}
        for block in plan.releases
    ]


def json_plan(plan: dict[str, Any]) -> list[dict[str, Any]]:
    """The same shape, from `milestone plan --json`."""

    def fields(row: dict[str, Any]) -> dict[str, Any]:
        return {k: row[k] for k in ("code", "title", "forecast", "completed")}

    return [
        {**fields(block["release"]), "milestones": [fields(m) for m in block["milestones"]]}
        for block in plan["releases"]
    ]
