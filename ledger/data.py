"""Each result as plain JSON data, by its type: what `--json` prints and `/api/` answers.

Both front ends share this, so the CLI's `--json` and the web view's API stay byte
for byte the same. Most results are their content (dataclasses, lists) turned into dicts and
lists; a verification report and a diff say a little more than their fields.
Nothing here imports what the result at hand does not contain.
"""

from __future__ import annotations

import dataclasses
import json
from functools import singledispatch
from typing import TYPE_CHECKING, Any

from ledger import results as rs
from ledger.state import Recorded

if TYPE_CHECKING:
    from ledger.verify import Report


@singledispatch
def data(result: rs.Result) -> Any:
    """A result as plain JSON data."""
    return plain(result.content)


@data.register
def _(result: rs.VerifyResult) -> Any:
    found = report_data(result.report)
    if result.tree is not None:
        found["tree"] = result.tree.counts()  # its findings are the report's
    return found


@data.register
def _(result: rs.DiffResult) -> Any:
    return {**dataclasses.asdict(result.diff), "counts": result.diff.counts}


def report_data(report: Report) -> dict[str, Any]:
    """A verification report as JSON data."""
    return {
        "ok": report.ok,
        "checked": report.checked,
        "ledger_id": report.ledger_id,
        "head": report.head_hash,
        "failure": dataclasses.asdict(report.failure) if report.failure else None,
    }


def plain(value: Any) -> Any:
    """Dataclasses, lists and dicts as JSON data; an event as its stored fields."""
    if isinstance(value, Recorded):
        from ledger.ledger import dump_fields

        return dump_fields(value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, list | tuple):
        return [plain(item) for item in value]
    if isinstance(value, dict):
        return {key: plain(item) for key, item in value.items()}
    return value


def as_json(value: Any) -> str:
    """JSON data as indented text, non-ASCII kept, with no final newline."""
    return json.dumps(value, indent=2, ensure_ascii=False)
